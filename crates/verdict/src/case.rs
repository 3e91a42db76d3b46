//! Lower-casing diagnostics for the phrase searches, as `str::to_lowercase` does, with
//! less work: most diagnostics are ASCII, and most of the rest are in scripts that
//! have no case.

use std::borrow::Cow;

/// Ranges whose every code point lower-cases to itself: scripts without case (Hebrew
/// to Myanmar; CJK, kana and their symbols; Hangul), general punctuation, the half-
/// and full-width forms after the full-width capitals, and the small letters of
/// Latin-1, Greek and Cyrillic, which spare most letters of those scripts a look-up
/// in the case table. `is_its_own_lower_case` in the tests checks every code point of
/// every range.
const CASELESS: &[(char, char)] = &[
    ('\u{00DF}', '\u{00FF}'),
    ('\u{03AC}', '\u{03CE}'),
    ('\u{0430}', '\u{045F}'),
    ('\u{0590}', '\u{109F}'),
    ('\u{2000}', '\u{206F}'),
    ('\u{3000}', '\u{9FFF}'),
    ('\u{AC00}', '\u{D7FF}'),
    ('\u{FF3B}', '\u{FFFF}'),
];

/// `text` lower-cased: an ASCII text that fits in `buf` is lower-cased there, sparing
/// an allocation for nearly every diagnostic.
pub(crate) fn lower_case<'a>(text: &str, buf: &'a mut [u8]) -> Cow<'a, str> {
    if text.is_ascii() {
        if let Some(lower) = buf.get_mut(..text.len()) {
            lower.copy_from_slice(text.as_bytes());
            lower.make_ascii_lowercase();
            if let Ok(lower) = std::str::from_utf8(lower) {
                return Cow::Borrowed(lower);
            }
        }
    }
    Cow::Owned(to_lowercase(text))
}

/// `text.to_lowercase()`. The standard library looks every non-ASCII character up in
/// its case table; a character of a [`CASELESS`] range is taken as it is, and a
/// sequence whose lead byte alone places it in one (kana and CJK, most of the
/// non-ASCII text of bounces; Hebrew, Arabic, Indic) is stepped over without being
/// decoded. A text whose non-ASCII characters all lower-case to themselves, as such
/// texts usually do, is copied and its ASCII letters lower-cased in place.
pub(crate) fn to_lowercase(text: &str) -> String {
    // A capital sigma lower-cases by its neighbours (final or not): leave such a text
    // to the standard library, whose every other mapping is character by character.
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    let changes = loop {
        let Some(&byte) = bytes.get(at) else { break false };
        if byte.is_ascii() {
            at += 1;
        } else if (0xD7..=0xDF).contains(&byte) {
            // U+05C0 to U+07FF: Hebrew, Arabic, Syriac, Thaana, NKo.
            at += 2;
        } else if byte == 0xE0 || (0xE3..=0xE9).contains(&byte) {
            // U+0800 to U+0FFF (Indic scripts, Thai) and U+3000 to U+9FFF.
            at += 3;
        } else {
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break true;
            };
            if changes_case(c) {
                break true;
            }
            at += c.len_utf8();
        }
    };
    if !changes {
        let mut out = text.to_owned();
        out.make_ascii_lowercase();
        return out;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if changes_case(c) {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a non-ASCII character's lower case is not the character itself.
fn changes_case(c: char) -> bool {
    !CASELESS.iter().any(|&(first, last)| (first..=last).contains(&c)) && !c.to_lowercase().eq([c])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_its_own_lower_case() {
        for &(first, last) in CASELESS {
            for c in first..=last {
                assert!(c.to_lowercase().eq([c]), "{c:?} {:X}", u32::from(c));
            }
        }
    }

    #[test]
    fn lower_cases_as_the_standard_library() {
        // Without the sigma, which would send the whole text to the standard library.
        let every_char: String = (char::MIN..=char::MAX).filter(|&c| c != 'Σ').collect();
        assert_eq!(to_lowercase(&every_char), every_char.to_lowercase());
        let long = "550 User UNKNOWN ".repeat(40);
        for text in [
            "",
            "550 5.1.1 User Unknown",
            "User un\u{212A}nown İ",
            "ΟΔΟΣ Σ ΑΣ. ΣΑ",
            "Γεια σας kijitora@example.jp, ΘΑ ΘΈΛΑΜΕ",
            "kijitora@example.jp 様 連絡しようとしたグループ（LIBSISIMAI）が存在しない",
            "נמסר ל-USER שלום, Zukünftig ÜBER",
            "\u{FFFD}\u{FFFD} Ｕｓｅｒ ｕｎｋｎｏｗｎ",
            long.as_str(),
        ] {
            assert_eq!(to_lowercase(text), text.to_lowercase(), "{text:?}");
            let mut buf = [0; 512];
            assert_eq!(lower_case(text, &mut buf), text.to_lowercase(), "{text:?}");
            let mut small = [0; 4];
            assert_eq!(lower_case(text, &mut small), text.to_lowercase(), "{text:?}");
        }
    }
}
