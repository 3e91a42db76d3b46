//! The other places delivery failures are recorded: MTA logs (Postfix, Exim,
//! Sendmail) and sending services' event notifications (Amazon SES, SendGrid,
//! Mailgun, Postmark), each read into the same [`Bounce`] values as mail.
//!
//! [`detect`] tells the kinds apart by content alone; [`parse_events`] reads one
//! kind. Every recipient's [`RecipientReport::diagnostic`] is the remote server's
//! reply as the source recorded it, so that it is classified from that text: a
//! service's own hard/soft label is kept only in
//! [`RecipientReport::service_label`].

mod exim_log;
mod json;
mod mailgun;
mod postfix_log;
mod postmark;
mod sendgrid;
mod sendmail_log;
mod ses;
mod syslog;

use crate::text::{find_codes, strip_type_prefix, trim};
use crate::{Action, Bounce, Form, ParseError, RecipientReport, StatusCode};

/// What kind of input a file holds, as [`detect`] tells from its content.
///
/// ```
/// use rebound_dsn::{detect, InputKind};
/// let sns = br#"{"Type":"Notification","Message":"{\"notificationType\":\"Bounce\",\"mail\":{}}"}"#;
/// assert_eq!(detect(sns), InputKind::Ses);
/// assert_eq!(InputKind::default(), InputKind::Mail);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputKind {
    /// Mail (a bounce message, an mbox, pasted bounce text) or anything not
    /// recognised below: read it with [`crate::parse`].
    #[default]
    Mail,
    /// A Postfix log (`postfix/smtp[PID]: QUEUEID: to=<...>, ... status=bounced`).
    PostfixLog,
    /// An Exim main log (`1tqAbC-000Def-Gh ** address ...`).
    EximLog,
    /// A Sendmail log (`sm-mta[PID]: QUEUEID: to=<...>, ... dsn=5.1.1, stat=...`).
    SendmailLog,
    /// Amazon SES bounce, complaint, delivery-delay notifications or events, raw or
    /// in their SNS envelope.
    Ses,
    /// A SendGrid event webhook body (an array of events with `sg_event_id`).
    SendGrid,
    /// Mailgun events: a webhook body (`event-data`), an events API page
    /// (`items`), or bare event objects.
    Mailgun,
    /// Postmark bounce or spam complaint webhooks (`RecordType`), or its bounces
    /// API response (`Bounces`).
    Postmark,
}

impl InputKind {
    /// Every kind, in the order [`InputKind::name`]s are listed to users.
    pub const ALL: [InputKind; 8] = [
        InputKind::Mail,
        InputKind::PostfixLog,
        InputKind::EximLog,
        InputKind::SendmailLog,
        InputKind::Ses,
        InputKind::SendGrid,
        InputKind::Mailgun,
        InputKind::Postmark,
    ];

    /// A short name for a command-line flag: `mail`, `postfix`, `exim`,
    /// `sendmail`, `ses`, `sendgrid`, `mailgun`, `postmark`.
    ///
    /// ```
    /// use rebound_dsn::InputKind;
    /// assert_eq!(InputKind::Ses.name(), "ses");
    /// assert_eq!(InputKind::from_name("Postfix"), Some(InputKind::PostfixLog));
    /// assert!(InputKind::ALL.iter().all(|k| InputKind::from_name(k.name()) == Some(*k)));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Mail => "mail",
            InputKind::PostfixLog => "postfix",
            InputKind::EximLog => "exim",
            InputKind::SendmailLog => "sendmail",
            InputKind::Ses => "ses",
            InputKind::SendGrid => "sendgrid",
            InputKind::Mailgun => "mailgun",
            InputKind::Postmark => "postmark",
        }
    }

    /// The kind a [`InputKind::name`] names, ignoring case.
    ///
    /// ```
    /// use rebound_dsn::InputKind;
    /// assert_eq!(InputKind::from_name(" SendGrid "), Some(InputKind::SendGrid));
    /// assert_eq!(InputKind::from_name("log"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<InputKind> {
        InputKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// Tells from its content what kind of input `bytes` is. Never panics.
///
/// JSON (the first byte that is not white space is `{` or `[`) is a service's
/// events when it has that service's keys: SES `notificationType`/`eventType` with
/// `mail` (also inside an SNS envelope, `"Type": "Notification"` with the
/// notification as the `Message` string), SendGrid `event` with `sg_event_id`,
/// Mailgun `event-data` (or `event` with `delivery-status`/`recipient` and
/// `log-level`), Postmark `RecordType` (or the `Bounces` list of its API). A log is
/// a file whose first line is a log line (a syslog time stamp, or Exim's
/// `YYYY-MM-DD HH:MM:SS`) and that holds a delivery result of that MTA. Anything
/// else is [`InputKind::Mail`]: a bounce message never starts like either.
///
/// ```
/// use rebound_dsn::{detect, InputKind};
/// let log = b"Mar  6 10:00:02 mx1 postfix/smtp[2211]: 4BQ2Lk3ZrLz9vBk: \
/// to=<ken@example.jp>, relay=mx.example.jp[198.51.100.7]:25, delay=1.2, \
/// dsn=5.1.1, status=bounced (host mx.example.jp[198.51.100.7] said: 550 5.1.1 \
/// <ken@example.jp>: User unknown (in reply to RCPT TO command))\n";
/// assert_eq!(detect(log), InputKind::PostfixLog);
/// assert_eq!(detect(br#"{"RecordType":"Bounce","Email":"a@example.com"}"#), InputKind::Postmark);
/// assert_eq!(detect(b"From: MAILER-DAEMON@example.jp\nSubject: failure\n\nx"), InputKind::Mail);
/// ```
pub fn detect(bytes: &[u8]) -> InputKind {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return InputKind::Mail;
    };
    let body = bytes.get(start..).unwrap_or_default();
    match body.first() {
        Some(b'{' | b'[') => json::detect(body).unwrap_or(InputKind::Mail),
        _ => syslog::detect(body).unwrap_or(InputKind::Mail),
    }
}

/// Reads the delivery results in an input of `kind` (what [`detect`] said, or what
/// the user chose) into one [`Bounce`] per message: one per queue id of a log, one
/// per notification or event of a service. Their form is [`Form::MtaLog`] or
/// [`Form::ServiceEvent`]; [`Bounce::generator`] is `postfix`, `exim`,
/// `sendmail`, `amazonses`, `sendgrid`, `mailgun` or `postmark`;
/// [`Bounce::source_id`] and [`Bounce::date`] say which record and when.
///
/// Only failures, delays and complaints make a bounce (complaints with
/// [`crate::Kind::Feedback`]); a message's delivered recipients are listed only
/// beside a failure of the same message. Log lines that are no delivery result are
/// skipped, as are events of other types (opens, clicks, deliveries). A
/// [`InputKind::Mail`] input is read with [`crate::parse`] (its one bounce, or
/// each of an mbox's).
///
/// ```
/// use rebound_dsn::{parse_events, Action, Form, InputKind};
/// let event = br#"[{"email":"ken@example.jp","timestamp":1741222800,"event":"bounce",
///   "sg_event_id":"ZGVmYXVsdA","reason":"550 5.1.1 The email account does not exist",
///   "status":"5.1.1","type":"bounce"}]"#;
/// let bounces = parse_events(InputKind::SendGrid, event).unwrap();
/// assert_eq!(bounces[0].form, Form::ServiceEvent);
/// let r = &bounces[0].recipients[0];
/// assert_eq!(r.recipient.as_deref(), Some("ken@example.jp"));
/// assert_eq!(r.action, Action::Failed);
/// assert_eq!(r.reply_code, Some(550));
/// assert!(parse_events(InputKind::Ses, b"{\"notificationType\":").is_err());
/// ```
///
/// # Errors
/// [`ParseError::Malformed`] for JSON that does not parse or lacks the fields of its
/// kind, [`ParseError::NotABounce`] for a log with no delivery result in it, and
/// [`crate::parse`]'s errors for mail.
pub fn parse_events(kind: InputKind, bytes: &[u8]) -> Result<Vec<Bounce>, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    match kind {
        InputKind::Mail => {
            let mut out = Vec::new();
            let mut first_error = None;
            for message in crate::split_mbox(bytes) {
                match crate::parse(message) {
                    Ok(bounce) => out.push(bounce),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            match first_error {
                Some(e) if out.is_empty() => Err(e),
                _ => Ok(out),
            }
        }
        InputKind::PostfixLog | InputKind::EximLog | InputKind::SendmailLog => {
            let mut reader = LogReader { kind, messages: Messages::default() };
            for line in crate::text::lossy(bytes).lines() {
                reader.read_line(line);
            }
            reader.finish()
        }
        InputKind::Ses => ses::parse(&json::values(bytes, "SES notification")?),
        InputKind::SendGrid => sendgrid::parse(&json::values(bytes, "SendGrid events")?),
        InputKind::Mailgun => mailgun::parse(&json::values(bytes, "Mailgun events")?),
        InputKind::Postmark => postmark::parse(&json::values(bytes, "Postmark webhook")?),
    }
}

/// A new bounce of `form` from `generator`.
fn bounce(form: Form, generator: &str) -> Bounce {
    Bounce { form, generator: Some(generator.to_string()), ..Bounce::default() }
}

/// One recipient's report from what a source recorded: the reply text (a type
/// prefix such as `smtp;` removed), the status field and the reply code field when
/// the source has them. As for mail, a specific status code in the reply wins over
/// the field's of the same class and over a generic one; the reply's own reply code
/// over the field's.
fn recipient(
    address: Option<&str>,
    action: Action,
    diagnostic: Option<&str>,
    status_field: Option<&str>,
    reply_field: Option<u16>,
) -> RecipientReport {
    let diagnostic =
        diagnostic.map(|d| trim(strip_type_prefix(d))).filter(|d| !d.is_empty()).map(one_line);
    let codes = diagnostic.as_deref().map(find_codes).unwrap_or_default();
    let field = status_field.and_then(StatusCode::parse);
    let status = match (codes.status, field) {
        (Some(text), Some(field))
            if !text.is_generic() && (text.class == field.class || field.is_generic()) =>
        {
            Some(text)
        }
        (text, field) => field.or(text),
    };
    RecipientReport {
        recipient: address.and_then(crate::text::clean_address),
        action,
        status,
        reply_code: codes.reply.or(reply_field.filter(|c| (200..600).contains(c))),
        diagnostic,
        ..RecipientReport::default()
    }
}

/// A text on one line: line breaks and runs of white space become one space.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The delivery results of a log, grouped by queue id in the order the ids first
/// appear.
#[derive(Debug, Default)]
struct Messages {
    order: std::collections::VecDeque<Bounce>,
    /// Each open queue id's place: its number in the order of first appearance
    /// (`order[number - taken]`).
    index: std::collections::HashMap<String, usize>,
    /// How many messages were taken from the front of `order`.
    taken: usize,
    /// Whether any delivery result was read at all.
    any_result: bool,
}

impl Messages {
    fn entry(&mut self, id: &str) -> &mut Bounce {
        let at = match self.index.get(id) {
            Some(number) => number - self.taken,
            None => {
                self.order.push_back(Bounce {
                    form: Form::MtaLog,
                    source_id: Some(id.to_string()),
                    truncated: Vec::new(),
                    ..Bounce::default()
                });
                self.index.insert(id.to_string(), self.taken + self.order.len() - 1);
                self.order.len() - 1
            }
        };
        &mut self.order[at]
    }

    /// The envelope sender of message `id`.
    fn sender(&mut self, id: &str, sender: &str) {
        let sender = crate::text::clean_address(sender);
        if sender.is_some() {
            self.entry(id).sender = sender;
        }
    }

    /// A result for one recipient of message `id`, logged at `time` by `host`. A
    /// later result for the same recipient (a retry) replaces the earlier one.
    fn result(&mut self, id: &str, time: &str, host: Option<&str>, report: RecipientReport) {
        self.any_result = true;
        let message = self.entry(id);
        message.date.get_or_insert_with(|| time.to_string());
        if message.reporting_mta.is_none() {
            message.reporting_mta = host.map(str::to_string);
        }
        match message.recipients.iter_mut().find(|r| r.recipient == report.recipient) {
            Some(earlier) => *earlier = report,
            None => message.recipients.push(report),
        }
    }

    /// The oldest messages beyond the newest `keep`, closed: a line about one of
    /// them later starts a new message.
    fn take_oldest(&mut self, keep: usize) -> Vec<Bounce> {
        let count = self.order.len().saturating_sub(keep);
        let taken: Vec<Bounce> = self.order.drain(..count).collect();
        self.taken += taken.len();
        for bounce in &taken {
            if let Some(id) = bounce.source_id.as_deref() {
                self.index.remove(id);
            }
        }
        taken
    }

    /// The messages with a failed or delayed recipient, from `generator`.
    fn finish(self, generator: &str, what: &str) -> Result<Vec<Bounce>, ParseError> {
        if !self.any_result {
            return Err(ParseError::NotABounce(format!("no delivery result in this {what}")));
        }
        Ok(self.order.into_iter().filter_map(|b| failed(b, generator)).collect())
    }
}

/// `bounce` from `generator` when one of its recipients was not delivered.
fn failed(mut bounce: Bounce, generator: &str) -> Option<Bounce> {
    bounce.recipients.iter().any(|r| r.action != Action::Delivered).then(|| {
        bounce.generator = Some(generator.to_string());
        bounce
    })
}

/// How many messages a [`LogReader`] keeps open, waiting for more of their lines.
const OPEN_MESSAGES: usize = 10_000;

/// A mail log read line by line, so that a log of any size is read in bounded
/// memory: [`parse_events`] for a Postfix, Exim or Sendmail log, given as it comes.
///
/// A message's lines are grouped by its queue id while it is among the last 10,000
/// messages the log named; an older one is handed out by [`LogReader::ready`], and
/// a line about it that comes later (a retry days after) makes a new bounce with the
/// same queue id.
///
/// ```
/// use rebound_dsn::{InputKind, LogReader};
/// let mut reader = LogReader::new(InputKind::PostfixLog).unwrap();
/// reader.read_line("Mar  6 10:00:01 mx1 postfix/qmgr[2210]: 4BQ2Lk3ZrLz9vBk: \
///     from=<news@example.org>, size=2211, nrcpt=1 (queue active)");
/// reader.read_line("Mar  6 10:00:02 mx1 postfix/smtp[2211]: 4BQ2Lk3ZrLz9vBk: \
///     to=<ken@example.jp>, relay=mx.example.jp[198.51.100.7]:25, dsn=5.1.1, \
///     status=bounced (host mx.example.jp[198.51.100.7] said: 550 5.1.1 User unknown \
///     (in reply to RCPT TO command))");
/// assert!(reader.ready().is_empty());
/// let bounces = reader.finish().unwrap();
/// assert_eq!(bounces[0].sender.as_deref(), Some("news@example.org"));
/// assert_eq!(bounces[0].recipients[0].reply_code, Some(550));
/// assert!(LogReader::new(InputKind::Ses).is_none());
/// ```
#[derive(Debug)]
pub struct LogReader {
    kind: InputKind,
    messages: Messages,
}

impl LogReader {
    /// A reader for a log of `kind`; `None` when `kind` is not a line log.
    pub fn new(kind: InputKind) -> Option<LogReader> {
        matches!(kind, InputKind::PostfixLog | InputKind::EximLog | InputKind::SendmailLog)
            .then(|| LogReader { kind, messages: Messages::default() })
    }

    /// The kind of log it reads.
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// Reads one line of the log (without or with its line end).
    pub fn read_line(&mut self, line: &str) {
        let line = line.trim_end_matches(['\n', '\r']);
        match self.kind {
            InputKind::PostfixLog => postfix_log::read_line(&mut self.messages, line),
            InputKind::EximLog => exim_log::read_line(&mut self.messages, line),
            _ => sendmail_log::read_line(&mut self.messages, line),
        }
    }

    /// The bounces of the messages that are no longer kept open, in the order the
    /// log first named them; empty while the log names few messages.
    pub fn ready(&mut self) -> Vec<Bounce> {
        if self.messages.order.len() <= OPEN_MESSAGES + OPEN_MESSAGES / 4 {
            // Closed in bulk: a little above the limit, so that not every line hands out one.
            return Vec::new();
        }
        let generator = self.generator().0;
        let old = self.messages.take_oldest(OPEN_MESSAGES);
        old.into_iter().filter_map(|b| failed(b, generator)).collect()
    }

    /// The bounces of the messages still open, at the end of the log.
    ///
    /// # Errors
    /// [`ParseError::NotABounce`] when the whole log held no delivery result.
    pub fn finish(self) -> Result<Vec<Bounce>, ParseError> {
        let (generator, what) = self.generator();
        self.messages.finish(generator, what)
    }

    fn generator(&self) -> (&'static str, &'static str) {
        match self.kind {
            InputKind::PostfixLog => ("postfix", "Postfix log"),
            InputKind::EximLog => ("exim", "Exim log"),
            _ => ("sendmail", "Sendmail log"),
        }
    }
}

/// `NAME[IP]:PORT`, `NAME [IP]`, `NAME. [IP]` or `[IP]` as a host name and address;
/// `none` and `local` are no host.
fn host_and_ip(text: &str) -> (Option<String>, Option<std::net::IpAddr>) {
    let text = text.trim();
    let (name, rest) = match text.find('[') {
        Some(open) => (text.get(..open).unwrap_or(""), text.get(open + 1..).unwrap_or("")),
        None => (text.split(':').next().unwrap_or(text), ""),
    };
    let ip = rest.split(']').next().and_then(|ip| {
        let ip = ip.strip_prefix("IPv6:").unwrap_or(ip);
        ip.parse().ok()
    });
    let name = name.trim().trim_end_matches('.');
    let name = (!name.is_empty() && !matches!(name, "none" | "local"))
        .then(|| name.to_string())
        .or_else(|| ip.map(|ip: std::net::IpAddr| ip.to_string()));
    (name, ip)
}
