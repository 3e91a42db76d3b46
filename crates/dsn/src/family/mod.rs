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
//! and list it in [`FAMILIES`] (more specific families first).

mod exim;
mod generic;
mod postfix;
mod sendmail;

use crate::text::{
    diagnostic_from_description, find_codes, find_command, find_remote_host, unfold,
};
use crate::{Action, RecipientReport};

/// The text a family looks at, with a lower-case copy for case-insensitive matching.
#[derive(Debug)]
pub(crate) struct Text<'a> {
    /// The text as it came.
    pub raw: &'a str,
    /// `raw` lower-cased (ASCII only, so byte positions are the same).
    pub lower: String,
}

impl<'a> Text<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        Text { raw, lower: raw.to_ascii_lowercase() }
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
    /// The SMTP command when the family found it outside the description.
    pub command: Option<&'static str>,
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
            remote_ip: host.as_ref().and_then(|h| h.ip),
            smtp_command: command.map(str::to_string),
            ..RecipientReport::default()
        }
    }
}

/// Closes one recipient block a family has read: the description is unfolded, and
/// at most [`MAX_RECORDS`] records are kept.
pub(crate) fn push_block(
    records: &mut Vec<TextRecord>,
    recipient: String,
    description: &str,
    delayed: bool,
) {
    if records.len() < MAX_RECORDS {
        records.push(TextRecord {
            recipient: Some(recipient),
            description: unfold(description),
            action: delayed.then_some(Action::Delayed),
            ..TextRecord::default()
        });
    }
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
const FAMILIES: &[Scanner] = &[postfix::scan, exim::scan, sendmail::scan];

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
pub(crate) fn scan(raw: &str, generic: Generic) -> Scan {
    let text = Text::new(raw);
    let mut recognised: Option<Scan> = None;
    for family in FAMILIES {
        if let Some(found) = family(&text) {
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
        result.records = generic::scan(&text);
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
