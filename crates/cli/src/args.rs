//! Command-line flags.

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand, ValueEnum};
use rebound_rbl::DqsKey;

/// Why did my mail bounce, and what do I do now?
#[derive(Debug, Parser)]
#[command(name = "rebound", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a bounce: why it failed, whether the sending IP is on blocklists, what to do.
    Diagnose(DiagnoseArgs),
    /// Check IP addresses, ranges or domains against the DNS blocklists.
    ///
    /// Exit status: 0 nothing is listed, 1 something is listed, 2 usage error,
    /// 3 no list could be checked at all.
    Check(CheckArgs),
    /// Print the blocklist catalog, defunct lists included.
    Lists(ListsArgs),
    /// Summarise many bounces: counts by cause, reason, provider, sending IP and
    /// blocklist, and the suppression list.
    ///
    /// Exit status as for diagnose: 0 every input was read, 1 at least one input held
    /// no bounce, 2 a usage error or an unreadable input.
    Report(ReportArgs),
    /// Print a shell completion script: `rebound completions bash > /etc/bash_completion.d/rebound`.
    Completions(CompletionsArgs),
    /// Write the man pages (roff), one per command, into a directory (used by `cargo xtask man`).
    #[command(hide = true)]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write `rebound.1`, `rebound-diagnose.1`, ... into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Bounce messages (.eml), files with pasted bounce text, mbox files, Maildir
    /// folders, directories (read recursively) and .gz files of any of these; `-`
    /// reads standard input. With no FILE, standard input is read when it is not a
    /// terminal.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Language of the text output and of the verdict sentences.
    #[arg(long, value_enum, default_value_t = Language::En)]
    pub lang: Language,

    /// Add the rows of this rules file (TOML, the format of crates/verdict/rules:
    /// `[[rule]]` phrase rows, or a provider file) to the built-in rules; a row with
    /// a built-in row's id replaces it. Repeatable; a bad file is an error naming its
    /// line.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Print a ready-to-send support request for your hosting company or mail
    /// administrator instead of the report.
    ///
    /// The request (To:, Subject:, a blank line, the message) is in the --lang
    /// language, with the sending server, its IP, the refusal, the date and the
    /// blocklists, ready to copy or pipe into a mail program. When nothing on your
    /// side can fix the bounce (a bad address, a temporary failure) it says so. With
    /// --format json the report's verdict.request holds the request instead.
    #[arg(long)]
    pub request: bool,

    #[command(flatten)]
    pub dns: DnsArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Bounce messages (.eml), mbox files or files with pasted bounce text; `-` reads
    /// standard input. With no FILE, standard input is read when it is not a terminal.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Output format: text; json (the summary); csv (the suppression list: only the
    /// addresses to stop mailing); html (one self-contained page with charts).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Language of the labels and of the verdict sentences.
    #[arg(long, value_enum, default_value_t = Language::En)]
    pub lang: Language,

    /// Add the rows of this rules file to the built-in rules, as for diagnose.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    #[command(flatten)]
    pub dns: DnsArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What kind of input the files are; shared by `diagnose` and `report`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Read every input as this kind instead of recognising each by its content:
    /// auto (the default), mail (bounce messages, mboxes, pasted text), postfix,
    /// exim or sendmail (mail logs), ses, sendgrid, mailgun or postmark (sending
    /// services' events). The kinds are described in docs/inputs.md.
    #[arg(long = "input", value_name = "KIND", default_value = "auto", value_parser = input_kinds())]
    pub input: String,
}

impl InputArgs {
    /// The kind chosen; `None` for `auto`.
    pub fn kind(&self) -> Option<rebound_dsn::InputKind> {
        rebound_dsn::InputKind::from_name(&self.input)
    }
}

/// `auto` and every kind's name, for `--input` (and its completions).
fn input_kinds() -> clap::builder::PossibleValuesParser {
    let names = rebound_dsn::InputKind::ALL.map(rebound_dsn::InputKind::name);
    clap::builder::PossibleValuesParser::new(std::iter::once("auto").chain(names))
}

/// How much of each bounce is read; shared by `diagnose` and `report`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Change one of the limits that bound what is read of a bounce (repeatable):
    /// message-size, mime-depth, mime-parts, recipients, header-length, line-length,
    /// diagnostic-length, decoded-size (sizes in bytes, or with K, M or G: 64M), ips,
    /// domains. A bounce cut at a limit says so; the defaults and why are in
    /// docs/limits.md.
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
    pub limits: Vec<(rebound_dsn::Limit, usize)>,
}

impl LimitArgs {
    /// The defaults with the user's changes, the last one given for a limit winning.
    pub fn limits(&self) -> rebound_dsn::Limits {
        let mut limits = rebound_dsn::Limits::default();
        for &(limit, value) in &self.limits {
            limit.set(&mut limits, value);
        }
        limits
    }
}

/// Reads `NAME=VALUE`: a limit's name and a count, or for sizes a number of bytes
/// with an optional binary suffix (`16K`, `64M`, `1G`).
fn parse_limit(text: &str) -> Result<(rebound_dsn::Limit, usize), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not NAME=VALUE (for example message-size=64M)"))?;
    let limit: rebound_dsn::Limit =
        name.parse().map_err(|e: rebound_dsn::UnknownLimit| e.to_string())?;
    let value = value.trim();
    let (digits, shift) = match value.char_indices().last() {
        Some((at, 'k' | 'K')) if limit.is_bytes() => (&value[..at], 10),
        Some((at, 'm' | 'M')) if limit.is_bytes() => (&value[..at], 20),
        Some((at, 'g' | 'G')) if limit.is_bytes() => (&value[..at], 30),
        _ => (value, 0),
    };
    let number: usize = digits.parse().map_err(|_| {
        let unit =
            if limit.is_bytes() { "a number of bytes (or with K, M, G)" } else { "a whole number" };
        format!("{limit}: {value:?} is not {unit}")
    })?;
    let value = number
        .checked_mul(1usize << shift)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{limit}: {value:?} is out of range (more than 0)"))?;
    if limit == rebound_dsn::Limit::MimeDepth && value > rebound_dsn::Limits::MAX_MIME_DEPTH {
        let max = rebound_dsn::Limits::MAX_MIME_DEPTH;
        return Err(format!("{limit}: {value} is out of range (at most {max})"));
    }
    Ok((limit, value))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Readable text.
    Text,
    /// The summary as one JSON object.
    Json,
    /// The suppression list (RFC 4180 CSV).
    Csv,
    /// One self-contained HTML page.
    Html,
}

/// How to reach DNS and which lists to use; shared by `diagnose`, `report` and `check`.
#[derive(Debug, Args)]
pub struct DnsArgs {
    /// Use this DNS server instead of the system's (IP or IP:PORT, repeatable).
    #[arg(long = "resolver", value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub resolvers: Vec<SocketAddr>,

    /// Make no DNS query at all: diagnose from the text alone (wins over --resolver).
    #[arg(long)]
    pub offline: bool,

    /// Upper bound, in seconds, for the whole DNS lookup phase.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_timeout)]
    pub timeout: Duration,

    /// Also ask every list its never-listed RFC 5782 test entry (127.0.0.1), not only
    /// lists that answer "listed"; a list's "not listed" always needs its test entry
    /// (127.0.0.2) to answer "listed" in the same run.
    #[arg(long)]
    pub verify_lists: bool,

    /// Use this blocklist catalog (JSON, the format of crates/rbl/catalog.json)
    /// instead of the built-in one.
    #[arg(long = "lists", value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// A Spamhaus DQS key (free from Spamhaus): ask Spamhaus as KEY.zen.dq.spamhaus.net
    /// and its other DQS zones instead of the public mirrors, which refuse public and
    /// cloud resolvers. The key is never printed.
    #[arg(
        long = "dqs-key",
        value_name = "KEY",
        env = "REBOUND_DQS_KEY",
        hide_env_values = true,
        value_parser = DqsKeyParser
    )]
    pub dqs_key: Option<DqsKey>,
}

/// Reads `--dqs-key` with an error that does not repeat the key (clap's own
/// "invalid value 'KEY'" would print the secret).
#[derive(Debug, Clone, Copy)]
struct DqsKeyParser;

impl TypedValueParser for DqsKeyParser {
    type Value = DqsKey;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<DqsKey, clap::Error> {
        let error = |message: String| {
            clap::Error::raw(ErrorKind::ValueValidation, format!("--dqs-key: {message}\n"))
                .with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| error("the key is not valid text".into()))?;
        DqsKey::new(text).map_err(|e| error(e.to_string()))
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// IP addresses, CIDR ranges (at most 4096 addresses each) or domain names;
    /// `-` reads them from standard input, separated by white space.
    #[arg(value_name = "SUBJECT", required = true)]
    pub subjects: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// Check only these zones of the catalog (comma-separated).
    #[arg(long, value_name = "Z1,Z2,...", value_delimiter = ',')]
    pub zones: Vec<String>,

    #[command(flatten)]
    pub dns: DnsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Readable text.
    Text,
    /// One JSON object with every listing.
    Json,
    /// One JSON object per subject, one per line.
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ListsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListsFormat::Text)]
    pub format: ListsFormat,

    /// Print this catalog (JSON) instead of the built-in one.
    #[arg(long = "lists", value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListsFormat {
    /// Readable text.
    Text,
    /// A JSON array of zones.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON array with one report per input (always an array, even for one).
    Json,
    /// One JSON report per line, each written as soon as it is ready, with its
    /// source (path, and mbox index or Maildir file name).
    Ndjson,
    /// Sisimai's JSON dump format: one array of records, one per recipient.
    Sisimai,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Language {
    /// English.
    En,
    /// Japanese (日本語).
    Ja,
}

/// Accepts `IP`, `IP:PORT`, `[IPv6]:PORT`; port 53 when none is given.
fn parse_resolver(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!("{text:?} is not an IP address or IP:PORT (for example 127.0.0.1:5353)"))
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 =
        text.trim().parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 600.0) {
        return Err(format!("{text:?} is out of range: give more than 0 and at most 600 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_forms() {
        assert_eq!(parse_resolver("127.0.0.1").unwrap(), "127.0.0.1:53".parse().unwrap());
        assert_eq!(parse_resolver("127.0.0.1:5353").unwrap(), "127.0.0.1:5353".parse().unwrap());
        assert_eq!(parse_resolver("::1").unwrap(), "[::1]:53".parse().unwrap());
        assert_eq!(parse_resolver("[::1]:5353").unwrap(), "[::1]:5353".parse().unwrap());
        assert!(parse_resolver("dns.example").unwrap_err().contains("dns.example"));
    }

    #[test]
    fn timeout_bounds() {
        assert_eq!(parse_timeout("0.5").unwrap(), Duration::from_millis(500));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("nan").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn dqs_key_is_checked_without_repeating_it() {
        let parse = |args: &[&str]| Cli::try_parse_from(args);
        let ok =
            parse(&["rebound", "check", "--dqs-key", "Abcdef0123456789", "192.0.2.1"]).unwrap();
        let Command::Check(check) = ok.command else { panic!("not check") };
        assert_eq!(
            check.dns.dqs_key.map(|k| k.as_str().to_string()),
            Some("abcdef0123456789".into())
        );
        let err = parse(&["rebound", "check", "--dqs-key", "secret-key-typo", "192.0.2.1"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--dqs-key") && err.contains("letters and digits"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn limits_are_read_with_sizes_and_named_errors() {
        use rebound_dsn::Limit;
        assert_eq!(parse_limit("message-size=64M").unwrap(), (Limit::MessageSize, 64 << 20));
        assert_eq!(parse_limit("decoded-size=16k").unwrap(), (Limit::DecodedSize, 16 << 10));
        assert_eq!(parse_limit("recipients=100").unwrap(), (Limit::Recipients, 100));
        assert!(parse_limit("recipients=1K").unwrap_err().contains("whole number"));
        assert!(parse_limit("mime-depth=0").unwrap_err().contains("out of range"));
        assert!(parse_limit("mime-depth=65").unwrap_err().contains("at most 64"));
        assert!(parse_limit("depth=3").unwrap_err().contains("unknown limit"));
        assert!(parse_limit("message-size").unwrap_err().contains("NAME=VALUE"));
        let cli = Cli::try_parse_from([
            "rebound", "diagnose", "--limit", "ips=2", "--limit", "ips=3", "x.eml",
        ])
        .unwrap();
        let Command::Diagnose(args) = cli.command else { panic!("not diagnose") };
        assert_eq!(args.limits.limits().ips, 3);
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
