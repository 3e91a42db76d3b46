//! The DNS flags as the library's checker configuration. The DNS phase itself is
//! `rebound_rbl::check_batch`, and its answers become each bounce's findings in
//! `rebound_verdict::Findings::from_answers`.

use std::time::Duration;

use rebound_rbl::CheckerConfig;

use crate::args::DnsArgs;

/// The checker configuration the flags ask for.
pub fn checker_config(args: &DnsArgs) -> CheckerConfig {
    let mut config = CheckerConfig::default();
    config.nameservers = args.resolvers.clone();
    config.deadline = args.timeout;
    config.verify_lists = args.verify_lists;
    config.dqs_key = args.dqs_key.clone();
    // Leave room for one retry inside the deadline.
    config.query_timeout = (args.timeout / 2).min(Duration::from_millis(1500));
    config
}
