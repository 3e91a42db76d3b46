//! Bytes as people save or paste them, to text: a byte-order mark (UTF-16 from
//! Windows Notepad, UTF-8 with a BOM), Japanese text in ISO-2022-JP, Shift_JIS or
//! EUC-JP without any charset label, and old Mac CR-only line ends; and telling
//! binary data from text.

use std::borrow::Cow;

/// The input with its line ends made LF or CRLF: a text that has CRs but no LF at
/// all (old Mac OS, some clipboard exports) gets an LF for every CR. Any other input
/// is returned as it is.
pub(crate) fn line_ends(input: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\n', input).is_some() || memchr::memchr(b'\r', input).is_none() {
        return Cow::Borrowed(input);
    }
    Cow::Owned(input.iter().map(|b| if *b == b'\r' { b'\n' } else { *b }).collect())
}

/// The input transcoded to UTF-8 when it starts with a byte-order mark (UTF-16 LE/BE
/// or UTF-8) or is UTF-16 without one (a NUL beside nearly every ASCII byte); `None`
/// when it is neither, and is read as it is.
pub(crate) fn unicode(input: &[u8]) -> Option<Vec<u8>> {
    let (encoding, body) = match input {
        [0xEF, 0xBB, 0xBF, rest @ ..] => return Some(rest.to_vec()),
        [0xFF, 0xFE, rest @ ..] => (encoding_rs::UTF_16LE, rest),
        [0xFE, 0xFF, rest @ ..] => (encoding_rs::UTF_16BE, rest),
        _ => (utf16_without_bom(input)?, input),
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    Some(text.into_owned().into_bytes())
}

/// UTF-16 without a byte-order mark: ASCII text in UTF-16 has a NUL at every other
/// byte, on the same side. Looked for in the first bytes only.
fn utf16_without_bom(input: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = input.get(..input.len().min(4096) & !1)?;
    // Text and mail hold no NUL: one vector search spares the count.
    memchr::memchr(0, sample)?;
    let pairs = sample.len() / 2;
    if pairs < 8 {
        return None;
    }
    let nul_at =
        |side: usize| sample.chunks_exact(2).filter(|p| p[side] == 0 && p[1 - side] != 0).count();
    // Three pairs of four with the NUL on one side: a text of mostly ASCII characters.
    let (even, odd) = (nul_at(0), nul_at(1));
    if odd * 4 >= pairs * 3 {
        Some(encoding_rs::UTF_16LE)
    } else if even * 4 >= pairs * 3 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Pasted text (not a message: a message says its charsets) to a string: UTF-8 as
/// it is; ISO-2022-JP when it holds that encoding's escape sequences. Text that is
/// not UTF-8 is read as UTF-8 with replacement characters when most of what is
/// beyond ASCII is UTF-8 still (a few broken bytes); else as Shift_JIS or EUC-JP,
/// whichever decodes without an error and gives kana (Japanese text always has
/// some; a Western text misread as Shift_JIS has none), the one with more Japanese
/// characters when both do; else as Windows-1252 (Latin-1), which every byte is.
pub(crate) fn text(input: &[u8]) -> Cow<'_, str> {
    if is_iso_2022_jp(input) {
        if let Some(text) =
            encoding_rs::ISO_2022_JP.decode_without_bom_handling_and_without_replacement(input)
        {
            return Cow::Owned(text.into_owned());
        }
    }
    if let Ok(text) = std::str::from_utf8(input) {
        return Cow::Borrowed(text);
    }
    let lossy = String::from_utf8_lossy(input);
    let (replaced, wide) = lossy.chars().fold((0usize, 0usize), |(replaced, wide), c| {
        if c == char::REPLACEMENT_CHARACTER {
            (replaced + 1, wide)
        } else {
            (replaced, wide + usize::from(!c.is_ascii()))
        }
    });
    if wide > replaced {
        return lossy;
    }
    let candidates = [encoding_rs::SHIFT_JIS, encoding_rs::EUC_JP];
    let best = candidates
        .iter()
        .filter_map(|encoding| encoding.decode_without_bom_handling_and_without_replacement(input))
        .filter(|text| text.chars().any(is_kana))
        .max_by_key(|text| japanese_characters(text));
    match best {
        Some(text) => Cow::Owned(text.into_owned()),
        None => {
            Cow::Owned(encoding_rs::WINDOWS_1252.decode_without_bom_handling(input).0.into_owned())
        }
    }
}

/// Hiragana and (full-width) katakana.
fn is_kana(c: char) -> bool {
    matches!(u32::from(c), 0x3040..=0x30FF)
}

/// ISO-2022-JP shifts into JIS X 0208 with `ESC $ B` (or `ESC $ @`) and back with
/// `ESC ( B` or `ESC ( J`; a text with both is written in it.
fn is_iso_2022_jp(input: &[u8]) -> bool {
    let has = |sequence: &[u8]| memchr::memmem::find(input, sequence).is_some();
    (has(b"\x1b$B") || has(b"\x1b$@")) && (has(b"\x1b(B") || has(b"\x1b(J"))
}

/// Kana and kanji (and full-width forms) in a text.
fn japanese_characters(text: &str) -> usize {
    text.chars()
        .filter(|c| {
            matches!(u32::from(*c), 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
        })
        .count()
}

/// Why a text is binary data rather than text, if it is: a NUL character, more than
/// one character in twenty a control character (other than tab, line ends, form
/// feed and the escape of ISO-2022-JP), or more than one in twenty a replacement
/// character (bytes that were broken UTF-8).
pub(crate) fn binary(text: &str) -> Option<&'static str> {
    if memchr::memchr(0, text.as_bytes()).is_some() {
        return Some("binary data, not text: it holds NUL bytes");
    }
    let (mut all, mut control, mut replaced) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        all += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\x1B') {
            control += 1;
        } else if c == char::REPLACEMENT_CHARACTER {
            replaced += 1;
        }
    }
    if control * 20 > all {
        Some("binary data, not text: too many control characters")
    } else if replaced * 20 > all {
        Some("binary data, not text: too many bytes that are no character")
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn reads_unicode_with_and_without_a_mark() {
        let text = "550 5.1.1 <a@example.jp>: User unknown (ユーザー不明)\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(unicode(&le).as_deref(), Some(text.as_bytes()));
        assert_eq!(unicode(&be).as_deref(), Some(text.as_bytes()));
        assert_eq!(unicode(&le[2..]).as_deref(), Some(text.as_bytes()));
        assert_eq!(unicode(&be[2..]).as_deref(), Some(text.as_bytes()));
        let marked = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        assert_eq!(unicode(&marked).as_deref(), Some(text.as_bytes()));
        assert_eq!(unicode(text.as_bytes()), None);
    }

    #[test]
    fn reads_japanese_charsets_without_a_label() {
        let text = "メールは a@example.jp に配信されませんでした。\n550 5.1.1 User unknown\n";
        for encoding in [encoding_rs::ISO_2022_JP, encoding_rs::SHIFT_JIS, encoding_rs::EUC_JP] {
            let bytes = encode(encoding, text);
            assert_ne!(bytes, text.as_bytes());
            assert_eq!(super::text(&bytes), text, "{}", encoding.name());
        }
        assert_eq!(super::text(text.as_bytes()), text);
        assert!(matches!(super::text(b"plain"), Cow::Borrowed("plain")));
        // Latin-1 is no Shift_JIS, though its bytes may decode as such.
        let latin = "550 5.1.1 Empfänger unbekannt: Müller, Straße, Übermittlung";
        assert_eq!(super::text(&encode(encoding_rs::WINDOWS_1252, latin)), latin);
        // UTF-8 with one broken byte stays UTF-8.
        let broken = [text.as_bytes(), b"\xff"].concat();
        assert_eq!(super::text(&broken), format!("{text}\u{fffd}"));
    }

    #[test]
    fn turns_cr_only_line_ends_into_lf() {
        assert_eq!(&*line_ends(b"a\rb\r\rc"), b"a\nb\n\nc");
        assert_eq!(&*line_ends(b"a\r\nb"), b"a\r\nb");
        assert_eq!(&*line_ends(b"a\nb\r"), b"a\nb\r");
        assert_eq!(&*line_ends(b"ab"), b"ab");
    }

    #[test]
    fn tells_binary_from_text() {
        assert!(binary("550 5.1.1 user unknown\n\tmore\x0C").is_none());
        assert!(binary("日本語のテキスト\x1b").is_none());
        assert!(binary("a\0b").is_some());
        assert!(binary("abc\x01\x02defghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz").is_none());
        assert!(binary("\x01\x02\x03abcdefghijklmnopq").is_some());
        assert!(binary(&"\u{fffd}ab".repeat(10)).is_some());
        // Random bytes, whatever charset they are read in.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let bytes: Vec<u8> = (0..65_536)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        assert!(binary(&text(&bytes)).is_some());
    }
}
