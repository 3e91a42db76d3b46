//! The shared engine of the "delimited" legacy forms ([`super::simple`],
//! [`super::warning`]): many old MTAs and providers wrote a free-text bounce in which
//! a known sentence opens a block, the block names the failed addresses in a
//! recognisable way, and another known line closes it:
//!
//! ```text
//! Here is your list of failed recipients:      <- the start phrase
//! <taro@example.jp>                            <- an address, picked by a rule
//! Here is your returned mail:                  <- the end
//! ```
//!
//! A family lists such [`Pattern`]s as data, each with the source that documents the
//! form; [`scan_patterns`] tries them in order, and the first pattern whose block
//! yields an address gives the records (as Mailman's and flufl.bounce's detectors do,
//! so that a later, looser pattern never adds to a precise one).

use super::{address_word, generic, push_block, Text, TextRecord};

/// Where a start phrase must stand in its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// Anywhere in the line.
    Anywhere,
    /// At the start of the line (after any indentation).
    LineStart,
    /// The phrase is the whole line (apart from surrounding white space).
    WholeLine,
}

/// The line that closes a block (never the start line itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// A line that contains the phrase (lower-case), anywhere.
    Contains(&'static str),
    /// A line that starts with the phrase (lower-case), in its first column.
    StartsWith(&'static str),
    /// An empty (or all white space) line.
    Blank,
    /// A line of three characters or more that holds no `@` and does not start with
    /// `d` (the address list of "Delivery to the following recipients failed." ends
    /// at the first line of prose; "Delivery ..." lines belong to the notice).
    Prose,
}

/// How a line of the block names an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    /// The first `<address>` in the line.
    Angle,
    /// The first `<address>:` in the line.
    AngleColon,
    /// The line is only the address (after indentation, `*`, `>` or an "expanded
    /// from" wrapper).
    Lone,
    /// The line starts, in its first column, with the address (followed by white
    /// space, `:` or the end of the line).
    FirstWord,
    /// The first word of the line that is an address.
    AnyWord,
    /// The word after the phrase (lower-case) wherever it is in the line.
    After(&'static str),
    /// The text between the phrase (lower-case, ending with its opening quote) and
    /// the next `'`.
    Quoted(&'static str),
    /// The first `"..."` in the line that holds an `@`.
    DoubleQuoted,
    /// An `<address>` directly followed by the phrase (lower-case), as in Sendmail's
    /// `<taro@example.jp>... Deferred: Connection timed out`.
    AngleThen(&'static str),
}

/// One documented form: its start phrase, where the phrase stands, how the block
/// ends, and how a line names an address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    /// The MTA or site the form is known from, and the generator name given to it.
    pub generator: &'static str,
    /// The start phrase, lower-case.
    pub start: &'static str,
    pub at: At,
    pub end: End,
    pub pick: Pick,
    /// The block counts only when its end line is there. Failure notices are often cut
    /// before their end line (which introduces the returned message, and the copy is
    /// cut off the text), but where the end line is a sentence of the notice itself,
    /// requiring it keeps a plain start ("Your message to:") from reading prose.
    pub closed: bool,
}

impl Pattern {
    /// A phrase that every text this pattern reads holds: the end line's for a
    /// pattern that needs it (often rarer than a plain start such as "Your
    /// message"), the start phrase otherwise.
    pub(crate) fn required(&self) -> &'static str {
        match self.end {
            End::Contains(phrase) | End::StartsWith(phrase) if self.closed => phrase,
            _ => self.start,
        }
    }
}

/// How a family reads its blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reading {
    /// The records are delay warnings (action `delayed`).
    pub delayed: bool,
}

/// A block is read for at most this many lines.
const MAX_BLOCK_LINES: usize = 200;

/// Tries `patterns` in order on `text` and returns the records of the first that
/// yields an address (none when no pattern does), with the generator of that pattern.
/// `seen[i]`, when given, tells whether the text holds `patterns[i]`'s
/// [`Pattern::required`] phrase (found for all patterns in one pass): a pattern
/// whose phrase is not there is not tried.
pub(crate) fn scan_patterns(
    text: &Text<'_>,
    patterns: &[Pattern],
    seen: Option<&[bool]>,
    reading: Reading,
) -> Option<(&'static str, Vec<TextRecord>)> {
    for (i, pattern) in patterns.iter().enumerate() {
        if seen.is_some_and(|seen| seen.get(i) != Some(&true)) {
            continue;
        }
        let Some(at) = text.find(pattern.start) else { continue };
        let Some(line_start) = start_line(text, pattern, at) else { continue };
        let records = read_block(text, line_start, pattern, reading);
        if !records.is_empty() {
            return Some((pattern.generator, records));
        }
    }
    None
}

/// Where the line that opens the block starts: the line of the first occurrence of
/// the start phrase that stands where the pattern wants it.
fn start_line(text: &Text<'_>, pattern: &Pattern, first: usize) -> Option<usize> {
    let lower = text.lower.as_str();
    let mut at = first;
    loop {
        let line_start = lower.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
        let line_end = lower.get(at..)?.find('\n').map_or(lower.len(), |n| at + n);
        let line = lower.get(line_start..line_end)?;
        let before = lower.get(line_start..at)?;
        let after = lower.get(at + pattern.start.len()..line_end)?;
        let stands = match pattern.at {
            At::Anywhere => true,
            At::LineStart => before.trim().is_empty(),
            At::WholeLine => before.trim().is_empty() && after.trim().is_empty(),
        };
        if stands && !line.is_empty() {
            return Some(line_start);
        }
        at = line_end + lower.get(line_end..)?.get(1..)?.find(pattern.start)? + 1;
    }
}

/// Reads the block that opens at `from` and makes one record per distinct address.
fn read_block(
    text: &Text<'_>,
    from: usize,
    pattern: &Pattern,
    reading: Reading,
) -> Vec<TextRecord> {
    let Some(block) = text.raw.get(from..) else { return Vec::new() };
    let mut addresses: Vec<String> = Vec::new();
    let mut description = String::new();
    let mut closed = false;
    for (i, line) in block.lines().take(MAX_BLOCK_LINES).enumerate() {
        match pick(line, pattern.pick) {
            Some(address) => {
                // A line may name the address and close the notice at once
                // (`"taro@example.jp" ... has been postponed`): the block goes on, as
                // the detectors read it, but it is closed.
                closed |= i > 0 && ends(line, pattern.end);
                add_unique(&mut addresses, address);
            }
            None if i > 0 && ends(line, pattern.end) => {
                closed = true;
                break;
            }
            None => {}
        }
        description.push_str(line);
        description.push('\n');
    }
    let mut records = Vec::new();
    if addresses.is_empty() || (pattern.closed && !closed) {
        return records;
    }
    // Many notices give the server's reply in a paragraph of their own ("Technical
    // details"), outside the block: the first paragraph with a code is added then.
    if !has_code(&description) {
        if let Some(paragraph) = generic::scan(text).into_iter().next() {
            description.push_str(&paragraph.description);
        }
    }
    for address in addresses {
        push_block(&mut records, address, &description, reading.delayed);
    }
    records
}

/// Adds `address` unless the list holds it already (in any case).
pub(crate) fn add_unique(addresses: &mut Vec<String>, address: String) {
    if !addresses.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
        addresses.push(address);
    }
}

/// True when `text` holds something like an SMTP reply code (`550`, `550-`) or an
/// enhanced status code (`5.1.1`) as a word of its own.
fn has_code(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '#' | ':')).any(
        |word| {
            let word = word.trim_end_matches([',', '.', ';']);
            let bytes = word.as_bytes();
            let reply = matches!(
                bytes,
                [b'2' | b'4' | b'5', b'0'..=b'9', b'0'..=b'9']
                    | [b'2' | b'4' | b'5', b'0'..=b'9', b'0'..=b'9', b'-', ..]
            );
            let mut parts = word.split('.');
            let status = matches!(parts.next(), Some("2" | "4" | "5"))
                && parts.clone().count() == 2
                && parts
                    .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
            reply || status
        },
    )
}

fn ends(line: &str, end: End) -> bool {
    match end {
        End::Contains(phrase) => line.to_ascii_lowercase().contains(phrase),
        End::StartsWith(phrase) => line.to_ascii_lowercase().starts_with(phrase),
        End::Blank => line.trim().is_empty(),
        End::Prose => {
            line.trim().len() >= 3 && !line.contains('@') && !line.starts_with(['d', 'D'])
        }
    }
}

/// The address `rule` finds in `line`, if it is a plausible one.
fn pick(line: &str, rule: Pick) -> Option<String> {
    let candidate = match rule {
        Pick::Angle => bracketed(line, false),
        Pick::AngleColon => bracketed(line, true),
        Pick::Lone => {
            let mut word = line.trim().trim_start_matches(['*', '>', ' ', '\t']);
            if let Some(inner) = strip_prefix_ci(word, "(expanded from:") {
                word = inner.trim().trim_end_matches(')');
            }
            let word = word.trim();
            (!word.is_empty() && !word.contains(char::is_whitespace)).then_some(word)
        }
        Pick::FirstWord => {
            let word = line.split([' ', '\t']).next().unwrap_or("");
            Some(word.strip_suffix(':').unwrap_or(word))
        }
        Pick::AnyWord => line.split_whitespace().find(|w| w.contains('@')),
        Pick::After(phrase) => {
            let at = line.to_ascii_lowercase().find(phrase)?;
            line.get(at + phrase.len()..)?.split_whitespace().next()
        }
        Pick::Quoted(phrase) => {
            let at = line.to_ascii_lowercase().find(phrase)?;
            let rest = line.get(at + phrase.len()..)?;
            rest.get(..rest.find('\'')?)
        }
        Pick::DoubleQuoted => line.split('"').skip(1).step_by(2).find(|q| q.contains('@')),
        Pick::AngleThen(phrase) => {
            let close = line.to_ascii_lowercase().find(&format!(">{phrase}"))?;
            let open = line.get(..close)?.rfind('<')?;
            line.get(open + 1..close)
        }
    }?;
    plausible_address(candidate)
}

/// The first `<...>` of `line` that holds an `@` (followed by `:` when `colon`).
fn bracketed(line: &str, colon: bool) -> Option<&str> {
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let after = rest.get(open + 1..)?;
        let close = after.find('>')?;
        let inner = after.get(..close)?;
        let next = after.get(close + 1..).unwrap_or("");
        if inner.contains('@') && (!colon || next.starts_with(':')) {
            return Some(inner);
        }
        rest = next;
    }
    None
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// `word` as an address when it looks like one a mail system would write: one `@`,
/// a local part of printable ASCII without brackets, and a domain of letters, digits,
/// dots, dashes and underscores with at least one dot (Mailman's detectors accept
/// only such addresses, so that prose with an `@` is not taken for one).
pub(crate) fn plausible_address(word: &str) -> Option<String> {
    // `[SMTP:taro@example.jp]` (MailEnable) and `taro@example.jp]`.
    let word = word.trim_start_matches('[').trim_end_matches([']', '.', ',']);
    let address = address_word(word)?;
    let (local, domain) = address.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.bytes().all(|b| (0x21..=0x7e).contains(&b) && !b"<>@()[],;:\"".contains(&b));
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    (local_ok && domain_ok).then_some(address)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn picks_addresses_by_rule() {
        let cases = [
            (" <a.b@example.jp> ... unknown", Pick::Angle, Some("a.b@example.jp")),
            ("<a@example.jp>: no such user", Pick::AngleColon, Some("a@example.jp")),
            ("see <a@example.jp> here", Pick::AngleColon, None),
            ("   * a@example.jp  ", Pick::Lone, Some("a@example.jp")),
            ("    (expanded from: <a@example.jp>)", Pick::Lone, Some("a@example.jp")),
            ("a@example.jp is unknown", Pick::Lone, None),
            ("a@example.jp: mailbox full", Pick::FirstWord, Some("a@example.jp")),
            (" a@example.jp", Pick::FirstWord, None),
            ("Your message to a@example.jp, was", Pick::AnyWord, Some("a@example.jp")),
            ("Intended recipient: a@example.jp", Pick::After("recipient:"), Some("a@example.jp")),
            (
                "addressed to 'a@example.jp' failed",
                Pick::Quoted("addressed to '"),
                Some("a@example.jp"),
            ),
            ("mail me at user@localhost", Pick::AnyWord, None),
            (
                "<a@example.jp>... Deferred: timeout",
                Pick::AngleThen("... deferred"),
                Some("a@example.jp"),
            ),
            (">>> RCPT To:<a@example.jp>", Pick::AngleThen("... deferred"), None),
            ("the @ sign", Pick::AnyWord, None),
        ];
        for (line, rule, expected) in cases {
            assert_eq!(pick(line, rule).as_deref(), expected, "{line:?} {rule:?}");
        }
    }

    #[test]
    fn tells_codes_from_other_numbers() {
        for coded in ["550 unknown", "said: 550-5.1.1 no", "(#5.1.1)", "status 4.2.2.", "[554]"] {
            assert!(has_code(coded), "{coded:?}");
        }
        for plain in ["room 5500", "version 5.1", "1.2.3", "on 12.03.2003", "5.1.1.1"] {
            assert!(!has_code(plain), "{plain:?}");
        }
    }

    #[test]
    fn a_block_ends_where_the_pattern_says() {
        const TABLE: &[Pattern] = &[Pattern {
            generator: "test",
            start: "failed recipients:",
            at: At::LineStart,
            end: End::Contains("returned mail"),
            pick: Pick::Angle,
            closed: false,
        }];
        const READING: Reading = Reading { delayed: false };
        let raw = "Hello\nFailed recipients: <a@example.jp>\n<b@example.jp>\n\
                   Here is your returned mail\n<c@example.jp>\n";
        let text = Text::new(raw);
        let (generator, records) = scan_patterns(&text, TABLE, None, READING).unwrap();
        assert_eq!(generator, "test");
        let got: Vec<_> = records.iter().filter_map(|r| r.recipient.as_deref()).collect();
        assert_eq!(got, ["a@example.jp", "b@example.jp"]);
        // Not at the start of its line: the pattern does not apply.
        let text = Text::new("Your failed recipients: <a@example.jp>\n");
        assert!(scan_patterns(&text, TABLE, None, READING).is_none());
    }
}
