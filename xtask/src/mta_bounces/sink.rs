//! Loopback SMTP servers: a scripted remote host per case, which refuses at one stage
//! with the case's reply, and a catcher that accepts everything (the sender's mailbox
//! server, where the bounces arrive).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::cases::{Case, Stage, SENDING_IP};

/// The loopback address of the host that refuses connections: not 127.0.0.1, which
/// Postfix counts as itself on port 25 ("mail for ... loops back to myself").
pub const REFUSING_ADDRESS: &str = "127.0.0.2";

/// A message the catcher accepted.
#[derive(Clone, Debug)]
pub struct Caught {
    pub sender: String,
    /// The message as received, dot-unstuffed, with LF line ends.
    pub data: String,
}

/// The catcher's mailbox, shared with its connection threads.
#[derive(Debug, Default)]
pub struct Inbox {
    messages: Mutex<Vec<Caught>>,
    arrived: Condvar,
}

impl Inbox {
    /// Waits until a message that `wanted` accepts arrives, and takes it out.
    pub fn take(&self, timeout: Duration, wanted: impl Fn(&Caught) -> bool) -> Option<Caught> {
        let deadline = Instant::now() + timeout;
        let mut messages = self.messages.lock().ok()?;
        loop {
            if let Some(i) = messages.iter().position(&wanted) {
                return Some(messages.remove(i));
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            messages = self.arrived.wait_timeout(messages, left).ok()?.0;
        }
    }

    fn push(&self, caught: Caught) {
        if let Ok(mut messages) = self.messages.lock() {
            messages.push(caught);
            self.arrived.notify_all();
        }
    }
}

/// What one listener does.
#[derive(Debug)]
enum Role {
    Scripted { host: &'static str, stage: Stage, reply: String },
    Catcher { host: &'static str, inbox: Arc<Inbox> },
}

/// Starts the scripted host of `case` on a free port of `address` and returns the port.
/// For [`Stage::Refused`] it returns the SMTP port 25 of [`REFUSING_ADDRESS`], where
/// nobody listens (so the bounce names the port a real MX refuses on).
pub fn start_scripted(case: &'static Case, address: &str) -> std::io::Result<u16> {
    if case.stage == Stage::Refused {
        if TcpStream::connect((REFUSING_ADDRESS, 25)).is_ok() {
            return Err(std::io::Error::other(format!(
                "something listens on {REFUSING_ADDRESS}:25; the connection-refused case needs it closed"
            )));
        }
        return Ok(25);
    }
    let reply = case
        .reply
        .iter()
        .map(|line| {
            format!("{}\r\n", line.replace("{rcpt}", case.recipient).replace("{ip}", SENDING_IP))
        })
        .collect();
    spawn(address, Role::Scripted { host: case.host, stage: case.stage, reply })
}

/// Starts the catcher and returns its port.
pub fn start_catcher(host: &'static str, address: &str, inbox: Arc<Inbox>) -> std::io::Result<u16> {
    spawn(address, Role::Catcher { host, inbox })
}

/// Listens on a free port of `address` (a loopback address of its own per host name, so
/// that a reverse lookup through /etc/hosts gives the provider's name back).
fn spawn(address: &str, role: Role) -> std::io::Result<u16> {
    let listener = TcpListener::bind((address, 0))?;
    let port = listener.local_addr()?.port();
    let role = Arc::new(role);
    // The listener lives as long as the xtask process: it ends with it.
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let role = Arc::clone(&role);
            thread::spawn(move || {
                let _ = session(stream, &role);
            });
        }
    });
    Ok(port)
}

/// One SMTP session, RFC 5321 minus everything the two MTAs do not need.
fn session(stream: TcpStream, role: &Role) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let (host, scripted) = match role {
        Role::Scripted { host, stage, reply } => (*host, Some((*stage, reply.as_str()))),
        Role::Catcher { host, .. } => (*host, None),
    };
    // Writes the scripted reply; true when the host then closes the connection (421).
    let refuse = |out: &mut TcpStream, reply: &str| -> std::io::Result<bool> {
        out.write_all(reply.as_bytes())?;
        Ok(reply.starts_with("421"))
    };
    if let Some((Stage::Greeting, reply)) = scripted {
        refuse(&mut out, reply)?;
        return Ok(());
    }
    out.write_all(format!("220 {host} ESMTP ready\r\n").as_bytes())?;
    let mut sender = String::new();
    let mut accepted = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let verb = command.split([' ', ':']).next().unwrap_or("");
        match verb {
            "EHLO" => out.write_all(
                format!(
                    "250-{host} at your service, [127.0.0.1]\r\n250-SIZE 157286400\r\n\
                     250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n"
                )
                .as_bytes(),
            )?,
            "HELO" => out.write_all(format!("250 {host}\r\n").as_bytes())?,
            "MAIL" => {
                if let Some((Stage::MailFrom, reply)) = scripted {
                    if refuse(&mut out, reply)? {
                        return Ok(());
                    }
                    continue;
                }
                sender = envelope_address(&line);
                accepted = 0;
                out.write_all(b"250 2.1.0 OK\r\n")?;
            }
            "RCPT" => {
                if let Some((Stage::RcptTo, reply)) = scripted {
                    if refuse(&mut out, reply)? {
                        return Ok(());
                    }
                    continue;
                }
                accepted += 1;
                out.write_all(b"250 2.1.5 OK\r\n")?;
            }
            "DATA" => {
                if accepted == 0 {
                    out.write_all(b"554 5.5.1 Error: no valid recipients\r\n")?;
                    continue;
                }
                out.write_all(b"354 Go ahead\r\n")?;
                let data = read_data(&mut input)?;
                match (scripted, role) {
                    (Some((Stage::DataEnd, reply)), _) => {
                        if refuse(&mut out, reply)? {
                            return Ok(());
                        }
                    }
                    (_, Role::Catcher { inbox, .. }) => {
                        inbox.push(Caught { sender: sender.clone(), data });
                        out.write_all(b"250 2.0.0 OK queued\r\n")?;
                    }
                    _ => out.write_all(b"250 2.0.0 OK queued\r\n")?,
                }
                accepted = 0;
            }
            "RSET" => {
                accepted = 0;
                out.write_all(b"250 2.0.0 OK\r\n")?;
            }
            "NOOP" => out.write_all(b"250 2.0.0 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 2.0.0 closing connection\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 5.5.2 Error: command not recognized\r\n")?,
        }
    }
}

/// The address inside `MAIL FROM:<...>`.
fn envelope_address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_string()
}

/// Reads DATA up to the lone `.`, undoing dot-stuffing and CRLF.
fn read_data(input: &mut impl BufRead) -> std::io::Result<String> {
    let mut data = String::new();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(&raw);
        let text = text.trim_end_matches(['\r', '\n']);
        if text == "." {
            return Ok(data);
        }
        data.push_str(text.strip_prefix('.').unwrap_or(text));
        data.push('\n');
    }
}
