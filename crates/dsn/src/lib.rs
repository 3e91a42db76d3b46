//! Bounce message bytes to structured delivery-failure records.
//!
//! `rebound-dsn` reads what came back: an RFC 3464 `multipart/report` DSN, the
//! human-readable bounce an MTA such as Postfix writes, or plain bounce text a user
//! pasted out of a mail client. It reports syntax only (who failed, with which
//! codes and text, at which MTA); judging *why* is `rebound-verdict`'s job.
//!
//! ```
//! let text = b"<k.suzuki@example.jp>: host mx.example.jp[198.51.100.7] said: 550 5.1.1
//!     <k.suzuki@example.jp>: Recipient address rejected: User unknown (in reply to
//!     RCPT TO command)";
//! let bounce = rebound_dsn::parse(text).unwrap();
//! let first = &bounce.recipients[0];
//! assert_eq!(first.recipient.as_deref(), Some("k.suzuki@example.jp"));
//! assert_eq!(first.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
//! assert_eq!(first.reply_code, Some(550));
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod arf;
mod assemble;
mod events;
mod family;
mod limits;
mod message;
mod mime;
mod paste;
mod rfc3464;
mod status;
mod text;

pub use events::{detect, parse_events, InputKind, LogReader};
pub use limits::{Limit, Limits, UnknownLimit};
pub use status::{StatusCode, StatusCodeError};

use std::net::IpAddr;

/// Parses a bounce from raw bytes.
///
/// The input may be a whole message (headers and body, any MIME structure) or bare
/// bounce text without headers. It is a message when its first line is a header field
/// and its header holds at least one of `From`, `To`, `Subject`, `Date`,
/// `Content-Type`, `Received`, `Return-Path` or `Message-ID`; otherwise it is pasted
/// text ([`Form::PastedText`]). Text saved as UTF-16 (or with a UTF-8 byte-order
/// mark) and CR-only line ends are read as they were meant; pasted text in
/// ISO-2022-JP, Shift_JIS or EUC-JP needs no charset label. What a mail client adds
/// to pasted or forwarded text (`> ` quoting, a forward's header block) is ignored.
///
/// Pasted text is a bounce only when it shows a failure: an enhanced status code of
/// class 4 or 5, an SMTP error reply that starts a line, the text of a known MTA's
/// bounce, or a sentence or heading saying that delivery to an address failed.
/// Binary data (NUL bytes, many control characters, bytes that are no text) never
/// is.
///
/// Besides bounces, two kinds of automatic mail that arrive at bounce addresses are
/// recognised: ARF feedback reports ([`Form::FeedbackReport`]) and automatic replies
/// such as vacation messages ([`Form::AutoReply`]); their recipients say so in
/// [`RecipientReport::kind`].
///
/// Never panics and runs in time roughly linear in the input, whatever the bytes.
///
/// ```
/// let dsn = b"From: MAILER-DAEMON@mx.example.jp\r\n\
/// Subject: Undelivered Mail Returned to Sender\r\n\
/// Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
/// \r\n\
/// --b\r\n\
/// Content-Type: message/delivery-status\r\n\
/// \r\n\
/// Reporting-MTA: dns; mx.example.jp\r\n\
/// \r\n\
/// Final-Recipient: rfc822; hanako@example.com\r\n\
/// Action: failed\r\n\
/// Status: 5.0.0\r\n\
/// Diagnostic-Code: smtp; 550 5.1.1 <hanako@example.com>: Recipient address\r\n\
/// \trejected: User unknown\r\n\
/// --b--\r\n";
/// let bounce = rebound_dsn::parse(dsn).unwrap();
/// assert_eq!(bounce.form, rebound_dsn::Form::DeliveryStatusReport);
/// assert_eq!(bounce.reporting_mta.as_deref(), Some("mx.example.jp"));
/// let r = &bounce.recipients[0];
/// // The specific code in the text wins over the generic 5.0.0 of the Status field.
/// assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
/// assert_eq!(
///     r.diagnostic.as_deref(),
///     Some("550 5.1.1 <hanako@example.com>: Recipient address rejected: User unknown")
/// );
///
/// assert_eq!(rebound_dsn::parse(b" \n"), Err(rebound_dsn::ParseError::Empty));
/// // Quoted by a mail client, in UTF-16 with a byte-order mark:
/// let quoted = "> <ken@example.jp>: host mx.example.jp[192.0.2.7] said:\r\n\
/// >     550 5.1.1 User unknown (in reply to RCPT TO command)\r\n";
/// let utf16: Vec<u8> =
///     [0xFF, 0xFE].into_iter().chain(quoted.encode_utf16().flat_map(u16::to_le_bytes)).collect();
/// let bounce = rebound_dsn::parse(&utf16).unwrap();
/// assert_eq!(bounce.recipients[0].recipient.as_deref(), Some("ken@example.jp"));
/// assert_eq!(bounce.recipients[0].diagnostic.as_deref(), Some("550 5.1.1 User unknown"));
/// // A note with numbers in it is no bounce.
/// assert!(matches!(
///     rebound_dsn::parse(b"See you in Room 550 at 4 pm, taro@example.com"),
///     Err(rebound_dsn::ParseError::NotABounce(_))
/// ));
/// assert!(matches!(
///     rebound_dsn::parse(b"From: a@example.com\nSubject: lunch?\n\nSee you at noon."),
///     Err(rebound_dsn::ParseError::NotABounce(_))
/// ));
/// ```
///
/// # Errors
/// [`ParseError::Empty`] when there is nothing but whitespace, and
/// [`ParseError::NotABounce`] (with the reason) for binary data, for pasted text that
/// shows no failure, and when no failed (or delayed, or delivered) recipient and no
/// SMTP error could be found anywhere in the input.
pub fn parse(input: &[u8]) -> Result<Bounce, ParseError> {
    parse_with(input, &Limits::default())
}

/// [`parse`] with other [`Limits`] than the defaults.
///
/// A bounce read only up to a limit says so in [`Bounce::truncated`]; an input
/// larger than [`Limits::message_size`] is not read at all.
///
/// ```
/// use rebound_dsn::{Limit, Limits, ParseError};
/// let limits = Limits { message_size: 10, ..Limits::default() };
/// assert_eq!(
///     rebound_dsn::parse_with(b"550 5.1.1 <a@example.com> User unknown", &limits),
///     Err(ParseError::TooLarge { size: 38, limit: 10 })
/// );
/// let limits = Limits { recipients: 1, ..Limits::default() };
/// let two = b"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n\
///     Final-Recipient: rfc822; b@example.com\nAction: failed\nStatus: 5.1.1\n";
/// let bounce = rebound_dsn::parse_with(two, &limits).unwrap();
/// assert_eq!(bounce.recipients.len(), 1);
/// assert_eq!(bounce.truncated, vec![Limit::Recipients]);
/// ```
///
/// # Errors
/// As [`parse`], and [`ParseError::TooLarge`].
pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Bounce, ParseError> {
    if input.len() > limits.message_size {
        return Err(ParseError::TooLarge { size: input.len(), limit: limits.message_size });
    }
    let (parsed, reached) = limits::scoped(limits, || {
        parse_unbounded(input).map(|mut bounce| {
            bound(&mut bounce, limits);
            bounce
        })
    });
    parsed.map(|mut bounce| {
        bounce.truncated = reached;
        bounce
    })
}

/// Cuts what the scanners keep whole (diagnostics, header values) and the number of
/// recipients down to `limits`, each cut recorded in the scope.
fn bound(bounce: &mut Bounce, limits: &Limits) {
    if bounce.recipients.len() > limits.recipients {
        bounce.recipients.truncate(limits.recipients);
        limits::reached(Limit::Recipients);
    }
    let header = |value: &mut Option<String>| {
        if let Some(text) = value.as_mut() {
            limits::cut(text, limits.header_length, Limit::HeaderLength);
        }
    };
    for value in [
        &mut bounce.reporting_mta,
        &mut bounce.date,
        &mut bounce.sender,
        &mut bounce.original.message_id,
        &mut bounce.original.from,
        &mut bounce.original.to,
        &mut bounce.original.subject,
        &mut bounce.original.date,
        &mut bounce.original.return_path,
    ] {
        header(value);
    }
    for received in &mut bounce.original.received {
        limits::cut(received, limits.header_length, Limit::HeaderLength);
    }
    for r in &mut bounce.recipients {
        if let Some(text) = r.diagnostic.as_mut() {
            limits::cut(text, limits.diagnostic_length, Limit::DiagnosticLength);
        }
        for value in [
            &mut r.recipient,
            &mut r.remote_mta,
            &mut r.original_recipient,
            &mut r.last_attempt_date,
            &mut r.feedback_type,
            &mut r.service_label,
        ] {
            header(value);
        }
    }
}

fn parse_unbounded(input: &[u8]) -> Result<Bounce, ParseError> {
    // Text saved as UTF-16 or with a byte-order mark is read as UTF-8; CR-only line
    // ends as LF.
    let transcoded = paste::decode::unicode(input);
    let input = paste::decode::line_ends(transcoded.as_deref().unwrap_or(input));
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    match message::parse_message(&input) {
        Some(message) => assemble::from_message(&message),
        None => paste::parse(&limits::cut_lines(&input)),
    }
}

/// Splits an mbox file into its messages; any other input (one that does not begin
/// with a `From ` line) is one message.
///
/// A message starts at an mbox separator line (`From SENDER DATE`, the date with a
/// time of day) whose next line is a header field, so that a body line that happens
/// to begin with "From " does not split a message. Each message starts with its
/// `From ` line, which [`parse`] accepts. Linear in the input.
///
/// ```
/// let mbox = b"From MAILER-DAEMON Thu Mar  6 10:00:00 2025\nFrom: a@example.jp\n\nbody\n\
/// \nFrom MAILER-DAEMON Thu Mar  6 11:00:00 2025\nSubject: b\n\nFrom here on, text.\n";
/// let messages = rebound_dsn::split_mbox(mbox);
/// assert_eq!(messages.len(), 2);
/// assert!(messages[1].starts_with(b"From MAILER-DAEMON Thu Mar  6 11:00"));
/// assert_eq!(rebound_dsn::split_mbox(b"Subject: x\n\nhello").len(), 1);
/// assert_eq!(rebound_dsn::split_mbox(b"\nFrom x\nTo: y\n\nz").len(), 1);
/// // A message that quotes an mbox separator is no mbox.
/// let quoted = b"Subject: x\n\nFrom MAILER-DAEMON Thu Mar  6 10:00:00 2025\nTo: y\n";
/// assert_eq!(rebound_dsn::split_mbox(quoted).len(), 1);
/// // Body text beginning with "From " is no separator.
/// let body = b"From a Thu Mar  6 10:00:00 2025\nTo: b\n\nFrom Tokyo: hi\nTo: all\n";
/// assert_eq!(rebound_dsn::split_mbox(body).len(), 1);
/// assert_eq!(rebound_dsn::split_mbox(b"").len(), 1);
/// ```
pub fn split_mbox(input: &[u8]) -> Vec<&[u8]> {
    let leading = input.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if !input.get(leading..).is_some_and(|rest| rest.starts_with(b"From ")) {
        return vec![input];
    }
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    let mut lines = input.split_inclusive(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.starts_with(b"From ") {
            let next_is_header = lines.peek().is_some_and(|next| {
                let name = next.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-');
                let len = name.count();
                len > 0 && next.get(len) == Some(&b':')
            });
            // `From MAILER-DAEMON Thu Mar  6 10:00:00 2025`: at least a sender and a
            // date with a time of day.
            let words = line.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()).count();
            let has_time = line
                .windows(3)
                .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
            if (next_is_header && words >= 4 && has_time) || offset == 0 {
                starts.push(offset);
            }
        }
        offset += line.len();
    }
    match starts.first_mut() {
        Some(first)
            if input.get(..*first).is_some_and(|p| p.iter().all(u8::is_ascii_whitespace)) =>
        {
            *first = 0;
        }
        Some(_) => starts.insert(0, 0),
        None => starts.push(0),
    }
    let mut messages: Vec<&[u8]> = Vec::with_capacity(starts.len());
    for (i, start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(input.len());
        if let Some(message) = input.get(*start..end) {
            messages.push(message);
        }
    }
    messages
}

/// Why an input could not be read as a bounce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input holds no text at all.
    #[error("the input is empty")]
    Empty,
    /// The input was read, but holds no delivery report and no SMTP error.
    #[error("no delivery failure found: this does not look like a bounce ({0})")]
    NotABounce(String),
    /// An MTA log or a sending service's event ([`parse_events`]) that could not be
    /// read: bad JSON, or JSON without the fields its kind has. The text says which
    /// kind of input and what is wrong.
    #[error("malformed input: {0}")]
    Malformed(String),
    /// The input is larger than [`Limits::message_size`]; it was not read.
    #[error("the message is {size} bytes, over the message-size limit of {limit} bytes")]
    TooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
}

/// One bounce message (or one piece of pasted bounce text) and what it reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bounce {
    /// What kind of input this was.
    pub form: Form,
    /// The MTA that wrote the report: `Reporting-MTA`, or the host named in
    /// "This is the mail system at host ...", or the `Received` header the bounce
    /// itself arrived with. A host name, without the `dns;` type prefix.
    pub reporting_mta: Option<String>,
    /// Which MTA software or service generated the bounce when recognisable, for
    /// information only: `"postfix"`, `"exim"`, `"sendmail"`, `"gmail"`,
    /// `"googlegroups"`, `"exchange2003"`, `"exchange2007"`, `"opensmtpd"`,
    /// `"notes"`, `"domino"`, `"kddi"`, `"ezweb"`, `"biglobe"`, `"x1"`,
    /// `"dragonfly"`, `"interscan"`, `"apachejames"`, `"imail"`, `"amazonses"`, `"x6"`,
    /// `"verizon"`, `"fml"`.
    pub generator: Option<String>,
    /// `Arrival-Date` of the DSN or the `Date` of the bounce message.
    pub date: Option<String>,
    /// One entry per recipient the report is about, in report order.
    pub recipients: Vec<RecipientReport>,
    /// The headers of the message that bounced, when the bounce carries them.
    pub original: OriginalMessage,
    /// The envelope sender of the message that bounced, when the report says it
    /// (`X-Postfix-Sender`), else [`OriginalMessage::return_path`].
    /// An address without `rfc822;` and angle brackets.
    pub sender: Option<String>,
    /// For an MTA log or a service's event ([`parse_events`]): the record it was
    /// read from, as the source names it: the queue id of a log (`4BQ2Lk3ZrLz9vBk`,
    /// `1tqAbC-000Def-Gh`), SES's `mail.messageId`, SendGrid's `sg_event_id`,
    /// Mailgun's event `id`, Postmark's bounce `ID`. `None` for mail.
    pub source_id: Option<String>,
    /// The [`Limits`] this bounce reached, each once, in the order they were reached:
    /// the bounce was read only up to them (recipients past the limit, the end of a
    /// long diagnostic or header, parts nested too deep, ...). Empty for a bounce read
    /// whole.
    pub truncated: Vec<Limit>,
}

/// The shape of the input [`parse`] was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Form {
    /// An RFC 3464 `multipart/report; report-type=delivery-status` message.
    #[default]
    DeliveryStatusReport,
    /// A mail message without a machine-readable report: only the MTA's
    /// human-readable text (for example Postfix's first part alone).
    HumanReadable,
    /// Bounce text without any message headers, as pasted by a user.
    PastedText,
    /// Not a bounce: an ARF feedback report (RFC 5965, `multipart/report;
    /// report-type=feedback-report`, or a Hotmail/Outlook.com JMRP complaint). Every
    /// recipient has [`Kind::Feedback`].
    FeedbackReport,
    /// Not a bounce: an automatic reply such as a vacation message (RFC 3834
    /// `Auto-Submitted: auto-replied` and similar headers, with no bounce in it). Its
    /// one recipient is the address that replied, with [`Kind::AutoReply`].
    AutoReply,
    /// The delivery results an MTA logged for one message (one queue id) in a
    /// Postfix, Exim or Sendmail log ([`parse_events`]); [`Bounce::generator`] names
    /// the MTA and [`Bounce::source_id`] the queue id.
    MtaLog,
    /// One event of a sending service (Amazon SES, SendGrid, Mailgun, Postmark)
    /// about one message ([`parse_events`]); [`Bounce::generator`] names the
    /// service and [`Bounce::source_id`] the event or message id.
    ServiceEvent,
}

/// What a [`RecipientReport`] is about: a delivery report (the usual case), or one of
/// the non-bounces that arrive at bounce addresses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// A delivery status (failed, delayed, delivered, ...) as [`RecipientReport::action`]
    /// says.
    #[default]
    Delivery,
    /// A complaint or other feedback report about a message sent to this recipient
    /// ([`Form::FeedbackReport`]); [`RecipientReport::feedback_type`] says which kind.
    /// There are no status or reply codes.
    Feedback,
    /// An automatic reply (out of office, vacation, "this mailbox is no longer read")
    /// from this recipient ([`Form::AutoReply`]); the diagnostic is the reply's text.
    AutoReply,
}

/// What a report says about one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecipientReport {
    /// The recipient address (`Final-Recipient`, else `Original-Recipient`, else the
    /// address the text names), without `rfc822;` and angle brackets. A file or
    /// program in those fields gives way to the address the text says it was
    /// generated from. When nothing names it: the only address of the bounce's
    /// `X-Failed-Recipients`, else the `<address>` the remote server's reply names
    /// (unless it is the sender's), else the only `To` address of the bounced message.
    pub recipient: Option<String>,
    /// The DSN `Action`. Human-readable and pasted bounces are `Failed` unless their
    /// text says the delivery was only delayed.
    pub action: Action,
    /// The enhanced status code. A specific code found in the diagnostic text (what
    /// the remote server said) wins over the `Status` field of the same class, and
    /// over a generic `X.0.0` one of any class.
    pub status: Option<StatusCode>,
    /// The SMTP reply code from the diagnostic (`550`).
    pub reply_code: Option<u16>,
    /// The diagnostic text, unwrapped into one line, without the `smtp;` type prefix.
    pub diagnostic: Option<String>,
    /// The host name of the MTA that refused the mail (`Remote-MTA`, or
    /// `host NAME[IP] said`).
    pub remote_mta: Option<String>,
    /// The IP address of the remote MTA when the report gives it.
    pub remote_ip: Option<IpAddr>,
    /// The SMTP command the failure answered, upper-case: `CONNECT`, `EHLO`,
    /// `MAIL FROM`, `RCPT TO`, `DATA` (also for "end of DATA"). `HELO` and `LHLO`
    /// are reported as `EHLO`.
    pub smtp_command: Option<String>,
    /// The `Original-Recipient` field (the address as the sender wrote it), without
    /// `rfc822;` and angle brackets, when the report has one.
    pub original_recipient: Option<String>,
    /// The `Last-Attempt-Date` field, as written.
    pub last_attempt_date: Option<String>,
    /// Whether this is a delivery report (the default), a feedback report or an
    /// automatic reply.
    pub kind: Kind,
    /// For [`Kind::Feedback`]: the ARF `Feedback-Type`, lower-case (`abuse`,
    /// `auth-failure`, `fraud`, `not-spam`, `virus`, `other`, ...), when given.
    pub feedback_type: Option<String>,
    /// For a sending service's event: the service's own label for the failure, for
    /// display only (`Permanent/General` from SES, `HardBounce` from Postmark,
    /// `permanent` from Mailgun, `bounce` or `blocked` from SendGrid). It is not
    /// used to classify: the reply text in [`RecipientReport::diagnostic`] is.
    pub service_label: Option<String>,
}

/// The DSN `Action` field (RFC 3464 §2.3.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Action {
    /// The message could not be delivered.
    #[default]
    Failed,
    /// Delivery is delayed; the MTA keeps trying.
    Delayed,
    /// The message was delivered.
    Delivered,
    /// The message was relayed to a system that does not send DSNs.
    Relayed,
    /// The message was delivered to an alias or list and expanded.
    Expanded,
}

impl Action {
    /// Reads a DSN `Action` value, ignoring case and any comment after it. Unknown
    /// words count as `Failed`, except that anything mentioning a delay is `Delayed`.
    ///
    /// ```
    /// use rebound_dsn::Action;
    /// assert_eq!(Action::from_field("Failed"), Action::Failed);
    /// assert_eq!(Action::from_field("delayed (will retry)"), Action::Delayed);
    /// assert_eq!(Action::from_field("failure"), Action::Failed);
    /// assert_eq!(Action::from_field("deliverable"), Action::Delivered);
    /// ```
    pub fn from_field(value: &str) -> Action {
        let word = value.trim().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword);
        if is("failed") {
            Action::Failed
        } else if is("delayed") {
            Action::Delayed
        } else if is("delivered") || is("deliverable") {
            Action::Delivered
        } else if is("relayed") {
            Action::Relayed
        } else if is("expanded") {
            Action::Expanded
        } else if text::contains_ci(value, "delay") {
            Action::Delayed
        } else {
            Action::Failed
        }
    }

    /// The RFC 3464 keyword: `failed`, `delayed`, ...
    ///
    /// ```
    /// assert_eq!(rebound_dsn::Action::Delayed.as_str(), "delayed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
            Action::Relayed => "relayed",
            Action::Expanded => "expanded",
        }
    }
}

/// Headers of the message that bounced, decoded to text (RFC 2047 words in any
/// charset, ISO-2022-JP included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OriginalMessage {
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// `From`, as written (display name and address).
    pub from: Option<String>,
    /// `To`, as written.
    pub to: Option<String>,
    /// `Subject`, decoded.
    pub subject: Option<String>,
    /// `Date`, as written.
    pub date: Option<String>,
    /// The `Received` headers, top (last hop) first, each unfolded into one line.
    pub received: Vec<String>,
    /// `Return-Path` (the envelope sender), without angle brackets.
    pub return_path: Option<String>,
}
