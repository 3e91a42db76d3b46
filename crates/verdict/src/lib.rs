//! Judgement over a parsed bounce.
//!
//! Given a [`rebound_dsn::Bounce`], this crate says why each recipient failed
//! ([`classify`], using Sisimai's reason names), which sending IPs and host names
//! are worth checking against blocklists ([`plan`]), and, once the blocklist
//! evidence is in, what happened and what to do ([`decide`]), in English or
//! Japanese. It does no I/O: the caller runs the DNS lookups and hands the results
//! in as [`Evidence`]. Its rules are tables of data, not chains of `if`s:
//!
//! * `reason/`: the [`Reason`] names and the engine [`classify`] runs over the rules
//!   in `crates/verdict/rules/*.toml` (phrases, status and reply codes, one file per
//!   MTA family and per receiving provider, each row with its source), and a
//!   user's own rules files laid over them ([`add_rules_file`]);
//! * `provider.rs`: receiving providers and gateways ([`provider_of`]), whose facts
//!   are in `rules/provider/<id>.toml`, one file each;
//! * `hosting.rs`: the sender's hosting company ([`hosting_of`]);
//! * `plan.rs`: what to look up ([`plan`]);
//! * `decide.rs`: the cause table and how a [`Verdict`] is assembled;
//! * `request.rs`: the support request to the sending server's operators ([`support_request`]);
//! * `summary.rs`: many reports folded into counts and a suppression list ([`Summary`]);
//! * `text.rs`: every sentence, keyed by message id, with English and Japanese columns.
#![deny(missing_docs)]
// Tests may unwrap freely (see the workspace lints); library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod assess;
mod case;
mod cause;
mod decide;
mod evidence;
mod findings;
mod hosting;
mod plan;
mod provider;
mod reason;
pub mod report;
mod request;
mod search;
mod summary;
mod text;

pub use assess::{assess, Assessment, SuppressReason};
pub use cause::{Cause, UnknownCause};
pub use decide::{decide, CauseGroup, Claim, Evidence, LookupOutcome, Verdict};
pub use findings::{Findings, SendingIp};
pub use hosting::{hosting_of, Hosting};
pub use plan::{plan, plan_with, FoundIn, LookupPlan, MentionedList};
pub use provider::{provider_of, Provider};
pub use reason::{
    add_rules_file, check_rules_file, classify, hard_bounce, hard_bounce_of, Classification,
    Reason, RulesFileError, UnknownReason,
};
pub use report::{Report, Source};
pub use request::{no_request_reason, support_request, SupportRequest};
pub use summary::{
    CauseCount, IpCount, ListCount, ProviderCount, ReasonCount, Summary, SuppressEntry, Totals,
};
pub use text::Lang;
