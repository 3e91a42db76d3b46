//! Documentation generated from the flag definitions, so it never drifts from them:
//! shell completion scripts (`rebound completions SHELL`) and man pages (`rebound man
//! --out-dir DIR`, which `cargo xtask man` runs).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ManArgs};

/// Prints the completion script for a shell.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "rebound", &mut std::io::stdout().lock());
    Ok(ExitCode::SUCCESS)
}

/// Writes `rebound.1` and one page per visible subcommand (`rebound-diagnose.1`, ...).
pub fn man_pages(args: ManArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let command = Cli::command();
    write_page(&command, "rebound", &args.out_dir)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("rebound-{}", sub.get_name());
        // The subcommand's page is titled with its full name, as git's are.
        let version = command.get_version().unwrap_or_default().to_string();
        let sub = sub.clone().name(name.clone()).version(version);
        write_page(&sub, &name, &args.out_dir)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_page(command: &clap::Command, name: &str, dir: &Path) -> anyhow::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))
}
