//! Text for a terminal: a bounce is written by a remote server, and its text must
//! not control the user's terminal. Control characters (C0 other than line feed and
//! tab, DEL, C1) would let it clear the screen, set the window title (OSC) or hide
//! lines; bidirectional overrides and invisible characters would let it make a line
//! read differently from what it is. Each is shown as a visible `<U+XXXX>` instead.
//! JSON output needs none of this: it is exact, and JSON escapes control characters.
//!
//! A bounce's strings can also be long (a diagnostic of megabytes on one line): text
//! output shows at most [`TEXT_CAP`] bytes of one, and of any line, followed by a
//! marker saying how much was left out (`… [412,345 more bytes]`). JSON keeps the
//! whole string (within the parser's limits, `docs/limits.md`).

use std::borrow::Cow;

/// The most bytes of one string from a bounce, or of one line, that text output
/// shows: a few screens of an 80-column terminal.
pub const TEXT_CAP: usize = 4096;

/// `text` cut to at most `max` bytes (at a character boundary) with a marker
/// saying how many bytes were left out; borrowed when it is no longer.
pub fn cap(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let kept = text.get(..end).unwrap_or_default();
    Cow::Owned(format!("{kept}… [{} more bytes]", thousands(text.len() - end)))
}

/// A page of text output made safe for a terminal: every line capped at
/// [`TEXT_CAP`] and every unsafe character made visible.
pub fn safe_page(page: &str) -> String {
    let mut out = String::with_capacity(page.len().min(1 << 20));
    for line in page.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&safe(&cap(body, TEXT_CAP)));
        out.push_str(end);
    }
    out
}

/// `412345` as `412,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// True for a character that must not reach a terminal as it is.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Bidirectional marks, embeddings, overrides and isolates (Unicode UAX #9).
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        // Zero-width and other invisible format characters.
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// `text` with every unsafe character shown as `<U+XXXX>`; borrowed when there is
/// none.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_become_visible() {
        assert_eq!(safe("clear\u{1b}[2J now"), "clear<U+001B>[2J now");
        assert_eq!(safe("\u{1b}]0;pwned\u{7}title"), "<U+001B>]0;pwned<U+0007>title");
        assert_eq!(safe("c1 \u{9b}31m"), "c1 <U+009B>31m");
        assert_eq!(safe("cr\rover"), "cr<U+000D>over");
        assert_eq!(safe("del\u{7f}"), "del<U+007F>");
        assert_eq!(safe("abc\u{202E}fdp.exe"), "abc<U+202E>fdp.exe");
        assert_eq!(safe("zero\u{200B}width"), "zero<U+200B>width");
    }

    #[test]
    fn long_text_is_capped_with_a_marker() {
        assert_eq!(cap("short", 10), "short");
        assert_eq!(
            cap(&"x".repeat(412_355), 10),
            format!("{}… [412,345 more bytes]", "x".repeat(10))
        );
        // Never inside a character.
        assert_eq!(cap("日本語", 4), "日… [6 more bytes]");
        let page = format!("a\n{}\n\u{1b}[2Jb", "y".repeat(TEXT_CAP + 1));
        let safe = safe_page(&page);
        assert_eq!(safe, format!("a\n{}… [1 more bytes]\n<U+001B>[2Jb", "y".repeat(TEXT_CAP)));
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let text = "550 5.7.1 ブロックリスト\n\tline two — ok";
        assert!(matches!(safe(text), Cow::Borrowed(_)));
        // Every character that is not unsafe passes through as it is.
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(safe(&one) == one, !unsafe_char(c), "{c:?}");
        }
    }
}
