//! `rebound report`: diagnose every input, fold the reports into one
//! [`Summary`], render it as text, JSON, the suppression list (CSV) or one HTML page.

use std::io::Write;
use std::process::ExitCode;

use rebound_verdict::{Lang, Summary};

use crate::args::{Language, ReportArgs, ReportFormat};
use crate::diagnose::{prepare, stream};
use crate::inputs::Reading;
use crate::render;
use crate::render::stream::{Piece, Sink};

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let lang = match args.lang {
        Language::En => Lang::En,
        Language::Ja => Lang::Ja,
    };
    let inputs = prepare(&args.rules, &args.inputs, "report")?;

    // The reports stream through the summary one at a time: memory grows with the
    // distinct causes, providers, IPs and lists, and the suppressed addresses only.
    let mut folding = Folding(Summary::new(lang));
    let reading = Reading { kind: args.input.kind(), limits: args.limits.limits() };
    let outcome = stream(inputs, &args.dns, reading, false, None, lang, &mut folding)?;
    let summary = folding.0;

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

    Ok(outcome.exit_code())
}

/// A sink that folds each report into the summary.
struct Folding(Summary);

impl Sink for Folding {
    fn push(&mut self, report: rebound_verdict::Report) -> anyhow::Result<()> {
        self.0.add(&report);
        Ok(())
    }

    fn push_piece(&mut self, _: Piece) -> anyhow::Result<()> {
        // The stream renders pieces only when asked to (`render_as`), and this run
        // does not ask.
        anyhow::bail!("a rendered report reached the summary")
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}
