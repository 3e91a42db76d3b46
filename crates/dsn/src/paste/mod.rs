//! Bounce text as people paste or forward it, without the headers of a message.
//!
//! The bytes are decoded first ([`decode`]: UTF-16, ISO-2022-JP, Shift_JIS, EUC-JP,
//! binary data refused), what the mail client added is removed ([`clean`]: `> `
//! quoting, a forward's header block), and the text is read as any bounce text is
//! (the MTA families, then the generic paragraph with a code). Recipients that no
//! family names are taken from the sentences and headings of the providers' notices
//! ([`recipients`]).
//!
//! A pasted text is a bounce only with a failure in it: an enhanced status code of
//! class 4 or 5, an SMTP reply of class 4 or 5 that starts a line (a server's reply
//! as pasted), a recognised MTA's bounce, or a sentence or heading saying a delivery
//! failed with the address it failed for. Anything else is
//! [`ParseError::NotABounce`] with the reason, never a made-up recipient or code.

mod clean;
pub(crate) mod decode;
mod recipients;

use crate::assemble;
use crate::text::{find_codes, lines, paragraphs, starts_with_reply, trim_start, unfold};
use crate::{Bounce, Form, ParseError, RecipientReport};

/// Parses pasted bytes (the input is no message).
pub(crate) fn parse(input: &[u8]) -> Result<Bounce, ParseError> {
    let text = decode::text(input);
    if let Some(why) = decode::binary(&text) {
        return Err(ParseError::NotABounce(why.to_string()));
    }
    let cleaned = clean::clean(&text);
    let named = recipients::named(&cleaned);
    let mut bounce = match assemble::from_text(&cleaned) {
        Ok(bounce) => bounce,
        Err(error) => from_sentences(&named).ok_or(error)?,
    };
    if bounce.generator.is_none() && !shows_failure(&cleaned, &bounce, &named) {
        return Err(ParseError::NotABounce(
            "text without headers that names no failure: no enhanced status code, no SMTP \
             error reply, no bounce of a known MTA and no sentence saying that delivery to \
             an address failed"
                .to_string(),
        ));
    }
    name_from_sentences(&mut bounce.recipients, &named);
    for record in &mut bounce.recipients {
        unquote_diagnostic(record, &cleaned);
    }
    Ok(bounce)
}

/// A text without what a mail client added to it (quote markers, a forward's header
/// block, Postfix's recipient line retyped without brackets), when it had any.
pub(crate) fn unwrapped(text: &str) -> Option<String> {
    match clean::clean(text) {
        std::borrow::Cow::Owned(cleaned) => Some(cleaned),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// The records of a bounce message's text that no family reads (its headers say it
/// is a bounce): one per recipient its sentences and headings name; else, when the
/// text says that a delivery failed, one without recipient for the paragraph that
/// says so; else none.
pub(crate) fn recover(text: &str) -> Vec<RecipientReport> {
    let cleaned = clean::clean(text);
    let named = recipients::named(&cleaned);
    if let Some(bounce) = from_sentences(&named) {
        return bounce.recipients;
    }
    let raw: Vec<String> = paragraphs(&cleaned).collect();
    let all: Vec<String> = raw.iter().map(|paragraph| unfold(paragraph)).collect();
    // A heading ("did not reach the following recipient(s):") goes on with the
    // paragraph after it.
    let failing_at =
        all.iter().position(|paragraph| recipients::says_failure(&paragraph.to_ascii_lowercase()));
    // The message the statement is about, summarised after it ("... the following
    // message. / Subject: x / To: a@b.example"); a heading lists its recipients
    // itself.
    let summary_to = failing_at
        .filter(|at| all.get(*at).is_some_and(|p| !p.ends_with(':')))
        .and_then(|at| summary_recipient(&raw.get(at + 1..)?.concat()));
    let failing = failing_at.and_then(|at| {
        let paragraph = all.get(at)?;
        match all.get(at + 1).filter(|_| paragraph.ends_with(':')) {
            Some(next) => Some(format!("{paragraph} {next}")),
            None => Some(paragraph.clone()),
        }
    });
    failing
        .map(|paragraph| {
            let diagnostic: String = paragraph.chars().take(MAX_RECOVERED_CHARS).collect();
            let codes = find_codes(&diagnostic);
            RecipientReport {
                recipient: summary_to,
                status: codes.status,
                reply_code: codes.reply,
                diagnostic: Some(diagnostic),
                ..RecipientReport::default()
            }
        })
        .into_iter()
        .collect()
}

/// The one address of the `To:` line of the summary a bounce gives of the message
/// that failed ("I wasn't able to deliver the following message. ... Subject: x /
/// To: a@b.example"), when there is exactly one such line with one address.
fn summary_recipient(text: &str) -> Option<String> {
    let mut found = lines(text).filter_map(|line| {
        let value = crate::text::strip_prefix_ci(trim_start(line), "to:")?;
        let addresses = value.split(',').filter(|a| a.contains('@')).count();
        (addresses == 1).then(|| crate::text::find_address(value)).flatten()
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// At most this many characters of a paragraph become a recovered diagnostic.
const MAX_RECOVERED_CHARS: usize = 1_000;

/// A bounce made of the recipients the sentences and headings name, when there is no
/// code anywhere ("Your message to ADDRESS couldn't be delivered.").
fn from_sentences(named: &[recipients::Named]) -> Option<Bounce> {
    if named.is_empty() {
        return None;
    }
    let recipients = named
        .iter()
        .map(|n| {
            let diagnostic = unfold(n.reply.as_deref().unwrap_or(&n.context));
            let codes = find_codes(&diagnostic);
            RecipientReport {
                recipient: Some(n.address.clone()),
                status: codes.status,
                reply_code: codes.reply,
                diagnostic: Some(diagnostic),
                ..RecipientReport::default()
            }
        })
        .collect();
    Some(Bounce { form: Form::PastedText, recipients, ..Bounce::default() })
}

/// Whether the text shows a failure (see the module's summary); `bounce` is what was
/// read from it without a recognised family.
fn shows_failure(text: &str, bounce: &Bounce, named: &[recipients::Named]) -> bool {
    let failing_status = bounce.recipients.iter().any(|r| r.status.is_some_and(|s| s.class >= 4));
    let reply_line = lines(text).any(|line| {
        let line = trim_start(line);
        starts_with_reply(line) && find_codes(line).reply.is_some_and(|r| r >= 400)
    });
    let has_reply = bounce.recipients.iter().any(|r| r.reply_code.is_some_and(|c| c >= 400));
    failing_status
        || (has_reply && reply_line)
        || (!named.is_empty() && bounce.recipients.iter().all(|r| r.recipient.is_some()))
        || (!named.is_empty() && has_reply)
}

/// Records without a recipient take the ones the sentences and headings name: one
/// record each, with the reply written below the address when there is one.
fn name_from_sentences(records: &mut Vec<RecipientReport>, named: &[recipients::Named]) {
    if named.is_empty() || records.iter().all(|r| r.recipient.is_some()) {
        return;
    }
    let known: std::collections::HashSet<String> = records
        .iter()
        .filter_map(|r| r.recipient.as_deref())
        .map(str::to_ascii_lowercase)
        .collect();
    let new: Vec<&recipients::Named> =
        named.iter().filter(|n| !known.contains(&n.address.to_ascii_lowercase())).collect();
    let Some(template) = records.iter().position(|r| r.recipient.is_none()) else { return };
    if new.is_empty() {
        return;
    }
    let unnamed = records.remove(template);
    let mut named_records = Vec::with_capacity(new.len());
    for name in new {
        let mut record = unnamed.clone();
        record.recipient = Some(name.address.clone());
        if let Some(reply) = name.reply.as_deref() {
            let reply = unfold(reply);
            let codes = find_codes(&reply);
            if let Some(at) = codes.reply_pos {
                record.diagnostic = Some(reply.get(at..).unwrap_or_default().to_string());
                record.reply_code = codes.reply;
                record.status = codes.status.or(record.status);
            }
        }
        named_records.push(record);
    }
    records.splice(template..template, named_records);
}

/// A reply that the notice quotes (`Remote Server returned '550 5.1.1 ...'`) without
/// the closing quote.
fn unquote_diagnostic(record: &mut RecipientReport, text: &str) {
    let Some(diagnostic) = record.diagnostic.as_mut() else { return };
    let Some(inner) = diagnostic.strip_suffix('\'') else { return };
    let head: String = inner.chars().take(12).collect();
    if text.contains(&format!("'{head}")) {
        let inner = inner.to_string();
        *diagnostic = inner;
    }
}
