//! End-to-end tests of the `rebound` binary: real bounce files in, real DNS servers
//! on 127.0.0.1 (in-process hickory-server and Debian's rbldnsd), output asserted as
//! JSON and as English and Japanese text. No test touches the internet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod check;
mod diagnose_dns;
mod diagnose_offline;
mod diagnose_rbldnsd;
mod docs;
mod dqs_ipv6;
mod events;
mod hostile;
mod inputs;
mod json_doc;
mod mta_fixtures;
mod report;
mod report_html;
mod request;
mod rules_file;
mod streaming;
mod util;
