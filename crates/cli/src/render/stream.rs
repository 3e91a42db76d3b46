//! A run's output, written report by report as they come, in any format: the JSON
//! array is opened at the first report and closed by [`Output::finish`], also
//! after Ctrl-C.

use std::io::Write;

use rebound_verdict::{Lang, Report};

use crate::args::Format;

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
        use super::{json, request, sisimai, text};
        match self.format {
            Format::Json => json::write_element(&mut self.out, &report, self.written)?,
            Format::Ndjson => json::write_line(&mut self.out, &report)?,
            Format::Sisimai => {
                return sisimai::write_records(&mut self.out, &report, &mut self.written)
            }
            Format::Text if self.request => {
                if self.written == 0 && self.held.is_none() {
                    self.held = Some(report);
                    return Ok(());
                }
                if let Some(first) = self.held.take() {
                    request::write_page(&mut self.out, &first, 0, true, self.lang)?;
                    self.written += 1;
                }
                request::write_page(&mut self.out, &report, self.written, true, self.lang)?;
            }
            Format::Text => text::write_page(&mut self.out, &report, self.written, self.lang)?,
        }
        self.written += 1;
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
