//! JSON output: always one array, with one report per message, so that a program
//! reads any run the same way (`docs/json.md`); or, with `--format ndjson`, one
//! report per line. Both are written as the reports come.

use std::io::Write;

use rebound_verdict::Report;

/// `report` as an element of a pretty-printed array, exactly as
/// `serde_json::to_writer_pretty` writes it inside the array (without the comma
/// or bracket before it).
pub fn element(report: &Report) -> anyhow::Result<Vec<u8>> {
    let text = serde_json::to_string_pretty(report)?;
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    // A JSON string never holds a raw line feed, so every line is indented.
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(b"  ");
        out.extend_from_slice(line.as_bytes());
    }
    Ok(out)
}

/// Closes an array of `written` elements.
pub fn finish_array(out: &mut impl Write, written: usize) -> anyhow::Result<()> {
    out.write_all(if written == 0 { b"[]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// `report` as one line.
pub fn line(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(report)?;
    out.push(b'\n');
    Ok(out)
}
