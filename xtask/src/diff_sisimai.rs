//! placeholder
pub fn run(_args: impl Iterator<Item = String>) -> anyhow::Result<()> {
    Ok(())
}
