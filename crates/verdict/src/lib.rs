//! Judgement over a parsed bounce.
//!
//! Given a [`rebound_dsn::Bounce`], this crate says why each recipient failed
//! ([`classify`], using Sisimai's reason names), which sending IPs and host names
//! are worth checking against blocklists ([`plan`]), and, once the blocklist
//! evidence is in, what happened and what to do ([`decide`]), in English or
//! Japanese. It does no I/O: the caller runs the DNS lookups and hands the results
//! in as [`Evidence`]. Its rules are tables of data, not chains of `if`s.
#![deny(missing_docs)]

use std::net::IpAddr;

use rebound_dsn::{Bounce, RecipientReport};

/// Why a recipient failed, named as Sisimai names its reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The recipient mailbox does not exist.
    UserUnknown,
    /// No reason could be detected.
    Undefined,
}

impl Reason {
    /// Sisimai's name for the reason, e.g. `userunknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UserUnknown => "userunknown",
            Reason::Undefined => "undefined",
        }
    }
}

/// Classifies one recipient's failure.
pub fn classify(report: &RecipientReport) -> Reason {
    let _ = report;
    Reason::Undefined
}

/// A receiving mail provider recognised from the remote MTA or the diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Provider {
    /// Stable identifier used in JSON, e.g. `microsoft`.
    pub id: &'static str,
    /// Name shown to people, e.g. `Microsoft (Outlook.com / Hotmail)`.
    pub name: &'static str,
}

/// Recognises the provider that refused the mail.
pub fn provider_of(report: &RecipientReport) -> Option<Provider> {
    let _ = report;
    None
}

/// The hosting company whose server sent the mail, recognised from the reporting
/// MTA and the bounce's own headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hosting {
    /// Company name, e.g. `Xserver`.
    pub name: String,
    /// Whether many customers share the server and its IP address.
    pub shared: bool,
}

/// Recognises the sender's hosting provider.
pub fn hosting_of(bounce: &Bounce) -> Option<Hosting> {
    let _ = bounce;
    None
}

/// Where a sending IP or host name was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FoundIn {
    /// The receiver named it in its diagnostic (`messages from [IP]`, `Client host [IP]`).
    Diagnostic,
    /// The reporting MTA's host name, resolved through DNS.
    ReportingMta,
}

impl FoundIn {
    /// The JSON name: `diagnostic`, `reporting_mta`.
    pub fn as_str(self) -> &'static str {
        match self {
            FoundIn::Diagnostic => "diagnostic",
            FoundIn::ReportingMta => "reporting_mta",
        }
    }
}

/// What to look up for a bounce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupPlan {
    /// Sending IPs found in the text, each once, with where it was first found.
    pub ips: Vec<(IpAddr, FoundIn)>,
    /// Host names to resolve into further sending IPs.
    pub hosts: Vec<(String, FoundIn)>,
}

/// Decides what to check for a bounce.
pub fn plan(bounce: &Bounce) -> LookupPlan {
    let _ = bounce;
    LookupPlan::default()
}

/// One blocklist answer, as the caller looked it up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evidence {
    /// The IP address or domain looked up.
    pub subject: String,
    /// The zone asked.
    pub zone: String,
    /// The list's display name, e.g. `Spamhaus ZEN`.
    pub list_name: String,
    /// `Some(true)` listed, `Some(false)` not listed, `None` unknown.
    pub listed: Option<bool>,
    /// What the returned codes mean.
    pub meanings: Vec<String>,
    /// Where to ask for removal.
    pub removal_url: Option<String>,
    /// How long listings last / how removal works.
    pub expiry: Option<String>,
}

/// Whether blocklists could be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupOutcome {
    /// Lookups ran; see the evidence (some answers may still be unknown).
    Checked,
    /// The user asked for no DNS queries.
    Offline,
    /// DNS could not be reached; the text says why.
    Unreachable(String),
}

/// The language of verdict sentences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

/// The overall cause of a bounce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// No cause could be determined.
    Unknown,
}

impl Cause {
    /// The JSON name, e.g. `sending_ip_blocklisted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Unknown => "unknown",
        }
    }
}

/// The verdict on a bounce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// The cause.
    pub cause: Cause,
    /// One paragraph saying what happened.
    pub summary: String,
    /// Concrete next steps, most important first.
    pub actions: Vec<String>,
    /// The sender's hosting provider, when recognised.
    pub hosting: Option<Hosting>,
}

/// Gives the verdict.
pub fn decide(
    bounce: &Bounce,
    evidence: &[Evidence],
    lookup: &LookupOutcome,
    lang: Lang,
) -> Verdict {
    let _ = (bounce, evidence, lookup, lang);
    Verdict { cause: Cause::Unknown, summary: String::new(), actions: Vec::new(), hosting: None }
}
