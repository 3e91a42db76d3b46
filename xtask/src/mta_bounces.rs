//! `cargo xtask mta-bounces`: genuine bounces from real MTAs (Debian's Postfix, Exim
//! and OpenSMTPD), written to `tests/fixtures/mta/` with the answers the e2e test
//! asserts.
//!
//! Every case of [`cases::CASES`] gets a loopback SMTP server that plays the provider's
//! MX and refuses with a reply from provider-replies.md at the case's stage. Temporary
//! /etc/hosts entries give those servers the providers' host names, so that the bounce
//! names the provider's host as a real one would; the original file is restored at the
//! end. Each MTA relays every test message to its case's host by name, gives up at once
//! (queue lifetime 0), and sends the bounce to the sender's domain, which is routed to a
//! catcher; the catcher's copy, with the `Return-Path:` a final delivery adds, is the
//! fixture. Needs root (apt-get, /etc/hosts, the MTAs' system users).

mod cases;
mod exim;
mod expected;
mod opensmtpd;
mod postfix;
mod sink;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::project_root;
use cases::{Case, Stage, BOUNCE_HOST, CASES, SENDER};
use sink::Inbox;

/// One routing entry: mail for `address` (a full address, or a domain for Postfix's
/// bounce route) goes to `host`:`port`.
#[derive(Debug)]
pub struct Route {
    pub address: String,
    pub host: &'static str,
    pub port: u16,
}

/// A running (or ready) MTA.
pub trait Mta {
    /// The fixture-name prefix.
    fn name(&self) -> &'static str;
    /// Product and version, for the expected file and the README.
    fn version(&self) -> String;
    fn send(&self, sender: &str, recipient: &str, message: &str) -> anyhow::Result<()>;
    /// Retries whatever is deferred now.
    fn retry_queue(&self) -> anyhow::Result<()>;
}

/// A fixture written by this run.
#[derive(Debug)]
pub struct Generated {
    pub file: String,
    pub mta_version: String,
    pub case: &'static Case,
    /// Expected fields this MTA's bounce does not carry at all (see [`not_in_bounce`]).
    pub not_in_bounce: &'static [&'static str],
}

/// The expected fields that `mta`'s bounce for `case` does not carry, so that no
/// diagnosis can know them; the e2e test reports them instead of asserting them. Each
/// entry is what the MTA's bounce text shows (see the fixtures):
/// - OpenSMTPD names no SMTP command in its reports; and when a 4xx reply outlives the
///   queue lifetime, its report says only "Envelope expired" (Status 4.4.7): the reply
///   itself, its codes and so its category are gone;
/// - Exim, for a host that refused the connection, says only "retry timeout exceeded"
///   with Status 5.0.0.
pub fn not_in_bounce(mta: &str, case: &Case) -> &'static [&'static str] {
    let deferred = case.expect.status.starts_with('4');
    match (mta, case.stage) {
        ("opensmtpd", _) if deferred => &["status", "reply_code", "smtp_command", "reason"],
        ("opensmtpd", _) => &["smtp_command"],
        ("exim", Stage::Refused) => &["status", "smtp_command"],
        _ => &[],
    }
}

pub fn run() -> anyhow::Result<()> {
    if !Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n")) {
        bail!("mta-bounces needs root (apt-get, /etc/hosts, the MTAs' system users)");
    }
    let work = std::env::temp_dir().join(format!("rebound-mta-bounces-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    // Postfix and Exim drop privileges: they must be able to reach their directories.
    run_quiet(Command::new("chmod").arg("755").arg(&work))?;
    let result = generate(&work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn generate(work: &Path) -> anyhow::Result<()> {
    let out_dir = project_root().join("tests/fixtures/mta");
    std::fs::create_dir_all(&out_dir)?;
    let inbox = Arc::new(Inbox::default());
    let mut hosts: Vec<(&str, String)> = Vec::new();
    for host in CASES.iter().map(|c| c.host).chain([BOUNCE_HOST]) {
        if !hosts.iter().any(|(known, _)| *known == host) {
            let refused = CASES.iter().any(|c| c.host == host && c.stage == Stage::Refused);
            let address = if refused {
                sink::REFUSING_ADDRESS.to_string()
            } else {
                format!("127.0.0.{}", 10 + hosts.len())
            };
            hosts.push((host, address));
        }
    }
    let address_of = |host: &str| {
        hosts.iter().find(|(known, _)| *known == host).map_or("127.0.0.1", |(_, a)| a.as_str())
    };
    let catcher_port =
        sink::start_catcher(BOUNCE_HOST, address_of(BOUNCE_HOST), Arc::clone(&inbox))?;
    let mut routes = Vec::new();
    for case in CASES {
        let port = sink::start_scripted(case, address_of(case.host))?;
        routes.push(Route { address: case.recipient.to_string(), host: case.host, port });
    }
    let sender_domain = SENDER.split('@').nth(1).unwrap_or(SENDER);
    let hosts: Vec<(&str, &str)> = hosts.iter().map(|(h, a)| (*h, a.as_str())).collect();
    let _hosts = HostsFile::add(&hosts)?;

    let mut generated = Vec::new();
    {
        let postfix_routes = routes_with_bounce(&routes, sender_domain, catcher_port);
        let postfix = postfix::Postfix::start(work, &postfix_routes)?;
        generated.extend(produce(&postfix, &inbox, &out_dir)?);
    }
    {
        let exim_routes = routes_with_bounce(&routes, SENDER, catcher_port);
        let exim = exim::Exim::prepare(work, &exim_routes)?;
        generated.extend(produce(&exim, &inbox, &out_dir)?);
    }
    {
        let smtpd_routes = routes_with_bounce(&routes, SENDER, catcher_port);
        let smtpd = opensmtpd::OpenSmtpd::start(work, &smtpd_routes)?;
        generated.extend(produce(&smtpd, &inbox, &out_dir)?);
    }
    expected::write(&out_dir.join("expected.toml"), &generated)?;
    println!("mta-bounces: {} fixtures in {}", generated.len(), out_dir.display());
    Ok(())
}

fn routes_with_bounce(routes: &[Route], bounce_key: &str, port: u16) -> Vec<Route> {
    let mut all: Vec<Route> = routes
        .iter()
        .map(|r| Route { address: r.address.clone(), host: r.host, port: r.port })
        .collect();
    all.push(Route { address: bounce_key.to_string(), host: BOUNCE_HOST, port });
    all
}

/// Sends every case through `mta`, one at a time, and writes each bounce.
fn produce(mta: &dyn Mta, inbox: &Inbox, out_dir: &Path) -> anyhow::Result<Vec<Generated>> {
    let mut generated = Vec::new();
    for case in CASES {
        mta.send(SENDER, case.recipient, &message(case))?;
        let is_bounce = |m: &sink::Caught| m.sender.is_empty() && m.data.contains(case.recipient);
        // A refusal bounces at once; a deferral bounces at the next queue run.
        let mut bounce = inbox.take(Duration::from_secs(3), is_bounce);
        for _ in 0..3 {
            if bounce.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_secs(2));
            mta.retry_queue()?;
            bounce = inbox.take(Duration::from_secs(10), is_bounce);
        }
        let bounce =
            bounce.with_context(|| format!("{}: no bounce for case {}", mta.name(), case.name))?;
        let file = format!("{}-{}.eml", mta.name(), case.name);
        std::fs::write(out_dir.join(&file), format!("Return-Path: <>\n{}", bounce.data))?;
        println!("{file}");
        let not_in_bounce = not_in_bounce(mta.name(), case);
        generated.push(Generated { file, mta_version: mta.version(), case, not_in_bounce });
    }
    Ok(generated)
}

/// The test message of a case: plain, fixed apart from nothing (its Date is fixed too).
fn message(case: &Case) -> String {
    format!(
        "From: Tanaka Sekkei <{SENDER}>
To: <{rcpt}>
Subject: Quotation for the office renovation
Date: Mon, 07 Dec 2026 10:00:00 +0900
Message-ID: <{name}.20261207100000@tanaka-sekkei.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Dear customer,

Please find our quotation for the office renovation below.
We look forward to hearing from you.

Tanaka Sekkei
",
        rcpt = case.recipient,
        name = case.name,
    )
}

/// /etc/hosts with the providers' host names on loopback addresses, restored when
/// dropped.
#[derive(Debug)]
struct HostsFile {
    original: String,
}

const HOSTS: &str = "/etc/hosts";
const HOSTS_MARK: &str = "# rebound mta-bounces (temporary)";

impl HostsFile {
    /// Adds `(name, address)` entries.
    fn add(names: &[(&str, &str)]) -> anyhow::Result<Self> {
        let current = std::fs::read_to_string(HOSTS)?;
        // A run that was killed may have left its lines: never keep or restore them.
        let original: String = current
            .lines()
            .filter(|l| !l.ends_with(HOSTS_MARK))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut with_ours = original.clone();
        for (name, address) in names {
            with_ours.push_str(&format!("{address} {name} {HOSTS_MARK}\n"));
        }
        std::fs::write(HOSTS, with_ours)?;
        Ok(HostsFile { original })
    }
}

impl Drop for HostsFile {
    fn drop(&mut self) {
        if let Err(err) = std::fs::write(HOSTS, &self.original) {
            eprintln!("mta-bounces: could not restore {HOSTS}: {err}");
        }
    }
}

/// Runs a command, failing with its output when it fails.
pub fn run_quiet(command: &mut Command) -> anyhow::Result<()> {
    let output = command.stdin(Stdio::null()).output().with_context(|| format!("{command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Installs Debian packages that are not installed yet.
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg")
                .args(["-s", p])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    run_quiet(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Downloads Debian packages (not installed) into `dir` and returns the .deb files.
pub fn apt_download(dir: &Path, packages: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    let debs = dir.join("debs");
    std::fs::create_dir_all(&debs)?;
    run_quiet(Command::new("apt-get").arg("download").args(packages).current_dir(&debs))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&debs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    files.sort();
    Ok(files)
}

/// Creates a system user and its group of the same name when missing.
pub fn ensure_system_user(name: &str, home: &str) -> anyhow::Result<()> {
    let known = |db: &str| {
        Command::new("getent")
            .args([db, name])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !known("group") {
        run_quiet(Command::new("groupadd").args(["--system", name]))?;
    }
    if !known("passwd") {
        run_quiet(
            Command::new("useradd").args(["--system", "--no-create-home", "--gid", name]).args([
                "--home-dir",
                home,
                "--shell",
                "/usr/sbin/nologin",
                name,
            ]),
        )?;
    }
    Ok(())
}
