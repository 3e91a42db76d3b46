//! The blocklist catalog: which zones exist and what their answers mean.
//!
//! The catalog is data, not code: `catalog.json` at the root of this crate is compiled
//! in and parsed by [`Catalog::builtin`]; [`Catalog::from_json`] reads a catalog of the
//! same shape from anywhere else.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use serde::Deserialize;

use crate::error::{CatalogError, RblError};
use crate::Subject;

/// The catalog text compiled into the crate.
const BUILTIN_JSON: &str = include_str!("../catalog.json");

/// The lists rebound knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    zones: Vec<Zone>,
}

impl Catalog {
    /// The catalog compiled into rebound.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").expect("ZEN is in the builtin catalog");
    /// assert!(zen.default);
    /// ```
    pub fn builtin() -> Catalog {
        match Catalog::from_json(BUILTIN_JSON) {
            Ok(catalog) => catalog,
            // The builtin catalog is checked by this crate's tests; reaching this is a
            // build of a broken catalog.json, never something input can cause.
            Err(e) => panic!("the builtin catalog.json is invalid: {e}"),
        }
    }

    /// Reads a catalog from JSON text of the same shape as the builtin `catalog.json`:
    ///
    /// ```
    /// let json = r#"{ "zones": [ {
    ///     "name": "bl.example.test", "display_name": "Example BL", "operator": "Example",
    ///     "kind": "ipv4", "default": true,
    ///     "codes": [ { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" } ]
    /// } ] }"#;
    /// let catalog = rebound_rbl::Catalog::from_json(json)?;
    /// assert_eq!(catalog.default_zones().count(), 1);
    ///
    /// // Mistakes are named:
    /// let err = rebound_rbl::Catalog::from_json(&json.replace("127.0.0.2", "10.0.0.2"))
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("outside 127.0.0.0/8"), "{err}");
    /// # Ok::<(), rebound_rbl::RblError>(())
    /// ```
    ///
    /// Per zone: `name`, `display_name`, `operator`, `kind` (`ipv4`, `ipv4_and_ipv6`,
    /// `domain`, `allowlist`), `codes` (each `value`, `kind` = `listed`/`refused`,
    /// `meaning`) are required; `removal_url`, `expiry`, `notes`, `default` (false),
    /// `bitmask` (false) and `defunct` (`{ "since": ..., "note": ... }`) are optional.
    pub fn from_json(json: &str) -> Result<Catalog, RblError> {
        let raw: RawCatalog = serde_json::from_str(json).map_err(|e| CatalogError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if raw.zones.is_empty() {
            return Err(CatalogError::NoZones.into());
        }
        let mut seen = HashSet::new();
        let mut zones = Vec::with_capacity(raw.zones.len());
        for raw_zone in raw.zones {
            let zone = raw_zone.validate()?;
            if !seen.insert(zone.name.to_ascii_lowercase()) {
                return Err(CatalogError::DuplicateZone(zone.name).into());
            }
            zones.push(zone);
        }
        Ok(Catalog { zones })
    }

    /// All zones, defunct ones included.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The zones queried when the user names none: active, free to query, in the
    /// default set.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// assert!(catalog.default_zones().any(|z| z.name == "bl.spamcop.net"));
    /// assert!(catalog.default_zones().all(|z| z.defunct.is_none()));
    /// ```
    pub fn default_zones(&self) -> impl Iterator<Item = &Zone> {
        self.zones.iter().filter(|z| z.default && z.defunct.is_none())
    }

    /// The zone with this DNS name, case-insensitively (a trailing dot is ignored).
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// assert!(catalog.get("ZEN.Spamhaus.org.").is_some());
    /// assert!(catalog.get("dnsbl.sorbs.net").is_some_and(|z| z.defunct.is_some()));
    /// ```
    pub fn get(&self, name: &str) -> Option<&Zone> {
        let name = name.strip_suffix('.').unwrap_or(name);
        self.zones.iter().find(|z| z.name.eq_ignore_ascii_case(name))
    }
}

/// One blocklist (or allowlist) zone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Zone {
    /// The DNS zone queried, e.g. `zen.spamhaus.org`.
    pub name: String,
    /// Short display name, e.g. `Spamhaus ZEN`.
    pub display_name: String,
    /// Who runs it.
    pub operator: String,
    /// What it lists.
    pub kind: ZoneKind,
    /// Return codes and what each means.
    pub codes: Vec<ReturnCode>,
    /// Where a listed sender asks for removal (or looks the listing up).
    pub removal_url: Option<String>,
    /// How long a listing usually lasts or how removal works, in plain English.
    pub expiry: Option<String>,
    /// Queried by default.
    pub default: bool,
    /// `Some(date and note)` when the list is dead.
    pub defunct: Option<String>,
    /// Anything else worth telling the user about this list (query policy, caveats).
    pub notes: Option<String>,
    /// The last octet of an answer is a bit mask of the listed codes (URIBL, SURBL):
    /// 127.0.0.6 means both 127.0.0.2 and 127.0.0.4.
    pub bitmask: bool,
}

impl Zone {
    /// The catalog entry for this A-record value, if the catalog describes it.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// let pbl = zen.code([127, 0, 0, 10].into()).unwrap();
    /// assert!(pbl.meaning.contains("policy"));
    /// ```
    pub fn code(&self, value: Ipv4Addr) -> Option<&ReturnCode> {
        self.codes.iter().find(|c| c.value == value)
    }

    /// Whether this zone can be asked about this subject: IPv4-only zones take IPv4
    /// addresses, domain zones take domain names, allowlists take addresses.
    ///
    /// ```
    /// use rebound_rbl::{Catalog, Subject};
    /// let catalog = Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// assert!(zen.accepts(&Subject::Ip("192.0.2.1".parse().unwrap())));
    /// assert!(!zen.accepts(&Subject::Ip("2001:db8::1".parse().unwrap())));
    /// assert!(!zen.accepts(&Subject::Domain("example.com".into())));
    /// ```
    pub fn accepts(&self, subject: &Subject) -> bool {
        match (self.kind, subject) {
            (ZoneKind::Ipv4, Subject::Ip(ip)) => ip.is_ipv4(),
            (ZoneKind::Ipv4AndIpv6 | ZoneKind::Allowlist, Subject::Ip(_)) => true,
            (ZoneKind::Domain, Subject::Domain(_)) => true,
            _ => false,
        }
    }
}

/// What kind of subject a zone lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ZoneKind {
    /// IPv4 addresses (reversed octets).
    Ipv4,
    /// IPv4 and IPv6 (nibble format) addresses.
    Ipv4AndIpv6,
    /// Domain names (RHSBL).
    Domain,
    /// An allowlist of IPv4 and IPv6 addresses: a listing is good news.
    Allowlist,
}

/// One A-record value a zone answers with, and its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReturnCode {
    /// The A record value, e.g. 127.0.0.4.
    pub value: Ipv4Addr,
    /// What it means, e.g. "XBL: exploited host (botnet, proxy)".
    pub meaning: String,
    /// The same in Japanese, when the catalog has it.
    pub meaning_ja: Option<String>,
    /// Whether this code is a listing or an error from the list about the query.
    pub kind: CodeKind,
}

/// Whether a return code lists the subject or reports a problem with the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeKind {
    /// The subject is listed.
    Listed,
    /// The list refused to answer this resolver (e.g. Spamhaus 127.255.255.254).
    Refused,
}

// ----- JSON shape -----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u32>,
    zones: Vec<RawZone>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: String,
    display_name: String,
    operator: String,
    kind: RawKind,
    codes: Vec<RawCode>,
    #[serde(default)]
    removal_url: Option<String>,
    #[serde(default)]
    expiry: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    bitmask: bool,
    #[serde(default)]
    defunct: Option<RawDefunct>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawKind {
    Ipv4,
    Ipv4AndIpv6,
    Domain,
    Allowlist,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    value: Ipv4Addr,
    kind: RawCodeKind,
    meaning: String,
    #[serde(default)]
    meaning_ja: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawCodeKind {
    Listed,
    Refused,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefunct {
    since: String,
    note: String,
}

impl RawZone {
    fn validate(self) -> Result<Zone, CatalogError> {
        let name = self.name.trim().trim_end_matches('.').to_string();
        check_zone_name(&name)?;
        for (field, value) in [("display_name", &self.display_name), ("operator", &self.operator)] {
            if value.trim().is_empty() {
                return Err(CatalogError::EmptyField { zone: name, field });
            }
        }
        if self.codes.is_empty() {
            return Err(CatalogError::NoCodes(name));
        }
        let mut seen = HashSet::new();
        let mut codes = Vec::with_capacity(self.codes.len());
        for code in self.codes {
            if code.value.octets()[0] != 127 {
                return Err(CatalogError::CodeOutsideLoopback { zone: name, value: code.value });
            }
            if !seen.insert(code.value) {
                return Err(CatalogError::DuplicateCode { zone: name, value: code.value });
            }
            if code.meaning.trim().is_empty() {
                return Err(CatalogError::EmptyField { zone: name, field: "codes.meaning" });
            }
            codes.push(ReturnCode {
                value: code.value,
                meaning: code.meaning,
                meaning_ja: code.meaning_ja.filter(|m| !m.trim().is_empty()),
                kind: match code.kind {
                    RawCodeKind::Listed => CodeKind::Listed,
                    RawCodeKind::Refused => CodeKind::Refused,
                },
            });
        }
        let defunct = self.defunct.map(|d| format!("since {}: {}", d.since, d.note));
        if defunct.is_some() && self.default {
            return Err(CatalogError::DefunctDefault(name));
        }
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        Ok(Zone {
            name,
            display_name: self.display_name,
            operator: self.operator,
            kind: match self.kind {
                RawKind::Ipv4 => ZoneKind::Ipv4,
                RawKind::Ipv4AndIpv6 => ZoneKind::Ipv4AndIpv6,
                RawKind::Domain => ZoneKind::Domain,
                RawKind::Allowlist => ZoneKind::Allowlist,
            },
            codes,
            removal_url: non_empty(self.removal_url),
            expiry: non_empty(self.expiry),
            default: self.default,
            defunct,
            notes: non_empty(self.notes),
            bitmask: self.bitmask,
        })
    }
}

/// Checks that `name` is a plausible DNS zone name (at least two labels, LDH-ish).
fn check_zone_name(name: &str) -> Result<(), CatalogError> {
    let bad = |reason: &str| CatalogError::BadZoneName {
        zone: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(bad("empty"));
    }
    if name.len() > 253 {
        return Err(bad("longer than 253 characters"));
    }
    if !name.contains('.') {
        return Err(bad("needs at least two labels"));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(bad("empty label"));
        }
        if label.len() > 63 {
            return Err(bad("label longer than 63 characters"));
        }
        if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(bad("only letters, digits, '-' and '_' are allowed"));
        }
    }
    Ok(())
}
