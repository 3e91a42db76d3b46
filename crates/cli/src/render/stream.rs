//! A run's output, written report by report as they come, in any format: the JSON
//! array is opened at the first report and closed by [`Output::finish`], also
//! after Ctrl-C.

use std::io::Write;

use rebound_verdict::{Lang, Report};

use crate::args::Format;

/// A report rendered on its own, to be written in its place by
/// [`Output::push_piece`]: the costly part of the output, done on the workers.
pub struct Piece {
    bytes: Vec<u8>,
    /// Reports (or Sisimai records) it holds.
    items: usize,
}

/// Renders `report` for `format`; with `--request` as text, reports go through
/// [`Output::push`] instead (the first waits for a second).
pub fn render(report: &Report, format: Format, lang: Lang) -> anyhow::Result<Piece> {
    use super::{json, sisimai, text};
    Ok(match format {
        Format::Json => Piece { bytes: json::element(report)?, items: 1 },
        Format::Ndjson => Piece { bytes: json::line(report)?, items: 1 },
        Format::Text => {
            let mut bytes = Vec::new();
            text::write_page(&mut bytes, report, 0, lang)?;
            Piece { bytes, items: 1 }
        }
        Format::Sisimai => {
            let mut bytes = Vec::new();
            // A count of one or more makes each record start with a comma.
            let mut written = 1;
            sisimai::write_records(&mut bytes, report, &mut written)?;
            Piece { bytes, items: written - 1 }
        }
    })
}

/// Where a run's reports go, in input order: printed as they come ([`Output`]), or
/// folded into a summary (`rebound report`).
pub trait Sink {
    /// One report.
    fn push(&mut self, report: Report) -> anyhow::Result<()>;
    /// One report already rendered on a worker (only when the run was asked to
    /// render there).
    fn push_piece(&mut self, piece: Piece) -> anyhow::Result<()>;
    /// Sends what was written on its way.
    fn flush(&mut self) -> anyhow::Result<()>;
}

impl<W: Write> Sink for Output<W> {
    fn push(&mut self, report: Report) -> anyhow::Result<()> {
        Output::push(self, report)
    }

    fn push_piece(&mut self, piece: Piece) -> anyhow::Result<()> {
        Output::push_piece(self, piece)
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        Output::flush(self)
    }
}

pub struct Output<W: Write> {
    out: W,
    format: Format,
    request: bool,
    lang: Lang,
    /// Reports (or Sisimai records) written so far.
    written: usize,
    /// With `--request` as text, the first report waits for a second: one request
    /// alone is printed without its input's name, so that all of it can be copied.
    held: Option<Report>,
}

impl<W: Write> Output<W> {
    pub fn new(out: W, format: Format, request: bool, lang: Lang) -> Output<W> {
        Output { out, format, request, lang, written: 0, held: None }
    }

    pub fn push(&mut self, report: Report) -> anyhow::Result<()> {
        use super::request;
        if self.format == Format::Text && self.request {
            if self.written == 0 && self.held.is_none() {
                self.held = Some(report);
                return Ok(());
            }
            if let Some(first) = self.held.take() {
                request::write_page(&mut self.out, &first, 0, true, self.lang)?;
                self.written += 1;
            }
            request::write_page(&mut self.out, &report, self.written, true, self.lang)?;
            self.written += 1;
            return Ok(());
        }
        let piece = render(&report, self.format, self.lang)?;
        self.push_piece(piece)
    }

    /// Writes a report rendered by [`render`] (on another thread).
    pub fn push_piece(&mut self, piece: Piece) -> anyhow::Result<()> {
        let Piece { bytes, items } = piece;
        match self.format {
            Format::Json => self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?,
            Format::Text if self.written > 0 => super::text::write_rule(&mut self.out)?,
            // Rendered with a comma before each record: the first opens the array.
            Format::Sisimai if self.written == 0 && items > 0 => {
                self.out.write_all(b"[")?;
                self.out.write_all(bytes.get(1..).unwrap_or_default())?;
                self.written += items;
                return Ok(());
            }
            Format::Text | Format::Ndjson | Format::Sisimai => {}
        }
        self.out.write_all(&bytes)?;
        self.written += items;
        Ok(())
    }

    /// Sends what was written on its way (between batches, and before waiting).
    pub fn flush(&mut self) -> anyhow::Result<()> {
        self.out.flush()?;
        Ok(())
    }

    /// Ends the output (closes the JSON array) and flushes it.
    pub fn finish(mut self) -> anyhow::Result<()> {
        use super::{json, request};
        match self.format {
            Format::Json => json::finish_array(&mut self.out, self.written)?,
            Format::Sisimai => {
                self.out.write_all(if self.written == 0 { b"[]\n" } else { b"]\n" })?
            }
            Format::Text if self.request => {
                if let Some(only) = self.held.take() {
                    request::write_page(&mut self.out, &only, 0, false, self.lang)?;
                }
            }
            Format::Text | Format::Ndjson => {}
        }
        self.out.flush()?;
        Ok(())
    }
}
