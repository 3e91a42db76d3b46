//! `cargo xtask bench rbl`: bulk blocklist lookups, 1,000 IPs x 10 zones, against a
//! loopback rbldnsd with a fresh cache; beside the same server's ceiling measured by
//! `dnsperf` on the same query names, and pydnsbl's rate on the same server; then one
//! IP against the whole default catalog on a server that delays each zone's answer
//! (`crates/rbl/examples/latency.rs`), against the slowest single answer.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context};

use crate::project_root;

const IPS: usize = 1000;
const ZONES: usize = 10;

pub fn run() -> anyhow::Result<()> {
    let root = project_root();
    let work = std::env::temp_dir().join(format!("rebound-bench-rbl-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = measure(&root, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(root: &Path, work: &Path) -> anyhow::Result<()> {
    ensure_tools()?;
    let zones: Vec<String> = (0..ZONES).map(|z| format!("z{z}.test")).collect();
    // Public-range addresses (only ever sent to the loopback rbldnsd): private ones
    // are never asked of a list (`rebound_rbl::is_public`).
    let ips: Vec<String> = (0..IPS).map(|i| format!("11.1.{}.{}", i / 250, i % 250 + 1)).collect();
    write_data(work, &zones, &ips)?;
    let server = Rbldnsd::start(work, &zones, None)?;
    let port = server.port;
    let zone_list = zones.join(",");
    let ips_file = work.join("ips.txt");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "rebound-rbl", "--example", "bulk"])
        .args(["--example", "latency"])
        .status()?;
    anyhow::ensure!(status.success(), "building the bulk example failed");
    let mut ours = Vec::new();
    for _ in 0..3 {
        // A new process each run: a fresh resolver cache.
        ours.push(summary(
            Command::new(root.join("target/release/examples/bulk"))
                .arg(format!("127.0.0.1:{port}"))
                .arg(&zone_list)
                .arg(&ips_file),
            "rebound",
        )?);
    }
    let lost: f64 = ours.iter().map(|s| s.get("unknown").copied().unwrap_or(f64::NAN)).sum();
    let rebound_rate = median(ours.iter().map(|s| s["checks_per_s"]).collect());

    let dnsperf = Command::new("dnsperf")
        .args(["-s", "127.0.0.1", "-p", &port.to_string(), "-n", "3", "-q", "100", "-d"])
        .arg(work.join("queries.txt"))
        .output()
        .context("cannot run dnsperf")?;
    let text = String::from_utf8_lossy(&dnsperf.stdout);
    let ceiling = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Queries per second:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .with_context(|| format!("dnsperf printed no rate:\n{text}"))?;

    let python = work.join("venv/bin/python");
    let pydnsbl = summary(
        Command::new(&python)
            .arg(root.join("xtask/bench/pydnsbl_bench.py"))
            .arg(port.to_string())
            .arg(&zone_list)
            .arg(&ips_file),
        "pydnsbl",
    )?;
    let pydnsbl_rate = pydnsbl["checks_per_s"];
    drop(server);

    // One IP against every default zone, each answering after its own delay.
    let latency =
        summary(&mut Command::new(root.join("target/release/examples/latency")), "latency")?;

    println!(
        "bulk lookups: {IPS} IPs x {ZONES} zones = {} checks, loopback rbldnsd, fresh cache",
        IPS * ZONES
    );
    println!("rebound   {rebound_rate:>10.0} checks/s (median of 3 runs; answers lost: {lost})");
    println!("dnsperf   {ceiling:>10.0} queries/s (the server's ceiling on the same names)");
    println!("pydnsbl   {pydnsbl_rate:>10.0} checks/s (median of 3 runs)");
    println!(
        "ratio rebound/dnsperf {:.2} (target >= 0.8), rebound/pydnsbl {:.2} (target >= 3)",
        rebound_rate / ceiling,
        rebound_rate / pydnsbl_rate
    );
    println!(
        "one IP x {} default zones, answers delayed up to {} ms: wall {:.1} ms vs slowest single answer {:.1} ms, ratio {:.3} (target <= 1.3)",
        latency.get("zones").copied().unwrap_or(f64::NAN),
        latency.get("delay_ms").copied().unwrap_or(f64::NAN),
        latency.get("wall_ms").copied().unwrap_or(f64::NAN),
        latency.get("slowest_ms").copied().unwrap_or(f64::NAN),
        latency.get("ratio").copied().unwrap_or(f64::NAN)
    );
    Ok(())
}

/// Zone files (every tenth IP listed, a different tenth per zone), the IP list, and
/// dnsperf's query file with the same names rebound asks.
fn write_data(work: &Path, zones: &[String], ips: &[String]) -> anyhow::Result<()> {
    let mut queries = String::new();
    for (z, zone) in zones.iter().enumerate() {
        let mut data = String::from(
            "$SOA 60 ns.test.invalid. hostmaster.test.invalid. 0 600 300 86400 60\n:127.0.0.2:listed $\n127.0.0.2\n",
        );
        for (i, ip) in ips.iter().enumerate() {
            if (i + z) % 10 == 0 {
                data.push_str(ip);
                data.push('\n');
            }
            let reversed: Vec<&str> = ip.split('.').rev().collect();
            queries.push_str(&format!("{}.{zone} A\n", reversed.join(".")));
        }
        std::fs::write(work.join(format!("{zone}.txt")), data)?;
    }
    std::fs::write(work.join("ips.txt"), ips.join("\n") + "\n")?;
    std::fs::write(work.join("queries.txt"), queries)?;
    // rbldnsd drops to `nobody` when started as root: let it read the files.
    let _ = Command::new("chmod").args(["-R", "a+rX"]).arg(work).status();
    let venv = work.join("venv");
    let ok = Command::new("python3").arg("-m").arg("venv").arg(&venv).status()?.success()
        && Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "pydnsbl"])
            .status()?
            .success();
    anyhow::ensure!(ok, "cannot install pydnsbl into a venv (pip install pydnsbl)");
    Ok(())
}

pub(crate) fn ensure_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = [("/usr/sbin/rbldnsd", "rbldnsd"), ("/usr/bin/dnsperf", "dnsperf")]
        .into_iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask bench rbl: installing {} with apt-get", missing.join(" "));
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("cannot run apt-get")?;
    anyhow::ensure!(status.success(), "apt-get install {} failed", missing.join(" "));
    Ok(())
}

/// rbldnsd on a free loopback port, stopped (by its pid) on drop.
pub(crate) struct Rbldnsd {
    child: Child,
    pub(crate) port: u16,
}

impl Rbldnsd {
    /// Serves `ZONE.txt` of `work` as an ip4set for every zone; with `log`, every
    /// request is written to that file.
    pub(crate) fn start(
        work: &Path,
        zones: &[String],
        log: Option<&Path>,
    ) -> anyhow::Result<Rbldnsd> {
        for _ in 0..5 {
            let port = UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port();
            let mut command = Command::new("/usr/sbin/rbldnsd");
            command.args(["-n", "-t", "60", "-b", &format!("127.0.0.1/{port}"), "-w"]).arg(work);
            if is_root() {
                command.args(["-u", "nobody:nogroup"]);
            }
            if let Some(log) = log {
                command.arg("-l").arg(log);
            }
            for zone in zones {
                command.arg(format!("{zone}:ip4set:{zone}.txt"));
            }
            let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
            let stdout = child.stdout.take().context("no stdout")?;
            let started =
                BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.contains("started"));
            if started {
                return Ok(Rbldnsd { child, port });
            }
            let _ = child.wait();
        }
        bail!("rbldnsd did not start")
    }
}

impl Drop for Rbldnsd {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.trim_ascii() == b"0").unwrap_or(false)
}

fn summary(command: &mut Command, name: &str) -> anyhow::Result<BTreeMap<String, f64>> {
    let output = command.output().with_context(|| format!("cannot run {name}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with("summary ")).with_context(|| {
        format!("{name} printed no summary: {stdout}{}", String::from_utf8_lossy(&output.stderr))
    })?;
    Ok(line
        .split_whitespace()
        .skip(1)
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(k, v)| v.parse().ok().map(|v| (k.to_string(), v)))
        .collect())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
