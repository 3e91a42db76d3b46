//! Pure DNSBL logic: the names to query and what the answers mean. No I/O here.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

use crate::catalog::{CodeKind, Zone};
use crate::{ListingStatus, Subject};

/// The DNS name to query for `subject` in `zone` (RFC 5782), without a trailing dot.
///
/// IPv4 addresses are written with their octets reversed, IPv6 addresses as their 32
/// nibbles reversed and dot-separated, domain names as they are:
///
/// ```
/// use rebound_rbl::{query_name, Subject};
/// let ip = |s: &str| Subject::Ip(s.parse().unwrap());
/// assert_eq!(query_name(&ip("203.0.113.45"), "zen.spamhaus.org"), "45.113.0.203.zen.spamhaus.org");
/// assert_eq!(
///     query_name(&ip("2001:db8::1"), "all.s5h.net"),
///     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.all.s5h.net"
/// );
/// assert_eq!(
///     query_name(&Subject::Domain("Spammy.Example.".into()), "dbl.spamhaus.org."),
///     "spammy.example.dbl.spamhaus.org"
/// );
/// ```
pub fn query_name(subject: &Subject, zone: &str) -> String {
    let zone = zone.trim_end_matches('.');
    let mut name = String::with_capacity(80);
    match subject {
        Subject::Ip(IpAddr::V4(v4)) => {
            let [a, b, c, d] = v4.octets();
            let _ = write!(name, "{d}.{c}.{b}.{a}.");
        }
        Subject::Ip(IpAddr::V6(v6)) => {
            for byte in v6.octets().iter().rev() {
                let _ = write!(name, "{:x}.{:x}.", byte & 0x0f, byte >> 4);
            }
        }
        Subject::Domain(domain) => {
            let domain = domain.trim_end_matches('.');
            name.push_str(&domain.to_ascii_lowercase());
            name.push('.');
        }
    }
    name.push_str(zone);
    name
}

/// What a zone's A records say about a subject; see [`interpret`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Interpretation {
    /// Listed, not listed, or unknown.
    pub status: ListingStatus,
    /// The listing codes (refusal codes and answers outside 127.0.0.0/8 left out).
    pub codes: Vec<Ipv4Addr>,
    /// The meaning of each entry of `codes`, in the same order.
    pub meanings: Vec<String>,
    /// Why the status is unknown, or a note about ignored answers.
    pub error: Option<String>,
    /// The zone's refusal code among the answers (the first, if several): the list
    /// refused the query, and the status is unknown.
    pub refusal_code: Option<Ipv4Addr>,
}

/// Decodes the A records a zone returned for one subject.
///
/// - no records: not listed;
/// - records outside 127.0.0.0/8 are ignored (a hijacking resolver or a parked,
///   expired list domain answers with ordinary addresses); if nothing else is left
///   the status is unknown;
/// - a refusal code of the zone (e.g. Spamhaus 127.255.255.254) makes the status
///   unknown with the zone's explanation;
/// - every other 127/8 value is a listing, decoded from the catalog; values the
///   catalog does not know are listed as "unknown code 127.0.0.x".
///
/// ```
/// use rebound_rbl::{interpret, Catalog, ListingStatus};
/// let catalog = Catalog::builtin();
/// let zen = catalog.get("zen.spamhaus.org").unwrap();
///
/// let listed = interpret(zen, &["127.0.0.2".parse().unwrap(), "127.0.0.10".parse().unwrap()]);
/// assert_eq!(listed.status, ListingStatus::Listed);
/// assert!(listed.meanings[0].starts_with("SBL"));
/// assert!(listed.meanings[1].starts_with("PBL"));
///
/// let refused = interpret(zen, &["127.255.255.254".parse().unwrap()]);
/// assert_eq!(refused.status, ListingStatus::Unknown);
/// assert_eq!(refused.refusal_code, Some([127, 255, 255, 254].into()));
/// assert!(refused.error.unwrap().contains("public/open resolver"));
///
/// let hijacked = interpret(zen, &["198.51.100.7".parse().unwrap()]);
/// assert_eq!(hijacked.status, ListingStatus::Unknown);
///
/// assert_eq!(interpret(zen, &[]).status, ListingStatus::NotListed);
/// ```
pub fn interpret(zone: &Zone, a_records: &[Ipv4Addr]) -> Interpretation {
    let mut codes = Vec::new();
    let mut meanings = Vec::new();
    let mut refusals = Vec::new();
    let mut outside = Vec::new();

    for &value in dedup(a_records).iter() {
        if value.octets()[0] != 127 {
            outside.push(value);
            continue;
        }
        match zone.code(value) {
            Some(code) if code.kind == CodeKind::Refused => {
                refusals.push((value, refusal_message(zone, value, &code.meaning)))
            }
            Some(code) => {
                codes.push(value);
                meanings.push(code.meaning.clone());
            }
            None => {
                let decoded = if zone.bitmask { decode_bits(zone, value) } else { Vec::new() };
                if decoded.is_empty() {
                    codes.push(value);
                    meanings.push(format!("unknown code {value}"));
                } else {
                    for (bit_value, meaning) in decoded {
                        if !codes.contains(&bit_value) {
                            codes.push(bit_value);
                            meanings.push(meaning);
                        }
                    }
                }
            }
        }
    }

    let outside_note = (!outside.is_empty()).then(|| {
        let list: Vec<String> = outside.iter().map(|ip| ip.to_string()).collect();
        format!(
            "answer outside 127.0.0.0/8 ({}): hijacking resolver or parked list domain; ignored",
            list.join(", ")
        )
    });

    if let Some(&(first, _)) = refusals.first() {
        let messages: Vec<String> = refusals.into_iter().map(|(_, m)| m).collect();
        return Interpretation {
            status: ListingStatus::Unknown,
            codes: Vec::new(),
            meanings: Vec::new(),
            error: Some(messages.join("; ")),
            refusal_code: Some(first),
        };
    }
    if !codes.is_empty() {
        return Interpretation {
            status: ListingStatus::Listed,
            codes,
            meanings,
            error: outside_note,
            refusal_code: None,
        };
    }
    if outside_note.is_some() {
        return Interpretation {
            status: ListingStatus::Unknown,
            codes,
            meanings,
            error: outside_note,
            refusal_code: None,
        };
    }
    Interpretation {
        status: ListingStatus::NotListed,
        codes,
        meanings,
        error: None,
        refusal_code: None,
    }
}

/// "Spamhaus refused the query: 127.255.255.254 means the query came through ...".
fn refusal_message(zone: &Zone, value: Ipv4Addr, meaning: &str) -> String {
    let meaning = meaning.strip_prefix("query refused: ").unwrap_or(meaning);
    format!("{} refused the query: {value} means {meaning}", zone.operator)
}

/// Splits a bit-mask answer (127.0.0.x) into the known single-bit codes it contains.
/// Returns nothing unless every set bit is a known listing code.
fn decode_bits(zone: &Zone, value: Ipv4Addr) -> Vec<(Ipv4Addr, String)> {
    let [a, b, c, mask] = value.octets();
    let mut out = Vec::new();
    for bit in 0..8 {
        let flag = 1u8 << bit;
        if mask & flag == 0 {
            continue;
        }
        let single = Ipv4Addr::new(a, b, c, flag);
        match zone.code(single) {
            Some(code) if code.kind == CodeKind::Listed => out.push((single, code.meaning.clone())),
            _ => return Vec::new(),
        }
    }
    out
}

fn dedup(values: &[Ipv4Addr]) -> Vec<Ipv4Addr> {
    let mut out: Vec<Ipv4Addr> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(*v);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::Catalog;

    fn ip(s: &str) -> Subject {
        Subject::Ip(s.parse().unwrap())
    }
    fn a(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv4_reversed() {
        assert_eq!(query_name(&ip("192.0.2.99"), "zen.example"), "99.2.0.192.zen.example");
        assert_eq!(query_name(&ip("127.0.0.2"), "bl.test."), "2.0.0.127.bl.test");
    }

    #[test]
    fn ipv6_nibbles_rfc5782_test_point() {
        assert_eq!(
            query_name(&ip("::ffff:7f00:2"), "v6.test"),
            "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.v6.test"
        );
        let name = query_name(&ip("2001:db8:dead:beef::42"), "z.test");
        assert_eq!(name.split('.').count(), 32 + 2);
        assert!(name.starts_with("2.4.0.0."));
    }

    #[test]
    fn domain_unreversed() {
        assert_eq!(query_name(&Subject::Domain("test".into()), "dbl.test"), "test.dbl.test");
        assert_eq!(
            query_name(&Subject::Domain("a.B.example".into()), "dbl.test"),
            "a.b.example.dbl.test"
        );
    }

    #[test]
    fn zen_multiple_codes() {
        let catalog = Catalog::builtin();
        let zen = catalog.get("zen.spamhaus.org").unwrap();
        let i = interpret(zen, &[a("127.0.0.2"), a("127.0.0.4"), a("127.0.0.10"), a("127.0.0.4")]);
        assert_eq!(i.status, ListingStatus::Listed);
        assert_eq!(i.codes, vec![a("127.0.0.2"), a("127.0.0.4"), a("127.0.0.10")]);
        assert!(i.meanings[0].starts_with("SBL"));
        assert!(i.meanings[1].starts_with("XBL"));
        assert!(i.meanings[2].contains("should not send direct-to-MX"));
        assert_eq!(i.error, None);
    }

    #[test]
    fn spamhaus_refusal_is_unknown() {
        let catalog = Catalog::builtin();
        let zen = catalog.get("zen.spamhaus.org").unwrap();
        let i = interpret(zen, &[a("127.255.255.254")]);
        assert_eq!(i.status, ListingStatus::Unknown);
        assert!(i.codes.is_empty());
        let e = i.error.unwrap();
        assert!(e.starts_with("Spamhaus refused the query: 127.255.255.254 means the query came through a public/open resolver"), "{e}");
        assert!(e.contains("DQS"), "{e}");
        assert_eq!(i.refusal_code, Some(a("127.255.255.254")));
        for code in ["127.255.255.250", "127.255.255.251", "127.255.255.252", "127.255.255.255"] {
            let i = interpret(zen, &[a(code)]);
            assert_eq!((i.status, i.refusal_code), (ListingStatus::Unknown, Some(a(code))));
        }
        // A refusal beside a listing code: the answer as a whole is not trusted.
        let i = interpret(zen, &[a("127.0.0.2"), a("127.255.255.254")]);
        assert_eq!(
            (i.status, i.refusal_code),
            (ListingStatus::Unknown, Some(a("127.255.255.254")))
        );
        assert!(i.codes.is_empty());
        // Listings and clean answers carry no refusal code.
        assert_eq!(interpret(zen, &[a("127.0.0.2")]).refusal_code, None);
        assert_eq!(interpret(zen, &[]).refusal_code, None);
    }

    #[test]
    fn unknown_code_is_listed() {
        let catalog = Catalog::builtin();
        let zen = catalog.get("zen.spamhaus.org").unwrap();
        let i = interpret(zen, &[a("127.0.0.8")]);
        assert_eq!(i.status, ListingStatus::Listed);
        assert_eq!(i.meanings, vec!["unknown code 127.0.0.8".to_string()]);
    }

    #[test]
    fn outside_loopback_ignored() {
        let catalog = Catalog::builtin();
        let zen = catalog.get("zen.spamhaus.org").unwrap();
        let i = interpret(zen, &[a("203.0.113.9")]);
        assert_eq!(i.status, ListingStatus::Unknown);
        assert!(i.error.unwrap().contains("outside 127.0.0.0/8"));
        let i = interpret(zen, &[a("203.0.113.9"), a("127.0.0.2")]);
        assert_eq!(i.status, ListingStatus::Listed);
        assert_eq!(i.codes, vec![a("127.0.0.2")]);
    }

    #[test]
    fn bitmask_decoding() {
        let catalog = Catalog::builtin();
        let uribl = catalog.get("multi.uribl.com").unwrap();
        let i = interpret(uribl, &[a("127.0.0.6")]);
        assert_eq!(i.status, ListingStatus::Listed);
        assert_eq!(i.codes, vec![a("127.0.0.2"), a("127.0.0.4")]);
        // Bit 1 is the refusal code, on its own.
        assert_eq!(interpret(uribl, &[a("127.0.0.1")]).status, ListingStatus::Unknown);
        // A bit that means nothing: reported as an unknown code.
        let i = interpret(uribl, &[a("127.0.0.16")]);
        assert_eq!(i.meanings, vec!["unknown code 127.0.0.16".to_string()]);
    }

    #[test]
    fn empty_is_not_listed() {
        let catalog = Catalog::builtin();
        let zone = catalog.get("bl.spamcop.net").unwrap();
        let i = interpret(zone, &[]);
        assert_eq!(i.status, ListingStatus::NotListed);
        assert_eq!(i.error, None);
    }
}
