//! The rules compiled for speed: every phrase of every rules file found in one pass
//! over the diagnostic, and an index from each phrase to the phrase rules that name
//! it. [`Compiled`] answers exactly as the rules read one phrase at a time would
//! (the tests compare the two); it only spares the work.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::names::Reason;
use super::rules::{PhraseRule, RULES};
use crate::search::Phrases;

/// Every phrase of every table, found in one pass over the diagnostic: one
/// [`Phrases`] searcher over all the phrases, built once, and each table mirrored
/// with its phrases as ids into the set of phrases found. The rules are evaluated
/// against that set in the tables' order, as they would be with `str::contains`.
pub(super) struct Compiled {
    pub(super) searcher: Option<Phrases>,
    /// Every distinct phrase, by id.
    pub(super) phrases: Vec<&'static str>,
    pub(super) rhost: Vec<CompiledRhost>,
    pub(super) lhost: Vec<Vec<CompiledPhrase>>,
    pub(super) phrase: Vec<CompiledPhrase>,
    /// For each phrase id, the `phrases.toml` (by index) that name it.
    phrase_rules_of: Vec<Box<[u16]>>,
    /// The `phrases.toml` (by index) that name no phrase, and so always match.
    phrase_rules_always: Box<[u16]>,
    pub(super) status: Vec<Ids>,
    pub(super) context: Vec<Ids>,
    pub(super) autoreply: Vec<CompiledPhrase>,
}

pub(super) type Ids = Box<[usize]>;

/// A [`PhraseRule`] with its phrases as ids.
pub(super) struct CompiledPhrase {
    /// The rule as written, for its reason, id and source.
    pub(super) rule: &'static PhraseRule,
    all: Ids,
    any: Ids,
    /// `all` and `any` folded as [`Found::folded`] is: a diagnostic holds a few of
    /// the hundreds of phrases, so one test on these rules out most rules.
    all_folded: u128,
    any_folded: u128,
}

/// A [`RhostRules`]'s text tokens and phrase rules as ids.
pub(super) struct CompiledRhost {
    pub(super) texts: Ids,
    pub(super) rules: Vec<CompiledPhrase>,
}

/// The phrases found in one diagnostic, by id: bit `id % 64` of word `id / 64`, the
/// first words inline (every phrase today), any further ones in `more`, which stays
/// empty, and so unallocated, unless a phrase with so high an id is found.
#[derive(Default)]
pub(super) struct Found {
    words: [u64; 16],
    more: Vec<u64>,
    /// The words folded into one: bit `id % 128` is set when a phrase with such an id
    /// was found. A clear bit proves the phrases are missing; a set one proves nothing.
    folded: u128,
    /// Bit `w` is set when inline word `w` is not zero: a diagnostic holds a few
    /// phrases, so [`Found::ids`] reads a word or two, not all of them.
    filled: u16,
}

/// Bit `id % 128` of [`Found::folded`].
fn fold(id: usize) -> u128 {
    1 << (id % 128)
}

/// The positions of the bits set in `word`, lowest first.
fn set_bits(mut word: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let bit = word.trailing_zeros();
        word &= word.wrapping_sub(1);
        (bit < 64).then_some(bit as usize)
    })
}

/// Bit `id % 64` of word `id / 64` of [`Found`].
fn bit(id: usize) -> u64 {
    1 << (id % 64)
}

impl Found {
    pub(super) fn has(&self, id: usize) -> bool {
        let word = match self.words.get(id / 64) {
            Some(word) => Some(word),
            None => self.more.get(id / 64 - self.words.len()),
        };
        word.is_some_and(|word| word & bit(id) != 0)
    }

    pub(super) fn set(&mut self, id: usize) {
        self.folded |= fold(id);
        let word = match id.checked_sub(self.words.len() * 64) {
            None => {
                self.filled |= 1 << (id / 64);
                self.words.get_mut(id / 64)
            }
            Some(beyond) => {
                if self.more.len() <= beyond / 64 {
                    self.more.resize(beyond / 64 + 1, 0);
                }
                self.more.get_mut(beyond / 64)
            }
        };
        if let Some(word) = word {
            *word |= bit(id);
        }
    }

    pub(super) fn any(&self, ids: &[usize]) -> bool {
        ids.iter().any(|&id| self.has(id))
    }

    /// The ids found, in ascending order.
    fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        let inline = set_bits(u64::from(self.filled))
            .map(|w| (w, self.words.get(w).copied().unwrap_or_default()));
        let more = self.more.iter().enumerate().map(|(w, &word)| (self.words.len() + w, word));
        inline.chain(more).flat_map(|(w, word)| set_bits(word).map(move |b| w * 64 + b))
    }
}

impl CompiledPhrase {
    fn new(rule: &'static PhraseRule, all: Ids, any: Ids) -> CompiledPhrase {
        let folded = |ids: &[usize]| ids.iter().fold(0, |bits, &id| bits | fold(id));
        let (all_folded, any_folded) = (folded(&all), folded(&any));
        CompiledPhrase { rule, all, any, all_folded, any_folded }
    }

    pub(super) fn reason(&self) -> Reason {
        self.rule.reason
    }

    /// The phrase that made the rule match: the first of `any` found, else the
    /// first of `all`; `None` for a rule that names no phrase.
    pub(super) fn matched(&self, found: &Found, phrases: &[&'static str]) -> Option<&'static str> {
        let id = self.any.iter().find(|&&id| found.has(id)).or(self.all.first())?;
        phrases.get(*id).copied()
    }

    pub(super) fn matches(&self, found: &Found) -> bool {
        self.all_folded & !found.folded == 0
            && (self.any.is_empty() || self.any_folded & found.folded != 0)
            && self.all.iter().all(|&id| found.has(id))
            && (self.any.is_empty() || found.any(&self.any))
    }
}

/// Builds [`Compiled`], giving each distinct phrase one id.
#[derive(Default)]
struct Interner {
    ids: HashMap<&'static str, usize>,
    phrases: Vec<&'static str>,
}

impl Interner {
    fn ids(&mut self, phrases: &'static [String]) -> Ids {
        phrases
            .iter()
            .map(|phrase| {
                let phrase = phrase.as_str();
                *self.ids.entry(phrase).or_insert_with(|| {
                    self.phrases.push(phrase);
                    self.phrases.len() - 1
                })
            })
            .collect()
    }

    fn rules(&mut self, rules: &'static [PhraseRule]) -> Vec<CompiledPhrase> {
        rules
            .iter()
            .map(|rule| CompiledPhrase::new(rule, self.ids(&rule.all), self.ids(&rule.any)))
            .collect()
    }
}

/// The rules of [`RULES`], compiled on first use.
pub(super) static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let rules = &*RULES;
    let mut interner = Interner::default();
    let rhost = rules
        .providers
        .iter()
        .map(|p| CompiledRhost { texts: interner.ids(&p.texts), rules: interner.rules(&p.rules) })
        .collect();
    let lhost = rules.lhosts.iter().map(|l| interner.rules(&l.rules)).collect();
    let phrase = interner.rules(&rules.phrases);
    let status = rules.statuses.iter().map(|r| interner.ids(&r.needs_any)).collect();
    let context = rules.contexts.iter().map(|r| interner.ids(&r.unless_any)).collect();
    let autoreply = interner.rules(&rules.autoreplies);
    let phrases = interner.phrases;
    let mut phrase_rules_of = vec![Vec::new(); phrases.len()];
    let mut always = Vec::new();
    for (index, rule) in phrase.iter().enumerate() {
        let Ok(index) = u16::try_from(index) else { break };
        if rule.all.is_empty() && rule.any.is_empty() {
            always.push(index);
        }
        for &id in rule.all.iter().chain(&rule.any) {
            if let Some(rules) = phrase_rules_of.get_mut(id) {
                rules.push(index);
            }
        }
    }
    let phrase_rules_of = phrase_rules_of.into_iter().map(Vec::into_boxed_slice).collect();
    let phrase_rules_always = always.into_boxed_slice();
    // Should the searcher not build, each phrase is looked for on its own: slower,
    // the same answers.
    let searcher = Phrases::new(&phrases, false);
    Compiled {
        searcher,
        phrases,
        rhost,
        lhost,
        phrase,
        phrase_rules_of,
        phrase_rules_always,
        status,
        context,
        autoreply,
    }
});

/// How many `phrases.toml` [`Compiled::first_phrase_rule`] reads through the index;
/// a longer table is read rule by rule.
const INDEXED_RULES: usize = 256;

impl Compiled {
    /// The first of `phrases.toml` that `found` matches. A rule matches only when
    /// one of its phrases was found (or it names none), so only the rules that name a
    /// found phrase are tried, in table order: a diagnostic holds a few phrases, and a
    /// rule names many, so most rules are never looked at.
    pub(super) fn first_phrase_rule(&self, found: &Found) -> Option<&CompiledPhrase> {
        if self.phrase.len() > INDEXED_RULES {
            return self.phrase.iter().find(|rule| rule.matches(found));
        }
        let mut candidates = [0u64; INDEXED_RULES / 64];
        let mut add = |index: u16| {
            let index = usize::from(index);
            if let Some(word) = candidates.get_mut(index / 64) {
                *word |= bit(index);
            }
        };
        self.phrase_rules_always.iter().copied().for_each(&mut add);
        for id in found.ids() {
            self.phrase_rules_of.get(id).into_iter().flatten().copied().for_each(&mut add);
        }
        candidates
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| set_bits(word).map(move |b| w * 64 + b))
            .filter_map(|index| self.phrase.get(index))
            .find(|rule| rule.matches(found))
    }

    /// The phrases that `text` (lower-cased) contains.
    pub(super) fn find(&self, text: &str) -> Found {
        let mut found = Found::default();
        let mut set = |id: usize| found.set(id);
        match &self.searcher {
            Some(searcher) => searcher.for_each(text.as_bytes(), |id, _| set(id)),
            None => {
                (0..self.phrases.len()).filter(|&id| text.contains(self.phrases[id])).for_each(set)
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::Found;

    #[test]
    fn found_holds_ids_past_its_inline_words() {
        let ids = [0, 63, 64, 1023, 1024, 1100, 5000];
        let mut found = Found::default();
        for id in ids {
            found.set(id);
        }
        for id in 0..6000 {
            assert_eq!(found.has(id), ids.contains(&id), "{id}");
        }
        assert!(Found::default().more.is_empty());
    }
}
