//! Lines and unfolding: walking lines (with where each starts), unwrapping folded
//! lines into one, paragraphs, and bytes to text.

use super::{tail, trim_ascii_set, trim_start};
use std::borrow::Cow;

/// Joins all lines into one, collapsing every run of whitespace (line breaks and the
/// indentation of continuation lines included) into one space, trimmed.
pub(crate) fn unfold(text: &str) -> String {
    unfolded(text).into_owned()
}

/// [`unfold`], borrowing `text` when it has nothing to collapse but its ends (a
/// single-line value, the usual case).
pub(crate) fn unfolded(text: &str) -> Cow<'_, str> {
    if !text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return Cow::Owned(out);
    }
    // ASCII: `trim` and `split_whitespace` only see the ASCII whitespace bytes, so the
    // ends are trimmed a byte at a time (no char decoding).
    let trimmed = trim_ascii_set(text, is_space);
    let bytes = trimmed.as_bytes();
    let Some(mut fold) = next_fold(bytes, 0) else { return Cow::Borrowed(trimmed) };
    let mut out = String::with_capacity(trimmed.len());
    let mut word_start = 0;
    loop {
        // `word_start..fold` holds words and single spaces; a space right before
        // `fold` belongs to the run of whitespace being collapsed.
        let clean = trimmed.get(word_start..fold).unwrap_or_default();
        out.push_str(clean.strip_suffix(' ').unwrap_or(clean));
        out.push(' ');
        // The trimmed text ends with a word, so a run of whitespace always ends
        // before it does.
        word_start = fold;
        while bytes.get(word_start).is_some_and(|b| is_space(*b)) {
            word_start += 1;
        }
        match next_fold(bytes, word_start) {
            Some(next) => fold = next,
            None => {
                out.push_str(trimmed.get(word_start..).unwrap_or_default());
                return Cow::Owned(out);
            }
        }
    }
}

/// The ASCII bytes `char::is_whitespace` accepts: space, tab, LF, VT, FF and CR.
pub(crate) fn is_space(byte: u8) -> bool {
    byte == b' ' || (b'\t'..=b'\r').contains(&byte)
}

/// Where whitespace needs collapsing in an ASCII text that starts with a word: the
/// first position at or after `from` of a whitespace byte other than a space, or of a
/// space after a space.
fn next_fold(bytes: &[u8], from: usize) -> Option<usize> {
    let mut start = from.max(1);
    while let (Some(previous), Some(current)) =
        (bytes.get(start - 1..start - 1 + FOLD_CHUNK), bytes.get(start..start + FOLD_CHUNK))
    {
        let (Ok(previous), Ok(current)) = (previous.try_into(), current.try_into()) else {
            break;
        };
        if let Some(at) = fold_in_chunk(previous, current) {
            return Some(start + at);
        }
        start += FOLD_CHUNK;
    }
    // Fewer than a chunk's bytes are left: they are tested as a chunk too, copied
    // after the byte before them and padded with letters (no letter is a fold).
    let rest = bytes.get(start - 1..)?;
    let mut buffer = [b'a'; FOLD_CHUNK + 1];
    buffer.get_mut(..rest.len())?.copy_from_slice(rest);
    let (previous, current) = (buffer.first_chunk()?, buffer.last_chunk()?);
    fold_in_chunk(previous, current).map(|at| start + at)
}

/// How many bytes [`next_fold`] tests at once.
const FOLD_CHUNK: usize = 32;

/// The first position of `current` that is a fold, `previous` holding the byte
/// before each. The whole chunk is tested without branching: a loop of known length
/// over plain comparisons (no short-circuiting) is what the compiler turns into
/// vector code, where a slice of any length was compiled a byte at a time.
fn fold_in_chunk(previous: &[u8; FOLD_CHUNK], current: &[u8; FOLD_CHUNK]) -> Option<usize> {
    let folds = |previous: u8, byte: u8| {
        (byte == b' ') & (previous == b' ') | (byte.wrapping_sub(b'\t') <= b'\r' - b'\t')
    };
    let mut hits = [0u8; FOLD_CHUNK];
    for (hit, (p, b)) in hits.iter_mut().zip(previous.iter().zip(current)) {
        *hit = u8::from(folds(*p, *b));
    }
    // The first fold is found eight positions at a time (the lowest set byte of a
    // word), not by going back over the chunk a byte at a time.
    hits.chunks_exact(8).enumerate().find_map(|(i, eight)| {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        (word != 0).then(|| i * 8 + (word.trailing_zeros() / 8) as usize)
    })
}

/// `text.lines()` with the byte position where each line starts. Line ends are found
/// with `memchr` (vector code) rather than `str::lines`' search per line.
pub(crate) fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = newlines.next().map_or(text.len(), |newline| newline + 1);
        let piece = text.get(start..end)?;
        let at = start;
        start = end;
        let line = match piece.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => piece,
        };
        Some((at, line))
    })
}

/// `text.lines()`, quicker (see [`lines_at`]).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_at(text).map(|(_, line)| line)
}

/// The line that starts at byte `at` of `text`, as `str::lines` gives it, and where
/// the next line starts (`text.len()` after the last one).
pub(crate) fn line_at(text: &str, at: usize) -> (&str, usize) {
    let rest = tail(text, at);
    match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(newline) => {
            let line = rest.get(..newline).unwrap_or("");
            (line.strip_suffix('\r').unwrap_or(line), at + newline + 1)
        }
        None => (rest, text.len()),
    }
}

/// Where the first line at or after byte `from` (a line start) begins whose first
/// character after any whitespace is `first` (an ASCII character). Each byte is
/// looked at a bounded number of times, however the lines look.
pub(crate) fn next_line_starting_with(text: &str, from: usize, first: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line_from = from;
    loop {
        let candidate = line_from + memchr::memchr(first, bytes.get(line_from..)?)?;
        let line_start = memchr::memrchr(b'\n', bytes.get(line_from..candidate)?)
            .map_or(line_from, |newline| line_from + newline + 1);
        if trim_start(text.get(line_start..candidate)?).is_empty() {
            return Some(line_start);
        }
        // No later `first` on this line starts it: go on with the next line.
        line_from = candidate + memchr::memchr(b'\n', bytes.get(candidate..)?)? + 1;
    }
}

/// True when `line` is empty or all whitespace (`line.trim().is_empty()`).
pub(crate) fn is_blank(line: &str) -> bool {
    trim_start(line).is_empty()
}

/// Splits `text` into paragraphs separated by blank lines (lines of only whitespace).
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut lines = text.lines().peekable();
    std::iter::from_fn(move || {
        while lines.peek().is_some_and(|l| is_blank(l)) {
            lines.next();
        }
        lines.peek()?;
        let mut para = String::new();
        while let Some(line) = lines.next_if(|l| !is_blank(l)) {
            para.push_str(line.trim_end_matches('\r'));
            para.push('\n');
        }
        Some(para)
    })
}

/// `String::from_utf8_lossy`, quicker for the usual valid UTF-8 (no replacement
/// needed).
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The ASCII fast path of [`unfold`] and the general one agree.
    #[test]
    fn unfolds_ascii_as_unicode_text() {
        let general = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        for text in [
            "",
            " ",
            "a",
            " a\x0B b\x0Cc\r\n\td ",
            "x\u{1c}y",
            "a  b\n\n c",
            "\u{a0}a\u{a0}b",
            " a b c ",
            "a b  c",
            "a b\tc",
            " \r\na b",
            "a b \n",
            "a\x0Bb",
            "\x0Ca b\x0C",
            "a b c",
        ] {
            assert_eq!(unfold(text), general(text), "{text:?}");
        }
        // Every short text over a few bytes, and long ones whose folds fall on both
        // sides of the chunk boundaries.
        let alphabet = [b'a', b' ', b'\t', b'\n', b'\x0B', b'\r', 0x1c];
        for len in 0..=6u32 {
            for mut n in 0..(alphabet.len() as u32).pow(len) {
                let mut bytes = Vec::new();
                for _ in 0..len {
                    bytes.push(alphabet[(n % alphabet.len() as u32) as usize]);
                    n /= alphabet.len() as u32;
                }
                let text = String::from_utf8(bytes).unwrap();
                assert_eq!(unfold(&text), general(&text), "{text:?}");
            }
        }
        for at in 0..80 {
            for fold in ["  ", "\r\n ", "\t", " \n\t  "] {
                let text = format!("{}{fold}{}", "ab c".repeat(at / 4 + 1), "de f".repeat(20));
                assert_eq!(unfold(&text), general(&text), "{text:?}");
                let text = format!("{}{}{fold}z", "x".repeat(at), " y".repeat(at));
                assert_eq!(unfold(&text), general(&text), "{text:?}");
            }
        }
        assert!(matches!(unfolded(" one line\r\n"), Cow::Borrowed("one line")));
        for text in [
            "é",
            " é ",
            "a é",
            "é a",
            "a\u{3000}b",
            "\u{3000}a",
            "a\u{3000}",
            "a  b\u{a0}",
            "ab é\n c",
        ] {
            assert_eq!(unfold(text), general(text), "{text:?}");
            let long = format!("{}{text}", "x y ".repeat(20));
            assert_eq!(unfold(&long), general(&long), "{long:?}");
        }
        assert_eq!(lossy(b"caf\xc3\xa9"), "café");
        assert_eq!(lossy(b"a\xffb"), "a\u{fffd}b");
    }

    /// [`lines_at`] cuts as `str::lines` does.
    #[test]
    fn cuts_lines_as_str_lines() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r\n\r",
            "a\r\r\nb",
            "é\nü\r\n",
        ] {
            let got: Vec<(usize, &str)> = lines_at(text).collect();
            let want: Vec<&str> = text.lines().collect();
            assert_eq!(got.iter().map(|(_, l)| *l).collect::<Vec<_>>(), want, "{text:?}");
            for (at, line) in got {
                assert!(text[at..].starts_with(line), "{text:?}");
            }
        }
    }

    /// [`line_at`] walks the lines `str::lines` gives, and [`next_line_starting_with`]
    /// finds the first of them that starts with a character after whitespace.
    #[test]
    fn walks_lines_and_finds_line_starts() {
        for text in [
            "",
            "\n",
            "a",
            "a\r\nb\r",
            "a\r\r\n\nb\n",
            "é\n<x",
            " x<\n \u{3000}<a\n<",
            "<",
            "x\n  \t<y",
            "a<b<c\n<",
        ] {
            let mut walked = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let (line, next) = line_at(text, at);
                walked.push(line);
                at = next;
            }
            assert_eq!(walked, text.lines().collect::<Vec<_>>(), "{text:?}");
            let mut starts = Vec::new();
            let mut from = 0;
            while let Some(start) = next_line_starting_with(text, from, b'<') {
                starts.push(start);
                from = line_at(text, start).1;
                if from >= text.len() {
                    break;
                }
            }
            let want: Vec<usize> = lines_at(text)
                .filter(|(_, line)| line.trim_start().starts_with('<'))
                .map(|(at, _)| at)
                .collect();
            assert_eq!(starts, want, "{text:?}");
        }
    }

    #[test]
    fn unfolds_and_collapses() {
        assert_eq!(unfold("  550 5.7.1 a\r\n    b\tc  \n d "), "550 5.7.1 a b c d");
        assert_eq!(unfold(" \n "), "");
    }

    #[test]
    fn splits_paragraphs() {
        let p: Vec<String> = paragraphs("\n\na\nb\n\n \nc\r\n").collect();
        assert_eq!(p, vec!["a\nb\n".to_string(), "c\n".to_string()]);
    }
}
