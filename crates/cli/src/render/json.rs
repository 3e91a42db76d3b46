//! JSON output: always one array, with one report per input (per message of an
//! mbox), so that a program reads any run the same way (`docs/json.md`).

use std::io::Write;

use rebound_verdict::Report;

pub fn write(out: &mut impl Write, reports: &[Report]) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, reports)?;
    writeln!(out)?;
    Ok(())
}
