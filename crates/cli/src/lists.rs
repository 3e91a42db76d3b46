//! `rebound lists`: the blocklist catalog, defunct lists included; and loading a
//! catalog from `--lists FILE`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use rebound_rbl::{Catalog, CodeKind, ZoneKind};

use crate::args::{ListsArgs, ListsFormat};

/// The built-in catalog, or the one in `path`.
pub fn load_catalog(path: Option<&Path>) -> anyhow::Result<Catalog> {
    let Some(path) = path else { return Ok(Catalog::builtin()) };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the blocklist catalog {}", path.display()))?;
    Catalog::from_json(&text).with_context(|| format!("{}", path.display()))
}

#[derive(Debug, Serialize)]
struct ZoneOut<'a> {
    zone: &'a str,
    name: &'a str,
    /// The id of the list (service) the zone belongs to, e.g. `spamhaus`.
    list: Option<&'a str>,
    operator: &'a str,
    /// `ipv4`, `ipv4_and_ipv6`, `domain` or `allowlist`.
    kind: &'static str,
    /// Whether IPv6 addresses are asked of it.
    ipv6: bool,
    /// `active` or `defunct`.
    status: &'static str,
    defunct: Option<&'a str>,
    /// When it shut down, ISO 8601, when known.
    defunct_since: Option<&'a str>,
    default: bool,
    removal_url: Option<&'a str>,
    expiry: Option<&'a str>,
    expiry_ja: Option<&'a str>,
    /// The Spamhaus DQS zone asked instead with `--dqs-key` (the key goes in front).
    dqs: Option<&'a str>,
    codes: Vec<CodeOut<'a>>,
}

#[derive(Debug, Serialize)]
struct CodeOut<'a> {
    value: String,
    /// `listed` or `refused` (an error from the list about the query).
    kind: &'static str,
    meaning: &'a str,
}

pub fn kind_name(kind: ZoneKind) -> &'static str {
    match kind {
        ZoneKind::Ipv4 => "ipv4",
        ZoneKind::Ipv4AndIpv6 => "ipv4_and_ipv6",
        ZoneKind::Domain => "domain",
        ZoneKind::Allowlist => "allowlist",
        _ => "other",
    }
}

pub fn run(args: ListsArgs) -> anyhow::Result<ExitCode> {
    let catalog = load_catalog(args.catalog.as_deref())?;
    let zones: Vec<ZoneOut<'_>> = catalog
        .zones()
        .iter()
        .map(|z| ZoneOut {
            zone: &z.name,
            name: &z.display_name,
            list: z.list.as_deref(),
            operator: &z.operator,
            kind: kind_name(z.kind),
            ipv6: z.ipv6,
            status: if z.defunct.is_some() { "defunct" } else { "active" },
            defunct: z.defunct.as_deref(),
            defunct_since: z.defunct_since.as_deref(),
            default: z.default,
            removal_url: z.removal_url.as_deref(),
            expiry: z.expiry.as_deref(),
            expiry_ja: z.expiry_ja.as_deref(),
            dqs: z.dqs.as_deref(),
            codes: z
                .codes
                .iter()
                .map(|c| CodeOut {
                    value: c.value.to_string(),
                    kind: if c.kind == CodeKind::Refused { "refused" } else { "listed" },
                    meaning: &c.meaning,
                })
                .collect(),
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        ListsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &zones)?;
            writeln!(out)?;
        }
        ListsFormat::Text => {
            writeln!(out, "{:<28} {:<24} {:<14} {:<8} status", "zone", "list", "kind", "default")?;
            for z in &zones {
                let status = match z.defunct {
                    Some(note) => format!("DEFUNCT {note}"),
                    None => "active".to_string(),
                };
                let default = if z.default { "yes" } else { "no" };
                writeln!(
                    out,
                    "{:<28} {:<24} {:<14} {:<8} {status}",
                    z.zone, z.name, z.kind, default
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
