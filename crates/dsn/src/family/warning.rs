//! Legacy delay warnings in free text: the MTA is still trying, and names the address
//! it has not reached yet, for example
//!
//! ```text
//! The address to which the message has not yet been delivered is:
//!
//!   taro@example.jp
//!
//! No action is required on your part.
//! ```
//!
//! Every record is `delayed` (a warning is never a hard bounce). The forms are data
//! ([`PATTERNS`]), read by [`super::delimited`]; a block counts only when its closing
//! sentence is there (but for Sendmail's, whose lines say they are deferred). Source: the start, end and address expressions of flufl.bounce
//! 4.0's `simplewarning.py` (Debian package `python3-flufl.bounce`), one row per
//! expression, in its order, named by the site or MTA its comments give; and
//! Sendmail's text-only warning (its `<address>... Deferred:` transcript lines).

use super::delimited::{scan_patterns, At, End, Pattern, Pick, Reading};
use super::{Scan, Text};

/// The warning forms, in the order of flufl.bounce's `simplewarning.py`.
pub(super) const PATTERNS: &[Pattern] = &[
    // pop3.pta.lia.net (Exim's delay warning)
    Pattern {
        generator: "simple",
        start: "the address to which the message has not yet been delivered is",
        at: At::Anywhere,
        end: End::Contains("no action is required on your part"),
        pick: Pick::AnyWord,
        closed: true,
    },
    // MessageSwitch
    Pattern {
        generator: "messageswitch",
        start: "your message to:",
        at: At::Anywhere,
        end: End::Contains("this is just a warning, you do not need to take any action"),
        pick: Pick::AnyWord,
        closed: true,
    },
    // Symantec AntiVirus for SMTP Gateways
    Pattern {
        generator: "symantec",
        start: "your message with subject:",
        at: At::Anywhere,
        end: End::Contains("delivery attempts will continue to be made"),
        pick: Pick::AnyWord,
        closed: true,
    },
    // googlemail.com
    Pattern {
        generator: "googlemail",
        start: "delivery to the following recipient has been delayed",
        at: At::Anywhere,
        end: End::Contains("message will be retried"),
        pick: Pick::AnyWord,
        closed: true,
    },
    // Microsoft Exchange ("This is an advisory-only email")
    Pattern {
        generator: "exchange-advisory",
        start: "this is an advisory-only email",
        at: At::Anywhere,
        end: End::Contains("has been postponed"),
        pick: Pick::DoubleQuoted,
        closed: true,
    },
    // kundenserver.de
    Pattern {
        generator: "simple",
        start: "not yet been delivered",
        at: At::Anywhere,
        end: End::Contains("no action is required on your part"),
        pick: Pick::AnyWord,
        closed: true,
    },
    // Sendmail's text-only warning: the transcript names each address it keeps
    // trying as `<address>... Deferred: reason` (savemail.c's heading; the line as
    // Sisimai 4.25's Lhost/Sendmail.pm quotes it). Only such lines count, so the block
    // needs no closing line.
    Pattern {
        generator: "sendmail",
        start: "transcript of session follows",
        at: At::Anywhere,
        end: End::Contains("original message"),
        pick: Pick::AngleThen("... deferred"),
        closed: false,
    },
];

const READING: Reading = Reading { delayed: true };

/// Reads the text as the first of [`PATTERNS`] that finds an address in a closed block.
/// `seen`: see [`scan_patterns`].
pub(crate) fn scan(text: &Text<'_>, seen: Option<&[bool]>) -> Option<Scan> {
    let (generator, records) = scan_patterns(text, PATTERNS, seen, READING)?;
    Some(Scan { generator: Some(generator), reporting_mta: None, records })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Action;

    #[test]
    fn a_closed_block_gives_delayed_records() {
        let raw = "Your message to:\n\n  lena@example.com\n\nhas been delayed.\n\n\
                   This is just a warning, you do not need to take any action.\n";
        let scan = scan(&Text::new(raw), None).unwrap();
        assert_eq!(scan.generator, Some("messageswitch"));
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("lena@example.com"));
        assert_eq!(scan.records[0].action, Some(Action::Delayed));
    }

    #[test]
    fn an_open_block_gives_nothing() {
        let raw = "Your message to:\n\n  lena@example.com\n\nwas read on Monday.\n";
        assert!(scan(&Text::new(raw), None).is_none());
    }

    #[test]
    fn every_start_phrase_is_lower_case() {
        for pattern in PATTERNS {
            assert_eq!(pattern.start, pattern.start.to_lowercase(), "{pattern:?}");
        }
    }
}
