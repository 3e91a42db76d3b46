//! `rebound report --format html`: one self-contained page (inline CSS and SVG, no
//! script, no external font, image or style sheet) that a person can open from disk
//! or attach to a mail. Every string that comes from a bounce is escaped: a hostile
//! bounce shows as text, never as markup.

use std::fmt::Write as _;
use std::io::Write;

use rebound_verdict::{Cause, Summary};

use crate::render::summary_labels::SummaryLabels;

const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --card: #fff;
  --accent: #2f6fde; --warn: #c2410c; --ok: #2f855a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans CJK JP", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 32px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 20px; }
h2 { font-size: 18px; margin: 0 0 12px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  background: none; border: none; padding: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .num { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 13px; }
.card.failed .num { color: var(--warn); }
.card.suppress .num { color: var(--accent); }
#first { border-left: 5px solid var(--warn); }
#first.calm { border-left-color: var(--ok); }
#first .headline { font-size: 17px; font-weight: 600; margin: 0 0 6px; }
#first .muted, .note { color: var(--muted); font-size: 13px; }
#first ul { margin: 8px 0 0; padding-left: 20px; }
th.n { text-align: right; }
td.ip { white-space: nowrap; word-break: normal; }
svg.chart { display: block; width: 100%; max-width: 560px; height: auto; }
svg text { font-family: inherit; font-size: 13px; fill: var(--ink); }
svg text.count { font-weight: 600; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
.tag { display: inline-block; background: #fdecea; color: var(--warn); border-radius: 4px; padding: 0 6px; margin: 1px 2px; font-size: 12px; }
.empty { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; }
"#;

pub fn write(out: &mut impl Write, summary: &Summary) -> anyhow::Result<()> {
    out.write_all(page(summary).as_bytes())?;
    Ok(())
}

/// The whole page.
pub fn page(summary: &Summary) -> String {
    let l = SummaryLabels::get(summary.language());
    let t = &summary.recipients;
    let mut html = String::with_capacity(16 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        summary.lang,
        esc(l.title),
        esc(l.title)
    );

    html.push_str("<section id=\"totals\" class=\"cards\">\n");
    for (class, number, label) in [
        ("messages", summary.messages, l.messages),
        ("failed", t.failed, l.failed),
        ("delayed", t.delayed, l.delayed),
        ("other", t.other, l.other),
        ("suppress", summary.suppress.len() as u64, l.to_suppress),
    ] {
        let _ = writeln!(
            html,
            "<div class=\"card {class}\"><div class=\"num\">{number}</div>\
             <div class=\"label\">{}</div></div>",
            esc(label)
        );
    }
    html.push_str("</section>\n");

    first(&mut html, summary, l);

    let causes: Vec<Bar> = summary
        .causes_by_count()
        .into_iter()
        .map(|(name, c)| Bar {
            label: c.label.to_string(),
            count: c.recipients,
            warn: name.parse::<Cause>().is_ok_and(Cause::sender_side),
        })
        .collect();
    let mut providers: Vec<Bar> = summary
        .providers_by_count()
        .into_iter()
        .map(|(_, p)| Bar { label: p.name.to_string(), count: p.recipients, warn: false })
        .collect();
    if summary.unrecognised_provider > 0 {
        providers.push(Bar {
            label: l.unrecognised_provider.to_string(),
            count: summary.unrecognised_provider,
            warn: false,
        });
    }
    let reasons: Vec<Bar> = summary
        .reasons_by_count()
        .into_iter()
        .map(|(name, r)| Bar {
            label: if r.label.is_empty() { name.to_string() } else { r.label.to_string() },
            count: r.recipients,
            warn: false,
        })
        .collect();
    chart_section(&mut html, "causes", l.causes, &causes, l);
    chart_section(&mut html, "providers", l.providers, &providers, l);
    chart_section(&mut html, "reasons", l.reasons, &reasons, l);

    ip_table(&mut html, summary, l);
    list_table(&mut html, summary, l);
    suppression_table(&mut html, summary, l);

    let _ = write!(html, "<footer>{}</footer>\n</main>\n</body>\n</html>\n", esc(l.generated_by));
    html
}

/// "What to do first": the top cause's heading and the actions given for it.
fn first(html: &mut String, summary: &Summary, l: &SummaryLabels) {
    let Some((_, cause)) = summary.top_cause() else {
        let _ = writeln!(
            html,
            "<section id=\"first\" class=\"calm\"><h2>{}</h2><p>{}</p></section>",
            esc(l.first),
            esc(l.nothing_failed)
        );
        return;
    };
    let _ = write!(
        html,
        "<section id=\"first\"><h2>{}</h2>\n<p class=\"headline\">{}</p>\n\
         <p class=\"muted\">{} {}</p>\n",
        esc(l.first),
        esc(cause.heading),
        esc(l.first_lead),
        cause.recipients
    );
    if !cause.actions.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"muted\">{} <span class=\"mono\">{}</span></p>\n<ul>",
            esc(l.example_from),
            esc(&cause.example)
        );
        for action in &cause.actions {
            let _ = writeln!(html, "<li>{}</li>", esc(action));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section>\n");
}

struct Bar {
    label: String,
    count: u64,
    /// A sender-side cause: drawn in the warning colour.
    warn: bool,
}

fn chart_section(html: &mut String, id: &str, title: &str, bars: &[Bar], l: &SummaryLabels) {
    let _ = writeln!(html, "<section id=\"{id}\"><h2>{}</h2>", esc(title));
    if bars.is_empty() {
        let _ = writeln!(html, "<p class=\"empty\">{}</p>", esc(l.none));
    } else {
        html.push_str(&bar_chart(title, bars, l.chart_unit));
    }
    html.push_str("</section>\n");
}

/// A horizontal bar chart: each row a label line and, under it, a bar as long as the
/// count against the largest, with the count at its end.
fn bar_chart(title: &str, bars: &[Bar], unit: &str) -> String {
    const WIDTH: u64 = 560;
    const ROW: u64 = 44;
    const BAR_MAX: u64 = 500;
    // Longer labels would run past the chart's edge; the bar's tooltip has it whole.
    const LABEL_CHARS: usize = 80;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as u64 + 4;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = ROW * index as u64;
        let length = (bar.count * BAR_MAX / max).max(2);
        let colour = if bar.warn { "#c2410c" } else { "#2f6fde" };
        let _ = writeln!(
            svg,
            "<g class=\"bar\"><title>{label}: {count} {unit}</title>\
             <text x=\"0\" y=\"{ty}\">{short}</text>\
             <rect x=\"0\" y=\"{ry}\" width=\"{length}\" height=\"14\" rx=\"3\" fill=\"{colour}\"/>\
             <text class=\"count\" x=\"{cx}\" y=\"{cy}\">{count}</text></g>",
            label = esc(&bar.label),
            short = esc(&shorten(&bar.label, LABEL_CHARS)),
            count = bar.count,
            unit = esc(unit),
            ty = y + 14,
            ry = y + 20,
            cx = length + 6,
            cy = y + 32,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn ip_table(html: &mut String, summary: &Summary, l: &SummaryLabels) {
    let _ = writeln!(html, "<section id=\"sending-ips\"><h2>{}</h2>", esc(l.sending_ips));
    let ips = summary.ips_by_count();
    if ips.is_empty() {
        let _ = writeln!(html, "<p class=\"empty\">{}</p></section>", esc(l.none));
        return;
    }
    let _ = writeln!(
        html,
        "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.ip),
        esc(l.messages),
        esc(l.refused),
        esc(l.providers),
        esc(l.lists)
    );
    for (ip, count) in ips {
        let providers: Vec<String> =
            count.providers.iter().map(|id| esc(summary.provider_name(id))).collect();
        let lists: String =
            count.lists.iter().map(|z| format!("<span class=\"tag\">{}</span>", esc(z))).collect();
        let _ = writeln!(
            html,
            "<tr><td class=\"mono ip\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(ip),
            count.messages,
            count.refused,
            providers.join(", "),
            lists
        );
    }
    html.push_str("</tbody></table></section>\n");
}

fn list_table(html: &mut String, summary: &Summary, l: &SummaryLabels) {
    let _ = writeln!(html, "<section id=\"lists\"><h2>{}</h2>", esc(l.lists));
    if summary.lists.is_empty() {
        let _ = writeln!(html, "<p class=\"empty\">{}</p></section>", esc(l.none));
        return;
    }
    let _ = writeln!(
        html,
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.list),
        esc(l.listed),
        esc(l.messages),
        esc(l.removal)
    );
    for (zone, list) in &summary.lists {
        let listed: Vec<String> = list.listed.iter().map(|s| esc(s)).collect();
        // Only a web address becomes a link: a `javascript:` URL in a hostile catalog
        // or answer stays text.
        let removal = match &list.removal_url {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                format!("<a href=\"{0}\" rel=\"noreferrer\">{0}</a>", esc(url))
            }
            Some(url) => esc(url),
            None => String::new(),
        };
        let _ = writeln!(
            html,
            "<tr><td>{}<br><span class=\"mono\">{}</span></td><td class=\"mono\">{}</td>\
             <td class=\"n\">{}</td><td class=\"mono\">{removal}</td></tr>",
            esc(&list.name),
            esc(zone),
            listed.join("<br>"),
            list.messages
        );
    }
    html.push_str("</tbody></table></section>\n");
}

fn suppression_table(html: &mut String, summary: &Summary, l: &SummaryLabels) {
    let _ = write!(
        html,
        "<section id=\"suppression\"><h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        esc(l.suppression),
        esc(l.suppression_note)
    );
    if summary.suppress.is_empty() {
        let _ = writeln!(html, "<p class=\"empty\">{}</p></section>", esc(l.none));
        return;
    }
    let _ = writeln!(
        html,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.address),
        esc(l.reason),
        esc(l.why),
        esc(l.date),
        esc(l.source)
    );
    for entry in &summary.suppress {
        let reason = summary.reasons.get(entry.reason).map_or("", |r| r.label);
        let _ = writeln!(
            html,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
            esc(&entry.address),
            esc(if reason.is_empty() { entry.reason } else { reason }),
            esc(l.suppress_reason(entry.suppress_reason)),
            esc(entry.date.as_deref().unwrap_or("")),
            esc(&entry.source)
        );
    }
    html.push_str("</tbody></table></section>\n");
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn long_labels_are_cut_on_a_character() {
        assert_eq!(shorten("日本語のラベル", 3), "日本語…");
        assert_eq!(shorten("short", 80), "short");
    }

    #[test]
    fn bars_scale_to_the_largest() {
        let bars = [
            Bar { label: "a".into(), count: 4, warn: true },
            Bar { label: "<b>".into(), count: 1, warn: false },
        ];
        let svg = bar_chart("t", &bars, "recipients");
        assert!(svg.contains("width=\"500\""), "{svg}");
        assert!(svg.contains("width=\"125\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "{svg}");
    }
}
