//! The zones' RFC 5782 §5 self-tests: a zone's "not listed" counts only when its
//! must-be-listed entry answered "listed" in the same run, and a zone that lists its
//! must-not-be-listed entry lists everything, so none of its answers count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::catalog::Zone;
use crate::query::interpret;
use crate::transport::Outcome;
use crate::{Listing, ListingStatus, UnknownCause};

/// RFC 5782 self-test results by zone, shared by the checkers of one configuration
/// ([`CheckerConfig::self_tests`](crate::CheckerConfig::self_tests)); a clone shares
/// the same results. Only answers are kept: a test that got none is asked again by
/// the next check.
///
/// ```
/// let config = rebound_rbl::CheckerConfig::default();
/// let again = config.clone();
/// assert!(format!("{:?}", again.self_tests).starts_with("SelfTests"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SelfTests(Arc<Mutex<HashMap<(String, Entry), bool>>>);

/// Which of a zone's two test entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Entry {
    /// Must be listed ([`Zone::test_entry`]).
    Listed,
    /// Must not be listed ([`Zone::never_listed_entry`]).
    NeverListed,
}

impl SelfTests {
    /// Whether `zone` lists its `entry`, when a check of this configuration found out.
    pub(crate) fn get(&self, zone: &Zone, entry: Entry) -> Option<bool> {
        let key = (zone.name.to_ascii_lowercase(), entry);
        self.0.lock().ok().and_then(|known| known.get(&key).copied())
    }

    fn insert(&self, zone: &Zone, entry: Entry, lists: bool) {
        if let Ok(mut known) = self.0.lock() {
            known.insert((zone.name.to_ascii_lowercase(), entry), lists);
        }
    }
}

/// What one check knows of a test entry of a zone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Probe {
    /// Not asked (nor known from an earlier check).
    #[default]
    NotAsked,
    /// Asked; no answer yet (or none before the deadline).
    Pending,
    /// The zone lists it (`true`) or not.
    Known(bool),
    /// The query got no usable answer: why.
    Failed(String),
}

/// The two test entries of one zone, as one check knows them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ZoneTests {
    pub(crate) listed: Probe,
    pub(crate) never_listed: Probe,
}

impl ZoneTests {
    /// The probe for `entry`.
    pub(crate) fn probe(&mut self, entry: Entry) -> &mut Probe {
        match entry {
            Entry::Listed => &mut self.listed,
            Entry::NeverListed => &mut self.never_listed,
        }
    }

    /// Records the outcome of the query for `entry`, and keeps an answer in `known`.
    pub(crate) fn record(
        &mut self,
        zone: &Zone,
        entry: Entry,
        outcome: Outcome,
        describe: impl Fn(&crate::transport::Failure) -> String,
        known: &SelfTests,
    ) {
        let probe = match outcome {
            Ok(answer) => {
                let meaning = interpret(zone, &answer.a);
                match meaning.status {
                    ListingStatus::Listed => Probe::Known(true),
                    ListingStatus::NotListed => Probe::Known(false),
                    ListingStatus::Unknown => Probe::Failed(
                        meaning.error.unwrap_or_else(|| "an answer that is no listing".into()),
                    ),
                }
            }
            Err(failure) => Probe::Failed(describe(&failure)),
        };
        if let Probe::Known(lists) = probe {
            known.insert(zone, entry, lists);
        }
        *self.probe(entry) = probe;
    }

    /// Discounts `listing` (an answer of `zone`) unless the self-tests back it: a
    /// zone that lists its must-not-be-listed entry lists everything (dead or
    /// wildcarded), so none of its answers count; a "not listed" counts only when
    /// the must-be-listed entry answered "listed".
    pub(crate) fn apply(&self, listing: &mut Listing, zone: &Zone) {
        if self.never_listed == Probe::Known(true) && listing.status != ListingStatus::Unknown {
            listing.status = ListingStatus::Unknown;
            listing.error = Some(format!(
                "{} is broken: it also lists its RFC 5782 test entry {}, which no working list does, so it answers \"listed\" for everything (a dead or wildcarded list); its answer is ignored",
                zone.name,
                zone.never_listed_entry()
            ));
            return;
        }
        if listing.status != ListingStatus::NotListed {
            return;
        }
        let entry = zone.test_entry();
        let (cause, error) = match &self.listed {
            Probe::Known(true) => return,
            Probe::Known(false) => (
                UnknownCause::TestEntryNotListed,
                format!(
                    "{} did not list its test entry {entry}: this resolver gets no answers from it (a list that refuses a resolver often answers \"not listed\" to everything), so its \"not listed\" could not be confirmed; use your own recursive resolver",
                    zone.name
                ),
            ),
            Probe::Failed(why) => (
                UnknownCause::TestEntryUnanswered,
                format!(
                    "{}'s test entry {entry} got no usable answer ({why}), so its \"not listed\" could not be confirmed",
                    zone.name
                ),
            ),
            Probe::Pending | Probe::NotAsked => (
                UnknownCause::TestEntryUnanswered,
                format!(
                    "{}'s test entry {entry} was not answered in time, so its \"not listed\" could not be confirmed",
                    zone.name
                ),
            ),
        };
        listing.status = ListingStatus::Unknown;
        listing.cause = Some(cause);
        listing.error = Some(error);
    }
}
