//! Trimming and ASCII case-insensitive search, a byte at a time where `str`'s own
//! methods would decode characters.

use super::is_space;

/// `text.trim()`, quicker (see [`trim_start`]).
pub(crate) fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// `text.trim_end()`, quicker (see [`trim_start`]).
pub(crate) fn trim_end(text: &str) -> &str {
    // The byte after the last one that is not ASCII whitespace ends a character.
    let kept = text.bytes().rposition(|b| !is_space(b)).map_or(0, |i| i + 1);
    let rest = text.get(..kept).unwrap_or("");
    match rest.as_bytes().last() {
        Some(last) if !last.is_ascii() => rest.trim_end(),
        _ => rest,
    }
}

/// `text.trim_matches(..)` for characters that are all ASCII (`in_set` is false for
/// any other byte), a byte at a time: cutting next to ASCII bytes keeps characters
/// whole.
pub(crate) fn trim_ascii_set(text: &str, in_set: impl Fn(u8) -> bool) -> &str {
    let bytes = text.as_bytes();
    let Some(start) = bytes.iter().position(|b| !in_set(*b)) else { return "" };
    let end = bytes.iter().rposition(|b| !in_set(*b)).map_or(start, |i| i + 1);
    text.get(start..end).unwrap_or("")
}

/// `text.trim_start()`, quicker: ASCII whitespace is skipped a byte at a time, and only
/// text that goes on with a character beyond ASCII is left to `str::trim_start`.
pub(crate) fn trim_start(text: &str) -> &str {
    let spaces = text.bytes().position(|b| !is_space(b)).unwrap_or(text.len());
    let rest = tail(text, spaces);
    match rest.as_bytes().first() {
        Some(first) if !first.is_ascii() => rest.trim_start(),
        _ => rest,
    }
}

/// ASCII case-insensitive `find`, returning a byte position in `haystack`.
pub(crate) fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let last = h.len() - n.len();
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    // Candidates are the positions of the needle's first byte in either case.
    memchr::memchr2_iter(lower, upper, h.get(..=last).unwrap_or_default())
        .find(|&i| h.get(i..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

/// True when `text` contains `needle`, ignoring ASCII case.
pub(crate) fn contains_ci(text: &str, needle: &str) -> bool {
    find_ci(text, needle).is_some()
}

/// `text.strip_prefix(prefix)`, ignoring ASCII case.
pub(crate) fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// `text[from..]`, or "" when `from` is out of range or not a char boundary.
pub(crate) fn tail(text: &str, from: usize) -> &str {
    text.get(from..).unwrap_or("")
}

/// A text with its ASCII lower-cased copy (the same byte positions), for the several
/// case-insensitive searches made in one description with searchers built once.
pub(crate) struct LowerCased<'a> {
    pub text: &'a str,
    pub lower: String,
}

impl<'a> LowerCased<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LowerCased { text, lower: text.to_ascii_lowercase() }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::text::is_blank;

    #[test]
    fn tells_blank_lines() {
        for line in [
            "",
            " ",
            "\t\r",
            "\u{3000}",
            "a",
            " a",
            "\u{3000}a",
            "é",
            "\x1c",
            " \x0B\u{3000} é",
            "\u{85} ",
        ] {
            assert_eq!(is_blank(line), line.trim().is_empty(), "{line:?}");
            assert_eq!(trim_start(line), line.trim_start(), "{line:?}");
            assert_eq!(trim_end(line), line.trim_end(), "{line:?}");
            let padded = format!(" \t{line}\u{3000}{line}\r\n");
            assert_eq!(trim(&padded), padded.trim(), "{padded:?}");
        }
    }

    /// [`find_ci`] finds what a naive scan finds.
    #[test]
    fn finds_ignoring_case_as_a_naive_scan() {
        let naive = |h: &str, n: &str| {
            (0..=h.len().saturating_sub(n.len()))
                .find(|&i| {
                    h.as_bytes()
                        .get(i..i + n.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(n.as_bytes()))
                })
                .filter(|_| n.len() <= h.len())
        };
        let hay = "Host mx[1] said: HOST host é Connect to 550-HoSt";
        for needle in [
            "host ",
            "HOST",
            "said:",
            "é",
            "connect to ",
            "t",
            "550-host",
            "xyz",
            "Host mx[1] said: HOST host é Connect to 550-HoSt!",
        ] {
            assert_eq!(find_ci(hay, needle), naive(hay, needle), "{needle:?}");
        }
        // Matches on both sides of the chunk boundaries, letters against the bytes
        // that differ from them only in bit 0x20 (`@` and `` ` ``, `[` and `{`).
        for at in 0..70 {
            let hay = format!("{}Final-Recipient:{}", "@[`{ fINAL".repeat(at / 10), "x".repeat(at));
            for needle in ["final-recipient:", "FINAL", "`", "@", "[", "{", "l", "x:", "nal-r"] {
                assert_eq!(find_ci(&hay, needle), naive(&hay, needle), "{needle:?} in {hay:?}");
            }
        }
    }

    #[test]
    fn finds_a_needle_ignoring_case() {
        assert_eq!(find_ci("abcDEF", "cde"), Some(2));
        assert_eq!(find_ci("ab", "abc"), None);
        assert_eq!(strip_prefix_ci("(Reason: 550)", "(reason:"), Some(" 550)"));
        assert_eq!(strip_prefix_ci("(reas", "(reason:"), None);
        assert_eq!(strip_prefix_ci("éé", "é"), Some("é"));
        assert_eq!(strip_prefix_ci("é", "\u{c3}"), None);
    }
}
