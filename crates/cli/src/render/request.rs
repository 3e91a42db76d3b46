//! `diagnose --request` as text: for each input, the support request ready to copy
//! (`To:`, `Subject:`, a blank line, the message), or the sentence saying there is
//! nothing to ask. Written through [`super::terminal::safe_page`], since the message
//! quotes the receiver's refusal.

use std::io::Write;

use rebound_verdict::{no_request_reason, Lang, Report};

use super::terminal;
use crate::labels::Labels;

const WIDTH: usize = 78;

/// Writes the `index`-th (0-based) request of a run; `several` names its input.
pub fn write_page(
    out: &mut impl Write,
    report: &Report,
    index: usize,
    several: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    let labels = Labels::get(lang);
    {
        let mut page = String::new();
        if index > 0 {
            page.push_str(&format!("\n{}\n", "=".repeat(WIDTH)));
        }
        if several {
            page.push_str(&format!("{}: {}\n\n", labels.input, report.input));
        }
        match &report.verdict.request {
            Some(request) => {
                page.push_str(&format!("To: {}\n", request.to));
                page.push_str(&format!("Subject: {}\n\n", request.subject));
                page.push_str(&request.body);
                page.push('\n');
            }
            None => {
                page.push_str(&no_request_reason(report, lang));
                page.push('\n');
            }
        }
        out.write_all(terminal::safe_page(&page).as_bytes())?;
    }
    Ok(())
}
