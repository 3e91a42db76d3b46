//! Errors of this crate.

use std::time::Duration;

/// Why a [`Checker`](crate::Checker) could not be built, a name could not be resolved,
/// or a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RblError {
    /// The system resolver configuration could not be read, or names no name server.
    #[error("cannot read the system DNS configuration: {0}")]
    SystemConfig(String),
    /// The resolver could not be set up from the configuration.
    #[error("cannot set up the DNS resolver: {0}")]
    Resolver(String),
    /// A host name lookup failed for a reason not covered by the variants below.
    #[error("cannot resolve {host}: {cause}")]
    Resolve {
        /// The name looked up.
        host: String,
        /// What went wrong.
        cause: String,
    },
    /// The host name does not exist (NXDOMAIN).
    #[error("cannot resolve {host}: no such host (NXDOMAIN)")]
    NoSuchHost {
        /// The name looked up.
        host: String,
    },
    /// The host name exists but has neither A nor AAAA records.
    #[error("cannot resolve {host}: the name has no A or AAAA records")]
    NoAddresses {
        /// The name looked up.
        host: String,
    },
    /// No answer arrived within the checker's deadline.
    #[error("cannot resolve {host}: no answer within the {} deadline", crate::error::fmt_duration(*.deadline))]
    Deadline {
        /// The name looked up.
        host: String,
        /// The deadline that passed.
        deadline: Duration,
    },
    /// A blocklist catalog (JSON) is malformed or inconsistent.
    #[error("invalid blocklist catalog: {0}")]
    Catalog(#[from] CatalogError),
}

/// What is wrong with a blocklist catalog given to [`Catalog::from_json`](crate::Catalog::from_json).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The text is not valid JSON or does not have the catalog's shape.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },
    /// The catalog lists no zone at all.
    #[error("the catalog lists no zones")]
    NoZones,
    /// A zone name is not a usable DNS name.
    #[error("zone {zone:?}: invalid zone name: {reason}")]
    BadZoneName {
        /// The zone name as written.
        zone: String,
        /// Why it is not usable.
        reason: String,
    },
    /// Two zones have the same name.
    #[error("zone {0:?} is listed twice")]
    DuplicateZone(String),
    /// A required text field is empty.
    #[error("{zone:?}: field {field:?} is empty")]
    EmptyField {
        /// The zone (or list) concerned.
        zone: String,
        /// The empty field.
        field: &'static str,
    },
    /// A zone has no return codes.
    #[error("zone {0:?} has no return codes")]
    NoCodes(String),
    /// A return code lies outside 127.0.0.0/8.
    #[error("zone {zone:?}: return code {value} is outside 127.0.0.0/8")]
    CodeOutsideLoopback {
        /// The zone concerned.
        zone: String,
        /// The offending value.
        value: std::net::Ipv4Addr,
    },
    /// The same return code is described twice.
    #[error("zone {zone:?}: return code {value} is listed twice")]
    DuplicateCode {
        /// The zone concerned.
        zone: String,
        /// The repeated value.
        value: std::net::Ipv4Addr,
    },
    /// A defunct zone is marked as queried by default.
    #[error("zone {0:?} is defunct but marked default")]
    DefunctDefault(String),
    /// Two lists have the same id.
    #[error("list {0:?} is listed twice")]
    DuplicateList(String),
    /// A list id is empty or holds characters other than lower-case letters, digits
    /// and `-`.
    #[error("list id {0:?} is invalid: use lower-case letters, digits and '-'")]
    BadListId(String),
    /// A zone names a list the catalog does not have.
    #[error("zone {zone:?} belongs to list {list:?}, which the catalog does not have")]
    UnknownList {
        /// The zone concerned.
        zone: String,
        /// The list id it names.
        list: String,
    },
    /// A shutdown date is not an ISO 8601 date.
    #[error(
        "{entry:?}: defunct.since {value:?} is not an ISO 8601 date (2024-06-05, 2017-05 or 2008)"
    )]
    BadDate {
        /// The list or zone concerned.
        entry: String,
        /// The date as written.
        value: String,
    },
    /// `ipv6` is set on a zone whose kind says which addresses it takes.
    #[error("zone {0:?}: \"ipv6\" is for allowlists; an IPv4 and IPv6 blocklist has kind \"ipv4_and_ipv6\"")]
    Ipv6Flag(String),
    /// `test_entry` is not a domain name (domain zones) or an IP address (the others).
    #[error("zone {zone:?}: test_entry {entry:?} must be a domain name for a domain zone and an IP address for the others")]
    BadTestEntry {
        /// The zone.
        zone: String,
        /// The test entry as given.
        entry: String,
    },
}

/// "5s", "1.5s", "800ms".
pub(crate) fn fmt_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
