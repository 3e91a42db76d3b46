//! `cargo xtask`: every check the project has, behind one entry point.
//!
//! `cargo xtask ci` is what CI runs (`.ci/run`) and what the README tells
//! contributors to run: it installs what the tests need, then runs the format check,
//! clippy and every test, and ends with one line `N passed, N failed`.

mod bench;
mod bench_e2e;
mod bench_rbl;
mod ci;
mod corpus;
mod corpus_extra;
mod corpus_sisimai;
mod diff_sisimai;
mod floors;
mod fuzz;
mod man;
mod mta_bounces;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let result = match task.as_deref() {
        Some("bench") => match args.next().as_deref() {
            Some("rbl") => bench_rbl::run(),
            Some("e2e") => bench_e2e::run(args),
            other => bench::run(other.map(PathBuf::from)),
        }
        .map(|()| ExitCode::SUCCESS),
        Some("ci") => ci::run(),
        Some("corpus") => corpus::Options::parse(args)
            .and_then(|options| corpus::run(&options))
            .map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Some("fuzz") => fuzz::Options::parse(args).and_then(|options| fuzz::run(&options)),
        Some("diff-sisimai") => diff_sisimai::run(args).map(|()| ExitCode::SUCCESS),
        Some("man") => man::run(args.next().map(PathBuf::from)).map(|()| ExitCode::SUCCESS),
        Some("mta-bounces") => mta_bounces::run().map(|()| ExitCode::SUCCESS),
        Some("help") | Some("--help") | Some("-h") | None => {
            print_help();
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => {
            eprintln!("xtask: unknown task {other:?}\n");
            print_help();
            Ok(ExitCode::from(2))
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    eprintln!(
        "Usage: cargo xtask <TASK>

Tasks:
  bench [DIR]    parse+classify throughput and peak RSS over a corpus, beside
                 Sisimai's on the same files, with the ratio
  bench e2e [--size MB] [--maildir N] [--keep]
                 rebound diagnose --offline --format ndjson end to end over a
                 generated mbox of realistic bounces (1024 MB by default) under GNU
                 time, Sisimai on a slice of the same mail, MB/s and the ratio;
                 --maildir N also times a Maildir of N messages
  bench rbl      bulk blocklist lookups against a loopback rbldnsd, beside dnsperf's
                 ceiling and pydnsbl on the same server
  ci             install test prerequisites, then fmt check, clippy -D warnings, all
                 tests, each fuzz target for 20 s, and the corpus scores against their
                 floors when the corpora are there
  corpus [--raise-floors] [-v] [DIR]...
                 score rebound against every corpus under ../shared/corpus (or DIR),
                 one line each, and check the floors in xtask/corpus-floors.toml;
                 --raise-floors raises them to today's figures (never lowers one)
  diff-sisimai [--out FILE] DIR...
                 run Debian's Sisimai and rebound on every file under DIR and write
                 their disagreements, grouped by reason pair, to target/diff-sisimai.md
  fuzz [TARGET] [--time SECS] [--asan]
                 the cargo-fuzz targets of fuzz/ (all, one after another, or
                 TARGET), SECS each (60 by default), seeded from the fixtures, each
                 input held to 1 s and 256 MiB; installs cargo-fuzz when missing;
                 --asan builds with AddressSanitizer (RUSTC_BOOTSTRAP=1); prints
                 execs/s and coverage per target, fails naming a crash's input
  man [DIR]      the man pages (rebound.1, rebound-diagnose.1, ...) generated from
                 the CLI's flags, into target/man/ (or DIR)
  mta-bounces    (root) real bounces from Debian's Postfix, Exim and OpenSMTPD
                 relaying to loopback hosts that answer with scripted provider
                 replies; rewrites tests/fixtures/mta/ and its expected.toml"
    );
}

/// The workspace root, derived from this crate's location.
pub fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
