//! Finding every occurrence of a few hundred short phrases in a diagnostic.
//!
//! Diagnostics are a hundred bytes or so and hold a few of the phrases, so what
//! costs is stepping over the bytes where no phrase starts. An Aho-Corasick NFA spent
//! some 45 instructions a byte there (following failure links through sparse states),
//! and its DFA was too big to build at start-up. Here every position costs one hash
//! of the few bytes that start it and one look-up: a phrase can start only where its
//! first bytes hash to a bucket that holds phrases, and only there are the phrases
//! with those first bytes compared, eight bytes at a time.
//!
//! When every phrase is longer than the key, only every other position is looked
//! at: a phrase that starts at `s` has its first key bytes at `s` and its next at
//! `s + 1`, one of which is even, so each phrase is filed under both.

/// log2 of the number of hash buckets. A few hundred phrases leave most of 4096
/// buckets empty, so most positions are passed over on one look-up in
/// [`Phrases::filter`], whose 4 KiB stay in the L1 cache.
const BITS: u32 = 12;
const BUCKETS: usize = 1 << BITS;

/// The longest key: the bytes of a phrase that it is filed under.
const MAX_KEY: usize = 3;

/// One phrase, filed under the key that starts `offset` bytes into it, and so found
/// by the eight bytes at `offset` bytes into an occurrence.
#[derive(Debug)]
struct Entry {
    /// The phrase's (up to) eight bytes from `offset`, little-endian, zeros past its
    /// end: compared first, they turn away nearly every position where it is not.
    head: u64,
    /// Ones over the bytes of `head` that belong to the phrase.
    mask: u64,
    phrase: &'static [u8],
    offset: usize,
    id: usize,
}

/// Phrases to find, with their ids (their index in the slice they were given in).
#[derive(Debug)]
pub(crate) struct Phrases {
    /// Whether some phrase's key hashes to `h`: a byte each, not a bit, as a byte
    /// is tested in one instruction.
    filter: Box<[bool; BUCKETS]>,
    /// The phrases whose key hashes to `h` are `entries[starts[h]..starts[h + 1]]`.
    starts: Box<[u32; BUCKETS + 1]>,
    entries: Box<[Entry]>,
    /// Ones over the key's bytes: the first `min(shortest phrase, MAX_KEY)` bytes.
    /// Ignoring ASCII case, the bit that tells a lower-case letter from its capital
    /// is left out, so that both hash alike.
    key_mask: u64,
    /// Every `stride`th position is looked at: 2 when every phrase is longer than
    /// the key, else 1.
    stride: usize,
    /// ASCII letters match either case (the phrases must then be lower case).
    ignore_ascii_case: bool,
}

fn hash(key: u64) -> usize {
    // Fibonacci hashing: the top bits of the product mix every byte of the key.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

/// Ones over the first `len` bytes (of at most eight) of a little-endian word.
fn low_bytes(len: usize) -> u64 {
    match len {
        0 => 0,
        8.. => u64::MAX,
        _ => (1 << (8 * len)) - 1,
    }
}

/// `word` with its ASCII capitals (each byte on its own) in lower case.
fn ascii_lower(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low7 = word & (ONES * 0x7F);
    // The top bit of each byte: set when its low seven bits are at least `A`, and
    // when they are past `Z`. No sum carries into the next byte.
    let from_a = low7 + ONES * (0x80 - u64::from(b'A'));
    let past_z = low7 + ONES * (0x80 - u64::from(b'Z') - 1);
    let upper = from_a & !past_z & !word & (ONES * 0x80);
    word | (upper >> 2)
}

/// The eight bytes of `text` from `at` as a little-endian word, zeros past its end.
fn word_at(text: &[u8], at: usize) -> u64 {
    match text.get(at..at + 8) {
        Some(bytes) => bytes.try_into().map_or(0, u64::from_le_bytes),
        None => {
            let mut bytes = [0; 8];
            let rest = text.get(at..).unwrap_or_default();
            bytes[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(bytes)
        }
    }
}

impl Phrases {
    /// `None` when a phrase is empty (it would be everywhere), which the callers
    /// handle by looking for each phrase on its own.
    pub(crate) fn new(phrases: &[&'static str], ignore_ascii_case: bool) -> Option<Phrases> {
        let shortest = phrases.iter().map(|p| p.len()).min().unwrap_or(MAX_KEY);
        if shortest == 0 {
            return None;
        }
        let key = shortest.min(MAX_KEY);
        let stride = if shortest > key { 2 } else { 1 };
        let case_bit = if ignore_ascii_case { 0x2020_2020_2020_2020 } else { 0 };
        let key_mask = low_bytes(key) & !case_bit;
        let mut entries: Vec<(usize, Entry)> = Vec::new();
        for (id, phrase) in phrases.iter().map(|p| p.as_bytes()).enumerate() {
            for offset in 0..stride {
                let head = word_at(phrase, offset);
                let bucket = hash(head & key_mask);
                let head = if ignore_ascii_case { ascii_lower(head) } else { head };
                let mask = low_bytes(phrase.len() - offset);
                entries.push((bucket, Entry { head, mask, phrase, offset, id }));
            }
        }
        entries.sort_by_key(|(bucket, entry)| (*bucket, entry.id, entry.offset));
        let mut filter = Box::new([false; BUCKETS]);
        let mut starts = Box::new([0; BUCKETS + 1]);
        for &(bucket, _) in &entries {
            filter[bucket] = true;
            starts[bucket + 1] += 1;
        }
        for bucket in 0..BUCKETS {
            starts[bucket + 1] += starts[bucket];
        }
        let entries = entries.into_iter().map(|(_, entry)| entry).collect();
        Some(Phrases { filter, starts, entries, key_mask, stride, ignore_ascii_case })
    }

    /// Calls `each(id, start)` for every occurrence of every phrase in `text`,
    /// overlapping ones included.
    pub(crate) fn for_each(&self, text: &[u8], mut each: impl FnMut(usize, usize)) {
        match (self.ignore_ascii_case, self.stride) {
            (false, 1) => self.scan::<false, 1>(text, &mut each),
            (false, _) => self.scan::<false, 2>(text, &mut each),
            (true, 1) => self.scan::<true, 1>(text, &mut each),
            (true, _) => self.scan::<true, 2>(text, &mut each),
        }
    }

    fn scan<const FOLD: bool, const STRIDE: usize>(
        &self,
        text: &[u8],
        each: &mut impl FnMut(usize, usize),
    ) {
        let mut at = 0;
        let mut rest = text;
        // Two positions a turn, for half the loop's own work.
        while let Some(bytes) = rest.first_chunk::<10>() {
            let (first, second) = (bytes.first_chunk::<8>(), bytes[STRIDE..].first_chunk::<8>());
            if let (Some(first), Some(second)) = (first, second) {
                self.probe::<FOLD>(u64::from_le_bytes(*first), text, at, each);
                self.probe::<FOLD>(u64::from_le_bytes(*second), text, at + STRIDE, each);
            }
            rest = rest.get(2 * STRIDE..).unwrap_or_default();
            at += 2 * STRIDE;
        }
        while let Some(word) = rest.first_chunk::<8>() {
            self.probe::<FOLD>(u64::from_le_bytes(*word), text, at, each);
            rest = rest.get(STRIDE..).unwrap_or_default();
            at += STRIDE;
        }
        // The last positions' words run past the end: zeros stand for the bytes
        // missing there, and a phrase is matched only if it fits in the text.
        let tail_start = text.len().saturating_sub(7);
        let mut tail = [0; 16];
        let tail_len = text.len() - tail_start;
        tail[..tail_len].copy_from_slice(&text[tail_start..]);
        for (at, window) in (tail_start..text.len()).zip(tail.windows(8)) {
            if at % STRIDE != 0 {
                continue;
            }
            if let Ok(window) = <[u8; 8]>::try_from(window) {
                self.probe::<FOLD>(u64::from_le_bytes(window), text, at, each);
            }
        }
    }

    /// Reports the phrases filed under the key of `word`, the eight bytes at `at`,
    /// that occur in `text`.
    #[inline(always)]
    fn probe<const FOLD: bool>(
        &self,
        word: u64,
        text: &[u8],
        at: usize,
        each: &mut impl FnMut(usize, usize),
    ) {
        let bucket = hash(word & self.key_mask);
        if !self.filter[bucket] {
            return;
        }
        // Lower-cased only here, where a phrase may start: most positions are not.
        let word = if FOLD { ascii_lower(word) } else { word };
        let (from, to) = (self.starts[bucket] as usize, self.starts[bucket + 1] as usize);
        for entry in self.entries.get(from..to).unwrap_or_default() {
            if word & entry.mask != entry.head {
                continue;
            }
            let Some(start) = at.checked_sub(entry.offset) else { continue };
            let Some(found) = text.get(start..start + entry.phrase.len()) else { continue };
            // What `head` did not cover: the bytes before `offset` and past eight more.
            let after = (entry.offset + 8).min(found.len());
            let uncovered = [
                (found.get(..entry.offset), entry.phrase.get(..entry.offset)),
                (found.get(after..), entry.phrase.get(after..)),
            ];
            let rest_matches = uncovered.iter().all(|part| match *part {
                (Some(found), Some(phrase)) if FOLD => found.eq_ignore_ascii_case(phrase),
                (Some(found), Some(phrase)) => found.is_empty() || found == phrase,
                _ => false,
            });
            if rest_matches {
                each(entry.id, start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (id, start) of every phrase, the slow way.
    fn reference(phrases: &[&str], text: &[u8], fold: bool) -> Vec<(usize, usize)> {
        let text = if fold { text.to_ascii_lowercase() } else { text.to_vec() };
        let mut hits = Vec::new();
        for start in 0..text.len() {
            for (id, phrase) in phrases.iter().enumerate() {
                if text[start..].starts_with(phrase.as_bytes()) {
                    hits.push((id, start));
                }
            }
        }
        hits
    }

    fn found(phrases: &Phrases, text: &[u8]) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        phrases.for_each(text, |id, start| hits.push((id, start)));
        hits.sort_by_key(|&(id, start)| (start, id));
        hits
    }

    /// A small xorshift generator: the same texts on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn lower_cases_each_ascii_byte_on_its_own() {
        for byte in 0..=255u8 {
            for fill in [0u8, b'Z', b'a', 0xFF, b'@', b'['] {
                let mut bytes = [fill; 8];
                bytes[3] = byte;
                let want = u64::from_le_bytes(bytes.map(|b| b.to_ascii_lowercase()));
                assert_eq!(ascii_lower(u64::from_le_bytes(bytes)), want, "{byte:#x} {fill:#x}");
            }
        }
    }

    #[test]
    fn finds_every_occurrence_as_a_naive_search_does() {
        // From short to long: the sets below, each the list less its first few, try
        // every shortest length, so every key length and both strides.
        let phrases: &[&'static str] = &[
            "b",
            "ab",
            "q",
            "zz",
            "aaa",
            "bcd",
            "a\u{e9}",
            "\u{212a}",
            "qab",
            "bca",
            "cab",
            "zzz",
            "abcd",
            "aaaa",
            "abab",
            "xy\u{e9}z",
            "abcdefgh",
            "abcdefghi",
            "abcdefghij",
            "zzzzzzzzz",
            "unknown",
            "user unknown",
        ];
        let alphabet: Vec<u8> = b"abcdefghijzqxyABCZ \x00\xc3\xa9\xe2\x84\xaa".to_vec();
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for fold in [false, true] {
            let lower: Vec<&'static str> = if fold {
                phrases.iter().copied().filter(|p| *p == p.to_ascii_lowercase()).collect()
            } else {
                phrases.to_vec()
            };
            for skip in 0..lower.len() {
                let set: Vec<&'static str> = lower.iter().copied().skip(skip).collect();
                let searcher = Phrases::new(&set, fold).unwrap();
                for _ in 0..300 {
                    let len = rng.below(40);
                    let mut text: Vec<u8> =
                        (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
                    // Plant phrases, whole or cut short, to make hits likely.
                    for _ in 0..rng.below(4) {
                        let phrase = set[rng.below(set.len())].as_bytes();
                        let cut = phrase.len() - rng.below(2).min(phrase.len());
                        let at = rng.below(text.len() + 1);
                        text.splice(at..at, phrase[..cut].iter().copied());
                    }
                    if fold && rng.below(2) == 0 {
                        text.make_ascii_uppercase();
                    }
                    let want = reference(&set, &text, fold);
                    assert_eq!(
                        found(&searcher, &text),
                        want,
                        "{:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }

    #[test]
    fn an_empty_phrase_builds_no_searcher() {
        assert!(Phrases::new(&["abc", ""], false).is_none());
        assert!(Phrases::new(&[], false).is_some());
    }
}
