//! The `rebound` binary: parses flags, calls the library crates, renders.
//!
//! Exit codes are documented in the README: for `diagnose`, 0 every input was
//! diagnosed, 1 at least one input held no bounce, 2 a usage error or an unreadable
//! input, 130 interrupted by Ctrl-C (what was done so far is printed; the same for
//! `report`); for `check`,
//! 0 nothing listed, 1 something listed, 2 usage, 3 nothing could be checked.

mod args;
mod check;
mod date;
mod diagnose;
mod docs;
mod inputs;
mod labels;
mod lists;
mod lookup;
mod mbox;
mod render;
mod report_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

// Parsing a bounce makes many small, short-lived allocations; mimalloc serves them
// faster than the system allocator (see `cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`rebound ... | head`) is not an error worth reporting.
            // JSON is written through serde_json, whose errors carry the I/O kind.
            if err.chain().any(|cause| {
                let kind = cause
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| {
                        cause.downcast_ref::<serde_json::Error>().and_then(|e| e.io_error_kind())
                    });
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "rebound: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: args::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        args::Command::Diagnose(options) => diagnose::run(options),
        args::Command::Check(options) => check::run(options),
        args::Command::Lists(options) => lists::run(options),
        args::Command::Completions(options) => docs::completions(options),
        args::Command::Man(options) => docs::man_pages(options),
        args::Command::Report(options) => report_cmd::run(options),
    }
}
