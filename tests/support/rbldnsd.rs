//! Debian's rbldnsd as a real DNSBL server on loopback.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Where Debian installs the binary.
const DEFAULT_BINARY: &str = "/usr/sbin/rbldnsd";

/// A running `rbldnsd -n` on `127.0.0.1:<free port>` (UDP only: rbldnsd has no TCP).
///
/// Killed (SIGTERM, by its pid) when dropped. Tests should skip when the binary is
/// missing:
///
/// ```no_run
/// use rebound_tests::Rbldnsd;
/// if !Rbldnsd::available_or_skip("my_test") {
///     return;
/// }
/// let server = Rbldnsd::builder()
///     .file("bl.txt", ":127.0.0.2:Listed: $\n127.0.0.2\n192.0.2.10\n")
///     .zone("bl.test", "ip4set", "bl.txt")
///     .ip4set("zen.test", ":127.0.0.2:SBL $\n203.0.113.0/24\n!203.0.113.99\n")
///     .generic("xserver.jp", "sv12053 A 203.0.113.45\n")
///     .start()
///     .expect("rbldnsd starts");
/// let addr = server.addr(); // point the resolver here, over UDP
/// # let _ = addr;
/// ```
#[derive(Debug)]
pub struct Rbldnsd {
    child: Option<Child>,
    addr: SocketAddr,
    output: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

/// Builds an [`Rbldnsd`]; see [`Rbldnsd::builder`].
#[derive(Debug, Default, Clone)]
pub struct RbldnsdBuilder {
    files: Vec<(String, String)>,
    zones: Vec<String>,
    extra_args: Vec<String>,
    /// Zones served without the RFC 5782 test entries.
    bare: Vec<String>,
}

impl Rbldnsd {
    /// The binary used: `$REBOUND_RBLDNSD` if set, else `/usr/sbin/rbldnsd`.
    pub fn binary() -> PathBuf {
        std::env::var_os("REBOUND_RBLDNSD")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_BINARY))
    }

    /// Whether the rbldnsd binary is installed.
    pub fn available() -> bool {
        Rbldnsd::binary().is_file()
    }

    /// Whether a test needing rbldnsd can run. When the binary is missing this prints a
    /// notice naming `test` and returns `false` (the test should then return early) —
    /// unless `REBOUND_REQUIRE_RBLDNSD=1` is set, in which case it panics, so CI cannot
    /// silently skip.
    pub fn available_or_skip(test: &str) -> bool {
        if Rbldnsd::available() {
            return true;
        }
        let required = std::env::var("REBOUND_REQUIRE_RBLDNSD").is_ok_and(|v| v == "1");
        let message = format!(
            "{test}: {} not found; install it with `apt-get install -y rbldnsd`",
            Rbldnsd::binary().display()
        );
        if required {
            panic!("{message} (REBOUND_REQUIRE_RBLDNSD=1)");
        }
        eprintln!("SKIPPED {message}");
        false
    }

    /// An empty builder.
    pub fn builder() -> RbldnsdBuilder {
        RbldnsdBuilder::default()
    }

    /// The UDP address rbldnsd answers on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The process id of rbldnsd.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Everything rbldnsd printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Stops rbldnsd (SIGTERM) and returns everything it printed, including the final
    /// `stats for ...: tot=N ok=N nxd=N ...` line, which tells how many queries arrived.
    pub fn stop(mut self) -> String {
        self.terminate();
        // Give the reader threads a moment to drain the pipes.
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && !self.output().contains("stats for") {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.output()
    }

    fn terminate(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        // SIGTERM to exactly this pid: rbldnsd prints its stats and exits.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Rbldnsd {
    fn drop(&mut self) {
        self.terminate();
    }
}

impl RbldnsdBuilder {
    /// Writes a data file (relative name) into the server's working directory.
    pub fn file(mut self, name: &str, contents: &str) -> Self {
        self.files.push((name.to_string(), contents.to_string()));
        self
    }

    /// Serves `zone` from `dataset` (e.g. `ip4set`, `ip4trie`, `ip6trie`, `dnset`,
    /// `generic`, `acl`, `combined`) read from `file`. Repeat a zone to combine datasets.
    pub fn zone(mut self, zone: &str, dataset: &str, file: &str) -> Self {
        self.zones.push(format!("{zone}:{dataset}:{file}"));
        self
    }

    /// Serves `zone` without the RFC 5782 test entries that every zone otherwise gets
    /// (`2.0.0.127` and `test`, 127.0.0.2, from a `generic` dataset added at start):
    /// a list that silently refuses this resolver.
    pub fn bare(mut self, zone: &str) -> Self {
        self.bare.push(zone.to_ascii_lowercase());
        self
    }

    /// Passes an extra command-line argument to rbldnsd (e.g. `-e`).
    pub fn arg(mut self, arg: &str) -> Self {
        self.extra_args.push(arg.to_string());
        self
    }

    /// Serves `zone` from an `ip4set` dataset with these contents (written to a file of
    /// its own). Repeat or mix with other datasets to combine them in one zone.
    pub fn ip4set(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "ip4set", contents)
    }

    /// Serves `zone` from an `ip4trie` dataset (CIDR, longest prefix wins).
    pub fn ip4trie(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "ip4trie", contents)
    }

    /// Serves `zone` from an `ip6trie` dataset (IPv6 prefixes).
    pub fn ip6trie(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "ip6trie", contents)
    }

    /// Serves `zone` from a `dnset` dataset (domain names).
    pub fn dnset(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "dnset", contents)
    }

    /// Serves `zone` from a `generic` dataset (BIND-like `name [ttl] TYPE value` lines,
    /// e.g. `sv12053 A 203.0.113.45`, `@` = the zone apex).
    pub fn generic(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "generic", contents)
    }

    /// Adds an `acl` dataset to `zone` (e.g. `127.0.0.0/8 :refuse`, `:ignore`, or
    /// `:127.255.255.254:text`); the zone needs at least one other dataset.
    pub fn acl(self, zone: &str, contents: &str) -> Self {
        self.dataset(zone, "acl", contents)
    }

    /// Serves `zone` from a dataset of type `dataset` with these contents.
    pub fn dataset(self, zone: &str, dataset: &str, contents: &str) -> Self {
        let file = format!("{:02}-{zone}.{dataset}", self.files.len());
        self.file(&file, contents).zone(zone, dataset, &file)
    }

    /// Starts rbldnsd and waits (at most 5 s) until it reports `started`. Retries with
    /// another port when the chosen one turns out to be taken. The error carries
    /// rbldnsd's own output (e.g. a zone file it could not load).
    pub fn start(mut self) -> Result<Rbldnsd, String> {
        if self.zones.is_empty() {
            return Err("no zone given".into());
        }
        // Every working list lists its RFC 5782 test entries, and the checker asks
        // for them before it believes a "not listed".
        let mut names: Vec<String> = self
            .zones
            .iter()
            .filter_map(|z| z.split(':').next())
            .map(str::to_ascii_lowercase)
            .collect();
        names.sort();
        names.dedup();
        names.retain(|z| !self.bare.contains(z));
        for zone in &names {
            self = self.generic(zone, "2.0.0.127 A 127.0.0.2\ntest A 127.0.0.2\n");
        }
        let dir = tempfile::Builder::new()
            .prefix("rebound-rbldnsd-")
            .tempdir()
            .map_err(|e| format!("temporary directory: {e}"))?;
        // rbldnsd drops to `nobody` when run as root and reads the files after that.
        set_mode(dir.path(), 0o755)?;
        for (name, contents) in &self.files {
            let path = dir.path().join(name);
            std::fs::write(&path, contents)
                .map_err(|e| format!("write {}: {e}", path.display()))?;
            set_mode(&path, 0o644)?;
        }

        let mut last_error = String::new();
        for _ in 0..10 {
            let port = free_udp_port()?;
            match self.spawn(dir.path(), port) {
                Ok((child, output)) => {
                    return Ok(Rbldnsd {
                        child: Some(child),
                        addr: SocketAddr::from(([127, 0, 0, 1], port)),
                        output,
                        _dir: dir,
                    })
                }
                Err(SpawnError::PortTaken(e)) => last_error = e,
                Err(SpawnError::Fatal(e)) => return Err(e),
            }
        }
        Err(format!("no free port after 10 tries: {last_error}"))
    }

    fn spawn(&self, dir: &Path, port: u16) -> Result<(Child, Arc<Mutex<String>>), SpawnError> {
        let mut command = Command::new(Rbldnsd::binary());
        command.arg("-n");
        if running_as_root() {
            command.args(["-u", "nobody:nogroup"]);
        }
        command
            .arg("-b")
            .arg(format!("127.0.0.1/{port}"))
            .arg("-w")
            .arg(dir)
            .args(["-t", "60"])
            .args(&self.extra_args)
            .args(&self.zones)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| {
            SpawnError::Fatal(format!("cannot run {}: {e}", Rbldnsd::binary().display()))
        })?;

        let output = Arc::new(Mutex::new(String::new()));
        let (started_tx, started_rx) = mpsc::channel::<()>();
        if let Some(stdout) = child.stdout.take() {
            pump(stdout, output.clone(), Some(started_tx));
        }
        if let Some(stderr) = child.stderr.take() {
            pump(stderr, output.clone(), None);
        }

        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if started_rx.try_recv().is_ok() {
                return Ok((child, output));
            }
            if let Ok(Some(status)) = child.try_wait() {
                // Let the reader threads catch the last lines.
                std::thread::sleep(Duration::from_millis(50));
                let text = output.lock().map(|o| o.clone()).unwrap_or_default();
                let message = format!("exited with {status} before starting:\n{text}");
                return Err(if text.contains("Address already in use") {
                    SpawnError::PortTaken(message)
                } else {
                    SpawnError::Fatal(message)
                });
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                let text = output.lock().map(|o| o.clone()).unwrap_or_default();
                return Err(SpawnError::Fatal(format!(
                    "did not report \"started\" within 5 s:\n{text}"
                )));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

enum SpawnError {
    PortTaken(String),
    Fatal(String),
}

/// Copies lines of `stream` into `output`; signals `started` on the line saying so.
fn pump(
    stream: impl Read + Send + 'static,
    output: Arc<Mutex<String>>,
    started: Option<mpsc::Sender<()>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Ok(mut out) = output.lock() {
                out.push_str(&line);
                out.push('\n');
            }
            if line.contains("started") {
                if let Some(tx) = &started {
                    let _ = tx.send(());
                }
            }
        }
    });
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
fn free_udp_port() -> Result<u16, String> {
    let socket =
        UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind UDP 127.0.0.1:0: {e}"))?;
    socket.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {mode:o} {}: {e}", path.display()))
}

/// Whether this process runs as root (effective uid 0), from /proc/self/status.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}
