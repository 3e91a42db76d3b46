//! `rebound diagnose`: read each input, parse it, look up its sending IPs, decide,
//! render.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use rebound_dsn::Bounce;
use rebound_verdict::Lang;

use crate::args::{DiagnoseArgs, Format, Language};
use crate::lookup::{self, DnsOptions};
use crate::{render, report};

pub fn run(args: DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let lang = match args.lang {
        Language::En => Lang::En,
        Language::Ja => Lang::Ja,
    };
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

    // Read and parse everything first; a bad input is reported by name and skipped.
    let mut unreadable = false;
    let mut not_bounces = false;
    let mut bounces: Vec<(String, Bounce)> = Vec::new();
    let mut stdin_used = false;
    for path in &inputs {
        let name = path.display().to_string();
        let bytes = match read_input(path, &mut stdin_used) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("rebound: {name}: {err:#}");
                unreadable = true;
                continue;
            }
        };
        match rebound_dsn::parse(&bytes) {
            Ok(bounce) => bounces.push((name, bounce)),
            Err(err) => {
                eprintln!("rebound: {name}: {err}");
                not_bounces = true;
            }
        }
    }

    let catalog = crate::lists::load_catalog(args.dns.catalog.as_deref())?;
    let plans: Vec<_> = bounces.iter().map(|(_, b)| rebound_verdict::plan(b)).collect();
    let options = DnsOptions::from(&args.dns);
    let lookups = lookup::run(&plans, &catalog, &options);

    let reports: Vec<report::Report> = bounces
        .iter()
        .zip(&lookups)
        .map(|((name, bounce), found)| {
            let evidence: Vec<_> =
                found.listings.iter().map(|l| report::evidence(l, &catalog, lang)).collect();
            let verdict = rebound_verdict::decide(bounce, &evidence, &found.outcome, lang);
            report::build(name, bounce, found, &verdict, &catalog, lang)
        })
        .collect();

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => render::json::write(&mut out, &reports)?,
        Format::Sisimai => render::sisimai::write(&mut out, &reports)?,
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
