//! Readable text output, in the user's language. Everything is written through
//! [`super::terminal::safe_page`], so no control sequence from a bounce reaches the
//! terminal and no string from it fills the screen.

use std::io::Write;

use rebound_verdict::{Cause, Lang, Report};

use super::terminal;
use crate::labels::Labels;

const WIDTH: usize = 78;

/// Writes the `index`-th (0-based) report of a run, after a rule when it is not
/// the first.
pub fn write_page(
    out: &mut impl Write,
    report: &Report,
    index: usize,
    lang: Lang,
) -> anyhow::Result<()> {
    let labels = Labels::get(lang);
    let mut page = Vec::new();
    if index > 0 {
        write_rule(&mut page)?;
    }
    write_one(&mut page, report, labels, lang)?;
    out.write_all(terminal::safe_page(&String::from_utf8_lossy(&page)).as_bytes())?;
    Ok(())
}

/// The rule between two reports.
pub fn write_rule(out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(out, "\n{}", "=".repeat(WIDTH))?;
    Ok(())
}

/// A cause's heading from its JSON name.
fn heading(cause: &str, lang: Lang) -> &'static str {
    cause.parse::<Cause>().unwrap_or(Cause::Unknown).heading(lang)
}

fn write_one(out: &mut impl Write, report: &Report, l: &Labels, lang: Lang) -> anyhow::Result<()> {
    writeln!(out, "{}: {}", l.input, report.input)?;
    writeln!(out)?;

    let verdict = &report.verdict;
    let no_failure = verdict.cause == Cause::NotAFailure.as_str();
    writeln!(out, "{}: {} [{}]", l.verdict, heading(verdict.cause, lang), verdict.cause)?;
    paragraph(out, &verdict.summary, "  ", "  ", lang)?;
    actions(out, &verdict.actions, l, lang)?;
    // The other causes, each with what to do about it.
    for group in verdict.causes.iter().skip(1) {
        writeln!(out)?;
        writeln!(out, "{}: {} [{}]", l.also, heading(group.cause, lang), group.cause)?;
        paragraph(out, &group.summary, "  ", "  ", lang)?;
        actions(out, &group.actions, l, lang)?;
    }

    writeln!(out)?;
    writeln!(out, "{}:", if no_failure { l.recipients_not_failed } else { l.recipients })?;
    for r in &report.recipients {
        writeln!(out, "  {}", r.recipient.as_deref().unwrap_or(l.unknown_recipient))?;
        let mut result = match r.kind {
            "feedback" => match &r.feedback_type {
                Some(kind) => format!("{} ({kind})", l.kind_feedback),
                None => l.kind_feedback.to_string(),
            },
            "auto_reply" => l.kind_auto_reply.to_string(),
            _ => l.action(r.action).to_string(),
        };
        if let Some(status) = &r.status {
            result.push_str(&format!(", {status}"));
        }
        if let Some(code) = r.reply_code {
            result.push_str(&format!(" (SMTP {code})"));
        }
        field(out, l.result, &result)?;
        field(out, l.reason, &format!("{} ({})", r.reason_text, r.reason))?;
        if r.kind == "delivery" && r.action != "delivered" {
            let cause = r.cause.parse::<Cause>().unwrap_or(Cause::Unknown);
            field(out, l.cause, &format!("{} [{}]", cause.describe(lang), r.cause))?;
            let address = match r.suppress_reason {
                Some(why) => format!("{} [{why}]", l.address_bad),
                None => l.address_keep.to_string(),
            };
            field(out, l.address, &address)?;
        }
        let mut why = r.why.rule.to_string();
        if let Some(matched) = r.why.matched {
            why.push_str(&format!(" \"{matched}\""));
        }
        field(out, l.why, &why)?;
        if let Some(mta) = &r.remote_mta {
            let mut by = mta.clone();
            if let Some(ip) = &r.remote_ip {
                by.push_str(&format!(" [{ip}]"));
            }
            if let Some(name) = r.provider_name {
                by.push_str(&format!(" — {name}"));
            }
            field(out, l.refused_by, &by)?;
        }
        if let Some(command) = &r.smtp_command {
            field(out, l.at_command, command)?;
        }
        if let Some(diagnostic) = &r.diagnostic {
            writeln!(out, "    {}:", l.diagnostic)?;
            let diagnostic = terminal::cap(diagnostic, terminal::TEXT_CAP);
            paragraph(out, &diagnostic, "      ", "      ", Lang::En)?;
        }
    }

    writeln!(out)?;
    writeln!(out, "{}:", l.sending_ips)?;
    if report.sending_ips.is_empty() {
        writeln!(out, "  {}", l.none_found)?;
    }
    for ip in &report.sending_ips {
        let source = match ip.found_in {
            "diagnostic" => l.found_in_diagnostic.to_string(),
            _ => match &ip.host {
                Some(host) => format!("{} ({host})", l.found_in_reporting_mta),
                None => l.found_in_reporting_mta.to_string(),
            },
        };
        writeln!(out, "  {:<16} {source}", ip.ip)?;
    }
    for domain in &report.sending_domains {
        writeln!(out, "  {}: {}", l.sending_domain, domain.domain)?;
    }
    for host in &report.lookup.unresolved_hosts {
        writeln!(out, "  {} ({}: {})", host.host, l.unresolved, host.error)?;
    }

    writeln!(out)?;
    write!(out, "{}:", l.blocklists)?;
    match report.lookup.state {
        "offline" => writeln!(out, " {}", l.offline)?,
        "unreachable" => writeln!(
            out,
            " {} ({})",
            l.unreachable,
            report.lookup.error.as_deref().unwrap_or_default()
        )?,
        _ => {
            writeln!(out)?;
            let width = report.listings.iter().map(|l| l.subject.len()).max().unwrap_or(0).max(16);
            for listing in &report.listings {
                let state = match listing.listed {
                    Some(true) => {
                        let mut text = format!("{} {}", l.listed, listing.codes.join(", "));
                        if !listing.meanings.is_empty() {
                            text.push_str(&format!(": {}", listing.meanings.join("; ")));
                        }
                        text
                    }
                    Some(false) => l.not_listed.to_string(),
                    None => {
                        format!("{}: {}", l.unknown, listing.error.as_deref().unwrap_or_default())
                    }
                };
                writeln!(out, "  {:<width$} {:<24} {state}", listing.subject, listing.list)?;
                if listing.listed == Some(true) {
                    for txt in &listing.txt {
                        writeln!(out, "  {:<width$} {:<24} \"{txt}\"", "", "")?;
                    }
                    if let Some(url) = &listing.removal_url {
                        writeln!(out, "  {:<width$} {:<24} {}: {url}", "", "", l.removal)?;
                    }
                }
            }
        }
    }

    let original = &report.original_message;
    let fields = [
        (l.subject, &original.subject),
        (l.from, &original.from),
        (l.to, &original.to),
        (l.date, &original.date),
        (l.message_id, &original.message_id),
    ];
    if fields.iter().any(|(_, value)| value.is_some()) {
        writeln!(out)?;
        writeln!(out, "{}:", l.original_message)?;
        for (label, value) in fields {
            if let Some(value) = value {
                field(out, label, value)?;
            }
        }
    }

    if report.reporting_mta.is_some() || verdict.hosting.name.is_some() {
        writeln!(out)?;
    }
    if let Some(mta) = &report.reporting_mta {
        writeln!(out, "{}: {mta}", l.reported_by)?;
    }
    if let Some(name) = verdict.hosting.display_name.as_ref().or(verdict.hosting.name.as_ref()) {
        let kind = if verdict.hosting.shared == Some(true) {
            l.shared_hosting
        } else {
            l.dedicated_hosting
        };
        writeln!(out, "{}: {name} ({kind})", l.hosting)?;
    }
    if !report.truncated.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}: {}", l.truncated, report.truncated.join(", "))?;
    }
    Ok(())
}

fn actions(
    out: &mut impl Write,
    actions: &[String],
    l: &Labels,
    lang: Lang,
) -> std::io::Result<()> {
    if actions.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}:", l.what_to_do)?;
    for (n, action) in actions.iter().enumerate() {
        let first = format!("  {}. ", n + 1);
        let rest = " ".repeat(first.chars().count());
        paragraph(out, action, &first, &rest, lang)?;
    }
    Ok(())
}

fn field(out: &mut impl Write, label: &str, value: &str) -> std::io::Result<()> {
    writeln!(out, "    {label}: {value}")
}

/// Writes `text` wrapped at word boundaries. Japanese has no spaces between words, so
/// it is left for the terminal to wrap.
fn paragraph(
    out: &mut impl Write,
    text: &str,
    first_indent: &str,
    indent: &str,
    lang: Lang,
) -> std::io::Result<()> {
    if lang == Lang::Ja {
        return writeln!(out, "{first_indent}{text}");
    }
    let mut line = String::from(first_indent);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            writeln!(out, "{line}")?;
            line = String::from(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    writeln!(out, "{line}")
}
