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
mod aol;
mod apachejames;
mod biglobe;
mod delimited;
mod domino;
mod dragonfly;
mod exchange2003;
mod exchange2007;
mod exim;
mod ezweb;
mod fml;
mod gateways;
mod generic;
mod gmail;
mod googlegroups;
mod groupwise;
mod imail;
mod interscan;
mod kddi;
mod legacy;
mod mfilter;
mod netscape;
mod notes;
mod opensmtpd;
mod postfix;
mod qmail;
mod sendmail;
mod simple;
mod smtpsvc;
mod surfcontrol;
mod verbs;
mod verizon;
mod warning;
mod x1;
mod x3;
mod x6;
mod zoho;

use crate::text::{
    clean_address, command_in, diagnostic_in, find_codes, markers_in, remote_host_in, unfold,
    LowerCased,
};
use crate::{Action, Kind, RecipientReport};
use aho_corasick::packed::{self, MatchKind};
use aho_corasick::Span;
use std::net::IpAddr;
use std::sync::LazyLock;

/// The phrases the families look for in a whole text (their signatures and section
/// markers), lower-case. [`Text::new`] finds all of them in one pass, so that
/// [`Text::has`] and [`Text::find`] answer for them without searching again; any
/// other needle is searched for when asked.
const PHRASES: &[&str] = &[
    // RFC 3464 fields in a text part (asked before the families are).
    "final-recipient:",
    "original-recipient:",
    "----- non-delivered information -----",
    "----- the following addresses had delivery problems -----",
    "----- transcript of session follows -----",
    "------- failure reasons",
    "---the following addresses had delivery errors---",
    "\"notificationtype\"",
    "a message is delayed for more than",
    // Family signatures that share an anchor below (mfilter, surfcontrol, gateways,
    // fml, ezweb, qmail, kddi).
    "--- the following addresses had delivery problems ---",
    "a transcript of the attempts to send the message follows.",
    "could not be delivered because of",
    "hi. this is the qmail",
    "original mail as follows:",
    "the following recipients were affected:",
    "the user(s) account is temporarily ",
    "your mail sent on",
    "your message could not be sent.",
    "address(es) deferred",
    "address(es) failed",
    "body of message generated response:",
    "could not be delivered to:",
    "could not send message for past",
    "delivery has been delayed",
    "delivery has failed to these recipients or groups:",
    "delivery to the following recipient failed permanently",
    "delivery to the following recipient has been delayed",
    "delivery to the following recipients failed permanently",
    "delivery to the following recipients has been delayed",
    "delivery to the following recipients have been delayed",
    "diagnostic information for administrators:",
    "did not reach the following recipient(s):",
    "each of the following recipients was rejected by a remote",
    "error message below:",
    "following address(es) have not yet been delivered",
    "groups.google.com",
    "groups.google.com/support",
    "has not yet been delivered",
    "have not yet been delivered",
    "list of recipients:",
    "message could not be delivered to mobile.",
    "message details:",
    "message from interscan messaging security suite",
    "original message follows.",
    "original message headers:",
    "original message:",
    "smtp error from remote mail server after",
    "smtp error from remote mail server",
    "technical details",
    "the following address(es) failed",
    "the following addresses had permanent fatal errors",
    "the following addresses had transient non-fatal errors",
    "the following recipients did not receive this message",
    "the following recipients returned ",
    "the user(s) account is disabled",
    "there was an error delivering your mail to ",
    "this is a warning only",
    "this is the dragonfly mail agent",
    "this is the mail system at host ",
    "this is the mailer-daemon, please do not reply",
    "this message was created automatically by mail delivery software",
    "transient non-fatal errors",
    "was not delivered to:",
    "we had trouble delivering your message",
    "while talking to ",
    "you are not a member of this mailing list",
    "your mail sent on:",
    "your message was not delivered within ",
];

/// Four-byte fragments of [`PHRASES`] that the searcher looks for, rather than the
/// whole phrases: each phrase is compared whole where the first of these it contains
/// occurs. The vector searcher (Teddy) costs little per byte, but every place its
/// filter cannot rule out is checked one by one, and that is where the time goes. So
/// the fragments are few (at most 32 keep the searcher's fast kind) and rare in
/// bounce text, and even their order is tuned: the searcher (of aho-corasick 1.1)
/// puts the patterns into eight buckets by their position in this list, and the fewer
/// different bytes the patterns of a bucket hold, the fewer places it lets through.
/// The list was found by a search that counted, over the Sisimai corpus's bounce
/// texts, the places such a searcher lets through and the fragments' occurrences.
const ANCHORS: &[&str] = &[
    "ot b", "g re", "n de", "twar", "-- f", "alki", "es) ", "onty", "ot d", "l se", "had ", "inal",
    "ge g", "non-", "erin", "roup", "is d", "list", "g on", "tail", "ge f", "n fo", "is t", "low:",
];

/// The searcher for [`ANCHORS`] (none where the CPU lacks the vector instructions
/// it needs), and for each anchor the phrases found through it; built once.
struct Phrases {
    searcher: Option<packed::Searcher>,
    /// For each anchor, the phrases that contain it (indexes in [`PHRASES`]), each
    /// with where the anchor starts in the phrase.
    anchored: Vec<Vec<(usize, usize)>>,
    /// The phrases that contain no anchor (none, as a test checks), searched for
    /// one by one.
    unanchored: Vec<usize>,
    /// The indexes of [`DELAY_PHRASES`].
    delay: Vec<usize>,
}

static KNOWN: LazyLock<Phrases> = LazyLock::new(|| {
    let mut anchored = vec![Vec::new(); ANCHORS.len()];
    let mut unanchored = Vec::new();
    for (i, phrase) in PHRASES.iter().enumerate() {
        let found =
            ANCHORS.iter().enumerate().find_map(|(a, anchor)| Some((a, phrase.find(anchor)?)));
        match found.and_then(|(a, at)| anchored.get_mut(a).map(|list| (list, at))) {
            Some((list, at)) => list.push((i, at)),
            None => unanchored.push(i),
        }
    }
    Phrases {
        // All anchors are as long, so at most one matches at a position.
        searcher: packed::Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .builder()
            .extend(ANCHORS)
            .build(),
        delay: DELAY_PHRASES.iter().filter_map(|phrase| INDEX.get(phrase)).collect(),
        anchored,
        unanchored,
    }
});

/// Slots of the [`PhraseIndex`] table: a power of two, under half full.
const INDEX_SLOTS: usize = 256;
const _: () = assert!(PHRASES.len() < INDEX_SLOTS / 2);

/// Which of [`PHRASES`] a needle is, found without hashing the needle whole: an
/// open-addressing table keyed on its length and its first and last eight bytes
/// (which tell the phrases apart well enough; whole phrases are compared anyway).
struct PhraseIndex {
    /// The index in [`PHRASES`] of the phrase in each slot.
    slots: [Option<u8>; INDEX_SLOTS],
}

/// The phrase index, built by the compiler: where a family asks for a phrase (and
/// [`Text::find`] is inlined), the lookup folds into the phrase's index.
static INDEX: PhraseIndex = PhraseIndex::new();

impl PhraseIndex {
    const fn new() -> PhraseIndex {
        let mut slots = [None; INDEX_SLOTS];
        let mut i = 0;
        while i < PHRASES.len() {
            let mut slot = Self::home(PHRASES[i]);
            while slots[slot].is_some() {
                slot = (slot + 1) % INDEX_SLOTS;
            }
            // There are fewer phrases than slots (asserted above): `i` fits.
            slots[slot] = Some(i as u8);
            i += 1;
        }
        PhraseIndex { slots }
    }

    /// The slot where the search for `needle` starts.
    #[inline(always)]
    const fn home(needle: &str) -> usize {
        let bytes = needle.as_bytes();
        let (first, last) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            (Some(first), Some(last)) => (u64::from_le_bytes(*first), u64::from_le_bytes(*last)),
            _ => {
                let (mut word, mut k) = (0, 0);
                while k < bytes.len() {
                    word = word << 8 | bytes[k] as u64;
                    k += 1;
                }
                (word, 0)
            }
        };
        let mixed =
            (first ^ last.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits of the product depend on all the bits of the key.
        (mixed >> (u64::BITS - INDEX_SLOTS.trailing_zeros())) as usize
    }

    #[inline(always)]
    fn get(&self, needle: &str) -> Option<usize> {
        let mut slot = Self::home(needle);
        loop {
            let i = usize::from((*self.slots.get(slot)?)?);
            if PHRASES.get(i) == Some(&needle) {
                return Some(i);
            }
            slot = (slot + 1) % INDEX_SLOTS;
        }
    }
}

/// Where each of [`PHRASES`] first occurs in a text, found in one pass.
#[derive(Debug)]
struct Found {
    /// `at[i]`: the first position of `PHRASES[i]`, `usize::MAX` when absent.
    at: [usize; PHRASES.len()],
    /// False without a searcher: every needle is searched for.
    valid: bool,
}

impl Found {
    fn of(lower: &str) -> Found {
        let mut at = [usize::MAX; PHRASES.len()];
        let Some(searcher) = KNOWN.searcher.as_ref() else {
            return Found { at, valid: false };
        };
        // Every occurrence of every anchor is visited, in order (each search starts
        // one byte after the last match's start), so the first place where a phrase
        // is found around its anchor is its leftmost occurrence (what `str::find`
        // gives).
        let bytes = lower.as_bytes();
        let mut from = 0;
        while from < lower.len() {
            let Some(found) = searcher.find_in(bytes, Span::from(from..bytes.len())) else { break };
            let start = found.start();
            let phrases =
                KNOWN.anchored.get(found.pattern().as_usize()).map_or(&[][..], Vec::as_slice);
            for (i, anchor_at) in phrases {
                let (Some(slot), Some(phrase)) = (at.get_mut(*i), PHRASES.get(*i)) else {
                    continue;
                };
                if *slot != usize::MAX {
                    continue;
                }
                let Some(phrase_start) = start.checked_sub(*anchor_at) else { continue };
                if bytes.get(phrase_start..).is_some_and(|rest| rest.starts_with(phrase.as_bytes()))
                {
                    *slot = phrase_start;
                }
            }
            from = start + 1;
        }
        for i in &KNOWN.unanchored {
            if let (Some(slot), Some(phrase)) = (at.get_mut(*i), PHRASES.get(*i)) {
                *slot = lower.find(phrase).unwrap_or(usize::MAX);
            }
        }
        Found { at, valid: true }
    }
}

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
    /// Where the known phrases are.
    found: Found,
    /// The text says it is a delay warning (asked by several families).
    delay_warning: bool,
}

impl<'a> Text<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        let lower = raw.to_ascii_lowercase();
        let found = Found::of(&lower);
        let mut text = Text { raw, lower, failed_recipients: &[], found, delay_warning: false };
        text.delay_warning = if text.found.valid {
            KNOWN.delay.iter().any(|i| text.found.at.get(*i).is_some_and(|at| *at != usize::MAX))
        } else {
            DELAY_PHRASES.iter().any(|phrase| text.has(phrase))
        };
        text
    }

    /// The text of a message whose headers name failed recipients.
    pub(crate) fn with_failed(raw: &'a str, failed_recipients: &'a [String]) -> Self {
        Text { failed_recipients, ..Text::new(raw) }
    }

    /// True when the lower-cased text contains `needle` (which must be lower-case).
    #[inline]
    pub(crate) fn has(&self, needle: &str) -> bool {
        self.find(needle).is_some()
    }

    /// Where `needle` (which must be lower-case) first occurs in the lower-cased text:
    /// `self.lower.find(needle)`, answered without a search for the known phrases.
    // Inlined (the search aside), so that where a family asks for a phrase, the
    // compiler finds the phrase's index.
    #[inline(always)]
    pub(crate) fn find(&self, needle: &str) -> Option<usize> {
        if self.found.valid {
            if let Some(i) = INDEX.get(needle) {
                return self.found.at.get(i).copied().filter(|at| *at != usize::MAX);
            }
        }
        self.search(needle)
    }

    #[inline(never)]
    fn search(&self, needle: &str) -> Option<usize> {
        // The vector search: `str::find`'s two-way search is several times slower on
        // bounce-sized texts.
        memchr::memmem::find(self.lower.as_bytes(), needle.as_bytes())
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
        let description = LowerCased::new(&self.description);
        let diagnostic = diagnostic_in(&description);
        let mut codes = find_codes(&diagnostic);
        if codes.reply.is_none() && codes.status.is_none() {
            codes = find_codes(&self.description);
        }
        let (names_host, names_command) = markers_in(&description.lower);
        let host = names_host.then(|| remote_host_in(&description)).flatten();
        let command = names_command
            .then(|| command_in(&description))
            .flatten()
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
/// recipient the same text stay linear in the input): one more than
/// [`Limits::diagnostic_length`](crate::Limits::diagnostic_length), so that `parse`
/// sees the description is longer and records the cut.
pub(crate) fn max_description_bytes() -> usize {
    crate::limits::current().diagnostic_length.saturating_add(1)
}

/// Closes one recipient block a family has read: the description is unfolded (and
/// cut after [`max_description_bytes()`]), and at most [`max_records()`] records are kept.
pub(crate) fn push_block(
    records: &mut Vec<TextRecord>,
    recipient: String,
    description: &str,
    delayed: bool,
) {
    if records.len() < max_records() {
        let mut end = description.len().min(max_description_bytes());
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

/// [`push_block`] for a [`summary`], which is unfolded already and short (a lower
/// diagnostic-length limit is applied by `parse` afterwards): it is kept as it is rather than unfolded again (which,
/// for text beyond ASCII, is a second pass over every character).
pub(crate) fn push_summary(
    records: &mut Vec<TextRecord>,
    recipient: String,
    summary: &str,
    delayed: bool,
) {
    if records.len() < max_records() {
        records.push(TextRecord {
            recipient: Some(recipient),
            description: summary.to_string(),
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
    x3::scan,
    gmail::scan,
    googlegroups::scan,
    fml::scan,
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
    mfilter::scan,
    surfcontrol::scan,
    gateways::scan_mcafee,
    gateways::scan_mailmarshal,
    apachejames::scan,
    x6::scan,
    verizon::scan,
    ezweb::scan_own,
    zoho::scan,
    qmail::scan,
    qmail::scan_yahoo,
    postfix::scan,
    exim::scan,
    sendmail::scan,
    // Last: their signatures are plainer phrases.
    ezweb::scan,
    imail::scan,
    // Legacy forms (Mailman's and BounceParser's detectors), after everything else
    // and behind one gate, so that they cost the texts above nothing.
    legacy::scan,
];

/// At most this many records are read from one text: one more than
/// [`Limits::recipients`](crate::Limits::recipients), so that `parse` sees there were
/// more and records the cut.
pub(crate) fn max_records() -> usize {
    crate::limits::current().recipients.saturating_add(1)
}

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
#[cfg(test)]
pub(crate) fn scan(raw: &str, failed_recipients: &[String], generic: Generic) -> Scan {
    scan_text(&Text::with_failed(raw, failed_recipients), generic)
}

/// [`scan`] of a text whose phrases were already found (the caller asks it about the
/// report fields first).
pub(crate) fn scan_text(text: &Text<'_>, generic: Generic) -> Scan {
    let (raw, failed_recipients) = (text.raw, text.failed_recipients);
    let mut found = scan_families(text, generic);
    if let [only] = failed_recipients {
        for record in found.records.iter_mut().filter(|r| r.recipient.is_none()) {
            record.recipient = Some(only.clone());
        }
    }
    if found.records.is_empty() && generic != Generic::Never {
        let description = summary(raw);
        let delayed = is_delay_warning(text);
        for address in failed_recipients {
            push_summary(&mut found.records, address.clone(), &description, delayed);
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
    text.delay_warning
}

/// The phrases of a delay warning, all of them in [`PHRASES`].
const DELAY_PHRASES: &[&str] = &[
    "this is a warning only",
    "has not yet been delivered",
    "could not send message for past",
    "transient non-fatal errors",
    "delivery has been delayed",
    "delivery to the following recipients has been delayed",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn delay_phrases_are_known_phrases() {
        assert_eq!(KNOWN.delay.len(), DELAY_PHRASES.len());
        for phrase in DELAY_PHRASES {
            let text = Text::new(phrase);
            assert!(is_delay_warning(&text), "{phrase:?}");
            assert!(!is_delay_warning(&Text::new(&phrase[1..])), "{phrase:?}");
        }
    }

    /// A summary needs no second unfolding: it is what `push_block` would keep.
    #[test]
    fn summaries_are_kept_as_push_block_keeps_them() {
        let long = "word\u{3000}語 ".repeat(400);
        for raw in ["", "  a\n\tb  ", "東京\u{3000}大阪\r\n  x", long.as_str()] {
            let (mut kept, mut unfolded) = (Vec::new(), Vec::new());
            push_summary(&mut kept, "a@b".into(), &summary(raw), true);
            push_block(&mut unfolded, "a@b".into(), &summary(raw), true);
            assert_eq!(kept, unfolded, "{raw:?}");
        }
    }

    /// Every phrase is found through an anchor, and all anchors are as long (so that
    /// two never match at one position) and fit the fast prefilter.
    #[test]
    fn anchors_cover_the_phrases() {
        assert!(KNOWN.unanchored.is_empty(), "{:?}", KNOWN.unanchored);
        assert!(ANCHORS.len() <= 32);
        for (i, anchor) in ANCHORS.iter().enumerate() {
            assert_eq!(anchor.len(), 4, "{anchor:?}");
            assert!(!ANCHORS[..i].contains(anchor), "{anchor:?}");
            assert!(!KNOWN.anchored[i].is_empty(), "{anchor:?} anchors no phrase");
        }
    }

    #[test]
    fn the_index_finds_every_phrase_and_nothing_else() {
        let index = PhraseIndex::new();
        for (i, phrase) in PHRASES.iter().enumerate() {
            assert_eq!(index.get(phrase), Some(i), "{phrase:?}");
            assert_eq!(index.get(&phrase[1..]), None, "{phrase:?}");
        }
        for needle in ["", "e", "delivery to the following recipient", "x".repeat(300).as_str()] {
            assert_eq!(index.get(needle), None, "{needle:?}");
        }
    }

    /// The one-pass answers are what searching the lower-cased text gives.
    #[test]
    fn known_phrases_are_found_as_a_search_would() {
        let mut texts: Vec<String> = vec![String::new(), "nothing here".to_string()];
        for (i, phrase) in PHRASES.iter().enumerate() {
            let other = PHRASES[(i * 7 + 3) % PHRASES.len()];
            texts.push(format!("x {} y {phrase} z {}", phrase.to_uppercase(), phrase));
            texts.push(format!("{other}{phrase}{other}"));
            texts.push(phrase[..phrase.len() / 2].to_string());
            // The phrase from its anchor on, after other bytes, before the phrase.
            let anchor = ANCHORS.iter().find_map(|a| phrase.find(a)).unwrap();
            texts.push(format!("{}{} {phrase}", "#".repeat(anchor), &phrase[anchor..]));
            texts.push(format!("{} {phrase}", &phrase[anchor..]));
            texts.push(format!("{}{phrase}", &phrase[..phrase.len() - 1]));
        }
        // Overlapping phrases: one is a part of another.
        texts.push("smtp error from remote mail server after rcpt".to_string());
        texts.push("groups.google.com/support and groups.google.com".to_string());
        texts.push("The following address(es) failed: a\nhas not yet been delivered".to_string());
        for raw in &texts {
            let text = Text::new(raw);
            // Without the vector searcher every needle is searched for.
            assert_eq!(text.found.valid, KNOWN.searcher.is_some());
            for phrase in PHRASES.iter().chain(&["not a known phrase", "e"]) {
                assert_eq!(text.find(phrase), text.lower.find(phrase), "{phrase:?} in {raw:?}");
                assert_eq!(text.has(phrase), text.lower.contains(phrase));
            }
        }
    }
}
