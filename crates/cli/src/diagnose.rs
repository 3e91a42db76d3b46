//! `rebound diagnose`: read each input, parse it, look up its sending IPs, decide,
//! render.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;

use rebound_dsn::Bounce;
use rebound_verdict::{Findings, Lang, Report};

use crate::args::{DiagnoseArgs, DnsArgs, Format, Language};
use crate::lookup;
use crate::render;

pub fn run(args: DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let lang = match args.lang {
        Language::En => Lang::En,
        Language::Ja => Lang::Ja,
    };
    anyhow::ensure!(
        !(args.request && args.format == Format::Sisimai),
        "--request works with --format text or json, not sisimai"
    );
    // Before anything is classified: the rules are loaded, with these, on first use.
    for path in &args.rules {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| name.clone())?;
        rebound_verdict::add_rules_file(&name, &text)?;
    }
    let mut inputs = args.inputs.clone();
    if inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            anyhow::bail!(
                "no input: give a bounce file (or `-` for standard input), or pipe one in; \
                 see `rebound diagnose --help`"
            );
        }
        inputs.push("-".into());
    }

    let Reports { reports, unreadable, not_bounces } = reports(&inputs, &args.dns, lang)?;
    let reports: Vec<Report> = if args.request {
        reports.into_iter().map(|report| report.with_request(lang)).collect()
    } else {
        reports
    };

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => render::json::write(&mut out, &reports)?,
        Format::Sisimai => render::sisimai::write(&mut out, &reports)?,
        Format::Text if args.request => render::request::write(&mut out, &reports, lang)?,
        Format::Text => render::text::write(&mut out, &reports, lang)?,
    }
    out.flush()?;

    Ok(if unreadable {
        ExitCode::from(2)
    } else if not_bounces {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The reports on some inputs, and whether any input was unreadable or held no
/// bounce (each already reported on standard error by name).
pub struct Reports {
    pub reports: Vec<Report>,
    pub unreadable: bool,
    pub not_bounces: bool,
}

/// Reads, parses and judges every input, with one DNS phase for all of them (none
/// with `--offline`). Shared by `diagnose` and `report`.
pub fn reports(inputs: &[PathBuf], dns: &DnsArgs, lang: Lang) -> anyhow::Result<Reports> {
    // Read and parse everything first; a bad input is reported by name and skipped.
    let mut unreadable = false;
    let mut not_bounces = false;
    let mut bounces: Vec<(String, Bounce)> = Vec::new();
    for (name, parsed) in parse_all(inputs) {
        match parsed {
            Parsed::Bounce(bounce) => bounces.push((name, *bounce)),
            Parsed::Unreadable(err) => {
                eprintln!("rebound: {name}: {err}");
                unreadable = true;
            }
            Parsed::NotABounce(err) => {
                eprintln!("rebound: {name}: {err}");
                not_bounces = true;
            }
        }
    }

    let catalog = crate::lists::load_catalog(dns.catalog.as_deref())?;
    let plans: Vec<_> = bounces.iter().map(|(_, b)| rebound_verdict::plan(b)).collect();
    // One DNS phase for every input: each distinct name and subject asked once.
    let findings: Vec<Findings> = if dns.offline {
        plans.iter().map(Findings::offline).collect()
    } else {
        let requests: Vec<_> = plans.iter().map(|p| p.request()).collect();
        let answers = rebound_rbl::check_batch(&requests, &catalog, &lookup::checker_config(dns));
        plans.iter().map(|p| Findings::from_answers(p, &answers, &catalog, lang)).collect()
    };

    let reports: Vec<Report> = bounces
        .iter()
        .zip(&findings)
        .map(|((name, bounce), found)| Report::build(name, bounce, found, lang))
        .collect();

    Ok(Reports { reports, unreadable, not_bounces })
}

/// What became of one input (or of one message of an mbox input).
enum Parsed {
    Bounce(Box<Bounce>),
    Unreadable(String),
    NotABounce(String),
}

/// Parses one input's bytes: an mbox file is split into its messages, each named
/// `FILE#N` (1-based) when there are several.
fn parse_bytes(name: &str, bytes: &[u8]) -> Vec<(String, Parsed)> {
    let messages = rebound_dsn::split_mbox(bytes);
    let several = messages.len() > 1;
    messages
        .into_iter()
        .enumerate()
        .map(|(index, message)| {
            let name = if several { format!("{name}#{}", index + 1) } else { name.to_string() };
            let parsed = match rebound_dsn::parse(message) {
                Ok(bounce) => Parsed::Bounce(Box::new(bounce)),
                Err(err) => Parsed::NotABounce(err.to_string()),
            };
            (name, parsed)
        })
        .collect()
}

/// Reads and parses every input, on all cores when there are several, keeping the
/// input order. Standard input is read once, by this thread.
fn parse_all(inputs: &[PathBuf]) -> Vec<(String, Parsed)> {
    let parse_one = |path: &PathBuf, stdin_used: &mut bool| {
        let name = path.display().to_string();
        match read_input(path, stdin_used) {
            Err(err) => vec![(name, Parsed::Unreadable(format!("{err:#}")))],
            Ok(bytes) => parse_bytes(&name, &bytes),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(inputs.len());
    if threads <= 1 || inputs.iter().any(|p| p.as_os_str() == "-") {
        let mut stdin_used = false;
        return inputs.iter().flat_map(|path| parse_one(path, &mut stdin_used)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Vec<(String, Parsed)>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    let mut no_stdin = true;
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = inputs.get(index) else { break };
                        mine.push((index, parse_one(path, &mut no_stdin)));
                    }
                    mine
                })
            })
            .collect();
        // A panic in a worker is a bug: let it surface rather than drop its inputs.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().flat_map(|(_, parsed)| parsed).collect()
}

fn read_input(path: &Path, stdin_used: &mut bool) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        anyhow::ensure!(!*stdin_used, "standard input was already read once");
        *stdin_used = true;
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        let metadata = std::fs::metadata(path).context("cannot open")?;
        anyhow::ensure!(!metadata.is_dir(), "is a directory, not a bounce file");
        bytes = std::fs::read(path).context("cannot read")?;
    }
    Ok(bytes)
}
