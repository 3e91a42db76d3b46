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

use rebound_dsn::Bounce;
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

/// `text` holds white space (`char::is_whitespace`), looked for byte by byte in an
/// ASCII text, as host names are, without decoding characters.
fn has_whitespace(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        text.contains(char::is_whitespace)
    }
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

/// True when the address is a public unicast address worth looking up.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_unspecified()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local())
        }
    }
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
        if !seen.contains(&ip) {
            seen.push(ip);
        }
    });
    seen
}

/// Calls `each` with every sending IP the receiver names in one diagnostic, in order
/// (repeats included). The diagnostic is read in place: the triggers are matched
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
        if sender && is_public(ip) && Some(ip) != remote_ip.map(|r| r.to_canonical()) {
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
    let mut out = LookupPlan::default();
    for report in &bounce.recipients {
        let Some(diagnostic) = report.diagnostic.as_deref() else { continue };
        each_sending_ip(diagnostic, report.remote_ip, |ip| {
            if !out.ips.iter().any(|(seen, _)| *seen == ip) {
                out.ips.push((ip, FoundIn::Diagnostic));
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
                out.ips.push((ip, FoundIn::ReportingMta));
            }
        } else if mta.contains('.') && !has_whitespace(mta) {
            // The only host and, below, the only domain: vectors of one, allocated so.
            out.hosts = vec![(mta.to_ascii_lowercase(), FoundIn::ReportingMta)];
        }
    }
    if let Some(domain) = sender_domain(bounce) {
        out.domains = vec![(domain, FoundIn::SenderAddress)];
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
mod tests {
    use super::*;
    use rebound_dsn::RecipientReport;

    fn ips(text: &str) -> Vec<String> {
        sending_ips(text, None).iter().map(|ip| ip.to_string()).collect()
    }

    #[test]
    fn sender_domain_comes_from_the_sender_not_the_daemon() {
        let mut bounce = Bounce::default();
        bounce.original.from = Some("山田 <Info@Yamada-Shoten.example>".into());
        assert_eq!(
            plan(&bounce).domains,
            vec![("yamada-shoten.example".to_string(), FoundIn::SenderAddress)]
        );
        bounce.sender = Some("MAILER-DAEMON@sv1.example.jp".into());
        assert_eq!(plan(&bounce).domains[0].0, "yamada-shoten.example");
        bounce.sender = Some("bounces+123@mail.shop.example".into());
        assert_eq!(plan(&bounce).domains[0].0, "mail.shop.example");
        let empty = Bounce::default();
        assert!(plan(&empty).domains.is_empty());
    }

    #[test]
    fn sender_domain_reads_angle_brackets_as_before() {
        // As the last '<' and the last '>' anywhere, taken when in that order.
        let cases = [
            ("Info <info@shop.example>", Some("shop.example")),
            ("info@shop.example", Some("shop.example")),
            ("x> <info@shop.example", Some("shop.example")),
            ("<a@one.example> <b@two.example>", Some("two.example")),
            // `a@one.example> x`, whose domain is not plausible.
            ("<a@one.example> x>", None),
            ("<a@one.example", Some("one.example")),
        ];
        for (value, want) in cases {
            let mut bounce = Bounce::default();
            bounce.sender = Some(value.into());
            assert_eq!(sender_domain(&bounce).as_deref(), want, "{value:?}");
        }
    }

    #[test]
    fn extracts_sending_ips_from_receiver_wording() {
        let cases: &[(&str, &[&str])] = &[
            ("550 5.7.1 Unfortunately, messages from [192.0.2.77] weren't sent.", &["192.0.2.77"]),
            ("554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using zen.spamhaus.org", &["192.0.2.85"]),
            ("550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal", &["192.0.2.78"]),
            ("421-4.7.0 [192.0.2.79      15] This message is suspicious due to the very low reputation", &["192.0.2.79"]),
            ("421 4.7.0 [TSS04] Messages from 192.0.2.80 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", &["192.0.2.80"]),
            ("550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.81", &["192.0.2.81"]),
            ("554 resimta comcast 192.0.2.82 found on one or more RBLs (Spamhaus ZEN) BL000001", &["192.0.2.82"]),
            ("554 IP=192.0.2.84 - None/bad reputation. (NOWL)", &["192.0.2.84"]),
            ("550 rejected because 192.0.2.86 is in a black list at zen.spamhaus.org", &["192.0.2.86"]),
            ("550 5.7.1 Mail from IP address [2001:db8:1::25] refused", &["2001:db8:1::25"]),
            ("550 5.7.1 Client host [IPv6:2001:db8::77] blocked using zen.spamhaus.org", &["2001:db8::77"]),
            // An IPv4-mapped address is its IPv4 address.
            ("550 5.7.1 Mail from IP address [::ffff:192.0.2.88] refused", &["192.0.2.88"]),
            ("554 IP address is block listed. For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.83&r=0AbC", &["192.0.2.83"]),
            // Private, loopback and link-local addresses are never sending IPs.
            ("550 Client host [10.1.2.3] blocked; messages from [127.0.0.1]; from [169.254.1.1]; from [fe80::1]; from [fd00::1]", &[]),
            // Deduplicated within one text.
            ("messages from [192.0.2.77] ... Client host [192.0.2.77] blocked", &["192.0.2.77"]),
            // Glued to a word, or a version number after an unrelated phrase: not an address.
            ("see x192.0.2.1 and 192.0.2.1x and version 4.16.55.1", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(ips(text), *want, "{text}");
        }
    }

    #[test]
    fn never_takes_the_remote_mta_address() {
        let text = "host mx.example.org[203.0.113.100] said: 554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using b.barracudacentral.org";
        // Written as host NAME[IP], the receiver's address is not taken even without remote_ip.
        assert_eq!(ips(text), ["192.0.2.85"]);
        // And remote_ip is never a sending IP, however it is written.
        let remote: IpAddr = "192.0.2.85".parse().unwrap();
        assert!(sending_ips(text, Some(remote)).is_empty());

        let mut bounce = Bounce::default();
        let mut r = RecipientReport::default();
        r.remote_ip = Some("198.51.100.27".parse().unwrap());
        r.diagnostic = Some(
            "Connection from 198.51.100.27 refused; messages from [192.0.2.9] weren't sent".into(),
        );
        bounce.recipients.push(r);
        let plan = plan(&bounce);
        assert_eq!(plan.ips, vec![("192.0.2.9".parse().unwrap(), FoundIn::Diagnostic)]);
    }

    #[test]
    fn excludes_the_authenticated_submission_hop() {
        let mut bounce = Bounce::default();
        bounce.reporting_mta = Some("sv12053.xserver.jp".into());
        bounce.original.received = vec![
            "from sv12053.xserver.jp (sv12053.xserver.jp [203.0.113.45]) by relay.example.net with ESMTP".into(),
            "from [192.168.1.5] (p1234-ipngn.example-isp.ne.jp [198.51.100.66]) by sv12053.xserver.jp (Postfix) with ESMTPSA id 4AbCd; Mon, 2 Jun 2025 10:00:00 +0900".into(),
        ];
        let mut r = RecipientReport::default();
        r.diagnostic =
            Some("550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent.".into());
        bounce.recipients.push(r);
        let plan = plan(&bounce);
        let listed: Vec<String> = plan.ips.iter().map(|(ip, _)| ip.to_string()).collect();
        assert_eq!(listed, ["203.0.113.45"]);
        assert!(!listed.contains(&"198.51.100.66".to_string()), "home ISP hop must not be checked");
        assert_eq!(plan.hosts, vec![("sv12053.xserver.jp".into(), FoundIn::ReportingMta)]);
    }

    #[test]
    fn deduplicates_across_recipients_in_order() {
        let mut bounce = Bounce::default();
        for text in [
            "messages from [192.0.2.2] weren't sent",
            "Client host [192.0.2.1] blocked; messages from [192.0.2.2]",
        ] {
            let mut r = RecipientReport::default();
            r.diagnostic = Some(text.into());
            bounce.recipients.push(r);
        }
        let got: Vec<String> = plan(&bounce).ips.iter().map(|(ip, _)| ip.to_string()).collect();
        assert_eq!(got, ["192.0.2.2", "192.0.2.1"]);
    }

    /// `sending_ips` as it read before: an ASCII-lower-cased copy, every run of
    /// address characters parsed, the triggers matched in the copy.
    fn reference_sending_ips(diagnostic: &str, remote_ip: Option<IpAddr>) -> Vec<IpAddr> {
        let text = diagnostic.to_ascii_lowercase();
        let bytes = text.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !is_ip_char(bytes[i]) {
                i += 1;
                continue;
            }
            let run_start = i;
            while i < bytes.len() && is_ip_char(bytes[i]) {
                i += 1;
            }
            let (mut start, mut end) = (run_start, i);
            if text[..run_start].ends_with("ipv") && text[run_start..i].starts_with("6:") {
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
            let glued_after = bytes.get(i).is_some_and(|b| is_word_byte(*b));
            if glued_before || glued_after || start >= end {
                continue;
            }
            if let Ok(ip) = text[start..end].parse::<IpAddr>() {
                tokens.push((ip, start, end));
            }
        }
        let forward = |start: usize| {
            let before = text[..start].trim_end_matches([' ', '[', '(', '=', ':', '\t']);
            let raw = &text[..start];
            FORWARD_TRIGGERS.iter().any(|t| {
                if t.ends_with(['=', ':']) {
                    raw.ends_with(t) || raw.trim_end_matches([' ', '[']).ends_with(t)
                } else {
                    before.ends_with(t)
                        && before[..before.len() - t.len()]
                            .chars()
                            .next_back()
                            .is_none_or(|c| !c.is_ascii_alphanumeric())
                }
            })
        };
        let backward = |end: usize| {
            let after = text[end..].trim_start_matches([' ', ']', ')', '\t']);
            BACKWARD_TRIGGERS.iter().any(|t| after.starts_with(t))
        };
        let mut seen = Vec::new();
        for (ip, start, end) in tokens {
            let sender = bare_bracketed(&text, start) || forward(start) || backward(end);
            let ip = ip.to_canonical();
            let remote_ip = remote_ip.map(|r| r.to_canonical());
            if sender && is_public(ip) && Some(ip) != remote_ip && !seen.contains(&ip) {
                seen.push(ip);
            }
        }
        seen
    }

    /// `mentioned_in` done naively: a lower-cased copy searched once per phrase, the
    /// catalog's lists and zones looked up one by one.
    fn reference_mentioned_in(diagnostic: &str) -> Vec<MentionedList> {
        let text = diagnostic.to_lowercase();
        let catalog = Catalog::shared();
        let mut out: Vec<MentionedList> = Vec::new();
        let mut zones = Vec::new();
        for trigger in ZONE_TRIGGERS {
            let mut from = 0;
            while let Some(pos) = text[from..].find(trigger) {
                let start = from + pos + trigger.len();
                zones.extend(zone_at(&text, start));
                from = start;
            }
        }
        for zone in zones {
            let list = catalog.lists().iter().find(|l| l.mentions.iter().any(|w| zone.contains(w)));
            let found = match list {
                Some(list) => {
                    let own = catalog.get(&zone).filter(|z| z.list.as_ref() == Some(&list.id));
                    MentionedList {
                        id: list.id.as_str(),
                        name: list.name.clone(),
                        zone: Some(zone.clone()),
                        public: list.public,
                        defunct: own.map_or(list.defunct.is_some(), |z| z.defunct.is_some()),
                        defunct_since: own
                            .map_or(list.defunct_since.clone(), |z| z.defunct_since.clone()),
                        removal_url: own
                            .map_or(list.removal_url.clone(), |z| z.removal_url.clone()),
                        expiry: own.map_or(list.expiry.clone(), |z| z.expiry.clone()),
                        expiry_ja: own.map_or(list.expiry_ja.clone(), |z| z.expiry_ja.clone()),
                    }
                }
                None => MentionedList {
                    id: "other",
                    name: zone.clone(),
                    zone: Some(zone.clone()),
                    public: true,
                    defunct: false,
                    defunct_since: None,
                    removal_url: None,
                    expiry: None,
                    expiry_ja: None,
                },
            };
            if !out
                .iter()
                .any(|m| m.id == found.id && (found.id != "other" || m.name == found.name))
            {
                out.push(found);
            }
        }
        for list in catalog.lists() {
            if list.mentions.iter().any(|w| text.contains(w.as_str()))
                && !out.iter().any(|m| m.id == list.id)
            {
                out.push(MentionedList {
                    id: list.id.as_str(),
                    name: list.name.clone(),
                    zone: None,
                    public: list.public,
                    defunct: list.defunct.is_some(),
                    defunct_since: list.defunct_since.clone(),
                    removal_url: list.removal_url.clone(),
                    expiry: list.expiry.clone(),
                    expiry_ja: list.expiry_ja.clone(),
                });
            }
        }
        out
    }

    /// Diagnostics that put addresses beside every trigger, in every case, glued and
    /// not, with list words and zones, and non-ASCII letters that lower-case to ASCII.
    fn varied_diagnostics() -> Vec<String> {
        let addresses = [
            "192.0.2.77",
            "[203.0.113.45]",
            "(198.51.100.7)",
            "[IPv6:2001:db8::77]",
            "IPV6:2001:DB8::25",
            "2001:DB8:1::25",
            "::ffff:203.0.113.9",
            "10.1.2.3",
            "x192.0.2.1",
            "192.0.2.1x",
            "4.16.55.1.",
            ":192.0.2.9:",
            "1.2.3",
            "5.7.1",
            "::",
            "fe80::1",
            "203.0.113.300",
        ];
        let mut texts: Vec<String> = vec![
            String::new(),
            "550 5.7.1 Client host [192.0.2.85] blocked using zen.spamhaus.org; see SPAMCOP".into(),
            "BLOCKED USING ZEN.SPAMHAUS.ORG and Blocked Using bl.Example.ORG. and blocked using x"
                .into(),
            "Listed in dnsbl.sorbs.net, listed on b.barracudacentral.org, black list at \
             psbl.surriel.com, blacklisted at bl.spamcop.net, listed in ., listed in a..b"
                .into(),
            "messages from [203.0.113.45] weren't sent: our block list (S3150), Trend Micro".into(),
            "blac\u{212A}listed at bl.example.org; bloc\u{212A}ed using zen.spamhaus.org; \
             l\u{130}sted in x.example; listed in \u{212A}.example.org"
                .into(),
            "Mail-Abuse.com PSBL mailspike SpamRATS cloudmark proofpoint uceprotect sorbs \
             (s3140) Banned Sending IP listed in Spamhaus.org listed in spamhaus.org"
                .into(),
            "listed in listed in zen.spamhaus.org listed on listed on a.b".into(),
            "blocked using dnsbl-3.uceprotect.net; listed at cbl.abuseat.org; Listed In \
             IX.DNSBL.MANITU.NET, blocked using list.dsbl.org; SenderScore, IVMSIP, \
             rbl-plus.mail-abuse.org, listed on multi.surbl.org and multi.uribl.com"
                .into(),
            // Read as it is: letters that lower-case to letters of another length, and
            // Japanese, around ASCII ones in either case.
            "\u{23A}\u{23A} BLOCKED USING ZEN.SPAMHAUS.ORG\u{3002}\u{30EA}\u{30B9}\u{30C8} Listed \
             In bl.\u{23A}x.org, listed on a.B\u{23A}.org; \u{30D6}\u{30ED}listed in SORBS.example"
                .into(),
        ];
        let phrases: Vec<&str> = FORWARD_TRIGGERS
            .iter()
            .chain(BACKWARD_TRIGGERS)
            .chain(ZONE_TRIGGERS)
            .copied()
            .chain(["host mx.example.org", "said:", "x", ""])
            .collect();
        for (i, address) in addresses.iter().enumerate() {
            for phrase in &phrases {
                let upper = phrase.to_uppercase();
                let other = addresses[(i + 3) % addresses.len()];
                texts.push(format!("550 {phrase} {address} refused"));
                texts.push(format!("550 {upper}{address}"));
                texts.push(format!("{address} {phrase} zen.spamhaus.org"));
                texts.push(format!("{address}]) {upper} {other}"));
                texts.push(format!("{phrase}:\t[{address}] ümlaut {other} {upper}="));
            }
        }
        texts
    }

    #[test]
    fn finds_white_space_as_char_is_whitespace_does() {
        for c in (0..0x3100).filter_map(char::from_u32) {
            for text in [format!("mx{c}.example"), format!("{c}"), format!("\u{e9}{c}x")] {
                assert_eq!(has_whitespace(&text), text.contains(char::is_whitespace), "{c:?}");
            }
        }
    }

    #[test]
    fn finds_the_next_dot_or_colon_as_a_byte_loop_does() {
        let alphabet = b"ab.:\x00\x01\x7f\x80\xae\xba\xff-/;9";
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|k| alphabet[((state >> (k % 60)) as usize + k) % alphabet.len()])
                .collect();
            for from in 0..=len + 1 {
                let want = bytes
                    .get(from..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'.' || b == b':'))
                    .map(|p| from + p);
                assert_eq!(next_dot_or_colon(&bytes, from), want, "{bytes:?} {from}");
            }
        }
    }

    #[test]
    fn reads_diagnostics_as_lower_cased_copies_did() {
        let remote: Option<IpAddr> = "192.0.2.77".parse().ok();
        let mut compared = 0;
        for text in varied_diagnostics() {
            for remote_ip in [None, remote] {
                assert_eq!(
                    sending_ips(&text, remote_ip),
                    reference_sending_ips(&text, remote_ip),
                    "{text:?}"
                );
            }
            let mut got = Vec::new();
            mentioned_in(&searchable(&text), &mut got);
            assert_eq!(got, reference_mentioned_in(&text), "{text:?}");
            compared += 1;
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn finds_mentioned_lists() {
        let mut out = Vec::new();
        mentioned_in("554 5.7.1 service unavailable; client host [192.0.2.85] blocked using zen.spamhaus.org; see also spamcop", &mut out);
        let ids: Vec<_> = out.iter().map(|m| (m.id, m.zone.clone())).collect();
        assert_eq!(ids, [("spamhaus", Some("zen.spamhaus.org".into())), ("spamcop", None)]);

        let mut out = Vec::new();
        mentioned_in("part of their network is on our block list (s3150).", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].id, "microsoft-internal");
        assert!(!out[0].public);

        let mut out = Vec::new();
        mentioned_in(
            "rejected: blocked using dnsbl.sorbs.net and blocked using bl.example.org",
            &mut out,
        );
        let ids: Vec<_> = out.iter().map(|m| (m.id, m.defunct)).collect();
        assert_eq!(ids, [("sorbs", true), ("other", false)]);
        assert_eq!(out[1].name, "bl.example.org");

        let mut out = Vec::new();
        mentioned_in("blocked using barracuda reputation, and uceprotect", &mut out);
        let ids: Vec<_> = out.iter().map(|m| m.id).collect();
        assert_eq!(ids, ["barracuda", "uceprotect"]);
    }

    #[test]
    fn mentioned_lists_carry_the_catalogs_facts() {
        let catalog = Catalog::shared();
        let mut out = Vec::new();
        mentioned_in(
            "blocked using dnsbl-3.uceprotect.net; listed at cbl.abuseat.org; blocked using \
             dnsbl.sorbs.net; blocked using ix.dnsbl.manitu.net; blocked using cloudmark",
            &mut out,
        );
        let got: Vec<_> =
            out.iter().map(|m| (m.id, m.defunct, m.defunct_since.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("uceprotect", false, None),
                ("sorbs", true, Some("2024-06-05")),
                ("nixspam", true, Some("2025-01-16")),
                // Named by their words alone (`listed at` is not a zone trigger, and
                // `cloudmark` is no zone), in catalog order.
                ("cloudmark", false, None),
                ("cbl", true, None),
            ]
        );
        // The zone's own expiry, in both languages, where the text gives a zone.
        let l3 = catalog.get("dnsbl-3.uceprotect.net").unwrap();
        assert_eq!(out[0].expiry, l3.expiry);
        assert_eq!(out[0].expiry_ja, l3.expiry_ja);
        assert_eq!(
            out[0].removal_url.as_deref(),
            Some("https://www.uceprotect.net/en/rblcheck.php")
        );
        // The list's own where the text names only the list.
        let mut words = Vec::new();
        mentioned_in("rejected: listed by uceprotect", &mut words);
        let uceprotect = catalog.list("uceprotect").unwrap();
        assert_eq!((words[0].zone.as_deref(), &words[0].expiry_ja), (None, &uceprotect.expiry_ja));
        // Private services: not public, with their own pages.
        let cloudmark = &out[3];
        assert!(!cloudmark.public);
        assert_eq!(
            cloudmark.removal_url.as_deref(),
            Some("https://csi.cloudmark.com/reset-request/")
        );
        assert!(cloudmark.expiry_ja.is_some());
    }
}
