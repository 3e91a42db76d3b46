//! Human-readable bounce formats, one module per family.
//!
//! Each family recognises its own wording and cuts the text into per-recipient
//! [`TextRecord`]s (the recipient and the raw description the MTA wrote for it). The
//! shared core ([`TextRecord::into_report`], built on [`crate::text`]) turns every
//! description into codes, diagnostic, remote host and SMTP command the same way, so
//! a new family only has to find recipients and descriptions.
//!
//! To add a family: write `family/NAME.rs` with a `pub(crate) fn scan(&Text) ->
//! Option<Scan>` that returns `None` unless the text is recognisably of that family,
//! and list it in [`FAMILIES`] (more specific families first). [`Text`] also carries
//! the addresses of the bounce's `X-Failed-Recipients` header, for formats that name
//! the recipient nowhere else (Google Groups).
//!
//! Families that give several recipients the same text use [`push_block`], which
//! bounds every description, so that the work stays linear in the input.

mod amazonses;
mod apachejames;
mod biglobe;
mod domino;
mod dragonfly;
mod exchange2003;
mod exchange2007;
mod exim;
mod ezweb;
mod generic;
mod gmail;
mod googlegroups;
mod imail;
mod interscan;
mod kddi;
mod notes;
mod opensmtpd;
mod postfix;
mod sendmail;
mod verizon;
mod x1;
mod x6;

use crate::text::{
    clean_address, diagnostic_from_description, find_codes, find_command, find_remote_host, unfold,
};
use crate::{Action, Kind, RecipientReport};
use std::net::IpAddr;

/// The text a family looks at, with a lower-case copy for case-insensitive matching.
#[derive(Debug)]
pub(crate) struct Text<'a> {
    /// The text as it came.
    pub raw: &'a str,
    /// `raw` lower-cased (ASCII only, so byte positions are the same).
    pub lower: String,
    /// The addresses the bounce's `X-Failed-Recipients` header lists (none for
    /// pasted text).
    pub failed_recipients: &'a [String],
}

impl<'a> Text<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        Text { raw, lower: raw.to_ascii_lowercase(), failed_recipients: &[] }
    }

    /// The text of a message whose headers name failed recipients.
    pub(crate) fn with_failed(raw: &'a str, failed_recipients: &'a [String]) -> Self {
        Text { failed_recipients, ..Text::new(raw) }
    }

    /// True when the lower-cased text contains `needle` (which must be lower-case).
    pub(crate) fn has(&self, needle: &str) -> bool {
        self.lower.contains(needle)
    }
}

/// What a family found for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TextRecord {
    /// The recipient address, when the text names one.
    pub recipient: Option<String>,
    /// Everything the MTA wrote about this recipient, unfolded into one line.
    pub description: String,
    /// The action when the family knows it (a delay warning); `Failed` otherwise.
    pub action: Option<Action>,
    /// The remote host when the family found it outside the description (a
    /// Sendmail transcript's "while talking to").
    pub remote_host: Option<String>,
    /// The remote host's IP address when the family found it outside the
    /// description.
    pub remote_ip: Option<IpAddr>,
    /// The SMTP command when the family found it outside the description.
    pub command: Option<&'static str>,
    /// A delivery report unless the family knows better (a complaint).
    pub kind: Kind,
    /// The feedback type of a complaint.
    pub feedback_type: Option<String>,
}

impl TextRecord {
    /// Reads codes, diagnostic, remote MTA and command out of the description.
    pub(crate) fn into_report(self) -> RecipientReport {
        let diagnostic = diagnostic_from_description(&self.description);
        let mut codes = find_codes(&diagnostic);
        if codes.reply.is_none() && codes.status.is_none() {
            codes = find_codes(&self.description);
        }
        let host = find_remote_host(&self.description);
        let command = find_command(&self.description)
            .or(self.command)
            .or_else(|| host.as_ref().filter(|h| h.refused_to_talk).map(|_| "CONNECT"));
        RecipientReport {
            recipient: self.recipient,
            action: self.action.unwrap_or_default(),
            status: codes.status,
            reply_code: codes.reply,
            diagnostic: (!diagnostic.is_empty()).then_some(diagnostic),
            remote_mta: host.as_ref().and_then(|h| h.name.clone()).or(self.remote_host),
            remote_ip: host.as_ref().and_then(|h| h.ip).or(self.remote_ip),
            smtp_command: command.map(str::to_string),
            kind: self.kind,
            feedback_type: self.feedback_type,
            ..RecipientReport::default()
        }
    }
}

/// At most this many bytes of a description are kept (families that give every
/// recipient the same text stay linear in the input).
const MAX_DESCRIPTION_BYTES: usize = 4_096;

/// Closes one recipient block a family has read: the description is unfolded (and
/// cut after [`MAX_DESCRIPTION_BYTES`]), and at most [`MAX_RECORDS`] records are kept.
pub(crate) fn push_block(
    records: &mut Vec<TextRecord>,
    recipient: String,
    description: &str,
    delayed: bool,
) {
    if records.len() < MAX_RECORDS {
        let mut end = description.len().min(MAX_DESCRIPTION_BYTES);
        while !description.is_char_boundary(end) {
            end -= 1;
        }
        records.push(TextRecord {
            recipient: Some(recipient),
            description: unfold(description.get(..end).unwrap_or("")),
            action: delayed.then_some(Action::Delayed),
            ..TextRecord::default()
        });
    }
}

/// The address a word is (`taro@example.jp`, `<taro@example.jp>`, `taro@example.jp:`),
/// if it is one.
pub(crate) fn address_word(word: &str) -> Option<String> {
    let address = clean_address(word)?;
    (address.contains('@') && !address.contains(char::is_whitespace)).then_some(address)
}

/// What scanning a human-readable text found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The family's name (`"postfix"`, ...), when recognised.
    pub generator: Option<&'static str>,
    /// The reporting MTA when the text names it ("This is the mail system at host").
    pub reporting_mta: Option<String>,
    /// Per-recipient records, in text order.
    pub records: Vec<TextRecord>,
}

/// A family's scanner: `None` unless the text is recognisably of that family.
type Scanner = fn(&Text<'_>) -> Option<Scan>;

/// The known families, most specific first.
const FAMILIES: &[Scanner] = &[
    amazonses::scan,
    gmail::scan,
    googlegroups::scan,
    exchange2003::scan,
    exchange2007::scan,
    opensmtpd::scan,
    notes::scan,
    domino::scan,
    kddi::scan,
    x1::scan,
    biglobe::scan,
    dragonfly::scan,
    interscan::scan,
    apachejames::scan,
    x6::scan,
    verizon::scan,
    postfix::scan,
    exim::scan,
    sendmail::scan,
    // Last: their signatures are plainer phrases.
    ezweb::scan,
    imail::scan,
];

/// At most this many records are read from one text.
pub(crate) const MAX_RECORDS: usize = 10_000;

/// When the generic last resort (a paragraph with a code, no recipient) may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generic {
    /// Never (a machine-readable report already names the recipients).
    Never,
    /// Only when a family recognised the text but found no recipient in it.
    IfRecognised,
    /// Always (pasted text, or a message whose headers say it is a bounce).
    Always,
}

/// Scans a human-readable bounce text with every family. The first family that
/// recognises the text and finds records wins; a recognised family without records
/// still names the generator and reporting MTA. When no family finds a record, the
/// [`Generic`] policy decides whether the first paragraph holding an SMTP reply code
/// or enhanced status code becomes one record without a recipient.
///
/// Records without a recipient take it from `X-Failed-Recipients` when that names
/// exactly one address; when nothing else is found and the policy allows the generic
/// last resort, every address it names becomes a record with the bounce's text.
pub(crate) fn scan(raw: &str, failed_recipients: &[String], generic: Generic) -> Scan {
    let text = Text::with_failed(raw, failed_recipients);
    let mut found = scan_families(&text, generic);
    if let [only] = failed_recipients {
        for record in found.records.iter_mut().filter(|r| r.recipient.is_none()) {
            record.recipient = Some(only.clone());
        }
    }
    if found.records.is_empty() && generic != Generic::Never {
        let description = summary(raw);
        let delayed = is_delay_warning(&text);
        for address in failed_recipients {
            push_block(&mut found.records, address.clone(), &description, delayed);
        }
    }
    found
}

/// At most this many bytes of a text become a description when nothing more specific
/// is known.
const SUMMARY_BYTES: usize = 1_000;

/// The text unfolded into one line, cut (at a word) after [`SUMMARY_BYTES`].
pub(crate) fn summary(raw: &str) -> String {
    let mut out = String::new();
    for word in raw.split_whitespace() {
        if out.len() + word.len() > SUMMARY_BYTES {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn scan_families(text: &Text<'_>, generic: Generic) -> Scan {
    let mut recognised: Option<Scan> = None;
    for family in FAMILIES {
        if let Some(found) = family(text) {
            if !found.records.is_empty() {
                return found;
            }
            if recognised.is_none() {
                recognised = Some(found);
            }
        }
    }
    let use_generic = match generic {
        Generic::Never => false,
        Generic::IfRecognised => recognised.is_some(),
        Generic::Always => true,
    };
    let mut result = recognised.unwrap_or_default();
    if use_generic {
        result.records = generic::scan(text);
    }
    result
}

/// Recognises a delay warning (the MTA is still trying) in the whole text.
pub(crate) fn is_delay_warning(text: &Text<'_>) -> bool {
    text.has("this is a warning only")
        || text.has("has not yet been delivered")
        || text.has("could not send message for past")
        || text.has("transient non-fatal errors")
        || text.has("delivery has been delayed")
        || text.has("delivery to the following recipients has been delayed")
}
