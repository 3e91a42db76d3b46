//! The blocklist catalog: which lists exist, how bounces name them, which zones they
//! publish and what their answers mean.
//!
//! The catalog is data, not code: `catalog.json` at the root of this crate is compiled
//! in and parsed by [`Catalog::builtin`]; [`Catalog::from_json`] reads a catalog of the
//! same shape from anywhere else. It has two parts: `lists`, the services as people
//! and bounces name them (Spamhaus, SpamCop, Cloudmark, ...: the words that name them,
//! whether anyone may query them, removal page, usual expiry in English and Japanese,
//! when they shut down), and `zones`, the DNS zones those lists publish (codes and
//! their meanings, the subjects they take). A zone belongs to one list and takes the
//! list's removal page, expiry and shutdown date unless it has its own.

use std::borrow::Cow;
use std::net::Ipv4Addr;
use std::sync::LazyLock;

use crate::dqs::DqsKey;
use crate::error::RblError;
use crate::Subject;

mod json;

/// The catalog text compiled into the crate.
const BUILTIN_JSON: &str = include_str!("../catalog.json");

/// The builtin catalog, parsed once for [`Catalog::shared`].
static SHARED: LazyLock<Catalog> = LazyLock::new(Catalog::builtin);

/// The lists and zones rebound knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    lists: Vec<List>,
    zones: Vec<Zone>,
}

impl Catalog {
    /// The catalog compiled into rebound (parsed anew on each call; see
    /// [`Catalog::shared`] for one parsed once).
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

    /// The builtin catalog, parsed on first use and shared for the life of the
    /// program.
    ///
    /// ```
    /// let catalog: &'static rebound_rbl::Catalog = rebound_rbl::Catalog::shared();
    /// assert!(catalog.list("spamhaus").is_some());
    /// ```
    pub fn shared() -> &'static Catalog {
        &SHARED
    }

    /// Reads a catalog from JSON text of the same shape as the builtin `catalog.json`:
    ///
    /// ```
    /// let json = r#"{
    ///   "lists": [ {
    ///     "id": "example", "name": "Example BL", "public": true, "mentions": ["example bl"],
    ///     "removal_url": "https://example.invalid/remove",
    ///     "defunct": { "since": "2024-06-05", "note": "shut down" }
    ///   } ],
    ///   "zones": [ {
    ///     "name": "bl.example.test", "list": "example", "display_name": "Example BL",
    ///     "operator": "Example", "kind": "ipv4_and_ipv6",
    ///     "codes": [ { "value": "127.0.0.2", "kind": "listed", "meaning": "listed" } ]
    ///   } ]
    /// }"#;
    /// let catalog = rebound_rbl::Catalog::from_json(json)?;
    /// let zone = catalog.get("bl.example.test").unwrap();
    /// // The zone takes its list's removal page and shutdown date.
    /// assert_eq!(zone.removal_url.as_deref(), Some("https://example.invalid/remove"));
    /// assert_eq!(zone.defunct_since.as_deref(), Some("2024-06-05"));
    /// assert!(zone.ipv6);
    ///
    /// // Mistakes are named:
    /// let err = rebound_rbl::Catalog::from_json(&json.replace("127.0.0.2", "10.0.0.2"))
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("outside 127.0.0.0/8"), "{err}");
    /// let err = rebound_rbl::Catalog::from_json(&json.replace("2024-06-05", "June 2024"))
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("not an ISO 8601 date"), "{err}");
    /// # Ok::<(), rebound_rbl::RblError>(())
    /// ```
    ///
    /// Per list (`lists` may be left out): `id` (lower case letters, digits, `-`),
    /// `name` and `public` are required; `mentions` (lower-case words that name the
    /// list in a bounce), `removal_url`, `expiry`, `expiry_ja`, `notes`, `source` and
    /// `defunct` (`{ "since": ISO 8601 date, optional, "note": ... }`) are optional.
    ///
    /// Per zone: `name`, `display_name`, `operator`, `kind` (`ipv4`, `ipv4_and_ipv6`,
    /// `domain`, `allowlist`), `codes` (each `value`, `kind` = `listed`/`refused`,
    /// `meaning`, optional `meaning_ja`) are required; `list` (a list's `id`),
    /// `removal_url`, `expiry` with `expiry_ja`, `notes`, `default` (false), `bitmask`
    /// (false), `ipv6` (false; an allowlist that takes IPv6 addresses), `dqs` (the
    /// Spamhaus DQS zone, e.g. `zen.dq.spamhaus.net`), `test_entry` (the entry the
    /// list documents as always listed, when not RFC 5782's) and `defunct` are optional; the
    /// optional texts not given are taken from the zone's list.
    pub fn from_json(json: &str) -> Result<Catalog, RblError> {
        let (lists, zones) = json::parse(json)?;
        Ok(Catalog { lists, zones })
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

    /// All lists, in catalog order (the order in which [`Catalog::list_named_in`]
    /// tries them).
    pub fn lists(&self) -> &[List] {
        &self.lists
    }

    /// The list with this id.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let sorbs = catalog.list("sorbs").unwrap();
    /// assert_eq!(sorbs.defunct_since.as_deref(), Some("2024-06-05"));
    /// assert!(!catalog.list("cloudmark").unwrap().public);
    /// ```
    pub fn list(&self, id: &str) -> Option<&List> {
        self.lists.iter().find(|l| l.id == id)
    }

    /// The list a zone belongs to.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let xbl = catalog.get("xbl.spamhaus.org").unwrap();
    /// assert_eq!(catalog.list_of(xbl).map(|l| l.name.as_str()), Some("Spamhaus"));
    /// ```
    pub fn list_of(&self, zone: &Zone) -> Option<&List> {
        zone.list.as_deref().and_then(|id| self.list(id))
    }

    /// The first list, in catalog order, one of whose [`List::mentions`] occurs in
    /// `text`, ignoring ASCII case: how a bounce that says `blocked using
    /// b.barracudacentral.org` or `listed at Cloudmark` names a list.
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let named = |text| catalog.list_named_in(text).map(|l| l.id.as_str());
    /// assert_eq!(named("dnsbl-3.uceprotect.net"), Some("uceprotect"));
    /// assert_eq!(named("Blocked using Trend Micro RBL+"), Some("trendmicro"));
    /// assert_eq!(named("bl.example.org"), None);
    /// ```
    pub fn list_named_in(&self, text: &str) -> Option<&List> {
        let lower = text.to_ascii_lowercase();
        self.lists.iter().find(|l| l.mentions.iter().any(|m| lower.contains(m.as_str())))
    }
}

/// A blocklist service as people and bounces name it: Spamhaus (several zones),
/// SpamCop, or a private reputation service such as Cloudmark that has no zone anyone
/// may query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct List {
    /// Stable identifier, e.g. `spamhaus`, `cloudmark`, `microsoft-internal`.
    pub id: String,
    /// Display name, e.g. `Spamhaus`, `Barracuda Reputation Block List`.
    pub name: String,
    /// Whether anyone may query it (false for a vendor's or provider's own list).
    pub public: bool,
    /// The lower-case words by which a bounce names it (`spamhaus`, `trend micro`).
    pub mentions: Vec<String>,
    /// Where a listed sender asks for removal (or looks the listing up).
    pub removal_url: Option<String>,
    /// How long a listing usually lasts or how removal works, in English.
    pub expiry: Option<String>,
    /// The same in Japanese.
    pub expiry_ja: Option<String>,
    /// `Some("since DATE: note")` (or just the note when the date is unknown) when
    /// the list has shut down.
    pub defunct: Option<String>,
    /// The date it shut down, ISO 8601 (`2024-06-05`, or `2008` when only the year
    /// is known); `None` when it is alive or the date is unknown.
    pub defunct_since: Option<String>,
    /// Anything else worth telling the user about this list.
    pub notes: Option<String>,
    /// Where the facts come from (a section of the project's reference files).
    pub source: Option<String>,
}

/// One blocklist (or allowlist) zone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Zone {
    /// The DNS zone queried, e.g. `zen.spamhaus.org`.
    pub name: String,
    /// The id of the [`List`] it belongs to, e.g. `spamhaus`.
    pub list: Option<String>,
    /// Short display name, e.g. `Spamhaus ZEN`.
    pub display_name: String,
    /// Who runs it.
    pub operator: String,
    /// What it lists.
    pub kind: ZoneKind,
    /// Whether it takes IPv6 addresses (as RFC 5782 nibble names): true for
    /// [`ZoneKind::Ipv4AndIpv6`] and for allowlists that say so.
    pub ipv6: bool,
    /// Return codes and what each means.
    pub codes: Vec<ReturnCode>,
    /// Where a listed sender asks for removal (or looks the listing up); the zone's
    /// own, else its list's.
    pub removal_url: Option<String>,
    /// How long a listing usually lasts or how removal works, in English; the zone's
    /// own, else its list's.
    pub expiry: Option<String>,
    /// The same in Japanese (given with `expiry`, from the same place).
    pub expiry_ja: Option<String>,
    /// Queried by default.
    pub default: bool,
    /// `Some("since DATE: note")` when the zone (or its list) is dead.
    pub defunct: Option<String>,
    /// The date it shut down, ISO 8601, when known.
    pub defunct_since: Option<String>,
    /// Anything else worth telling the user about this list (query policy, caveats).
    pub notes: Option<String>,
    /// The last octet of an answer is a bit mask of the listed codes (URIBL, SURBL):
    /// 127.0.0.6 means both 127.0.0.2 and 127.0.0.4.
    pub bitmask: bool,
    /// The Spamhaus Data Query Service zone with the same data, without the key
    /// (`zen.dq.spamhaus.net`); see [`Zone::query_zone`].
    pub dqs: Option<String>,
    /// The entry the list documents as always listed, when it is not RFC 5782's
    /// (`127.0.0.2` for address zones, `test` for domain zones): the DBL lists
    /// `dbltest.com`. See [`Zone::test_entry`].
    pub test_entry: Option<Subject>,
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

    /// Whether this zone can be asked about this subject: address zones take IPv4
    /// addresses, and IPv6 ones when [`Zone::ipv6`] says so; domain zones take
    /// domain names.
    ///
    /// ```
    /// use rebound_rbl::{Catalog, Subject};
    /// let catalog = Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// let spamcop = catalog.get("bl.spamcop.net").unwrap();
    /// let v6 = Subject::Ip("2001:db8::1".parse().unwrap());
    /// assert!(zen.accepts(&Subject::Ip("192.0.2.1".parse().unwrap())));
    /// assert!(zen.accepts(&v6));
    /// assert!(!spamcop.accepts(&v6));
    /// assert!(!zen.accepts(&Subject::Domain("example.com".into())));
    /// ```
    pub fn accepts(&self, subject: &Subject) -> bool {
        match (self.kind, subject) {
            (ZoneKind::Ipv4 | ZoneKind::Ipv4AndIpv6 | ZoneKind::Allowlist, Subject::Ip(ip)) => {
                ip.is_ipv4() || self.ipv6
            }
            (ZoneKind::Domain, Subject::Domain(_)) => true,
            _ => false,
        }
    }

    /// The entry this zone must list when it answers at all: the catalog's
    /// `test_entry`, else RFC 5782 §5's (`127.0.0.2` for address zones, `test` for
    /// domain zones). A "not listed" from a zone counts only when this entry answered
    /// "listed" in the same run.
    ///
    /// ```
    /// use rebound_rbl::{Catalog, Subject};
    /// let catalog = Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// assert_eq!(zen.test_entry(), Subject::Ip("127.0.0.2".parse().unwrap()));
    /// let dbl = catalog.get("dbl.spamhaus.org").unwrap();
    /// assert_eq!(dbl.test_entry(), Subject::Domain("dbltest.com".into()));
    /// ```
    pub fn test_entry(&self) -> Subject {
        match (&self.test_entry, self.kind) {
            (Some(entry), _) => entry.clone(),
            (None, ZoneKind::Domain) => Subject::Domain("test".to_string()),
            (None, _) => Subject::Ip(Ipv4Addr::new(127, 0, 0, 2).into()),
        }
    }

    /// The entry RFC 5782 §5 says no zone lists (`127.0.0.1`, `invalid`): a zone
    /// that lists it lists everything (dead or wildcarded).
    ///
    /// ```
    /// let catalog = rebound_rbl::Catalog::builtin();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// assert_eq!(zen.never_listed_entry().to_string(), "127.0.0.1");
    /// ```
    pub fn never_listed_entry(&self) -> Subject {
        match self.kind {
            ZoneKind::Domain => Subject::Domain("invalid".to_string()),
            _ => Subject::Ip(Ipv4Addr::new(127, 0, 0, 1).into()),
        }
    }

    /// The zone to put under the subject in a query: `KEY.<dqs zone>` when a Spamhaus
    /// DQS key is given and the zone has a DQS twin, the zone's own name otherwise.
    ///
    /// ```
    /// use rebound_rbl::{Catalog, DqsKey};
    /// let catalog = Catalog::builtin();
    /// let key = DqsKey::new("abcdefghij0123456789abcdef").unwrap();
    /// let zen = catalog.get("zen.spamhaus.org").unwrap();
    /// assert_eq!(zen.query_zone(Some(&key)), "abcdefghij0123456789abcdef.zen.dq.spamhaus.net");
    /// assert_eq!(zen.query_zone(None), "zen.spamhaus.org");
    /// let spamcop = catalog.get("bl.spamcop.net").unwrap();
    /// assert_eq!(spamcop.query_zone(Some(&key)), "bl.spamcop.net");
    /// ```
    pub fn query_zone(&self, dqs_key: Option<&DqsKey>) -> Cow<'_, str> {
        match (dqs_key, &self.dqs) {
            (Some(key), Some(dqs)) => Cow::Owned(format!("{}.{dqs}", key.as_str())),
            _ => Cow::Borrowed(&self.name),
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
    /// An allowlist of addresses (IPv6 too when [`Zone::ipv6`]): a listing is good
    /// news.
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
