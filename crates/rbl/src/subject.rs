//! What a user may ask about: an IP address, a CIDR range, or a domain name, checked
//! strictly so that a typo is an error that names it, not a silent "not listed".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::Subject;

/// The most addresses one CIDR range may expand to: a /20 of IPv4, a /116 of IPv6.
pub const MAX_RANGE_ADDRESSES: u32 = 4096;

/// Why a text is not something to look up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubjectError {
    /// Not an IP address, not a CIDR range, not a domain name.
    #[error("{0:?} is not an IP address, a CIDR range or a domain name")]
    Unrecognised(String),
    /// A CIDR range with a bad prefix length.
    #[error("{0:?}: the prefix length must be 0-32 for IPv4 and 0-128 for IPv6")]
    BadPrefix(String),
    /// A CIDR range bigger than [`MAX_RANGE_ADDRESSES`].
    #[error("{text:?} holds {addresses} addresses; at most {MAX_RANGE_ADDRESSES} (a /20 of IPv4, a /116 of IPv6) can be checked at once")]
    RangeTooLarge {
        /// The range as written.
        text: String,
        /// How many addresses it holds (saturating).
        addresses: u128,
    },
}

/// Parses one subject: an address (`192.0.2.1`, `2001:db8::1`), a CIDR range
/// (`192.0.2.0/28`, expanded to its addresses, host bits ignored) or a domain name.
///
/// ```
/// use rebound_rbl::{parse_subjects, Subject};
/// assert_eq!(parse_subjects("192.0.2.1").unwrap(), vec![Subject::Ip("192.0.2.1".parse().unwrap())]);
/// assert_eq!(parse_subjects("192.0.2.0/30").unwrap().len(), 4);
/// assert_eq!(parse_subjects("Example.COM.").unwrap(), vec![Subject::Domain("example.com".into())]);
/// assert!(parse_subjects("not a domain").is_err());
/// assert!(parse_subjects("10.0.0.0/8").is_err());
/// ```
pub fn parse_subjects(text: &str) -> Result<Vec<Subject>, SubjectError> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(vec![Subject::Ip(ip)]);
    }
    if let Some((address, prefix)) = text.split_once('/') {
        let ip: IpAddr =
            address.parse().map_err(|_| SubjectError::Unrecognised(text.to_string()))?;
        let prefix: u32 = prefix.parse().map_err(|_| SubjectError::BadPrefix(text.to_string()))?;
        return expand(ip, prefix, text);
    }
    let domain = text.trim_end_matches('.').to_ascii_lowercase();
    if is_domain(&domain) {
        Ok(vec![Subject::Domain(domain)])
    } else {
        Err(SubjectError::Unrecognised(text.to_string()))
    }
}

fn expand(ip: IpAddr, prefix: u32, text: &str) -> Result<Vec<Subject>, SubjectError> {
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    if prefix > bits {
        return Err(SubjectError::BadPrefix(text.to_string()));
    }
    let host_bits = bits - prefix;
    let addresses = 1u128.checked_shl(host_bits).unwrap_or(u128::MAX);
    if addresses > u128::from(MAX_RANGE_ADDRESSES) {
        return Err(SubjectError::RangeTooLarge { text: text.to_string(), addresses });
    }
    let base = match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    };
    let network = base & !(addresses - 1);
    Ok((0..addresses)
        .map(|offset| {
            let value = network + offset;
            Subject::Ip(match ip {
                // The range fits in 32 bits: it was built from a v4 address.
                IpAddr::V4(_) => IpAddr::V4(u32::try_from(value).unwrap_or(u32::MAX).into()),
                IpAddr::V6(_) => IpAddr::V6(value.into()),
            })
        })
        .collect())
}

/// Whether `ip` may be sent to a public list: `Err` names the special-purpose range
/// (RFC 6890 and its updates) that keeps it from being asked. Private (RFC 1918),
/// shared (RFC 6598), loopback, link-local, unique-local, multicast, benchmarking,
/// "this network", IETF-protocol, reserved and broadcast addresses are never asked: no
/// public list lists them, and asking would tell the list about the user's network.
///
/// The documentation ranges (RFC 5737's 192.0.2.0/24, 198.51.100.0/24,
/// 203.0.113.0/24 and RFC 3849's 2001:db8::/32) are asked: they are never assigned,
/// so asking reveals nothing, and examples and tests use them as stand-in senders.
///
/// ```
/// use rebound_rbl::is_public;
/// assert!(is_public("203.0.113.9".parse().unwrap()).is_ok());
/// assert_eq!(is_public("10.1.2.3".parse().unwrap()), Err("private (RFC 1918)"));
/// assert_eq!(is_public("::ffff:127.0.0.1".parse().unwrap()), Err("loopback"));
/// assert!(is_public("fe80::1".parse().unwrap()).is_err());
/// ```
pub fn is_public(ip: IpAddr) -> Result<(), &'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_range(v4),
            None => v6_range(v6),
        },
    }
}

fn v4_range(v4: Ipv4Addr) -> Result<(), &'static str> {
    let [a, b, c, _] = v4.octets();
    let reason = match (a, b, c) {
        (0, _, _) => "\"this network\" (RFC 791)",
        (10, _, _) | (192, 168, _) => "private (RFC 1918)",
        (172, 16..=31, _) => "private (RFC 1918)",
        (100, 64..=127, _) => "shared address space (RFC 6598)",
        (127, _, _) => "loopback",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment (RFC 6890)",
        (198, 18..=19, _) => "benchmarking (RFC 2544)",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved (RFC 1112)",
        _ => return Ok(()),
    };
    Err(reason)
}

fn v6_range(v6: Ipv6Addr) -> Result<(), &'static str> {
    let first = v6.segments()[0];
    let reason = if v6.is_unspecified() {
        "unspecified"
    } else if v6.is_loopback() {
        "loopback"
    } else if first & 0xfe00 == 0xfc00 {
        "unique local (RFC 4193)"
    } else if first & 0xffc0 == 0xfe80 {
        "link-local"
    } else if first & 0xff00 == 0xff00 {
        "multicast"
    } else if v6.segments()[..4] == [0x100, 0, 0, 0] {
        "discard-only (RFC 6666)"
    } else if v6.segments()[..6] == [0; 6] {
        "IPv4-compatible (deprecated, RFC 4291)"
    } else {
        return Ok(());
    };
    Err(reason)
}

/// A host-name-shaped domain: dot-separated labels of letters, digits, `-` and `_`,
/// at least two labels, none empty or longer than 63, at most 253 in all, and a
/// top-level label that is not all digits (`300.1.2.3` is a mistyped address).
fn is_domain(text: &str) -> bool {
    text.len() <= 253
        && text.contains('.')
        && text.rsplit('.').next().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_errors() {
        let v4 = parse_subjects("192.0.2.5/30").unwrap();
        assert_eq!(v4.first().unwrap().to_string(), "192.0.2.4");
        assert_eq!(v4.last().unwrap().to_string(), "192.0.2.7");
        assert_eq!(parse_subjects("192.0.2.9/32").unwrap().len(), 1);
        let v6 = parse_subjects("2001:db8::/126").unwrap();
        assert_eq!(
            v6.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ["2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3"]
        );
        assert_eq!(parse_subjects("192.0.2.0/20").unwrap().len(), 4096);
        assert!(matches!(parse_subjects("192.0.2.0/19"), Err(SubjectError::RangeTooLarge { .. })));
        assert!(matches!(parse_subjects("2001:db8::/0"), Err(SubjectError::RangeTooLarge { .. })));
        assert!(matches!(parse_subjects("192.0.2.0/33"), Err(SubjectError::BadPrefix(_))));
        assert!(matches!(parse_subjects("192.0.2.0/x"), Err(SubjectError::BadPrefix(_))));
        for (ip, public) in [
            ("192.0.2.1", true),
            ("8.8.8.8", true),
            ("2001:db8::1", true),
            ("172.15.0.1", true),
            ("172.16.0.1", false),
            ("100.127.0.1", false),
            ("100.128.0.1", true),
            ("198.19.1.1", false),
            ("255.255.255.255", false),
            ("0.1.2.3", false),
            ("fd00::1", false),
            ("ff02::1", false),
            ("::", false),
            ("::ffff:10.0.0.1", false),
        ] {
            assert_eq!(is_public(ip.parse().unwrap()).is_ok(), public, "{ip}");
        }
        for bad in ["", "localhost", "exa mple.com", "-bad.example", "a..b", "300.1.2.3"] {
            assert!(parse_subjects(bad).is_err(), "{bad:?} accepted");
        }
    }
}
