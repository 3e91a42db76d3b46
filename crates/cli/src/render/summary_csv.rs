//! The suppression list as CSV (RFC 4180): one row per address the verdicts mark
//! `suppress`. Cells a spreadsheet would read as a formula are defused.

use std::io::Write;

use rebound_verdict::Summary;

pub const HEADER: &str = "address,reason,suppress_reason,date,source";

pub fn write(out: &mut impl Write, summary: &Summary) -> anyhow::Result<()> {
    // RFC 4180 ends every record with CRLF.
    write!(out, "{HEADER}\r\n")?;
    for entry in &summary.suppress {
        let cells = [
            entry.address.as_str(),
            entry.reason,
            entry.suppress_reason,
            entry.date.as_deref().unwrap_or(""),
            entry.source.as_str(),
        ];
        let row: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        write!(out, "{}\r\n", row.join(","))?;
    }
    Ok(())
}

/// One CSV cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a single
/// quote before it, so that a spreadsheet shows the text instead of running it as a
/// formula (the bounce, and so the cell, may come from anyone); then a cell holding
/// a comma, a double quote or a line break is quoted, its quotes doubled (RFC 4180).
pub fn cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_are_left_alone() {
        assert_eq!(cell("taro@example.jp"), "taro@example.jp");
        assert_eq!(cell(""), "");
        assert_eq!(cell("Tue, 8 Dec"), "\"Tue, 8 Dec\"");
    }

    #[test]
    fn quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell(r#""odd"@example.jp"#), r#""""odd""@example.jp""#);
        assert_eq!(cell("a\nb"), "\"a\nb\"");
        assert_eq!(cell("a\r\nb"), "\"a\r\nb\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("a=b"), "a=b", "only a leading sign starts a formula");
    }
}
