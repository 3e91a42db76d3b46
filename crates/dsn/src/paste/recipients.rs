//! Recipients named in the free text of a pasted bounce that no MTA family reads:
//! the sentence a mail client or provider writes ("Your message wasn't delivered to
//! ADDRESS because ...", "Your message to ADDRESS couldn't be delivered.", "メールは
//! ADDRESS に配信されませんでした"), an address on its own line under a failure
//! heading ("Delivery has failed to these recipients or groups:", "次の受信者または
//! グループへの配信に失敗しました:"), and an address on its own line right above the
//! server's reply (Outlook's "Diagnostic information for administrators").
//!
//! The phrases are the ones Gmail's and Outlook's (desktop and web, English and
//! Japanese) bounce notices and the MTAs' own texts use.

use std::collections::HashMap;

use crate::text::{find_address, find_codes, lines, paragraphs, trim, unfold, LowerCased};

/// Phrases that say a delivery failed (lower-case), in English and Japanese. A line
/// that names an address is about a recipient only with one of these in it.
pub(crate) const FAILURE_PHRASES: &[&str] = &[
    "wasn't delivered",
    "was not delivered",
    "couldn't be delivered",
    "could not be delivered",
    "can't be delivered",
    "cannot be delivered",
    "not be delivered",
    "undeliverable",
    "undelivered",
    "delivery failed",
    "delivery has failed",
    "delivery to the following",
    "failed permanently",
    "permanent error",
    "permanent failure",
    "delivery status notification (failure)",
    "address not found",
    "user unknown",
    "unknown user",
    "no such user",
    "mailbox unavailable",
    "mailbox not found",
    "recipient not found",
    "does not exist",
    "doesn't exist",
    "address rejected",
    "could not be reached",
    "cannot be reached",
    "did not reach",
    "unable to deliver",
    "could not deliver",
    "couldn't deliver",
    "failed to deliver",
    "rejected your message",
    "has been blocked",
    "was blocked",
    "has been rejected",
    "was rejected",
    "has failed",
    "have failed",
    "配信されませんでした",
    "配信できませんでした",
    "配信できません",
    "配信に失敗",
    "配信不能",
    "送信できませんでした",
    "届きませんでした",
    "宛先不明",
    "ブロックされました",
    "見つかりません",
    "見つかりませんでした",
];

/// True when the (lower-cased) text holds a failure phrase.
pub(crate) fn says_failure(lower: &str) -> bool {
    FAILURE_PHRASES.iter().any(|phrase| lower.contains(phrase))
}

/// Phrases of a sentence that names the recipient a delivery failed for.
const NAMING_PHRASES: &[&str] = &[
    "delivered to ",
    "delivery to ",
    "delivery of email to ",
    "to this address",
    "deliver to ",
    "message to ",
    "mail to ",
    "に配信",
    "への配信",
    "へのメッセージ",
    "宛",
];

/// A recipient found in free text, with the server's reply about it when the text
/// gives one right below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    /// The address.
    pub address: String,
    /// The line below the address when it holds the reply (`Remote Server returned
    /// '550 5.1.1 ...'`).
    pub reply: Option<String>,
    /// The sentence or heading that named it.
    pub context: String,
}

/// Every recipient the text names, in text order, each once (ignoring case).
pub(crate) fn named(text: &str) -> Vec<Named> {
    let all: Vec<&str> = lines(text).map(trim).collect();
    let mut found = Found::default();
    let mut under_heading: Option<&str> = None;
    for (i, line) in all.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let lower = LowerCased::new(line);
        // Under a heading, a line that starts with an address names a recipient
        // even when the reason follows on the same line (`a@b.example<mailto:a@b.example>
        // A communication failure occurred ...`).
        if let Some(heading) = under_heading {
            if let Some(address) = leading_address(line).filter(|_| !has_reply(line)) {
                found.push(address, None, heading);
                continue;
            }
        }
        if let Some(address) = address_line(line) {
            let reply = all.get(i + 1).filter(|next| has_reply(next)).map(|l| l.to_string());
            if let Some(heading) = under_heading.filter(|_| reply.is_none()) {
                found.push(address, None, heading);
            } else if let Some(reply) = reply {
                found.push(address, Some(reply), line);
            }
            continue;
        }
        under_heading = None;
        if is_heading(&lower.lower) {
            under_heading = Some(line);
            continue;
        }
        if says_failure(&lower.lower) && NAMING_PHRASES.iter().any(|p| lower.lower.contains(p)) {
            if let Some(address) = find_address(line) {
                found.push(address, None, line);
            }
        }
    }
    // A sentence wrapped over several lines: each paragraph read as one line.
    for paragraph in paragraphs(text) {
        let sentence = unfold(&paragraph);
        let lower = sentence.to_ascii_lowercase();
        if says_failure(&lower) && NAMING_PHRASES.iter().any(|p| lower.contains(p)) {
            if let Some(address) = find_address(&sentence).filter(|a| a.contains('.')) {
                found.push(address, None, &sentence);
            }
        }
    }
    found.list
}

/// The address a line starts with (`a@b.example`, `<a@b.example>`,
/// `a@b.example<mailto:a@b.example>`), if it does.
fn leading_address(line: &str) -> Option<String> {
    let word = line.split_whitespace().next()?;
    let word = match word.find("<mailto:") {
        Some(at) if at > 0 => word.get(..at)?,
        _ => word,
    };
    let address = find_address(word)?;
    (address.contains('.') && !address.contains(':')).then_some(address)
}

/// The recipients found so far, and where each is in the list by its lower-cased
/// address (so that each is looked up once, however many there are).
#[derive(Debug, Default)]
struct Found {
    list: Vec<Named>,
    index: HashMap<String, usize>,
}

impl Found {
    /// Adds a recipient, or the reply to one already found; at most
    /// [`max_records`](crate::family::max_records) are kept.
    fn push(&mut self, address: String, reply: Option<String>, context: &str) {
        let key = address.to_ascii_lowercase();
        if let Some(known) = self.index.get(&key).and_then(|at| self.list.get_mut(*at)) {
            if known.reply.is_none() {
                known.reply = reply;
            }
        } else if self.list.len() < crate::family::max_records() {
            self.index.insert(key, self.list.len());
            self.list.push(Named { address, reply, context: context.to_string() });
        }
    }
}

/// A heading over a list of failed recipients: a line ending in a colon that says a
/// delivery failed.
fn is_heading(lower: &str) -> bool {
    (lower.ends_with(':') || lower.ends_with('：')) && says_failure(lower)
}

/// A line that is one address and little else: `a@b.example`, `<a@b.example>`,
/// `Taro Yamada <a@b.example>`, `a@b.example (a@b.example)`.
fn address_line(line: &str) -> Option<String> {
    let words = line.split_whitespace().count();
    let at_words = line.split_whitespace().filter(|w| w.contains('@')).count();
    if words > 4 || at_words == 0 || line.ends_with(':') || has_reply(line) {
        return None;
    }
    let address = find_address(line)?;
    // The rest is a display name at most, not a sentence.
    let rest: usize =
        line.split_whitespace().filter(|w| !w.contains('@')).map(|w| w.chars().count()).sum();
    if rest > 40 || says_failure(&line.to_ascii_lowercase()) {
        return None;
    }
    // Every word with `@` is this address (`a@b (a@b)`).
    let same = line
        .split_whitespace()
        .filter(|w| w.contains('@'))
        .all(|w| w.to_ascii_lowercase().contains(&address.to_ascii_lowercase()));
    (same && address.contains('.')).then_some(address)
}

/// The line holds a server's failure reply: a 4xx/5xx reply code with an enhanced
/// status code.
fn has_reply(line: &str) -> bool {
    let codes = find_codes(line);
    codes.reply.is_some_and(|r| r >= 400) && codes.status.is_some_and(|s| s.class >= 4)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn addresses(text: &str) -> Vec<String> {
        named(text).into_iter().map(|n| n.address).collect()
    }

    #[test]
    fn finds_sentences_that_name_the_recipient() {
        assert_eq!(
            addresses("Your message wasn't delivered to a@example.net because the address"),
            ["a@example.net"]
        );
        assert_eq!(
            addresses("Your message to b@example.org couldn't be delivered."),
            ["b@example.org"]
        );
        assert_eq!(
            addresses("Your message to b@example.org has been blocked. See technical details"),
            ["b@example.org"]
        );
        assert_eq!(addresses("メールは c@example.jp に配信されませんでした。"), ["c@example.jp"]);
        assert_eq!(
            addresses("メールは c@example.jp に配信されませんでした。受信者のドメインによってブロックされました。"),
            ["c@example.jp"]
        );
        // A sender named in a failure is no recipient.
        assert!(
            addresses("553 5.1.8 <me@example.com>... Domain of sender does not exist").is_empty()
        );
        assert!(addresses("Please write to help@example.com.").is_empty());
    }

    #[test]
    fn finds_sentences_wrapped_over_lines() {
        let text = "Delivery of email to this address\n\"a@example.ch\"\nhas failed due to a full mailbox.\n";
        assert_eq!(addresses(text), ["a@example.ch"]);
    }

    #[test]
    fn finds_addresses_that_start_lines_under_a_heading() {
        let text = "mx.example.com rejected your message to the following email addresses:\n\n\
                    a@example.com<mailto:a@example.com> A communication failure occurred.\n";
        assert_eq!(addresses(text), ["a@example.com"]);
        let text =
            "I was unable to deliver your message to the following addresses:\n\nb@example.com\n";
        assert_eq!(addresses(text), ["b@example.com"]);
    }

    #[test]
    fn finds_addresses_under_headings_and_above_replies() {
        let text = "次の受信者またはグループへの配信に失敗しました:\n\nd@example.jp\nメール アドレスが見つかりませんでした。\n";
        assert_eq!(addresses(text), ["d@example.jp"]);
        let text = "Diagnostic information for administrators:\n\ne@example.org\n\
                    Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipientNotFound'\n";
        let found = named(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].address, "e@example.org");
        assert!(found[0].reply.as_deref().unwrap().contains("550 5.1.1"));
        // An address line under no heading and above no reply is nobody's.
        assert!(addresses("Regards,\nTaro <taro@example.jp>\n").is_empty());
        assert!(
            addresses("was delivered to the following recipient:\n\na@example.com\n").is_empty()
        );
    }
}
