//! `rebound report --format html` rendered by Debian's headless Chromium: the page a
//! browser builds shows the counts, the causes and the suppression list the JSON
//! summary holds, and a hostile bounce's markup shows as text, never as an element.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{eml_fixtures, rebound};

/// A bounce whose `Date` and recipient carry a script, in a file whose name is an
/// image tag: each ends up on the page (the suppression table's date, address and
/// source columns).
const HOSTILE: &str = "From: MAILER-DAEMON@mx.example.net\n\
To: sender@example.com\n\
Subject: Undelivered Mail Returned to Sender\n\
Date: <script>alert(1)</script>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\
\n\
--B\n\
Content-Type: text/plain\n\
\n\
This is the mail system.\n\
\n\
--B\n\
Content-Type: message/delivery-status\n\
\n\
Reporting-MTA: dns; mx.example.net\n\
\n\
Final-Recipient: rfc822; <script>alert(2)</script>@example.jp\n\
Action: failed\n\
Status: 5.1.1\n\
Diagnostic-Code: smtp; 550 5.1.1 <x@example.jp>: Recipient address rejected: User unknown in local recipient table\n\
\n\
--B--\n";

const HOSTILE_NAME: &str = "<img src=x onerror=alert(3)>.eml";

/// Debian's `chromium`, or `None` (the test then skips, unless CI requires it).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|p| p.is_file())
    });
    if found.is_none() {
        let message = "chromium not found (apt-get install chromium): the HTML report is not \
                       checked in a browser";
        if std::env::var("REBOUND_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
            panic!("{message} (REBOUND_REQUIRE_CHROMIUM=1)");
        }
        eprintln!("SKIPPED report_html: {message}");
    }
    found
}

/// Runs headless Chromium on `page` with `args` and returns its standard output.
fn run_chromium(chromium: &Path, profile: &Path, page: &Path, args: &[&str]) -> String {
    let output = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// Text as the DOM serialiser writes it in element content.
fn text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The section with this id, up to its end.
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in the DOM:\n{dom}"));
    let end = dom[start..].find("</section>").map_or(dom.len(), |e| start + e);
    &dom[start..end]
}

struct Page {
    _dir: tempfile::TempDir,
    dom: String,
    summary: Value,
}

/// Writes the page for the fixtures and the hostile bounce in `lang`, renders it in
/// Chromium, and returns its DOM with the JSON summary of the same inputs.
fn render(chromium: &Path, lang: &str) -> Page {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join(HOSTILE_NAME);
    std::fs::write(&hostile, HOSTILE).unwrap();
    let mut inputs = eml_fixtures();
    inputs.push(hostile.display().to_string());
    let run = |format: &str| {
        let mut args = vec!["report", "--offline", "--lang", lang, "--format", format];
        args.extend(inputs.iter().map(String::as_str));
        let run = rebound(&args);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        run
    };
    let summary = run("json").json();
    let page = dir.path().join("report.html");
    std::fs::write(&page, run("html").stdout()).unwrap();

    let dom = run_chromium(chromium, &dir.path().join("profile"), &page, &["--dump-dom"]);
    let shot = dir.path().join("report.png");
    run_chromium(
        chromium,
        &dir.path().join("profile"),
        &page,
        &["--window-size=1100,2000", &format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    Page { _dir: dir, dom, summary }
}

fn check_page(page: &Page) {
    let (dom, summary) = (&page.dom, &page.summary);
    assert!(dom.contains(&format!("<html lang=\"{}\">", summary["lang"].as_str().unwrap())));

    // The headline numbers are the summary's.
    let totals = section(dom, "totals");
    let recipients = &summary["recipients"];
    for (class, number) in [
        ("messages", &summary["messages"]),
        ("failed", &recipients["failed"]),
        ("delayed", &recipients["delayed"]),
        ("other", &recipients["other"]),
    ] {
        let card = format!("<div class=\"card {class}\"><div class=\"num\">{number}</div>");
        assert!(totals.contains(&card), "{card} not in {totals}");
    }
    let suppress = summary["suppress"].as_array().unwrap();
    assert!(totals.contains(&format!("<div class=\"num\">{}</div>", suppress.len())));
    assert!(summary["messages"].as_u64().unwrap() > 50);

    // Every cause is a labelled bar with its count.
    let causes = section(dom, "causes");
    assert!(causes.contains("<svg"), "{causes}");
    for (name, cause) in summary["causes"].as_object().unwrap() {
        let label = text(cause["label"].as_str().unwrap());
        let bar = format!("{label}</text>");
        assert!(causes.contains(&bar), "cause {name}: {bar} not in {causes}");
        let count = format!("<title>{label}: {} ", cause["recipients"]);
        assert!(causes.contains(&count), "cause {name}: {count} not in {causes}");
    }
    // The top cause leads "what to do first".
    let first = section(dom, "first");
    let top = summary["causes"]
        .as_object()
        .unwrap()
        .values()
        .filter(|c| c["label"] != summary["causes"]["not_a_failure"]["label"])
        .map(|c| c["recipients"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(first.contains(&format!("{top}</p>")), "{first}");
    assert!(first.contains("<li>"), "{first}");

    let providers = section(dom, "providers");
    for provider in summary["providers"].as_object().unwrap().values() {
        let name = text(provider["name"].as_str().unwrap());
        assert!(providers.contains(&format!("{name}</text>")), "{name} not in {providers}");
    }

    // One suppression row per address, each address shown.
    let table = section(dom, "suppression");
    assert_eq!(table.matches("<tr>").count(), suppress.len() + 1, "{table}");
    for entry in suppress {
        let address = text(entry["address"].as_str().unwrap());
        assert!(table.contains(&format!(">{address}</td>")), "{address} not in {table}");
    }

    // The hostile bounce is text on the page, never markup.
    assert!(table.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{table}");
    assert!(table.contains("&lt;img src=x onerror=alert(3)&gt;.eml"), "{table}");
    assert!(!dom.contains("<script"), "a script element made it into the page");
    assert!(!dom.contains("<img"), "an image element made it into the page");
    // Self-contained: nothing is fetched.
    for fetch in ["<link", " src=\"", "@import", "url("] {
        assert!(!dom.contains(fetch), "the page loads something ({fetch})");
    }
}

#[test]
fn html_report_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let page = render(&chromium, "en");
    check_page(&page);
    assert!(page.dom.contains("<h2>Suppression list</h2>"));

    let page = render(&chromium, "ja");
    check_page(&page);
    assert!(page.dom.contains("<h2>配信停止リスト</h2>"));
    let label = page.summary["causes"]["recipient_problem"]["label"].as_str().unwrap();
    assert!(!label.is_ascii(), "the Japanese page has Japanese cause names: {label}");
}
