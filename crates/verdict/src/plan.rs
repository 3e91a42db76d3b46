//! What to look up for a bounce: the sending IPs the receiver named, the reporting
//! MTA's host name, and the blocklists the text itself mentions.
//!
//! IPs come only from the receiver's diagnostic, and only where the wording says the
//! address is the *sender* ([`FORWARD_TRIGGERS`], [`BACKWARD_TRIGGERS`], or a bare
//! `[IP]`). The bounced message's `Received` headers are deliberately not used: the
//! first hop there is the user's own connection to the submission server.

use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::LazyLock;

use rebound_dsn::{Bounce, Limit, Limits};
use rebound_rbl::{Catalog, List};

use crate::case::to_lowercase;
use crate::search::Phrases;

/// Where a sending IP or host name was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FoundIn {
    /// The receiver named it in its diagnostic (`messages from [IP]`, `Client host [IP]`).
    Diagnostic,
    /// The reporting MTA's host name, resolved through DNS.
    ReportingMta,
    /// The domain of the sender's address (envelope sender, else `From`): checked
    /// against domain blocklists.
    SenderAddress,
}

impl FoundIn {
    /// The JSON name: `diagnostic`, `reporting_mta`.
    ///
    /// ```
    /// assert_eq!(rebound_verdict::FoundIn::ReportingMta.as_str(), "reporting_mta");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            FoundIn::Diagnostic => "diagnostic",
            FoundIn::ReportingMta => "reporting_mta",
            FoundIn::SenderAddress => "sender_address",
        }
    }
}

/// A blocklist the bounce text itself names, e.g. `blocked using zen.spamhaus.org`.
///
/// What is known about it comes from the blocklist catalog (`rebound_rbl::Catalog`):
/// the list whose words the text holds, and the zone's own facts when the text gives
/// a zone the catalog has.
///
/// ```
/// let mut bounce = rebound_dsn::Bounce::default();
/// let mut report = rebound_dsn::RecipientReport::default();
/// report.diagnostic = Some("554 5.7.1 Service unavailable; Client host [192.0.2.85] \
///     blocked using zen.spamhaus.org; also listed in dnsbl.sorbs.net".into());
/// bounce.recipients.push(report);
/// let plan = rebound_verdict::plan(&bounce);
/// let list = &plan.mentioned_lists[0];
/// assert_eq!((list.id, list.zone.as_deref()), ("spamhaus", Some("zen.spamhaus.org")));
/// assert!(list.public && !list.defunct);
/// assert_eq!(list.removal_url.as_deref(), Some("https://check.spamhaus.org/"));
/// assert!(list.expiry_ja.is_some());
/// let sorbs = &plan.mentioned_lists[1];
/// assert!(sorbs.defunct);
/// assert_eq!(sorbs.defunct_since.as_deref(), Some("2024-06-05"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MentionedList {
    /// Stable identifier, the catalog list's id, e.g. `spamhaus`, `microsoft-internal`;
    /// `other` for a zone we do not know.
    pub id: &'static str,
    /// Display name, e.g. `Spamhaus`; for an unknown zone, the zone.
    pub name: String,
    /// The DNS zone when the text gives one, e.g. `zen.spamhaus.org`.
    pub zone: Option<String>,
    /// Whether anyone can query the list (false for a provider's own internal list).
    pub public: bool,
    /// Whether the list has shut down (e.g. SORBS, 2024-06-05).
    pub defunct: bool,
    /// When it shut down, as an ISO 8601 date (`2024-06-05`; `2008` when only the
    /// year is known); `None` when it is alive or the date is unknown.
    pub defunct_since: Option<String>,
    /// Where a listed sender asks for removal: the zone's page, else the list's.
    pub removal_url: Option<String>,
    /// How long a listing usually lasts or how removal works, in English.
    pub expiry: Option<String>,
    /// The same in Japanese (always given together with `expiry`).
    pub expiry_ja: Option<String>,
}

impl MentionedList {
    /// What the catalog knows of `list`, and of `zone` when the catalog has that zone
    /// in that list.
    fn known(list: &'static List, zone: Option<String>) -> MentionedList {
        let catalog = Catalog::shared();
        let own = zone
            .as_deref()
            .and_then(|name| catalog.get(name))
            .filter(|z| z.list.as_deref() == Some(list.id.as_str()));
        let (defunct, defunct_since, removal_url, expiry, expiry_ja) = match own {
            Some(z) => (&z.defunct, &z.defunct_since, &z.removal_url, &z.expiry, &z.expiry_ja),
            None => (
                &list.defunct,
                &list.defunct_since,
                &list.removal_url,
                &list.expiry,
                &list.expiry_ja,
            ),
        };
        MentionedList {
            id: list.id.as_str(),
            name: list.name.clone(),
            zone,
            public: list.public,
            defunct: defunct.is_some(),
            defunct_since: defunct_since.clone(),
            removal_url: removal_url.clone(),
            expiry: expiry.clone(),
            expiry_ja: expiry_ja.clone(),
        }
    }

    /// A zone the catalog does not know.
    fn other(zone: String) -> MentionedList {
        MentionedList {
            id: "other",
            name: zone.clone(),
            zone: Some(zone),
            public: true,
            defunct: false,
            defunct_since: None,
            removal_url: None,
            expiry: None,
            expiry_ja: None,
        }
    }

    /// The entry for a zone written after a trigger.
    fn for_zone(zone: String) -> MentionedList {
        match Catalog::shared().list_named_in(&zone) {
            Some(list) => MentionedList::known(list, Some(zone)),
            None => MentionedList::other(zone),
        }
    }
}

/// What to look up for a bounce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupPlan {
    /// Sending IPs found in the text, each once, with where it was first found.
    pub ips: Vec<(IpAddr, FoundIn)>,
    /// Host names to resolve into further sending IPs.
    pub hosts: Vec<(String, FoundIn)>,
    /// Blocklists named in the diagnostics, each once, in order of first mention.
    pub mentioned_lists: Vec<MentionedList>,
    /// Sending domains to check against domain blocklists (the sender's domain).
    pub domains: Vec<(String, FoundIn)>,
    /// [`Limit::Ips`] when the bounce names more sending IPs than
    /// [`Limits::ips`] (the first ones are kept), [`Limit::Domains`] when it names
    /// more host names and domains than [`Limits::domains`]. A program reporting the
    /// bounce adds these to [`Bounce::truncated`] so that the report says so.
    pub truncated: Vec<Limit>,
    /// Sending IPs the diagnostics name that are private or reserved (RFC 6890,
    /// `rebound_rbl::is_public`): never sent to a list, kept so that the verdict can
    /// say why they were not checked.
    pub reserved_ips: Vec<IpAddr>,
}

/// Phrases after which an IP address names the sender (`messages from [IP]`).
/// Between the phrase and the address only spaces, `[`, `(`, `=` and `:` may stand.
pub(crate) const FORWARD_TRIGGERS: &[&str] = &[
    "messages from",
    "message from",
    "mail from",
    "client host",
    "ip address",
    "sending ip",
    "from ip",
    "your ip",
    "ip=",
    "ip:",
    "i=ip&v=",
    "rejected because",
    "connection from",
    "from",
];

/// Phrases before which an IP address names the sender (`IP blocked using`).
/// Between the address and the phrase only spaces, `]` and `)` may stand.
pub(crate) const BACKWARD_TRIGGERS: &[&str] = &[
    "blocked using",
    "is listed",
    "listed in",
    "listed on",
    "found on",
    "is in a black list",
    "is blacklisted",
    "is blocked",
    "has been blocked",
    "temporarily deferred",
    "weren't sent",
    "was not sent",
];

/// One IP literal in a text: the address and its byte span.
struct IpToken {
    ip: IpAddr,
    start: usize,
    end: usize,
}

fn is_ip_char(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b'.' || b == b':'
}

/// Every IP address literal in `text`, in order, ignoring ASCII case.
/// A literal must stand alone: not glued to a word before or after it (`x192.0.2.1`),
/// except for the `IPv6:` prefix of address literals.
fn ip_tokens(text: &str, mut each: impl FnMut(IpToken)) {
    let bytes = text.as_bytes();
    // Every address holds a `.` or a `:`, so only the runs of address characters
    // around those are looked at, not the runs of hex letters in every word. `i` is 0
    // or the end of the run before, that no address character follows.
    let mut i = 0;
    while let Some(at) = next_dot_or_colon(bytes, i) {
        let mut run_start = at;
        while run_start > i && is_ip_char(bytes[run_start - 1]) {
            run_start -= 1;
        }
        let mut run_end = at;
        while run_end < bytes.len() && is_ip_char(bytes[run_end]) {
            run_end += 1;
        }
        i = run_end;
        let run = &bytes[run_start..run_end];
        // An IPv4 address has three dots, an IPv6 one two colons at least: most runs
        // (status codes, the ends of sentences) are neither and need no parsing.
        let count = |c: u8| run.iter().filter(|&&b| b == c).count();
        if count(b'.') < 3 && count(b':') < 2 {
            continue;
        }
        let mut start = run_start;
        let mut end = run_end;
        let ipv6_literal = ends_with_ignore_case(&bytes[..run_start], "ipv")
            && text[run_start..run_end].starts_with("6:");
        if ipv6_literal {
            start += 2;
        } else if !text[start..end].starts_with("::") {
            while start < end && matches!(bytes[start], b':' | b'.') {
                start += 1;
            }
        }
        while end > start
            && matches!(bytes[end - 1], b'.' | b':')
            && !text[start..end].ends_with("::")
        {
            end -= 1;
        }
        let glued_before = start == run_start
            && run_start > 0
            && bytes.get(run_start - 1).is_some_and(|b| is_word_byte(*b));
        let glued_after = bytes.get(run_end).is_some_and(|b| is_word_byte(*b));
        if glued_before || glued_after || start >= end {
            continue;
        }
        if let Ok(ip) = text[start..end].parse::<IpAddr>() {
            each(IpToken { ip, start, end });
        }
    }
}

/// Where the first `.` or `:` of `bytes` from `from` is. Eight bytes are looked at at
/// a time: diagnostics hold many dots, and a `memchr` call for each, or for each of
/// the two bytes, cost more than the bytes it stepped over.
fn next_dot_or_colon(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        let (dots, colons) = (word ^ (ONES * u64::from(b'.')), word ^ (ONES * u64::from(b':')));
        // The top bit of each byte that is zero in `dots` or `colons`: exact for the
        // first such byte; a later one may be set by the borrow from it.
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & (ONES * 0x80);
        let found = zero(dots) | zero(colons);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter().position(|&b| b == b'.' || b == b':').map(|p| at + p)
}

/// Whether `name` is a host name DNS can be asked about: at least two labels of
/// letters, digits, `-` and `_`, each of 1 to 63 bytes, 253 bytes in all. A
/// `Reporting-MTA` is written by whoever sent the bounce: anything else in it (spaces,
/// control characters, a forged `name; other`) is never resolved.
fn is_host_name(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// `text` ends with `suffix` (lower case), ignoring ASCII case.
fn ends_with_ignore_case(text: &[u8], suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .is_some_and(|at| text[at..].eq_ignore_ascii_case(suffix.as_bytes()))
}

/// `text` starts with `prefix` (lower case), ignoring ASCII case.
fn starts_with_ignore_case(text: &[u8], prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `text` without the bytes of `trim` at its end.
fn trim_end_bytes<'a>(text: &'a [u8], trim: &[u8]) -> &'a [u8] {
    let kept = text.iter().rposition(|b| !trim.contains(b)).map_or(0, |last| last + 1);
    &text[..kept]
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// True when the address is a public unicast address worth looking up: the one
/// definition is `rebound_rbl::is_public` (RFC 6890's special-purpose ranges).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    rebound_rbl::is_public(ip).is_ok()
}

/// Does the text just before `start` end in a forward trigger (ignoring ASCII case)?
fn forward_trigger_before(text: &[u8], start: usize) -> bool {
    let raw = &text[..start];
    let before = trim_end_bytes(raw, b" [(=:\t");
    FORWARD_TRIGGERS.iter().any(|t| {
        if t.ends_with(['=', ':']) {
            // `ip=` and `ip:` end in their own separator; test them against the raw text.
            ends_with_ignore_case(raw, t) || ends_with_ignore_case(trim_end_bytes(raw, b" ["), t)
        } else {
            ends_with_ignore_case(before, t)
                && before[..before.len() - t.len()]
                    .last()
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
        }
    })
}

/// Does the text just after `end` start with a backward trigger (ignoring ASCII case)?
fn backward_trigger_after(text: &[u8], end: usize) -> bool {
    let after = &text[end..];
    let skip = after.iter().position(|b| !b" ])\t".contains(b)).unwrap_or(after.len());
    BACKWARD_TRIGGERS.iter().any(|t| starts_with_ignore_case(&after[skip..], t))
}

/// Is the address written as a bare `[IP]` (or `[IP  count]`) that is not attached to
/// a host name, as `host NAME[IP]` is?
fn bare_bracketed(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    if start == 0 || bytes.get(start - 1) != Some(&b'[') {
        return false;
    }
    start < 2 || !bytes.get(start - 2).is_some_and(|b| is_word_byte(*b) || *b == b'.')
}

/// Sending IPs the receiver names in one diagnostic, in order, each once.
pub(crate) fn sending_ips(diagnostic: &str, remote_ip: Option<IpAddr>) -> Vec<IpAddr> {
    let mut seen = Vec::new();
    each_sending_ip(diagnostic, remote_ip, |ip| {
        if is_public(ip) && !seen.contains(&ip) {
            seen.push(ip);
        }
    });
    seen
}

/// Calls `each` with every sending IP the receiver names in one diagnostic, in order
/// (repeats included), private and reserved ones too. The diagnostic is read in place: the triggers are matched
/// ignoring ASCII case, as they would be in an ASCII-lower-cased copy.
fn each_sending_ip(diagnostic: &str, remote_ip: Option<IpAddr>, mut each: impl FnMut(IpAddr)) {
    let text = diagnostic.as_bytes();
    ip_tokens(diagnostic, |t| {
        let sender = bare_bracketed(diagnostic, t.start)
            || forward_trigger_before(text, t.start)
            || backward_trigger_after(text, t.end);
        // An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 sender: it
        // is looked up as one, in the zones that take IPv4.
        let ip = t.ip.to_canonical();
        if sender && Some(ip) != remote_ip.map(|r| r.to_canonical()) {
            each(ip);
        }
    });
}

/// Phrases after which a blocklist zone is written (`blocked using ZONE`).
const ZONE_TRIGGERS: &[&str] =
    &["blocked using ", "black list at ", "blacklisted at ", "listed in ", "listed on "];

/// The [`ZONE_TRIGGERS`] and then the words that name the catalog's lists
/// ([`rebound_rbl::List::mentions`]), in catalog order, as phrase ids of one
/// searcher: one pass over a diagnostic finds every mention, where looking for each
/// phrase on its own took a pass per phrase.
struct Mentions {
    searcher: Option<Phrases>,
    patterns: Vec<&'static str>,
    /// For each word (pattern id less the triggers), its list's index in the catalog.
    list_of_word: Vec<usize>,
}

static MENTIONS: LazyLock<Mentions> = LazyLock::new(|| {
    let lists = Catalog::shared().lists();
    let words = lists
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.mentions.iter().map(move |w| (i, w.as_str())));
    let (list_of_word, words): (Vec<usize>, Vec<&'static str>) = words.unzip();
    let patterns: Vec<&'static str> = ZONE_TRIGGERS.iter().copied().chain(words).collect();
    // The patterns are lower case: ignoring ASCII case, an ASCII diagnostic is read
    // as it is, with no lower-cased copy. Should the searcher not build, each
    // pattern is looked for on its own.
    let searcher = Phrases::new(&patterns, true);
    Mentions { searcher, patterns, list_of_word }
});

impl Mentions {
    /// Calls `each` with the pattern id, start and end of every occurrence of every
    /// pattern in `text`, ignoring ASCII case.
    fn find(&self, text: &str, mut each: impl FnMut(usize, usize, usize)) {
        match &self.searcher {
            Some(searcher) => searcher.for_each(text.as_bytes(), |id, start| {
                let len = self.patterns.get(id).map_or(0, |p| p.len());
                each(id, start, start + len);
            }),
            None => {
                let text = text.to_ascii_lowercase();
                for (id, pattern) in self.patterns.iter().enumerate() {
                    for (start, _) in text.match_indices(pattern) {
                        each(id, start, start + pattern.len());
                    }
                }
            }
        }
    }
}

/// The blocklist zone written at `start` of `text`, if one is, in lower case.
fn zone_at(text: &str, start: usize) -> Option<String> {
    let zone: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let zone = zone.trim_end_matches('.').to_string();
    let labels: Vec<&str> = zone.split('.').collect();
    let plausible = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels.last().is_some_and(|l| l.chars().all(|c| c.is_ascii_alphabetic()));
    plausible.then_some(zone)
}

/// Blocklists a diagnostic names, added to `out`; `text` is as [`searchable`] gives
/// it: first the zones written after [`ZONE_TRIGGERS`] (trigger by trigger, in table
/// order), then every list named by its words alone, in catalog order.
fn mentioned_in(text: &str, out: &mut Vec<MentionedList>) {
    let mentions = &*MENTIONS;
    // (trigger, start, end) of every trigger, and the catalog index of every list
    // named by its words; a text seldom has either, and then no allocation is made.
    let mut triggers = Vec::new();
    let mut named: Vec<usize> = Vec::new();
    mentions.find(text, |id, start, end| match id.checked_sub(ZONE_TRIGGERS.len()) {
        None => triggers.push((id, start, end)),
        Some(word) => {
            if let Some(&list) = mentions.list_of_word.get(word) {
                if !named.contains(&list) {
                    named.push(list);
                }
            }
        }
    });
    // Each trigger's places from left to right, a place counted only after the end of
    // the one before, as a search resumed there finds them.
    triggers.sort_by_key(|&(id, start, _)| (id, start));
    let mut resume = (usize::MAX, 0);
    for (id, start, end) in triggers {
        if resume.0 == id && start < resume.1 {
            continue;
        }
        resume = (id, end);
        let Some(zone) = zone_at(text, end) else { continue };
        let found = MentionedList::for_zone(zone);
        let same =
            |m: &MentionedList| m.id == found.id && (found.id != "other" || m.name == found.name);
        match out.iter_mut().find(|m| same(m)) {
            Some(existing) => {
                if existing.zone.is_none() {
                    *existing = found;
                }
            }
            None => out.push(found),
        }
    }
    for (i, list) in Catalog::shared().lists().iter().enumerate() {
        if named.contains(&i) && !out.iter().any(|m| m.id == list.id) {
            out.push(MentionedList::known(list, None));
        }
    }
}

/// A diagnostic as [`mentioned_in`] reads it: lower-cased when a non-ASCII letter in
/// it lower-cases to an ASCII one (the Kelvin sign to `k`, `İ` to `i` and a combining
/// dot: no other does), else as it is. Every other character stays ASCII or not, so
/// the patterns and zones, all ASCII, read the same in the text, ignoring ASCII case,
/// as in its lower case; a Japanese diagnostic is not copied for them.
fn searchable(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !(text.contains('\u{212A}') || text.contains('\u{130}')) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(to_lowercase(text))
    }
}

/// Decides what to check for a bounce.
///
/// * `ips`: sending IP addresses that each recipient's diagnostic names, tagged
///   [`FoundIn::Diagnostic`]; public unicast only, deduplicated, in order. The remote
///   MTA's own address (`host NAME[IP] said`, [`rebound_dsn::RecipientReport::remote_ip`])
///   is the *receiver* and is never listed.
/// * `hosts`: the reporting MTA's host name ([`FoundIn::ReportingMta`]), for the
///   caller to resolve; the sending server is usually that host.
/// * `mentioned_lists`: blocklists the diagnostics name.
///
/// The bounced message's `Received` headers are **not** used. Their lowest hop is the
/// user's own computer or phone handing the message to the submission server (`with
/// ESMTPSA` / `ESMTPA`, authenticated). That address belongs to the user's home or
/// mobile ISP and is usually on Spamhaus PBL, which is expected and harmless
/// (PBL only says "this address should not send straight to MX servers"); listing it
/// would send the user chasing a problem that is not one.
///
/// ```
/// use rebound_verdict::FoundIn;
/// let mut bounce = rebound_dsn::Bounce::default();
/// bounce.reporting_mta = Some("sv12053.xserver.jp".into());
/// let mut report = rebound_dsn::RecipientReport::default();
/// report.remote_ip = Some("198.51.100.20".parse().unwrap());
/// report.diagnostic = Some("host apc.olc.protection.outlook.com[198.51.100.20] said: 550 \
///     5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent.".into());
/// bounce.recipients.push(report);
/// let plan = rebound_verdict::plan(&bounce);
/// assert_eq!(plan.ips, vec![("203.0.113.45".parse().unwrap(), FoundIn::Diagnostic)]);
/// assert_eq!(plan.hosts, vec![("sv12053.xserver.jp".to_string(), FoundIn::ReportingMta)]);
/// ```
pub fn plan(bounce: &Bounce) -> LookupPlan {
    plan_with(bounce, &Limits::default())
}

/// [`plan`] with at most [`Limits::ips`] sending IPs and [`Limits::domains`] host
/// names and domains, the first found; [`LookupPlan::truncated`] says when there were
/// more. A hostile bounce naming thousands of addresses costs no more lookups than
/// the limits.
///
/// ```
/// use rebound_dsn::{Limit, Limits};
/// let mut bounce = rebound_dsn::Bounce::default();
/// let mut report = rebound_dsn::RecipientReport::default();
/// report.diagnostic = Some("550 5.7.1 Client host [192.0.2.85] blocked; \
///     Client host [198.51.100.9] blocked".into());
/// bounce.recipients.push(report);
/// let limits = Limits { ips: 1, ..Limits::default() };
/// let plan = rebound_verdict::plan_with(&bounce, &limits);
/// assert_eq!(plan.ips.len(), 1);
/// assert_eq!(plan.truncated, vec![Limit::Ips]);
/// assert_eq!(rebound_verdict::plan(&bounce).ips.len(), 2);
/// ```
pub fn plan_with(bounce: &Bounce, limits: &Limits) -> LookupPlan {
    let mut out = LookupPlan::default();
    let mut more_ips = false;
    for report in &bounce.recipients {
        let Some(diagnostic) = report.diagnostic.as_deref() else { continue };
        each_sending_ip(diagnostic, report.remote_ip, |ip| {
            if !is_public(ip) {
                // Named by the receiver, but never sent to a public list: kept to
                // say why it was not checked.
                if !out.reserved_ips.contains(&ip) && out.reserved_ips.len() < limits.ips {
                    out.reserved_ips.push(ip);
                }
                return;
            }
            // Bounded by the limit, the linear search for a duplicate stays cheap.
            if !out.ips.iter().any(|(seen, _)| *seen == ip) {
                if out.ips.len() < limits.ips {
                    out.ips.push((ip, FoundIn::Diagnostic));
                } else {
                    more_ips = true;
                }
            }
        });
        mentioned_in(&searchable(diagnostic), &mut out.mentioned_lists);
    }
    if let Some(mta) = bounce.reporting_mta.as_deref() {
        let mta = mta.trim().trim_end_matches('.').trim_matches(['[', ']']);
        // An address is made of address characters only: a host name has other
        // letters, and is not handed to the parser, which takes longer to refuse it.
        let ip = mta.bytes().all(is_ip_char).then(|| mta.parse::<IpAddr>().ok()).flatten();
        let ip = ip.map(|ip| ip.to_canonical());
        if let Some(ip) = ip {
            if is_public(ip) && !out.ips.iter().any(|(seen, _)| *seen == ip) {
                if out.ips.len() < limits.ips {
                    out.ips.push((ip, FoundIn::ReportingMta));
                } else {
                    more_ips = true;
                }
            }
        } else if is_host_name(mta) {
            // The only host and, below, the only domain: vectors of one, allocated so.
            out.hosts = vec![(mta.to_ascii_lowercase(), FoundIn::ReportingMta)];
        }
    }
    if let Some(domain) = sender_domain(bounce) {
        out.domains = vec![(domain, FoundIn::SenderAddress)];
    }
    if more_ips {
        out.truncated.push(Limit::Ips);
    }
    // Host names to resolve and domains to check share one budget, hosts first.
    if out.hosts.len() + out.domains.len() > limits.domains {
        out.hosts.truncate(limits.domains);
        out.domains.truncate(limits.domains - out.hosts.len());
        out.truncated.push(Limit::Domains);
    }
    out
}

/// The domain of the envelope sender, else of the original `From` or `Return-Path`.
/// A bounce's own null sender and MAILER-DAEMON addresses are not the sender.
fn sender_domain(bounce: &Bounce) -> Option<String> {
    let original = &bounce.original;
    [bounce.sender.as_deref(), original.from.as_deref(), original.return_path.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|value| {
            // The last '<' and the last '>' after it, looked for byte by byte: the
            // values are short, and most have no '<' (so no '>' is looked for).
            let bytes = value.as_bytes();
            let open = bytes.iter().rposition(|&b| b == b'<');
            let close = open.and_then(|open| {
                let after = bytes.get(open + 1..)?;
                after.iter().rposition(|&b| b == b'>').map(|at| open + 1 + at)
            });
            let address = match (open, close) {
                (Some(open), Some(close)) => value.get(open + 1..close)?,
                _ => value.trim(),
            };
            // Byte by byte too: `rsplit_once` would call `memrchr`, slower on so few.
            let at = address.bytes().rposition(|b| b == b'@')?;
            let (local, domain) = (address.get(..at)?, address.get(at + 1..)?);
            let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
            let daemon = local.eq_ignore_ascii_case("mailer-daemon") || local.is_empty();
            let plausible = domain.contains('.')
                && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            (!daemon && plausible).then_some(domain)
        })
}

#[cfg(test)]
mod tests;
