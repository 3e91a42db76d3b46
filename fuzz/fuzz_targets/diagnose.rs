//! The whole offline `rebound diagnose`: bytes as a file holds them, split into
//! messages or records as the command does (an mbox, a mail log, a service's
//! events, or one bounce), each parsed, judged without DNS, and written as JSON
//! and as text. It must never panic or hang; the JSON must be valid and keep every
//! recipient, and the text must hold no character that controls a terminal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_dsn::{Bounce, InputKind};
use rebound_verdict::{plan, Findings, Lang, Report, Summary};

// The command's own text renderer, compiled here as it is in the binary (the CLI
// crate has no library to depend on).
#[allow(dead_code)]
#[path = "../../crates/cli/src/labels.rs"]
mod labels;
#[allow(dead_code)]
#[path = "../../crates/cli/src/render/terminal.rs"]
mod terminal;
#[allow(dead_code)]
#[path = "../../crates/cli/src/render/text.rs"]
mod text;

/// The messages or records of one input, as `rebound diagnose` reads a file.
fn bounces(data: &[u8]) -> Vec<Bounce> {
    match rebound_dsn::detect(data) {
        InputKind::Mail => rebound_dsn::split_mbox(data)
            .into_iter()
            .filter_map(|m| rebound_dsn::parse(m).ok())
            .collect(),
        kind => rebound_dsn::parse_events(kind, data).unwrap_or_default(),
    }
}

fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200D}')
}

fuzz_target!(|data: &[u8]| {
    let lang = if data.len().is_multiple_of(2) { Lang::En } else { Lang::Ja };
    let mut summary = Summary::new(lang);
    for (index, bounce) in bounces(data).iter().enumerate() {
        let findings = Findings::offline(&plan(bounce));
        let report = Report::build("fuzz.eml", bounce, &findings, lang).with_request(lang);
        summary.add(&report);

        let json = serde_json::to_vec(&report).expect("a report serialises");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
        let recipients = value["recipients"].as_array().map_or(0, Vec::len);
        assert_eq!(recipients, bounce.recipients.len(), "a recipient went missing from the JSON");
        for (out, record) in
            value["recipients"].as_array().into_iter().flatten().zip(&bounce.recipients)
        {
            // JSON is exact: the diagnostic as parsed, not as made safe for a terminal.
            assert_eq!(out["diagnostic"].as_str(), record.diagnostic.as_deref());
        }
        let _ = serde_json::to_string_pretty(&report).expect("a report serialises");

        let mut page = Vec::new();
        text::write_page(&mut page, &report, index, lang).expect("text renders");
        let page = String::from_utf8(page).expect("text output is UTF-8");
        if let Some(c) = page.chars().find(|c| unsafe_for_terminal(*c)) {
            panic!("{c:?} reaches the terminal");
        }
    }
    let _ = summary.top_cause();
});
