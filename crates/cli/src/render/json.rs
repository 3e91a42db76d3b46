//! JSON output: always one array, with one report per message, so that a program
//! reads any run the same way (`docs/json.md`); or, with `--format ndjson`, one
//! report per line. Both are written as the reports come.

use std::io::Write;

use rebound_verdict::Report;

/// Writes `report` as the element after `written` others of a pretty-printed
/// array, exactly as `serde_json::to_writer_pretty` would write it in the array.
pub fn write_element(out: &mut impl Write, report: &Report, written: usize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(report)?;
    out.write_all(if written == 0 { b"[\n" } else { b",\n" })?;
    // A JSON string never holds a raw line feed, so every line is indented.
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"  ")?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Closes an array of `written` elements.
pub fn finish_array(out: &mut impl Write, written: usize) -> anyhow::Result<()> {
    out.write_all(if written == 0 { b"[]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// Writes `report` as one line.
pub fn write_line(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")?;
    Ok(())
}
