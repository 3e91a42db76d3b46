//! The report on one bounce: everything `rebound diagnose` shows, as one typed,
//! serialisable value. The CLI prints exactly this (`--format json` serialises it;
//! the text renderer reads it), so a program depending on the crates gets the same
//! answer the CLI gives. `docs/json.md` documents its fields.

use rebound_dsn::{Bounce, Form, Kind};
use serde::Serialize;

use crate::decide::{decide_planned, Claim, Evidence, LookupOutcome, Verdict};
use crate::findings::Findings;
use crate::hosting::Hosting;
use crate::plan::LookupPlan;
use crate::provider::Provider;
use crate::request::{support_request, SupportRequest};
use crate::text::Lang;

/// The report on one bounce. Its JSON form is the stable interface of
/// `rebound diagnose --format json` (`docs/json.md`).
///
/// ```
/// use rebound_verdict::{plan, Findings, Lang, Report};
///
/// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; taro@example.jp\n\
///     Action: failed\nStatus: 5.1.1\n\
///     Diagnostic-Code: smtp; 550 5.1.1 <taro@example.jp>: Recipient address rejected: \
///     User unknown in local recipient table\n").unwrap();
/// let report = Report::build("bounce.eml", &bounce, &Findings::offline(&plan(&bounce)), Lang::En);
/// assert_eq!(report.verdict.cause, "recipient_problem");
/// let rcpt = &report.recipients[0];
/// assert_eq!((rcpt.reason, rcpt.suppress), ("userunknown", true));
/// assert_eq!(rcpt.why.rule, "phrase.userunknown.recipient-address-rejected");
/// let json = serde_json::to_value(&report).unwrap();
/// assert_eq!(json["recipients"][0]["suppress_reason"], "address_does_not_exist");
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The file name, or `-` for standard input.
    pub input: String,
    /// `delivery_status_report`, `human_readable`, `pasted_text`, `feedback_report`
    /// or `auto_reply`.
    pub form: &'static str,
    /// The MTA that wrote the bounce.
    pub reporting_mta: Option<String>,
    /// The bounce family rebound recognised (`postfix`, `exim`, ...).
    pub generator: Option<String>,
    /// The envelope sender of the bounced message, when the bounce gives it.
    pub sender: Option<String>,
    /// When the bounce was written (`Arrival-Date`, else the bounce's `Date`), as given.
    pub date: Option<String>,
    /// One entry per recipient, in the bounce's order.
    pub recipients: Vec<RecipientOut>,
    /// Headers of the message that bounced.
    pub original_message: OriginalOut,
    /// The sending IP addresses found.
    pub sending_ips: Vec<SendingIpOut>,
    /// Sending domains checked against domain blocklists.
    pub sending_domains: Vec<SendingDomainOut>,
    /// How the DNS phase went.
    pub lookup: LookupOut,
    /// Every blocklist answer.
    pub listings: Vec<ListingOut>,
    /// The verdict.
    pub verdict: VerdictOut,
    /// The limits the bounce reached (`diagnostic-length`, `recipients`, ...: the
    /// names of `rebound_dsn::Limit`): it was read only up to them. Empty for a
    /// bounce read whole.
    pub truncated: Vec<&'static str>,
    /// Where the bounce was read: set by the program that read it
    /// ([`Report::with_source`]); left out of the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Where a report's bounce was read: a file, and which message of it.
///
/// ```
/// let source = rebound_verdict::Source::mbox("bounces.mbox", 3);
/// let json = serde_json::to_value(&source).unwrap();
/// assert_eq!(json, serde_json::json!({"path": "bounces.mbox", "index": 3}));
/// let file = rebound_verdict::Source::maildir("Maildir", "1700000000.M1P2.host:2,S");
/// assert_eq!(file.maildir.as_deref(), Some("1700000000.M1P2.host:2,S"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Source {
    /// The file (or the Maildir folder) as it was reached from the command line;
    /// `-` for standard input.
    pub path: String,
    /// The message's 1-based position in an mbox file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The message's file name in the Maildir folder `path` (under `cur/` or `new/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maildir: Option<String>,
}

impl Source {
    /// A file holding one message.
    ///
    /// ```
    /// assert_eq!(rebound_verdict::Source::file("a.eml").path, "a.eml");
    /// ```
    pub fn file(path: impl Into<String>) -> Source {
        Source { path: path.into(), ..Source::default() }
    }

    /// The `index`-th message (1-based) of an mbox file.
    ///
    /// ```
    /// assert_eq!(rebound_verdict::Source::mbox("a.mbox", 2).index, Some(2));
    /// ```
    pub fn mbox(path: impl Into<String>, index: usize) -> Source {
        Source { path: path.into(), index: Some(index), ..Source::default() }
    }

    /// The message file `name` of the Maildir folder `folder`.
    ///
    /// ```
    /// let source = rebound_verdict::Source::maildir("Maildir", "123.host");
    /// assert_eq!((source.path.as_str(), source.maildir.as_deref()), ("Maildir", Some("123.host")));
    /// ```
    pub fn maildir(folder: impl Into<String>, name: impl Into<String>) -> Source {
        Source { path: folder.into(), maildir: Some(name.into()), ..Source::default() }
    }

    /// The same source, naming the `index`-th (1-based) message or record in it: a
    /// message of an mbox, a message of a mail log, an event of a service's file.
    ///
    /// ```
    /// let source = rebound_verdict::Source::file("maillog").with_index(4);
    /// assert_eq!(source, rebound_verdict::Source::mbox("maillog", 4));
    /// ```
    pub fn with_index(mut self, index: usize) -> Source {
        self.index = Some(index);
        self
    }
}

/// One recipient.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[allow(missing_docs)] // Each field is documented in docs/json.md.
pub struct RecipientOut {
    pub recipient: Option<String>,
    pub action: &'static str,
    /// `delivery`, `feedback` (an ARF complaint report) or `auto_reply`.
    pub kind: &'static str,
    /// The ARF feedback type (`abuse`, `auth-failure`, ...) of a feedback report.
    pub feedback_type: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<u16>,
    pub reason: &'static str,
    pub reason_text: String,
    /// The rule that decided the reason, what it matched and its source.
    pub why: WhyOut,
    /// The cause this recipient failed for.
    pub cause: &'static str,
    /// Sisimai's hard bounce: retrying will not help because the address is wrong.
    pub hard_bounce: bool,
    /// True only when the address itself is bad: a list manager may stop mailing it.
    pub suppress: bool,
    /// `address_does_not_exist`, `domain_does_not_exist` or `address_moved`.
    pub suppress_reason: Option<&'static str>,
    /// A 4xx reply, a 4.X.X status or a `delayed` action.
    pub temporary: bool,
    pub diagnostic: Option<String>,
    pub remote_mta: Option<String>,
    pub remote_ip: Option<String>,
    pub smtp_command: Option<String>,
    pub provider: Option<&'static str>,
    pub provider_name: Option<&'static str>,
}

/// The rule behind a reason.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct WhyOut {
    /// The rule's id, e.g. `provider.microsoft.s3150`.
    pub rule: &'static str,
    /// What it matched in the lower-cased diagnostic, or the code pattern.
    pub matched: Option<&'static str>,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// Headers of the message that bounced.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct OriginalOut {
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
}

/// A sending IP address.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SendingIpOut {
    /// The address.
    pub ip: String,
    /// `diagnostic` or `reporting_mta`.
    pub found_in: &'static str,
    /// The host name the IP was resolved from, for `reporting_mta`.
    pub host: Option<String>,
}

/// A sending domain.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SendingDomainOut {
    /// The domain.
    pub domain: String,
    /// `sender_address`: the domain of the envelope sender or the `From` address.
    pub found_in: &'static str,
}

/// How the DNS phase went.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct LookupOut {
    /// `checked`, `offline` or `unreachable`.
    pub state: &'static str,
    /// Why DNS could not be reached.
    pub error: Option<String>,
    /// Host names that could not be resolved, with the cause.
    pub unresolved_hosts: Vec<UnresolvedOut>,
}

/// A host name that could not be resolved.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct UnresolvedOut {
    pub host: String,
    pub error: String,
}

/// One blocklist answer.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct ListingOut {
    pub subject: String,
    pub zone: String,
    pub list: String,
    /// true listed, false not listed, null unknown.
    pub listed: Option<bool>,
    /// An allowlist: being listed is good news.
    pub allowlist: bool,
    pub codes: Vec<String>,
    pub meanings: Vec<String>,
    pub txt: Vec<String>,
    pub error: Option<String>,
    pub removal_url: Option<String>,
}

impl From<&Evidence> for ListingOut {
    fn from(e: &Evidence) -> ListingOut {
        ListingOut {
            subject: e.subject.clone(),
            zone: e.zone.clone(),
            list: e.list_name.clone(),
            listed: e.listed,
            allowlist: e.allowlist,
            codes: e.codes.clone(),
            meanings: e.meanings.clone(),
            txt: e.txt.clone(),
            error: e.error.clone(),
            removal_url: e.removal_url.clone(),
        }
    }
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct VerdictOut {
    /// The headline cause (`causes[0].cause`).
    pub cause: &'static str,
    /// What happened.
    pub summary: String,
    /// What to do about the headline cause.
    pub actions: Vec<String>,
    /// Every distinct cause with its recipients, headline first.
    pub causes: Vec<CauseOut>,
    /// What the verdict rests on.
    pub evidence: Vec<Claim>,
    /// The sender's hosting company.
    pub hosting: HostingOut,
    /// The support request, only when asked for with [`Report::with_request`]:
    /// `None` (and no `request` field in JSON) otherwise, or when nobody on the
    /// sending side can act.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<SupportRequest>,
}

/// One cause and the recipients it stopped.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CauseOut {
    /// The cause.
    pub cause: &'static str,
    /// The recipients' addresses.
    pub recipients: Vec<String>,
    /// Their receiving provider, when they share one.
    pub provider: Option<&'static str>,
    /// What happened.
    pub summary: String,
    /// What to do.
    pub actions: Vec<String>,
    /// The cause comes from blocklist answers alone.
    pub from_dns: bool,
    /// The provider behind `provider`, for the support request (its name and its
    /// page for senders in any language).
    #[serde(skip)]
    pub(crate) provider_detail: Option<Provider>,
}

/// The sender's hosting company.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct HostingOut {
    /// Its name.
    pub name: Option<String>,
    /// The name in the report's language (e.g. エックスサーバー).
    pub display_name: Option<String>,
    /// A shared server.
    pub shared: Option<bool>,
    /// The company recognised, for the support request (its support desk in any
    /// language).
    #[serde(skip)]
    pub(crate) detail: Option<Hosting>,
}

fn form_name(form: Form) -> &'static str {
    match form {
        Form::DeliveryStatusReport => "delivery_status_report",
        Form::HumanReadable => "human_readable",
        Form::PastedText => "pasted_text",
        Form::FeedbackReport => "feedback_report",
        Form::AutoReply => "auto_reply",
        Form::MtaLog => "mta_log",
        Form::ServiceEvent => "service_event",
        _ => "other",
    }
}

impl Report {
    /// Judges `bounce` with the DNS `findings` and builds its report, with every
    /// sentence in `lang`.
    pub fn build(input: &str, bounce: &Bounce, findings: &Findings, lang: Lang) -> Report {
        Report::build_planned(input, bounce, &crate::plan(bounce), findings, lang)
    }

    /// [`Report::build`] for a bounce whose [`plan`](crate::plan()) was already made
    /// (to find its findings): the same report, without planning again.
    ///
    /// ```
    /// use rebound_verdict::{plan, Findings, Lang, Report};
    ///
    /// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; a@example.jp\n\
    ///     Action: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 554 5.7.1 Client host \
    ///     [203.0.113.9] blocked using zen.spamhaus.org\n").unwrap();
    /// let plan = plan(&bounce);
    /// let findings = Findings::offline(&plan);
    /// let planned = Report::build_planned("-", &bounce, &plan, &findings, Lang::En);
    /// let built = Report::build("-", &bounce, &findings, Lang::En);
    /// assert_eq!(serde_json::to_value(&planned).unwrap(), serde_json::to_value(&built).unwrap());
    /// ```
    pub fn build_planned(
        input: &str,
        bounce: &Bounce,
        plan: &LookupPlan,
        findings: &Findings,
        lang: Lang,
    ) -> Report {
        let verdict = decide_planned(bounce, plan, &findings.evidence, &findings.outcome, lang);
        Report::from_verdict(input, bounce, findings, &verdict, lang)
    }

    /// The report with `verdict.request` filled: the [`support_request`] in `lang`,
    /// or `None` when nobody on the sending side can act. Reports are built without
    /// it, so their JSON stays small; ask for it when the user wants the message.
    ///
    /// ```
    /// use rebound_verdict::{plan, Findings, Lang, Report};
    ///
    /// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; hanako@hotmail.co.jp\n\
    ///     Action: failed\nStatus: 5.7.1\n\
    ///     Diagnostic-Code: smtp; 550 5.7.1 Unfortunately, messages from [203.0.113.45] \
    ///     weren't sent. Please contact your Internet service provider since part of their \
    ///     network is on our block list (S3150).\n").unwrap();
    /// let report = Report::build("-", &bounce, &Findings::offline(&plan(&bounce)), Lang::En);
    /// assert!(report.verdict.request.is_none());
    /// let json = serde_json::to_value(&report).unwrap();
    /// assert!(json["verdict"].get("request").is_none());
    ///
    /// let report = report.with_request(Lang::En);
    /// let request = report.verdict.request.as_ref().unwrap();
    /// assert_eq!(request.to, "your mail server's administrator (your hosting company or IT administrator)");
    /// let json = serde_json::to_value(&report).unwrap();
    /// assert!(json["verdict"]["request"]["body"].as_str().unwrap().contains("203.0.113.45"));
    /// ```
    pub fn with_request(mut self, lang: Lang) -> Report {
        self.verdict.request = support_request(&self, lang);
        self
    }

    /// The report with its [`Source`]: where the program read the bounce.
    ///
    /// ```
    /// use rebound_verdict::{plan, Findings, Lang, Report, Source};
    ///
    /// let bounce = rebound_dsn::parse(b"Final-Recipient: rfc822; a@example.jp\n\
    ///     Action: failed\nStatus: 5.1.1\n").unwrap();
    /// let report = Report::build("x.mbox#2", &bounce, &Findings::offline(&plan(&bounce)), Lang::En)
    ///     .with_source(Source::mbox("x.mbox", 2));
    /// assert_eq!(serde_json::to_value(&report).unwrap()["source"]["index"], 2);
    /// ```
    pub fn with_source(mut self, source: Source) -> Report {
        self.source = Some(source);
        self
    }

    /// Builds the report from a verdict already given by [`decide`](crate::decide()) for `bounce`
    /// with the same findings.
    pub fn from_verdict(
        input: &str,
        bounce: &Bounce,
        findings: &Findings,
        verdict: &Verdict,
        lang: Lang,
    ) -> Report {
        let recipients = bounce
            .recipients
            .iter()
            .zip(&verdict.recipients)
            .map(|(r, judged)| {
                let reason = judged.reason();
                RecipientOut {
                    recipient: r.recipient.clone(),
                    action: r.action.as_str(),
                    kind: match r.kind {
                        Kind::Feedback => "feedback",
                        Kind::AutoReply => "auto_reply",
                        _ => "delivery",
                    },
                    feedback_type: r.feedback_type.clone(),
                    status: r.status.map(|s| s.to_string()),
                    reply_code: r.reply_code,
                    reason: reason.as_str(),
                    reason_text: reason.describe(lang).to_string(),
                    why: WhyOut {
                        rule: judged.why.rule_id,
                        matched: judged.why.matched,
                        source: judged.why.source,
                    },
                    cause: judged.cause.as_str(),
                    hard_bounce: judged.hard_bounce,
                    suppress: judged.suppress.is_some(),
                    suppress_reason: judged.suppress.map(|s| s.as_str()),
                    temporary: judged.temporary,
                    diagnostic: r.diagnostic.clone(),
                    remote_mta: r.remote_mta.clone(),
                    remote_ip: r.remote_ip.map(|ip| ip.to_string()),
                    smtp_command: r.smtp_command.clone(),
                    provider: judged.provider.map(|p| p.id),
                    provider_name: judged.provider.map(|p| p.display_name(lang)),
                }
            })
            .collect();
        let address = |index: &usize| {
            bounce.recipients.get(*index).and_then(|r| r.recipient.clone()).unwrap_or_default()
        };
        let original = &bounce.original;
        let (state, error) = match &findings.outcome {
            LookupOutcome::Offline => ("offline", None),
            LookupOutcome::Unreachable(cause) => ("unreachable", Some(cause.clone())),
            _ => ("checked", None),
        };
        Report {
            input: input.to_string(),
            form: form_name(bounce.form),
            reporting_mta: bounce.reporting_mta.clone(),
            generator: bounce.generator.clone(),
            sender: bounce.sender.clone(),
            date: bounce.date.clone(),
            recipients,
            original_message: OriginalOut {
                message_id: original.message_id.clone(),
                from: original.from.clone(),
                to: original.to.clone(),
                subject: original.subject.clone(),
                date: original.date.clone(),
            },
            sending_ips: findings
                .sending_ips
                .iter()
                .map(|s| SendingIpOut {
                    ip: s.ip.to_string(),
                    found_in: s.found_in.as_str(),
                    host: s.host.clone(),
                })
                .collect(),
            sending_domains: findings
                .sending_domains
                .iter()
                .map(|(domain, found_in)| SendingDomainOut {
                    domain: domain.clone(),
                    found_in: found_in.as_str(),
                })
                .collect(),
            lookup: LookupOut {
                state,
                error,
                unresolved_hosts: findings
                    .unresolved
                    .iter()
                    .map(|(host, error)| UnresolvedOut { host: host.clone(), error: error.clone() })
                    .collect(),
            },
            listings: findings.evidence.iter().map(ListingOut::from).collect(),
            verdict: VerdictOut {
                cause: verdict.cause.as_str(),
                summary: verdict.summary.clone(),
                actions: verdict.actions.clone(),
                causes: verdict
                    .causes
                    .iter()
                    .map(|g| CauseOut {
                        cause: g.cause.as_str(),
                        recipients: g.recipients.iter().map(address).collect(),
                        provider: g.provider.map(|p| p.id),
                        summary: g.summary.clone(),
                        actions: g.actions.clone(),
                        from_dns: g.from_dns,
                        provider_detail: g.provider,
                    })
                    .collect(),
                evidence: verdict.claims.clone(),
                hosting: HostingOut {
                    name: verdict.hosting.as_ref().map(|h| h.name.clone()),
                    display_name: verdict.hosting.as_ref().map(|h| h.display_name(lang)),
                    shared: verdict.hosting.as_ref().map(|h| h.shared),
                    detail: verdict.hosting.clone(),
                },
                request: None,
            },
            truncated: bounce.truncated.iter().map(|limit| limit.name()).collect(),
            source: None,
        }
    }
}
