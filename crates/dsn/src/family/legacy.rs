//! The legacy families (the forms Mailman's, flufl.bounce's and Mail::DeliveryStatus::
//! BounceParser's detectors describe) behind one gate: they come after every other
//! family, so they see the texts no family read, and most of those are reports whose
//! text says nothing of the kind. One pass over the text finds which of their
//! sentences it holds; a family (or a delimited pattern) is asked only when its
//! sentence is there.

use super::delimited::Pattern;
use super::{aol, groupwise, netscape, simple, smtpsvc, warning, Scan, Text};
use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, Span};
use std::ops::Range;
use std::sync::LazyLock;

/// The sentences, lower-case, in this order: AOL's, Netscape's, Microsoft's, then
/// GroupWise's, then one for each warning pattern and each simple pattern (its
/// [`Pattern::required`] phrase). A text without a family's sentences gives that
/// family no record.
fn sentences() -> Vec<&'static str> {
    let mut all = vec![aol::MARKER, netscape::MARKER, smtpsvc::MARKER];
    all.extend(groupwise::MARKERS);
    all.extend(warning::PATTERNS.iter().map(Pattern::required));
    all.extend(simple::PATTERNS.iter().map(Pattern::required));
    all
}

const AOL: usize = 0;
const NETSCAPE: usize = 1;
const SMTPSVC: usize = 2;
const GROUPWISE: Range<usize> = 3..3 + groupwise::MARKERS.len();
const WARNING: Range<usize> = GROUPWISE.end..GROUPWISE.end + warning::PATTERNS.len();
const SIMPLE: Range<usize> = WARNING.end..WARNING.end + simple::PATTERNS.len();

/// How a text is searched for [`sentences`], built once.
struct Gate {
    /// A vector searcher (Teddy), none where the CPU lacks the instructions it needs.
    quick: Option<packed::Searcher>,
    /// Otherwise an NFA (built in a fraction of the time a DFA takes: the command
    /// line builds it once per run).
    slow: Option<AhoCorasick>,
    /// For each sentence, the others that contain it or that it contains (or are the
    /// same): where it is found, those it contains are there too, and those that
    /// contain it may be (a search that reports one match per position hides them).
    related: Vec<Vec<usize>>,
}

static GATE: LazyLock<Gate> = LazyLock::new(|| {
    let all = sentences();
    let quick = packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(&all)
        .build();
    let slow = if quick.is_none() {
        AhoCorasick::builder().kind(Some(AhoCorasickKind::ContiguousNFA)).build(&all).ok()
    } else {
        None
    };
    let related = all
        .iter()
        .enumerate()
        .map(|(i, inner)| {
            (0..all.len())
                .filter(|j| {
                    *j != i && all.get(*j).is_some_and(|o| o.contains(inner) || inner.contains(o))
                })
                .collect()
        })
        .collect();
    Gate { quick, slow, related }
});

/// Which [`sentences`] the text holds (`true` for all when no searcher could be
/// built): each found one and those related to it (see [`Gate::related`]); the
/// families confirm them with searches of their own.
fn seen_in(lower: &str) -> Vec<bool> {
    let gate = &*GATE;
    let mut seen = vec![false; SIMPLE.end];
    let mut mark = |i: usize| {
        for j in std::iter::once(i).chain(gate.related.get(i).into_iter().flatten().copied()) {
            if let Some(slot) = seen.get_mut(j) {
                *slot = true;
            }
        }
    };
    if let Some(quick) = &gate.quick {
        // Every position where a sentence starts is visited (each search starts one
        // byte after the last match's start).
        let bytes = lower.as_bytes();
        let mut from = 0;
        while let Some(found) = quick.find_in(bytes, Span::from(from..bytes.len())) {
            mark(found.pattern().as_usize());
            from = found.start() + 1;
        }
    } else if let Some(slow) = &gate.slow {
        for found in slow.find_overlapping_iter(lower) {
            mark(found.pattern().as_usize());
        }
    } else {
        return vec![true; SIMPLE.end];
    }
    seen
}

/// The first legacy family that finds a recipient in the text: AOL's, GroupWise's,
/// Netscape's and Microsoft's forms, then the delimited warnings and failure notices
/// (warnings first: some failure patterns' sentences occur in warnings too).
pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let seen = seen_in(&text.lower);
    let any = |range: Range<usize>| seen.get(range).is_some_and(|s| s.contains(&true));
    if !any(0..SIMPLE.end) {
        return None;
    }
    let is_seen = |i: usize| seen.get(i) == Some(&true);
    (is_seen(AOL).then(|| aol::scan(text)).flatten())
        .or_else(|| any(GROUPWISE).then(|| groupwise::scan(text)).flatten())
        .or_else(|| is_seen(NETSCAPE).then(|| netscape::scan(text)).flatten())
        .or_else(|| is_seen(SMTPSVC).then(|| smtpsvc::scan(text)).flatten())
        .or_else(|| warning::scan(text, seen.get(WARNING)))
        .or_else(|| simple::scan(text, seen.get(SIMPLE)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_finds_every_sentence_where_the_families_expect_it() {
        let all = sentences();
        assert_eq!(all.len(), SIMPLE.end);
        assert_eq!(all[AOL], aol::MARKER);
        assert_eq!(all[NETSCAPE], netscape::MARKER);
        assert_eq!(all[SMTPSVC], smtpsvc::MARKER);
        assert_eq!(&all[GROUPWISE], groupwise::MARKERS);
        assert_eq!(all[WARNING.start], warning::PATTERNS[0].required());
        assert_eq!(all[SIMPLE.start], simple::PATTERNS[0].required());
        for (i, sentence) in all.iter().enumerate() {
            assert_eq!(*sentence, sentence.to_lowercase());
            // Alone, and among others and text.
            assert!(seen_in(sentence)[i], "{sentence:?}");
            let other = all[(i * 7 + 3) % all.len()];
            let mixed = format!("x {other} {sentence}{other} y");
            let seen = seen_in(&mixed);
            assert!(seen[i], "{sentence:?} in {mixed:?}");
            for (j, s) in all.iter().enumerate() {
                if mixed.contains(s) {
                    assert!(seen[j], "{s:?} in {mixed:?}");
                }
            }
        }
        assert!(!seen_in("hello, nothing to see").contains(&true));
        assert!(scan(&Text::new("Hello taro@example.jp, see you on Monday.")).is_none());
    }

    /// Every sentence, in text around it with characters beyond ASCII, cut anywhere:
    /// the families read what they can and never panic.
    #[test]
    fn odd_text_around_the_sentences_never_panics() {
        let all = sentences();
        for (i, sentence) in all.iter().enumerate() {
            let next = all[(i + 1) % all.len()];
            let text = format!(
                "東京\u{3000}<ü@例え.jp>:\n{}\r\n  <a@example.jp>... deferred ü\n\t\"b@x.jp\" \
                 '{next} 'c@example.jp'\n\nbecause:\n-- d@example.jp\n",
                sentence.to_uppercase()
            );
            for cut in (0..text.len()).filter(|at| text.is_char_boundary(*at)) {
                let _ = scan(&Text::new(&text[..cut]));
                let _ = scan(&Text::new(&text[cut..]));
            }
        }
    }
}
