//! `rebound report`: diagnose every input, fold the reports into one
//! [`Summary`], render it as text, JSON, the suppression list (CSV) or one HTML page.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use rebound_verdict::{Lang, Summary};

use crate::args::{Language, ReportArgs, ReportFormat};
use crate::diagnose::{reports, Reports};
use crate::render;

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let lang = match args.lang {
        Language::En => Lang::En,
        Language::Ja => Lang::Ja,
    };
    for path in &args.rules {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| name.clone())?;
        rebound_verdict::add_rules_file(&name, &text)?;
    }
    let mut inputs = args.inputs.clone();
    if inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            anyhow::bail!(
                "no input: give bounce files (or `-` for standard input), or pipe one in; \
                 see `rebound report --help`"
            );
        }
        inputs.push("-".into());
    }

    let Reports { reports, unreadable, not_bounces } = reports(&inputs, &args.dns, lang)?;
    let mut summary = Summary::new(lang);
    for report in &reports {
        summary.add(report);
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Text => render::summary_text::write(&mut out, &summary)?,
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => render::summary_csv::write(&mut out, &summary)?,
        ReportFormat::Html => render::summary_html::write(&mut out, &summary)?,
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
