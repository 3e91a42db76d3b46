//! Legacy "simple" failure notices: free text from old MTAs, gateways and providers
//! in which a known sentence opens a block that names the failed addresses, for
//! example Smail's
//!
//! ```text
//! |------------------------- Failed addresses follow: ---------------------|
//!  taro@example.jp ... unknown user
//! |------------------------- Message text follows: ------------------------|
//! ```
//!
//! The forms are data ([`PATTERNS`]), read by [`super::delimited`]. Source: the
//! start, end and address expressions of flufl.bounce 4.0's `simplematch.py` (Mailman
//! 3's detectors, split out of Mailman 2.1's `SimpleMatch.py`; Debian package
//! `python3-flufl.bounce`), one row per expression, in its order, each named by the
//! site or MTA that the detector's comment says the form was seen from; then two
//! rules of its `exchange.py` and `smtp32.py` detectors that fit the same reading
//! (their rows say so). The code and the phrase lists here are our own.
//!
//! This family runs after every other one: a text that a specific family reads is
//! never read here. A notice that says it is only a warning gives action `delayed`.

use super::delimited::{scan_patterns, At, End, Pattern, Pick, Reading};
use super::{is_delay_warning, Scan, Text};

/// Shorthand for a table row.
const fn row(
    generator: &'static str,
    start: &'static str,
    at: At,
    end: End,
    pick: Pick,
) -> Pattern {
    Pattern { generator, start, at, end, pick, closed: false }
}

/// A row whose block counts only when its end line is there.
const fn closed(pattern: Pattern) -> Pattern {
    Pattern { closed: true, ..pattern }
}

/// The failure forms, in the order flufl.bounce's `simplematch.py` tries them
/// (comment: the site or MTA its comment names).
pub(super) const PATTERNS: &[Pattern] = &[
    // sdm.de
    row(
        "simple",
        "here is your list of failed recipients",
        At::Anywhere,
        End::Contains("here is your returned mail"),
        Pick::Angle,
    ),
    // sz-sb.de, corridor.com, nfg.nl (Sendmail's list before its transcript)
    row(
        "simple",
        "the following addresses had",
        At::Anywhere,
        End::Contains("transcript of session follows"),
        Pick::Lone,
    ),
    // robanal.demon.co.uk
    row(
        "simple",
        "this message was created automatically by mail delivery software",
        At::Anywhere,
        End::Contains("original message follows"),
        Pick::After("rcpt to:"),
    ),
    // InterScan E-Mail VirusWall NT
    row(
        "viruswall-nt",
        "message from interscan e-mail viruswall nt",
        At::Anywhere,
        End::Contains("end of message"),
        Pick::After("rcpt to:"),
    ),
    // Smail
    row(
        "smail",
        "failed addresses follow:",
        At::Anywhere,
        End::Contains("message text follows:"),
        Pick::AnyWord,
    ),
    // newmail.ru
    row(
        "simple",
        "this is the machine generated message from mail service.",
        At::Anywhere,
        End::Contains("--- below the next line is a copy of the message."),
        Pick::Angle,
    ),
    // MDaemon 3.5 (turbosport.com)
    row(
        "mdaemon",
        "the following addresses did not receive a copy of your message:",
        At::Anywhere,
        End::Contains("--- session transcript ---"),
        Pick::After(">"),
    ),
    // usa.net
    row(
        "simple",
        "intended recipient:",
        At::Anywhere,
        End::Contains("--------returned mail follows--------"),
        Pick::After("intended recipient:"),
    ),
    // hotpop.com
    row(
        "hotpop",
        "undeliverable address:",
        At::Anywhere,
        End::Contains("original message attached"),
        Pick::After("undeliverable address:"),
    ),
    // demon.co.uk, another form
    row(
        "simple",
        "this message was created automatically by mail delivery",
        At::Anywhere,
        End::StartsWith("---- start of returned message ----"),
        Pick::Quoted("addressed to '"),
    ),
    // Prodigy (mailbox full)
    row(
        "simple",
        "user's mailbox is full:",
        At::Anywhere,
        End::Contains("unable to deliver mail."),
        Pick::After("user's mailbox is full:"),
    ),
    // Microsoft SMTPSVC
    row(
        "smtpsvc",
        "the email below could not be delivered to the following user:",
        At::Anywhere,
        End::Contains("old message:"),
        Pick::Angle,
    ),
    // Yahoo on behalf of other domains (sbcglobal.net)
    row(
        "yahoo-legacy",
        "unable to deliver message to the following address(es).",
        At::Anywhere,
        End::Contains("--- original message follows."),
        Pick::AngleColon,
    ),
    // googlemail.com
    row(
        "googlemail",
        "delivery to the following recipient failed",
        At::Anywhere,
        End::Contains("----- original message -----"),
        Pick::Lone,
    ),
    // kundenserver.de (Exim's notice, addresses in angle brackets)
    row(
        "simple",
        "a message that you sent could not be delivered",
        At::Anywhere,
        End::StartsWith("---"),
        Pick::Angle,
    ),
    // kundenserver.de, another form (`address:` in the first column)
    row(
        "simple",
        "a message that you sent could not be delivered",
        At::Anywhere,
        End::StartsWith("---"),
        Pick::FirstWord,
    ),
    // thehartford.com / songbird: the list ends at the first line of prose
    row(
        "simple",
        "delivery to the following recipients failed",
        At::Anywhere,
        End::Prose,
        Pick::Lone,
    ),
    row(
        "simple",
        "delivery to the following recipients was aborted",
        At::Anywhere,
        End::Prose,
        Pick::Lone,
    ),
    // the same, as some servers misspell it
    row(
        "simple",
        "delevery to the following recipients failed",
        At::Anywhere,
        End::Prose,
        Pick::Lone,
    ),
    row(
        "simple",
        "delevery to the following recipients was aborted",
        At::Anywhere,
        End::Prose,
        Pick::Lone,
    ),
    // thehartford.com / hartfordlife.com ("Your message" alone on a line opens many
    // an ordinary reply too: the block must reach its "because:")
    closed(row("simple", "your message", At::WholeLine, End::StartsWith("because:"), Pick::Lone)),
    // kviv.be (InterScan NT)
    row(
        "viruswall-nt",
        "unable to deliver message to",
        At::LineStart,
        End::Contains("end of message"),
        Pick::Angle,
    ),
    // earthlink.net and the domains it hosts
    row(
        "simple",
        "sorry, unable to deliver your message to",
        At::LineStart,
        End::StartsWith("a copy of the original message"),
        Pick::AnyWord,
    ),
    // ademe.fr
    row(
        "simple",
        "a message could not be delivered to:",
        At::LineStart,
        End::StartsWith("subject:"),
        Pick::Lone,
    ),
    // andrew.ac.jp
    row(
        "simple",
        "invalid final delivery userid:",
        At::LineStart,
        End::StartsWith("original message follows."),
        Pick::AnyWord,
    ),
    // E500_SMTP_Mail_Service (lerctr.org)
    row(
        "simple",
        "------ failed recipients ------",
        At::Anywhere,
        End::Contains("-------- returned mail --------"),
        Pick::Angle,
    ),
    // cynergycom.net
    row(
        "simple",
        "a message that you sent could not be delivered",
        At::Anywhere,
        End::StartsWith("---"),
        Pick::AnyWord,
    ),
    // LSMTP for Windows
    row(
        "lsmtp",
        "--> error description:",
        At::WholeLine,
        End::StartsWith("error-end:"),
        Pick::After("error-for:"),
    ),
    // qmail with an introduction in Spanish, English and Portuguese
    row(
        "qmail",
        "your message could not be delivered",
        At::Anywhere,
        End::StartsWith("-"),
        Pick::AngleColon,
    ),
    // socgen.com: the address follows the sentence ("... delivered to ADDRESS for the
    // following reason"), not anywhere in the paragraph, which may be a person's words
    row(
        "simple",
        "your message could not be delivered to",
        At::Anywhere,
        End::Blank,
        Pick::After("your message could not be delivered to"),
    ),
    // dadoservice.it
    row(
        "simple",
        "your message has encountered delivery problems",
        At::Anywhere,
        End::Contains("your message reads"),
        Pick::After("addressed to"),
    ),
    // Microsoft Exchange 5.5's Internet Mail Service, whose recipient line is an
    // X.400 address with the SMTP one inside (`...;dda:SMTP=taro@example.jp; on
    // DATE`); source: flufl.bounce 4.0's `exchange.py` (its `SMTP=ADDRESS; on` rule;
    // plain `ADDRESS on DATE` lines are the exchange2003 family's)
    row(
        "exchange-ims",
        "did not reach the following recipient",
        At::Anywhere,
        End::Contains("msexch:"),
        Pick::After("smtp="),
    ),
    // gomaps.com
    row("simple", "did not reach the following recipient", At::Anywhere, End::Blank, Pick::AnyWord),
    // EYOU MTA
    row(
        "eyou",
        "this is the deliver program at",
        At::Anywhere,
        End::StartsWith("-"),
        Pick::FirstWord,
    ),
    // a qmail at ieo.it
    row("qmail", "this is the email server at", At::Anywhere, End::StartsWith("-"), Pick::AnyWord),
    // pla.net.py (MDaemon.PRO)
    row(
        "mdaemon",
        "- no such user here",
        At::Anywhere,
        End::Contains("there is no user"),
        Pick::FirstWord,
    ),
    // mxlogic.net
    row(
        "mxlogic",
        "the following address failed:",
        At::Anywhere,
        End::Contains("included is a copy of the message header"),
        Pick::Angle,
    ),
    // fastdnsservers.com
    row(
        "simple",
        "the following recipient(s) could not be reached",
        At::Anywhere,
        End::Contains("error type"),
        Pick::FirstWord,
    ),
    // an unnamed MTA ("Failed Recipient:")
    row(
        "simple",
        "could not deliver message to the following recipient",
        At::Anywhere,
        End::Contains("-- the header"),
        Pick::After("failed recipient:"),
    ),
    // mta1.service.uci.edu
    row(
        "simple",
        "message not delivered to the following addresses",
        At::Anywhere,
        End::Contains("error detail"),
        Pick::AnyWord,
    ),
    // Dovecot LDA's over-quota rejection ("Your message to <a> was automatically
    // rejected"): the address is on the line that says so.
    row(
        "dovecot",
        "was automatically rejected",
        At::Anywhere,
        End::StartsWith("reporting"),
        Pick::After("your message to"),
    ),
    // mail.ru
    row(
        "simple",
        "a message that you sent was rejected",
        At::Anywhere,
        End::Contains("this is a copy of your message"),
        Pick::AnyWord,
    ),
    // MailEnable
    row(
        "mailenable",
        "message could not be delivered to some recipients.",
        At::Anywhere,
        End::Contains("message headers follow"),
        Pick::After("recipient: [smtp:"),
    ),
    // Yahoo, a form its own detector does not read
    row(
        "yahoo-legacy",
        "wasn't able to deliver the following message",
        At::Anywhere,
        End::Contains("below this line is a copy of the message"),
        Pick::After("to: "),
    ),
    // an unnamed MTA ("-- address")
    row(
        "simple",
        "this is a delivery failure notification message",
        At::Anywhere,
        End::Contains("the problem appears to be"),
        Pick::After("-- "),
    ),
    // Ipswitch IMail (`X-Mailer: <SMTP32 vN>`) without its "Original message
    // follows." line (the imail family reads it with one): `REASON: ADDRESS` lines,
    // one paragraph. Source: flufl.bounce 4.0's `smtp32.py` (its five prefixes).
    row("imail", "user mailbox", At::LineStart, End::Blank, Pick::After(": ")),
    row("imail", "delivery failed", At::LineStart, End::Blank, Pick::After(": ")),
    row("imail", "unknown user", At::LineStart, End::Blank, Pick::After(": ")),
    row("imail", "delivery userid", At::LineStart, End::Blank, Pick::After(": ")),
    row("imail", "undeliverable to", At::LineStart, End::Blank, Pick::After("undeliverable to")),
];

/// Reads the text as the first of [`PATTERNS`] that finds an address in it.
/// `seen`: see [`scan_patterns`].
pub(crate) fn scan(text: &Text<'_>, seen: Option<&[bool]>) -> Option<Scan> {
    let reading = Reading { delayed: is_delay_warning(text) };
    let (generator, records) = scan_patterns(text, PATTERNS, seen, reading)?;
    Some(Scan { generator: Some(generator), reporting_mta: None, records })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn recipients(raw: &str) -> Vec<String> {
        scan(&Text::new(raw), None)
            .map(|s| s.records.into_iter().filter_map(|r| r.recipient).collect())
            .unwrap_or_default()
    }

    #[test]
    fn every_start_phrase_is_lower_case() {
        for pattern in PATTERNS {
            assert_eq!(pattern.start, pattern.start.to_lowercase(), "{pattern:?}");
        }
    }

    #[test]
    fn reads_smail_and_earlier_rows_first() {
        let raw = "|---- Failed addresses follow: ----|\n a@example.net ... unknown user\n\
                   |---- Message text follows: ----|\nTo: b@example.net\n";
        assert_eq!(recipients(raw), ["a@example.net"]);
    }

    #[test]
    fn a_later_row_with_the_same_start_is_tried_when_the_first_finds_nothing() {
        let raw = "This message was created automatically by mail delivery software.\n\n\
                   The message you sent addressed to 'c@example.co.uk' could not be delivered.\n";
        assert_eq!(recipients(raw), ["c@example.co.uk"]);
    }

    #[test]
    fn prose_without_the_start_phrases_gives_nothing() {
        assert!(recipients("Hello a@example.net,\nsee you on Monday.\n").is_empty());
        assert!(scan(&Text::new("Intended recipient: the whole team.\n"), None).is_none());
    }

    #[test]
    fn a_warning_is_delayed() {
        let raw = "This is a warning only.\nFailed addresses follow:\n a@example.net\n";
        let scan = scan(&Text::new(raw), None).unwrap();
        assert_eq!(scan.records[0].action, Some(crate::Action::Delayed));
    }
}
