//! JSON output: always one array, with one report per message, so that a program
//! reads any run the same way (`docs/json.md`); or, with `--format ndjson`, one
//! report per line. Both are written as the reports come.

use std::io::Write;

use rebound_verdict::Report;

/// `report` as an element of a pretty-printed array, exactly as
/// `serde_json::to_writer_pretty` writes it inside the array (without the comma
/// or bracket before it).
pub fn element(report: &Report) -> anyhow::Result<Vec<u8>> {
    let text = serde_json::to_string_pretty(report)?;
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    // A JSON string never holds a raw line feed, so every line is indented.
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(b"  ");
        out.extend_from_slice(line.as_bytes());
    }
    Ok(out)
}

/// Closes an array of `written` elements.
pub fn finish_array(out: &mut impl Write, written: usize) -> anyhow::Result<()> {
    out.write_all(if written == 0 { b"[]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// `report` as one line, for `--format ndjson`.
///
/// sonic-rs writes the same bytes as serde_json ([`line_reference`], which the tests
/// hold it to) with vectorised string escaping: on a mailbox of bounces, escaping
/// strings was a sixth of the whole run with serde_json, and sonic-rs takes an eighth
/// of the instructions overall off the run (`cargo xtask bench e2e`).
pub fn line(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = sonic_rs::to_vec(report)?;
    out.push(b'\n');
    Ok(out)
}

/// [`line`] written by serde_json: the plain version, kept as its reference.
#[cfg_attr(not(test), allow(dead_code))]
pub fn line_reference(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(report)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use rebound_verdict::{plan, Findings, Lang, Report};

    fn report_of(name: &str, bytes: &[u8], lang: Lang) -> Option<Report> {
        let bounce = rebound_dsn::parse(bytes).ok()?;
        Some(
            Report::build(name, &bounce, &Findings::offline(&plan(&bounce)), lang)
                .with_request(lang),
        )
    }

    #[test]
    fn a_line_is_what_serde_json_writes_for_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut dirs = vec![root];
        let mut compared = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                for lang in [Lang::En, Lang::Ja] {
                    let Some(report) = report_of(&path.display().to_string(), &bytes, lang) else {
                        continue;
                    };
                    let fast = super::line(&report).unwrap();
                    let plain = super::line_reference(&report).unwrap();
                    assert!(
                        fast == plain,
                        "{}: {}\n{}",
                        path.display(),
                        String::from_utf8_lossy(&fast),
                        String::from_utf8_lossy(&plain)
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 300, "only {compared} reports compared");
    }

    #[test]
    fn every_kind_of_character_is_escaped_as_serde_json_escapes_it() {
        let all: String = (0u32..0x3000)
            .filter_map(char::from_u32)
            .filter(|c| !matches!(c, '\n' | '\r'))
            .chain(['\u{FEFF}', '\u{1F600}'])
            .collect();
        let bounce = format!(
            "From: MAILER-DAEMON@example.net\r\nTo: a@example.org\r\nSubject: Undelivered Mail\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n<b@example.jp>: host mx.example.jp[192.0.2.7] said: \
             550 5.1.1 \"quoted\" back\\slash /slash {all}\r\n"
        );
        let report = report_of("chars", bounce.as_bytes(), Lang::En).unwrap();
        let plain = super::line_reference(&report).unwrap();
        let text = String::from_utf8_lossy(&plain);
        assert!(text.contains("back\\\\slash"));
        // The diagnostic holds the control characters, escaped.
        assert!(text.contains("\\u001f") && text.contains("\\u0000"), "{text}");
        assert_eq!(super::line(&report).unwrap(), plain);
    }
}
