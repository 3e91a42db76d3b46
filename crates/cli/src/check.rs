//! `rebound check`: blocklist lookups without a bounce, for people and for cron.
//!
//! Exit status: 0 nothing listed, 1 something listed (an allowlist listing does not
//! count), 2 usage error (a bad subject is named), 3 no list could be checked at all.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use serde::Serialize;

use rebound_rbl::{parse_subjects, Catalog, Checker, Listing, Subject, Zone};
use rebound_verdict::{Evidence, Lang};

use crate::args::{CheckArgs, CheckFormat};
use rebound_verdict::report::ListingOut;

#[derive(Debug, Serialize)]
struct CheckOut<'a> {
    subjects: Vec<String>,
    /// True when any subject is on a blocklist, null when nothing could be checked.
    listed: Option<bool>,
    listings: &'a [ListingOut],
}

#[derive(Debug, Serialize)]
struct SubjectOut<'a> {
    subject: String,
    /// True listed, false clean, null when no list answered for it.
    listed: Option<bool>,
    listings: Vec<&'a ListingOut>,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let catalog = crate::lists::load_catalog(args.dns.catalog.as_deref())?;
    let subjects = read_subjects(&args.subjects)?;
    let zones = select_zones(&catalog, &args.zones)?;
    let listings: Vec<Listing> = if args.dns.offline {
        Vec::new()
    } else {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the DNS client")?;
        let checker = Checker::new(crate::lookup::checker_config(&args.dns), catalog.clone())?;
        runtime.block_on(checker.check(&subjects, &zones))
    };
    let out_listings: Vec<ListingOut> = listings
        .iter()
        .map(|l| ListingOut::from(&Evidence::from_listing(l, &catalog, Lang::En)))
        .collect();

    let per_subject: Vec<SubjectOut<'_>> = subjects
        .iter()
        .map(|subject| {
            let name = subject.to_string();
            let mine: Vec<&ListingOut> =
                out_listings.iter().filter(|l| l.subject == name).collect();
            SubjectOut { subject: name, listed: verdict(&mine), listings: mine }
        })
        .collect();
    let all: Vec<&ListingOut> = out_listings.iter().collect();
    let overall = verdict(&all);

    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            let names = subjects.iter().map(Subject::to_string).collect();
            let report = CheckOut { subjects: names, listed: overall, listings: &out_listings };
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Ndjson => {
            for subject in &per_subject {
                serde_json::to_writer(&mut out, subject)?;
                writeln!(out)?;
            }
        }
        CheckFormat::Text => {
            let dqs = Dqs { catalog: &catalog, key_used: args.dns.dqs_key.is_some() };
            // TXT answers and errors come from DNS servers, which can be forged: the
            // page goes out terminal-safe, like a bounce's.
            let mut page = Vec::new();
            write_text(&mut page, &subjects, &per_subject, args.dns.offline, &dqs)?;
            let page = String::from_utf8_lossy(&page);
            out.write_all(crate::render::terminal::safe_page(&page).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(match overall {
        Some(true) => ExitCode::from(1),
        Some(false) => ExitCode::SUCCESS,
        None => {
            eprintln!("rebound: no blocklist could be checked");
            ExitCode::from(3)
        }
    })
}

/// Listed when any blocklist (not allowlist) lists it; clean when at least one list
/// answered and none lists it; unknown when no list answered. A list found broken or
/// refusing answers `null`, so it counts as neither.
fn verdict(listings: &[&ListingOut]) -> Option<bool> {
    if listings.iter().any(|l| l.listed == Some(true) && !l.allowlist) {
        Some(true)
    } else if listings.iter().any(|l| l.listed.is_some()) {
        Some(false)
    } else {
        None
    }
}

fn read_subjects(args: &[String]) -> anyhow::Result<Vec<Subject>> {
    let mut words: Vec<String> = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("cannot read standard input")?;
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or_default();
                words.extend(line.split_whitespace().map(str::to_string));
            }
        } else {
            words.push(arg.clone());
        }
    }
    let mut subjects = Vec::new();
    for word in &words {
        for subject in parse_subjects(word).map_err(|err| anyhow::anyhow!("bad subject: {err}"))? {
            if !subjects.contains(&subject) {
                subjects.push(subject);
            }
        }
    }
    if subjects.is_empty() {
        bail!("nothing to check: give IP addresses, CIDR ranges or domain names");
    }
    Ok(subjects)
}

fn select_zones<'a>(catalog: &'a Catalog, names: &[String]) -> anyhow::Result<Vec<&'a Zone>> {
    if names.is_empty() {
        return Ok(catalog.default_zones().collect());
    }
    names
        .iter()
        .map(|name| {
            let zone = catalog.get(name.trim()).with_context(|| {
                format!("unknown zone {name:?}: `rebound lists` shows the zones rebound knows")
            })?;
            if let Some(note) = &zone.defunct {
                bail!("zone {name:?} is defunct ({note}); its answers mean nothing, so it is not queried");
            }
            Ok(zone)
        })
        .collect()
}

/// What the refusal notes need to know about Spamhaus DQS.
struct Dqs<'a> {
    catalog: &'a Catalog,
    /// A `--dqs-key` was given.
    key_used: bool,
}

impl Dqs<'_> {
    /// The note after the answers when `list` (the zone `zone`) refused to answer.
    fn refusal_note(&self, list: &str, zone: &str, error: &str) -> String {
        let has_dqs = self.catalog.get(zone).is_some_and(|z| z.dqs.is_some());
        let refuses = format!(
            "note: {list} refuses the resolver you use, so its answers could not be checked. {error}."
        );
        match (has_dqs, self.key_used) {
            (true, true) => format!(
                "note: {list} refused the query made with your DQS key. {error}. Check the key in \
                 your Spamhaus account."
            ),
            (true, false) => format!(
                "{refuses} Spamhaus answers any resolver through its Data Query Service: get a \
                 free DQS key from Spamhaus and pass it with --dqs-key KEY (or REBOUND_DQS_KEY), \
                 or run your own recursive resolver (for example unbound on this machine) and \
                 pass it with --resolver 127.0.0.1."
            ),
            (false, _) => format!(
                "{refuses} Run your own recursive resolver (for example unbound on this machine) \
                 and pass it with --resolver 127.0.0.1, or use the list's paid or registered \
                 access."
            ),
        }
    }
}

fn write_text(
    out: &mut impl Write,
    subjects: &[Subject],
    per_subject: &[SubjectOut<'_>],
    offline: bool,
    dqs: &Dqs<'_>,
) -> anyhow::Result<()> {
    if offline {
        writeln!(out, "not checked (--offline): {} subject(s)", subjects.len())?;
        return Ok(());
    }
    // A list that refuses this resolver says so for every subject: list each
    // subject's line as unknown, and explain the refusal once, at the end.
    let mut refusals: Vec<(&str, &str, &str)> = Vec::new();
    for (subject, found) in subjects.iter().zip(per_subject) {
        let state = match found.listed {
            Some(true) => "LISTED",
            Some(false) => "clean",
            None => "unknown (no list answered)",
        };
        writeln!(out, "{subject}: {state}")?;
        for l in &found.listings {
            let text = match l.listed {
                Some(true) if l.allowlist => format!("on the allowlist {}", l.codes.join(", ")),
                Some(true) => format!("LISTED {}: {}", l.codes.join(", "), l.meanings.join("; ")),
                Some(false) => "not listed".to_string(),
                None => match l.error.as_deref() {
                    Some(error) if error.contains(" refused the query: ") => {
                        if !refusals.iter().any(|(list, _, _)| *list == l.list) {
                            refusals.push((&l.list, &l.zone, error));
                        }
                        "unknown: the list refused this resolver (see below)".to_string()
                    }
                    error => format!("unknown: {}", error.unwrap_or_default()),
                },
            };
            writeln!(out, "  {:<24} {text}", l.list)?;
            if l.listed == Some(true) {
                for txt in &l.txt {
                    writeln!(out, "  {:<24} \"{txt}\"", "")?;
                }
                if let (Some(url), false) = (&l.removal_url, l.allowlist) {
                    writeln!(out, "  {:<24} removal: {url}", "")?;
                }
            }
        }
    }
    for (list, zone, error) in refusals {
        writeln!(out, "\n{}", dqs.refusal_note(list, zone, error))?;
    }
    Ok(())
}
