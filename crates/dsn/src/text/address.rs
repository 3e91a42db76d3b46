//! Addresses: RFC 3464 type prefixes (`rfc822;`), angle brackets and quotes, and the
//! first address in a text.

use super::{is_space, tail, trim, trim_ascii_set, trim_end};

/// Strips an RFC 3464 type prefix such as `rfc822;`, `dns;`, `smtp;`, `X-Postfix;` or
/// `x-unix;` (a word of letters, digits and dashes followed by `;`).
pub(crate) fn strip_type_prefix(value: &str) -> &str {
    let value = trim(value);
    if let Some(semi) = memchr::memchr(b';', value.as_bytes()) {
        let word = trim_end(value.get(..semi).unwrap_or(""));
        if word.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return trim(tail(value, semi + 1));
        }
    }
    value
}

/// Cleans an address: removes a type prefix, angle brackets, quotes and trailing
/// punctuation. Returns `None` when nothing is left.
pub(crate) fn clean_address(value: &str) -> Option<String> {
    let value = strip_type_prefix(value);
    let bytes = value.as_bytes();
    let value = match (memchr::memchr(b'<', bytes), memchr::memrchr(b'>', bytes)) {
        (Some(open), Some(close)) if open < close => value.get(open + 1..close).unwrap_or(""),
        _ => value,
    };
    let value = trim_ascii_set(trim(value), |b| {
        matches!(b, b'<' | b'>' | b'"' | b'\'' | b',' | b';' | b':' | b'(' | b')')
    });
    let value = trim(value.trim_end_matches('.'));
    (!value.is_empty()).then(|| value.to_string())
}

/// Finds the first e-mail address in `text`: the content of the first `<...>`
/// containing `@`, else the first whitespace-separated word containing `@`.
pub(crate) fn find_address(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        let after = tail(rest, open + 1);
        let Some(close) = memchr::memchr(b'>', after.as_bytes()) else { break };
        let inner = after.get(..close).unwrap_or("");
        if memchr::memchr(b'@', inner.as_bytes()).is_some() && !has_whitespace(inner) {
            return clean_address(inner);
        }
        rest = tail(after, close + 1);
    }
    word_with_at(text).and_then(clean_address)
}

/// The first whitespace-separated word of `text` that holds `@` and is longer than
/// two bytes: `text.split_whitespace().find(..)`, looking only around the `@`s of an
/// ASCII text.
fn word_with_at(text: &str) -> Option<&str> {
    if !text.is_ascii() {
        return text.split_whitespace().find(|w| w.contains('@') && w.len() > 2);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'@', bytes.get(from..)?).map(|p| from + p) {
        let start = bytes.get(..at)?.iter().rposition(|b| is_space(*b)).map_or(0, |i| i + 1);
        let end =
            bytes.get(at..)?.iter().position(|b| is_space(*b)).map_or(bytes.len(), |i| at + i);
        let word = text.get(start..end)?;
        if word.len() > 2 {
            return Some(word);
        }
        from = end;
    }
    None
}

/// True when `text` holds a whitespace character.
fn has_whitespace(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(is_space)
    } else {
        text.contains(char::is_whitespace)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn strips_type_prefixes() {
        assert_eq!(strip_type_prefix("rfc822; a@b.example"), "a@b.example");
        assert_eq!(strip_type_prefix("dns;mx.example.com"), "mx.example.com");
        assert_eq!(strip_type_prefix("smtp; 550 5.1.1 x; y"), "550 5.1.1 x; y");
        assert_eq!(strip_type_prefix("X-Postfix; host not found"), "host not found");
        assert_eq!(strip_type_prefix("x-unix; procmail"), "procmail");
        assert_eq!(strip_type_prefix("550 5.7.1 blocked; see"), "550 5.7.1 blocked; see");
        assert_eq!(
            clean_address("rfc822; <K.Suzuki@example.jp>"),
            Some("K.Suzuki@example.jp".into())
        );
        assert_eq!(clean_address("rfc822;"), None);
    }

    /// The byte-at-a-time address readers agree with the `str` methods they replace.
    #[test]
    fn reads_addresses_as_the_str_methods_would() {
        fn strip_reference(value: &str) -> &str {
            let value = value.trim();
            if let Some(semi) = value.find(';') {
                let word = value[..semi].trim_end();
                if !word.is_empty()
                    && word.as_bytes()[0].is_ascii_alphabetic()
                    && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return value[semi + 1..].trim();
                }
            }
            value
        }
        fn clean_reference(value: &str) -> Option<String> {
            let value = strip_reference(value);
            let value = match (value.find('<'), value.rfind('>')) {
                (Some(open), Some(close)) if open < close => &value[open + 1..close],
                _ => value,
            };
            let value = value
                .trim()
                .trim_matches(|c: char| {
                    matches!(c, '<' | '>' | '"' | '\'' | ',' | ';' | ':' | '(' | ')')
                })
                .trim_end_matches('.')
                .trim();
            (!value.is_empty()).then(|| value.to_string())
        }
        fn find_reference(text: &str) -> Option<String> {
            let mut rest = text;
            while let Some(open) = rest.find('<') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('>') else { break };
                let inner = &after[..close];
                if inner.contains('@') && !inner.contains(char::is_whitespace) {
                    return clean_reference(inner);
                }
                rest = &after[close + 1..];
            }
            text.split_whitespace()
                .find(|w| w.contains('@') && w.len() > 2)
                .and_then(clean_reference)
        }
        for text in [
            "",
            " rfc822; <K.Suzuki@example.jp>",
            "rfc822;",
            "X-Unix; |/usr/bin/procmail",
            " 1x; a@b ",
            "\"taro@example.jp\".",
            "(a@b.example), ",
            "<a b@c> x@y.example",
            "<a\u{3000}b@c> <d@e.example>",
            "@ a@ @b ab@c.example",
            "é@ x ü@é.example\u{3000}z",
            "<postmaster> no",
            "to:<>@:;",
            "\u{85}<a@b.example>.\u{a0}",
            "a@b.example...",
            ";;;",
            "Name <name@example.com>, Other <other@example.org>",
        ] {
            assert_eq!(strip_type_prefix(text), strip_reference(text), "{text:?}");
            assert_eq!(clean_address(text), clean_reference(text), "{text:?}");
            assert_eq!(find_address(text), find_reference(text), "{text:?}");
        }
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(find_address("to <a@b.example> x").as_deref(), Some("a@b.example"));
        assert_eq!(find_address("  a@b.example:").as_deref(), Some("a@b.example"));
        assert_eq!(find_address("<postmaster> no"), None);
    }
}
