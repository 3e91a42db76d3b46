//! The JSON shape of a catalog, and the checks that turn it into [`List`]s and
//! [`Zone`]s.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};

use serde::Deserialize;

use super::{CodeKind, List, ReturnCode, Zone, ZoneKind};
use crate::error::CatalogError;
use crate::Subject;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u32>,
    #[serde(default)]
    lists: Vec<RawList>,
    zones: Vec<RawZone>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    id: String,
    name: String,
    public: bool,
    #[serde(default)]
    mentions: Vec<String>,
    #[serde(default)]
    removal_url: Option<String>,
    #[serde(default)]
    expiry: Option<String>,
    #[serde(default)]
    expiry_ja: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    defunct: Option<RawDefunct>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: String,
    #[serde(default)]
    list: Option<String>,
    display_name: String,
    operator: String,
    kind: RawKind,
    codes: Vec<RawCode>,
    #[serde(default)]
    removal_url: Option<String>,
    #[serde(default)]
    expiry: Option<String>,
    #[serde(default)]
    expiry_ja: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    bitmask: bool,
    #[serde(default)]
    ipv6: bool,
    #[serde(default)]
    dqs: Option<String>,
    #[serde(default)]
    test_entry: Option<String>,
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
    #[serde(default)]
    since: Option<String>,
    note: String,
}

/// The lists and zones of a catalog's JSON text, checked.
pub(super) fn parse(json: &str) -> Result<(Vec<List>, Vec<Zone>), CatalogError> {
    let raw: RawCatalog = serde_json::from_str(json).map_err(|e| CatalogError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if raw.zones.is_empty() {
        return Err(CatalogError::NoZones);
    }
    let mut lists: Vec<List> = Vec::with_capacity(raw.lists.len());
    for raw_list in raw.lists {
        let list = raw_list.validate()?;
        if lists.iter().any(|l| l.id == list.id) {
            return Err(CatalogError::DuplicateList(list.id));
        }
        lists.push(list);
    }
    let mut seen = HashSet::new();
    let mut zones = Vec::with_capacity(raw.zones.len());
    for raw_zone in raw.zones {
        let zone = raw_zone.validate(&lists)?;
        if !seen.insert(zone.name.to_ascii_lowercase()) {
            return Err(CatalogError::DuplicateZone(zone.name));
        }
        zones.push(zone);
    }
    Ok((lists, zones))
}

/// `Some` of the trimmed text, `None` for a missing or blank one.
fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A checked shutdown: the text shown (`since DATE: note`) and the date.
fn defunct(raw: Option<RawDefunct>, entry: &str) -> Result<Defunct, CatalogError> {
    let Some(raw) = raw else { return Ok(None) };
    let since = non_empty(raw.since);
    if let Some(date) = &since {
        if !is_date(date) {
            return Err(CatalogError::BadDate { entry: entry.to_string(), value: date.clone() });
        }
    }
    let note = raw.note.trim().to_string();
    if note.is_empty() {
        return Err(CatalogError::EmptyField { zone: entry.to_string(), field: "defunct.note" });
    }
    let text = match &since {
        Some(date) => format!("since {date}: {note}"),
        None => note,
    };
    Ok(Some((text, since)))
}

/// The text and the date of a shutdown.
type Defunct = Option<(String, Option<String>)>;

impl RawList {
    fn validate(self) -> Result<List, CatalogError> {
        let id = self.id.trim().to_string();
        let id_ok = !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(CatalogError::BadListId(id));
        }
        if self.name.trim().is_empty() {
            return Err(CatalogError::EmptyField { zone: id, field: "name" });
        }
        let mut mentions = Vec::with_capacity(self.mentions.len());
        for mention in self.mentions {
            let mention = mention.trim().to_ascii_lowercase();
            if mention.is_empty() {
                return Err(CatalogError::EmptyField { zone: id, field: "mentions" });
            }
            mentions.push(mention);
        }
        let (defunct, defunct_since) = defunct(self.defunct, &id)?.unzip();
        Ok(List {
            name: self.name.trim().to_string(),
            public: self.public,
            mentions,
            removal_url: non_empty(self.removal_url),
            expiry: non_empty(self.expiry),
            expiry_ja: non_empty(self.expiry_ja),
            defunct,
            defunct_since: defunct_since.flatten(),
            notes: non_empty(self.notes),
            source: non_empty(self.source),
            id,
        })
    }
}

impl RawZone {
    fn validate(self, lists: &[List]) -> Result<Zone, CatalogError> {
        let name = self.name.trim().trim_end_matches('.').to_string();
        check_zone_name(&name)?;
        for (field, value) in [("display_name", &self.display_name), ("operator", &self.operator)] {
            if value.trim().is_empty() {
                return Err(CatalogError::EmptyField { zone: name, field });
            }
        }
        let list = match non_empty(self.list) {
            Some(id) => match lists.iter().find(|l| l.id == id) {
                Some(list) => Some(list),
                None => return Err(CatalogError::UnknownList { zone: name, list: id }),
            },
            None => None,
        };
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
                meaning_ja: non_empty(code.meaning_ja),
                kind: match code.kind {
                    RawCodeKind::Listed => CodeKind::Listed,
                    RawCodeKind::Refused => CodeKind::Refused,
                },
            });
        }
        let dqs = non_empty(self.dqs).map(|d| d.trim_end_matches('.').to_ascii_lowercase());
        if let Some(dqs) = &dqs {
            check_zone_name(dqs)?;
        }
        // The zone's own shutdown, else its list's.
        let test_entry = match non_empty(self.test_entry) {
            Some(entry) => Some(test_entry(&name, self.kind, &entry)?),
            None => None,
        };
        let (defunct, defunct_since) = match defunct(self.defunct, &name)? {
            Some((text, since)) => (Some(text), since),
            None => {
                (list.and_then(|l| l.defunct.clone()), list.and_then(|l| l.defunct_since.clone()))
            }
        };
        if defunct.is_some() && self.default {
            return Err(CatalogError::DefunctDefault(name));
        }
        // English and Japanese expiry come as a pair, from the zone or from its list,
        // so that the two languages always say the same thing.
        let (expiry, expiry_ja) = match (non_empty(self.expiry), non_empty(self.expiry_ja)) {
            (None, None) => {
                (list.and_then(|l| l.expiry.clone()), list.and_then(|l| l.expiry_ja.clone()))
            }
            own => own,
        };
        let kind = match self.kind {
            RawKind::Ipv4 => ZoneKind::Ipv4,
            RawKind::Ipv4AndIpv6 => ZoneKind::Ipv4AndIpv6,
            RawKind::Domain => ZoneKind::Domain,
            RawKind::Allowlist => ZoneKind::Allowlist,
        };
        let ipv6 = match kind {
            ZoneKind::Ipv4AndIpv6 => true,
            ZoneKind::Allowlist => self.ipv6,
            _ if self.ipv6 => return Err(CatalogError::Ipv6Flag(name)),
            _ => false,
        };
        Ok(Zone {
            list: list.map(|l| l.id.clone()),
            display_name: self.display_name,
            operator: self.operator,
            kind,
            ipv6,
            codes,
            removal_url: non_empty(self.removal_url).or_else(|| list?.removal_url.clone()),
            expiry,
            expiry_ja,
            default: self.default,
            defunct,
            defunct_since,
            notes: non_empty(self.notes),
            bitmask: self.bitmask,
            dqs,
            test_entry,
            name,
        })
    }
}

/// A zone's own "must be listed" test entry: a domain name for a domain zone, an IP
/// address for the others, checked here so that a typo fails the catalog load instead
/// of making every answer of the zone unconfirmed.
fn test_entry(zone: &str, kind: RawKind, entry: &str) -> Result<Subject, CatalogError> {
    let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    let subject = match (kind, entry.parse::<IpAddr>()) {
        (RawKind::Domain, Err(_)) if !entry.is_empty() => {
            check_zone_name(&entry).map(|()| Subject::Domain(entry.clone())).ok()
        }
        (RawKind::Domain, _) | (_, Err(_)) => None,
        (_, Ok(ip)) => Some(Subject::Ip(ip)),
    };
    subject.ok_or_else(|| CatalogError::BadTestEntry { zone: zone.to_string(), entry })
}

/// An ISO 8601 calendar date, complete (`2024-06-05`) or reduced to a month
/// (`2017-05`) or a year (`2008`).
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, digits: usize, range: std::ops::RangeInclusive<u32>| {
        part.len() == digits
            && part.bytes().all(|b| b.is_ascii_digit())
            && part.parse::<u32>().is_ok_and(|n| range.contains(&n))
    };
    match parts[..] {
        [year] => number(year, 4, 1900..=2999),
        [year, month] => number(year, 4, 1900..=2999) && number(month, 2, 1..=12),
        [year, month, day] => {
            number(year, 4, 1900..=2999) && number(month, 2, 1..=12) && number(day, 2, 1..=31)
        }
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for good in ["2024-06-05", "2008", "2017-05", "2015-01-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in ["", "June 2024", "2024-6-5", "2024-13", "2024-06-32", "by 2025-07", "24"] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
