//! Postfix from Debian's package, installed normally (`apt-get install postfix`) but run
//! as a separate instance: its own configuration directory, queue and log under the
//! task's temporary directory, started with `postfix -c DIR`. The default instance is
//! never started. (Unpacking the package instead is impractical: its binaries load
//! libpostfix-*.so through the compiled-in RUNPATH /usr/lib/postfix, and `postdrop` needs
//! the `postdrop` group that the package's postinst creates.)

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use super::{run_quiet, Mta, Route};

#[derive(Debug)]
pub struct Postfix {
    config: PathBuf,
    version: String,
    started: bool,
}

impl Postfix {
    /// Installs the package when missing, writes the instance and starts it.
    pub fn start(work: &Path, routes: &[Route]) -> anyhow::Result<Self> {
        if !Path::new("/usr/sbin/postfix").exists() {
            let status = Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "postfix"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .context("running apt-get")?;
            anyhow::ensure!(status.success(), "apt-get install postfix failed");
        }
        let dir = work.join("postfix");
        let config = dir.join("etc");
        for sub in ["etc", "spool", "data"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        run_quiet(Command::new("chown").arg("postfix").arg(dir.join("data")))?;
        let d = dir.display();
        std::fs::write(config.join("main.cf"), main_cf(&d.to_string()))?;
        std::fs::write(config.join("master.cf"), MASTER_CF)?;
        let transport: String = routes
            .iter()
            .map(|r| format!("{} smtp:[{}]:{}\n", r.address, r.host, r.port))
            .collect();
        std::fs::write(config.join("transport"), transport)?;
        let version = String::from_utf8(
            Command::new("postconf").args(["-d", "-h", "mail_version"]).output()?.stdout,
        )?
        .trim()
        .to_string();
        let mut postfix = Postfix { config, version, started: false };
        postfix.control("start")?;
        postfix.started = true;
        Ok(postfix)
    }

    fn control(&self, action: &str) -> anyhow::Result<()> {
        run_quiet(Command::new("postfix").arg("-c").arg(&self.config).arg(action))
    }
}

impl Mta for Postfix {
    fn name(&self) -> &'static str {
        "postfix"
    }

    fn version(&self) -> String {
        format!("Postfix {}", self.version)
    }

    fn send(&self, sender: &str, recipient: &str, message: &str) -> anyhow::Result<()> {
        let mut child = Command::new("/usr/sbin/sendmail")
            .args(["-C"])
            .arg(&self.config)
            .args(["-f", sender, "--", recipient])
            .stdin(Stdio::piped())
            .spawn()
            .context("starting Postfix's sendmail")?;
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, message.as_bytes())?;
        }
        if !child.wait()?.success() {
            bail!("Postfix's sendmail refused the message for {recipient}");
        }
        Ok(())
    }

    fn retry_queue(&self) -> anyhow::Result<()> {
        run_quiet(Command::new("postqueue").arg("-c").arg(&self.config).arg("-f"))
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        if self.started {
            let _ = self.control("stop");
        }
    }
}

fn main_cf(dir: &str) -> String {
    format!(
        "# A throw-away Postfix instance for `cargo xtask mta-bounces`.
compatibility_level = 3.6
config_directory = {dir}/etc
queue_directory = {dir}/spool
data_directory = {dir}/data
meta_directory = /etc/postfix
daemon_directory = /usr/lib/postfix/sbin
command_directory = /usr/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = sv8123.xserver.example
mydomain = xserver.example
myorigin = $myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
maillog_file_prefixes = {dir}
maillog_file = {dir}/maillog
alias_maps =
alias_database =
# Every recipient, and the sender's domain for the bounces, goes to its own loopback
# host named like the provider's MX (resolved through /etc/hosts).
transport_maps = texthash:{dir}/etc/transport
smtp_host_lookup = native
smtp_tls_security_level = none
smtp_connect_timeout = 5s
# A 4xx reply or an unreachable host bounces at once ('delayed too long').
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"
    )
}

/// Only the services a relay-only instance without an SMTP server needs; no chroot.
const MASTER_CF: &str = "\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
";
