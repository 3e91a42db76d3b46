//! Exim from Debian's `exim4-daemon-light`, unpacked with `apt-get download` +
//! `dpkg-deb -x` (not installed: it conflicts with Postfix as an installed MTA) and run
//! with its own configuration (`-C`), spool and log under the task's temporary
//! directory. No daemon: each message is delivered in the foreground (`-odi`) and
//! deferred messages are retried with a forced queue run (`-qff`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use super::{run_quiet, Mta, Route};

const PACKAGES: &[&str] = &["exim4-daemon-light", "exim4-base", "exim4-config"];
/// The user and group Debian's build compiled in.
const EXIM_USER: &str = "Debian-exim";

#[derive(Debug)]
pub struct Exim {
    binary: PathBuf,
    config: PathBuf,
    version: String,
}

impl Exim {
    pub fn prepare(work: &Path, routes: &[Route]) -> anyhow::Result<Self> {
        let dir = work.join("exim");
        let unpacked = dir.join("root");
        std::fs::create_dir_all(&unpacked)?;
        super::apt_install(&["libidn12"])?;
        for deb in super::apt_download(&dir, PACKAGES)? {
            run_quiet(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked))?;
        }
        super::ensure_system_user(EXIM_USER, "/nonexistent")?;
        let binary = unpacked.join("usr/sbin/exim4");
        for sub in ["spool", "log"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        run_quiet(
            Command::new("chown")
                .arg("-R")
                .arg(format!("{EXIM_USER}:{EXIM_USER}"))
                .arg(dir.join("spool"))
                .arg(dir.join("log")),
        )?;
        let routes_file = dir.join("routes");
        let table: String = routes
            .iter()
            .map(|r| format!("{}: {}::{} byname\n", r.address, r.host, r.port))
            .collect();
        std::fs::write(&routes_file, table)?;
        let config = dir.join("exim.conf");
        std::fs::write(&config, configuration(&dir.display().to_string()))?;
        let output = Command::new(&binary).arg("-C").arg(&config).arg("-bV").output()?;
        let version = String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(2))
            .map(|v| format!("Exim {v}"))
            .context("exim4 -bV printed no version")?;
        Ok(Exim { binary, config, version })
    }
}

impl Mta for Exim {
    fn name(&self) -> &'static str {
        "exim"
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn send(&self, sender: &str, recipient: &str, message: &str) -> anyhow::Result<()> {
        let mut child = Command::new(&self.binary)
            .arg("-C")
            .arg(&self.config)
            .args(["-odi", "-f", sender, "--", recipient])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            // Only "exim user lost privilege for using -C option" lands here.
            .stderr(Stdio::null())
            .spawn()
            .context("starting exim4")?;
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, message.as_bytes())?;
        }
        // Exim exits non-zero when the delivery failed; the bounce is what we want.
        child.wait()?;
        Ok(())
    }

    fn retry_queue(&self) -> anyhow::Result<()> {
        run_quiet(Command::new(&self.binary).arg("-C").arg(&self.config).arg("-qff"))
    }
}

fn configuration(dir: &str) -> String {
    format!(
        "# A throw-away Exim configuration for `cargo xtask mta-bounces`.
primary_hostname = sv8123.xserver.example
# Exim re-executes itself (delivery, bounces): the unpacked binary, not /usr/sbin.
exim_path = {dir}/root/usr/sbin/exim4
qualify_domain = sv8123.xserver.example
# With -C Exim gives up root; it runs as the compiled-in user throughout.
exim_user = {EXIM_USER}
exim_group = {EXIM_USER}
spool_directory = {dir}/spool
log_file_path = {dir}/log/%slog
disable_ipv6 = true
tls_advertise_hosts =
keep_environment =

begin routers

# Every recipient, and the sender's domain for the bounces, goes to its own loopback
# host named like the provider's MX (resolved through /etc/hosts).
loopback_hosts:
  driver = manualroute
  route_data = ${{lookup{{$local_part@$domain}}lsearch{{{dir}/routes}}}}
  transport = remote_smtp
  self = send

begin transports

remote_smtp:
  driver = smtp
  allow_localhost
  hosts_avoid_tls = *
  hosts_try_chunking =
  hosts_try_prdr =
  connect_timeout = 5s

begin retry

# Give up after one second: a 4xx reply bounces at the next queue run.
*  *  F,1s,1s
"
    )
}
