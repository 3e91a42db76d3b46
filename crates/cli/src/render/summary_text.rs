//! `rebound report` as readable text: the totals, then each count table, most first.
//! Written through [`super::terminal::safe_page`], like `diagnose`'s text, so no control
//! sequence from a bounce (an address, a date, a file name) reaches the terminal.

use std::io::Write;

use rebound_verdict::Summary;

use super::terminal;
use crate::render::summary_labels::SummaryLabels;

pub fn write(out: &mut impl Write, summary: &Summary) -> anyhow::Result<()> {
    let mut page = Vec::new();
    write_page(&mut page, summary)?;
    out.write_all(terminal::safe_page(&String::from_utf8_lossy(&page)).as_bytes())?;
    Ok(())
}

fn write_page(out: &mut impl Write, summary: &Summary) -> anyhow::Result<()> {
    let l = SummaryLabels::get(summary.language());
    let t = &summary.recipients;
    writeln!(out, "{}", l.title)?;
    writeln!(out, "  {}: {}", l.messages, summary.messages)?;
    if summary.truncated > 0 {
        writeln!(out, "    {}: {}", l.truncated, summary.truncated)?;
    }
    writeln!(out, "  {}: {}", l.recipients, t.total)?;
    writeln!(out, "    {}: {}", l.failed, t.failed)?;
    writeln!(out, "    {}: {}", l.delayed, t.delayed)?;
    writeln!(out, "    {}: {}", l.other, t.other)?;
    writeln!(out, "  {}: {}", l.to_suppress, summary.suppress.len())?;

    writeln!(out, "\n{}", l.first)?;
    match summary.top_cause() {
        None => writeln!(out, "  {}", l.nothing_failed)?,
        Some((_, cause)) => {
            writeln!(out, "  {} ({} {})", cause.heading, l.first_lead, cause.recipients)?;
            if !cause.actions.is_empty() {
                writeln!(out, "  {} {}:", l.example_from, cause.example)?;
            }
            for action in &cause.actions {
                writeln!(out, "  - {action}")?;
            }
        }
    }

    section(
        out,
        l.causes,
        l,
        summary.causes_by_count().iter().map(|(_, c)| (c.recipients, c.label.to_string())),
    )?;
    section(
        out,
        l.reasons,
        l,
        summary.reasons_by_count().iter().map(|(name, r)| {
            let label = if r.label.is_empty() { name.to_string() } else { r.label.to_string() };
            (r.recipients, format!("{label} ({name})"))
        }),
    )?;
    let unrecognised = (summary.unrecognised_provider > 0)
        .then(|| (summary.unrecognised_provider, l.unrecognised_provider.to_string()));
    section(
        out,
        l.providers,
        l,
        summary
            .providers_by_count()
            .iter()
            .map(|(_, p)| (p.recipients, p.name.to_string()))
            .chain(unrecognised),
    )?;

    writeln!(out, "\n{}", l.sending_ips)?;
    let ips = summary.ips_by_count();
    if ips.is_empty() {
        writeln!(out, "  {}", l.none)?;
    }
    for (ip, count) in ips {
        writeln!(
            out,
            "  {ip}: {} {}, {} {}",
            l.messages, count.messages, l.refused, count.refused
        )?;
        if !count.providers.is_empty() {
            let names: Vec<&str> =
                count.providers.iter().map(|id| summary.provider_name(id)).collect();
            writeln!(out, "    {}: {}", l.providers, names.join(", "))?;
        }
        if !count.lists.is_empty() {
            let lists: Vec<&str> = count.lists.iter().map(String::as_str).collect();
            writeln!(out, "    {}: {}", l.lists, lists.join(", "))?;
        }
    }

    writeln!(out, "\n{}", l.lists)?;
    if summary.lists.is_empty() {
        writeln!(out, "  {}", l.none)?;
    }
    for (zone, list) in &summary.lists {
        let listed: Vec<&str> = list.listed.iter().map(String::as_str).collect();
        writeln!(out, "  {} ({zone}): {}", list.name, listed.join(", "))?;
        if let Some(url) = &list.removal_url {
            writeln!(out, "    {}: {url}", l.removal)?;
        }
    }

    writeln!(out, "\n{}", l.suppression)?;
    if summary.suppress.is_empty() {
        writeln!(out, "  {}", l.none)?;
    }
    for entry in &summary.suppress {
        writeln!(
            out,
            "  {}  {}  {}  {}",
            entry.address,
            l.suppress_reason(entry.suppress_reason),
            entry.date.as_deref().unwrap_or("-"),
            entry.source
        )?;
    }
    Ok(())
}

/// A titled list of `count  label` lines, or "None."
fn section(
    out: &mut impl Write,
    title: &str,
    l: &SummaryLabels,
    rows: impl Iterator<Item = (u64, String)>,
) -> anyhow::Result<()> {
    writeln!(out, "\n{title}")?;
    let mut any = false;
    for (count, label) in rows {
        any = true;
        writeln!(out, "  {count:>6}  {label}")?;
    }
    if !any {
        writeln!(out, "  {}", l.none)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rebound_verdict::{plan, Findings, Lang, Report};

    fn summary(lang: Lang) -> Summary {
        let bounce = rebound_dsn::parse(
            b"Final-Recipient: rfc822; a\x1b[31mred@example.jp\nAction: failed\n\
              Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n",
        )
        .unwrap();
        let report = Report::build("-", &bounce, &Findings::offline(&plan(&bounce)), lang);
        let mut summary = Summary::new(lang);
        summary.add(&report);
        summary
    }

    #[test]
    fn no_control_character_reaches_the_terminal() {
        let mut out = Vec::new();
        write(&mut out, &summary(Lang::En)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("a<U+001B>[31mred@example.jp"), "{text}");
        assert!(text.contains("Addresses to stop mailing: 1"), "{text}");
    }

    #[test]
    fn japanese_labels() {
        let mut out = Vec::new();
        write(&mut out, &summary(Lang::Ja)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("バウンスメール集計\n"), "{text}");
        assert!(text.contains("配信停止リスト"), "{text}");
        assert!(!text.contains("Suppression list"), "{text}");
    }
}
