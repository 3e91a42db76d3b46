//! OpenSMTPD from Debian's `opensmtpd`, unpacked with `apt-get download` + `dpkg-deb -x`
//! (not installed: it conflicts with Postfix) and run in the foreground (`smtpd -d -f`)
//! with its own configuration. Its spool path is compiled in, so the task's own spool
//! directory is bind-mounted on /var/spool/smtpd for the run; the server name comes
//! from /etc/mailname, which is set for the run too. Everything is put back on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};

use super::{run_quiet, Mta, Route};

const SPOOL: &str = "/var/spool/smtpd";
/// The privilege-separation chroot, compiled in.
const EMPTY: &str = "/var/lib/opensmtpd/empty";
const MAILNAME: &str = "/etc/mailname";
const HOSTNAME: &str = "sv8123.xserver.example";

#[derive(Debug)]
pub struct OpenSmtpd {
    sbin: PathBuf,
    version: String,
    server: Option<Child>,
    /// What this run created or changed outside its directory, to undo.
    mounted: bool,
    created: Vec<PathBuf>,
    old_mailname: Option<String>,
}

impl OpenSmtpd {
    pub fn start(work: &Path, routes: &[Route]) -> anyhow::Result<Self> {
        let dir = work.join("opensmtpd");
        let unpacked = dir.join("root");
        std::fs::create_dir_all(&unpacked)?;
        for deb in super::apt_download(&dir, &["opensmtpd"])? {
            run_quiet(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked))?;
        }
        for user in ["opensmtpd", "opensmtpq"] {
            super::ensure_system_user(user, EMPTY)?;
        }
        let sbin = unpacked.join("usr/sbin");
        // The enqueuer must be set-gid opensmtpq, as the package's postinst makes it.
        run_quiet(Command::new("chgrp").arg("opensmtpq").arg(sbin.join("smtpctl")))?;
        run_quiet(Command::new("chmod").arg("2555").arg(sbin.join("smtpctl")))?;
        let mut smtpd = OpenSmtpd {
            sbin,
            version: String::new(),
            server: None,
            mounted: false,
            created: Vec::new(),
            old_mailname: std::fs::read_to_string(MAILNAME).ok(),
        };
        // Parents first, so that each directory this run made is removed again.
        for path in ["/var/lib/opensmtpd", EMPTY, SPOOL] {
            if !Path::new(path).exists() {
                std::fs::create_dir(path)?;
                smtpd.created.push(PathBuf::from(path));
            }
        }
        let spool = dir.join("spool");
        std::fs::create_dir_all(&spool)?;
        run_quiet(Command::new("chmod").arg("711").arg(&spool))?;
        run_quiet(Command::new("mount").arg("--bind").arg(&spool).arg(SPOOL))?;
        smtpd.mounted = true;
        std::fs::write(MAILNAME, format!("{HOSTNAME}\n"))?;

        let config = dir.join("smtpd.conf");
        std::fs::write(&config, configuration(routes))?;
        let binary = smtpd.sbin.join("smtpd");
        run_quiet(Command::new(&binary).arg("-n").arg("-f").arg(&config))?;
        let log = std::fs::File::create(dir.join("smtpd.log"))?;
        smtpd.server = Some(
            Command::new(&binary)
                .arg("-d")
                .arg("-f")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("starting smtpd")?,
        );
        std::thread::sleep(Duration::from_secs(2));
        let log = std::fs::read_to_string(dir.join("smtpd.log")).unwrap_or_default();
        smtpd.version = log
            .lines()
            .find_map(|l| l.split("OpenSMTPD ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(|v| format!("OpenSMTPD {v}"))
            .with_context(|| format!("smtpd did not start:\n{log}"))?;
        Ok(smtpd)
    }
}

impl Mta for OpenSmtpd {
    fn name(&self) -> &'static str {
        "opensmtpd"
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn send(&self, sender: &str, recipient: &str, message: &str) -> anyhow::Result<()> {
        let mut child = Command::new(self.sbin.join("sendmail"))
            .args(["-f", sender, "--", recipient])
            .stdin(Stdio::piped())
            .spawn()
            .context("starting OpenSMTPD's sendmail")?;
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, message.as_bytes())?;
        }
        if !child.wait()?.success() {
            bail!("OpenSMTPD's sendmail refused the message for {recipient}");
        }
        Ok(())
    }

    fn retry_queue(&self) -> anyhow::Result<()> {
        run_quiet(Command::new(self.sbin.join("smtpctl")).args(["schedule", "all"]))
    }
}

impl Drop for OpenSmtpd {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
            // Its privilege-separated children leave when the parent is gone.
            std::thread::sleep(Duration::from_secs(1));
        }
        if self.mounted {
            let _ = run_quiet(Command::new("umount").arg(SPOOL));
        }
        for path in self.created.iter().rev() {
            let _ = std::fs::remove_dir(path);
        }
        let _ = match &self.old_mailname {
            Some(old) => std::fs::write(MAILNAME, old),
            None => std::fs::remove_file(MAILNAME),
        };
    }
}

fn configuration(routes: &[Route]) -> String {
    let mut config = String::from(
        "# A throw-away OpenSMTPD configuration for `cargo xtask mta-bounces`.
# A 4xx reply bounces at the next forced retry.
queue ttl 1s
",
    );
    // Every recipient, and the sender's address for the bounces, goes to its own
    // loopback host named like the provider's MX (resolved through /etc/hosts).
    for (i, route) in routes.iter().enumerate() {
        config.push_str(&format!(
            "action \"route{i}\" relay host smtp://{}:{} helo {HOSTNAME}\n\
             match from any for rcpt-to \"{}\" action \"route{i}\"\n",
            route.host, route.port, route.address
        ));
    }
    config
}
