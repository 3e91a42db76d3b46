//! `cargo xtask diff-sisimai [--out FILE] DIR...`: differential testing against
//! Debian's Sisimai (`libsisimai-perl`, 4.25).
//!
//! Every file under each DIR (recursively; an mbox file counts as all its messages) is
//! read by Sisimai, in one Perl process for all files, and by the release `rebound`
//! binary (`diagnose --offline --format sisimai`, many files per process). Records are
//! paired by recipient within each file; the disagreements go into a markdown report
//! (default `target/diff-sisimai.md`): reason pairs grouped as (Sisimai reason, rebound
//! reason) with counts, and for each group the files with both diagnostics side by
//! side; then the files whose recipient sets differ, and the records whose status or
//! hard/soft differ. Pasted text (no header block) is given to Sisimai under a minimal
//! bounce header, since Sisimai reads only whole messages. When a corpus's `expected.tsv` sits next to the emails, each row
//! also shows the answer it expects (Sisimai 5.x's, for `../shared/corpus/sisimai`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use serde_json::Value;

use crate::corpus::{normalise_reason, status_matches};
use crate::project_root;

mod report;

/// Reads file paths on standard input, one a line, and prints for each one JSON line
/// `{"file": PATH, "records": [...]}` with Sisimai's records (`damn`, as `sisimai dump`
/// and `shared/tools/sisimai-dump` give them, delivered and vacation records included),
/// or `{"file": PATH, "error": TEXT}`. A file that does not start with a header
/// (pasted text, as in the `crisp` corpus) is given to Sisimai under a minimal bounce
/// header block, since Sisimai reads only whole messages; rebound reads it as it is.
const SISIMAI_SCRIPT: &str = r#"
use strict; use warnings;
use Sisimai; use JSON;
my $json = JSON->new->allow_blessed->convert_blessed->utf8->canonical;
my $wrap = "From: Mail Delivery System <MAILER-DAEMON\@localhost>\n"
         . "To: sender\@localhost\n"
         . "Subject: Undelivered Mail Returned to Sender\n"
         . "Content-Type: text/plain; charset=utf-8\n\n";
$| = 1;
while (my $file = <STDIN>) {
    chomp $file;
    my @records;
    my $ok = eval {
        local $SIG{__WARN__} = sub {};
        open(my $fh, '<:raw', $file) or die "cannot open: $!\n";
        my $text = do { local $/; <$fh> } // '';
        close $fh;
        # Sisimai reads only whole messages: pasted text gets a bounce's header block.
        my $head = $text =~ /\A\s*(?:From |[A-Za-z][A-Za-z0-9-]*:)/;
        my $input = $head ? $file : \($wrap . $text);
        my $data = Sisimai->make($input, 'delivered' => 1, 'vacation' => 1) || [];
        for my $e (map { $_->damn } @$data) {
            for my $k (keys %$e) {
                next if ref $e->{$k} || !defined $e->{$k};
                my $v = $e->{$k};
                utf8::decode($v) and $e->{$k} = $v;
            }
            push @records, $e;
        }
        1;
    };
    my $line = $ok ? { 'file' => $file, 'records' => \@records }
                   : { 'file' => $file, 'error' => "$@" };
    print $json->encode($line), "\n";
}
"#;

/// Files given to one `rebound` process.
const FILES_PER_RUN: usize = 200;

/// One record, from either side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub recipient: String,
    pub reason: String,
    pub status: String,
    pub hard: Option<bool>,
    pub diagnostic: String,
}

/// The two answers for one file, and the expected ones when a corpus gives them.
#[derive(Debug, Clone, Default)]
pub struct FilePair {
    pub file: String,
    pub sisimai: Vec<Record>,
    pub rebound: Vec<Record>,
    pub expected: Vec<String>,
    pub error: Option<String>,
}

pub fn run(args: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let mut dirs = Vec::new();
    let mut out = project_root().join("target/diff-sisimai.md");
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().context("--out needs a FILE")?),
            flag if flag.starts_with('-') => bail!("diff-sisimai: unknown option {flag}"),
            dir => dirs.push(PathBuf::from(dir)),
        }
    }
    anyhow::ensure!(!dirs.is_empty(), "usage: cargo xtask diff-sisimai [--out FILE] DIR...");
    ensure_sisimai()?;
    let files = list_files(&dirs)?;
    anyhow::ensure!(!files.is_empty(), "no file under {dirs:?}");
    eprintln!("xtask diff-sisimai: {} files", files.len());
    let sisimai = run_sisimai(&files)?;
    let binary = crate::corpus::build_binary()?;
    let rebound = run_rebound(&binary, &files)?;
    let expected = expected_answers(&dirs);
    let pairs: Vec<FilePair> = files
        .iter()
        .map(|file| {
            let key = file.display().to_string();
            let (records, error) = match sisimai.get(&key) {
                Some(Ok(records)) => (records.clone(), None),
                Some(Err(err)) => (Vec::new(), Some(err.clone())),
                None => (Vec::new(), Some("Sisimai gave no answer".to_string())),
            };
            FilePair {
                file: key.clone(),
                sisimai: records,
                rebound: rebound.get(&key).cloned().unwrap_or_default(),
                expected: expected.get(&key).cloned().unwrap_or_default(),
                error,
            }
        })
        .collect();
    let diff = report::Diff::of(&pairs);
    let text = report::markdown(&dirs, &pairs, &diff);
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    std::fs::write(&out, text).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{}", diff.summary_line(pairs.len()));
    println!("report: {}", out.display());
    Ok(())
}

/// Installs Debian's Sisimai when it is missing and we may (root with apt-get).
fn ensure_sisimai() -> anyhow::Result<()> {
    let present = || {
        Command::new("perl")
            .args(["-MSisimai", "-MJSON", "-e", "1"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if present() {
        return Ok(());
    }
    eprintln!("xtask diff-sisimai: installing libsisimai-perl with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "libsisimai-perl", "libjson-perl"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !install() {
        let _ = Command::new("apt-get").args(["update", "-q"]).stdout(Stdio::null()).status();
        install();
    }
    anyhow::ensure!(
        present(),
        "Sisimai is missing and could not be installed (apt-get install libsisimai-perl needs root)"
    );
    Ok(())
}

/// Every regular file under the directories (a file given directly counts too),
/// sorted, dot files left out.
fn list_files(dirs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        if path.is_file() {
            files.push(path.to_path_buf());
            return Ok(());
        }
        let entries =
            std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?;
        for entry in entries.filter_map(Result::ok) {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            walk(&entry.path(), files)?;
        }
        Ok(())
    }
    let mut files = Vec::new();
    for dir in dirs {
        walk(dir, &mut files)?;
    }
    files.sort();
    files.dedup();
    Ok(files)
}

type SisimaiAnswers = BTreeMap<String, Result<Vec<Record>, String>>;

fn run_sisimai(files: &[PathBuf]) -> anyhow::Result<SisimaiAnswers> {
    let mut child = Command::new("perl")
        .args(["-e", SISIMAI_SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run perl")?;
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let mut stdin = child.stdin.take().context("no stdin")?;
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(list.as_bytes());
    });
    let output = child.wait_with_output().context("perl failed")?;
    let _ = writer.join();
    let mut answers = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: Value = serde_json::from_str(line).context("Sisimai's output is not JSON")?;
        let file = value["file"].as_str().unwrap_or_default().to_string();
        let answer = match value["records"].as_array() {
            Some(records) => Ok(records.iter().map(|r| record_of(r, true)).collect()),
            None => Err(value["error"].as_str().unwrap_or("unknown error").trim().to_string()),
        };
        answers.insert(file, answer);
    }
    Ok(answers)
}

/// A record of either side's Sisimai-format output. Sisimai 4 says `softbounce`
/// (1 soft, 0 hard, -1 neither); rebound and Sisimai 5 say `hardbounce`.
fn record_of(r: &Value, sisimai: bool) -> Record {
    let text = |key: &str| match &r[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let hard = if sisimai && !r["softbounce"].is_null() {
        match text("softbounce").as_str() {
            "0" => Some(true),
            "1" => Some(false),
            _ => None,
        }
    } else {
        Some(text("hardbounce") == "1")
    };
    Record {
        recipient: text("recipient").to_lowercase(),
        reason: normalise_reason(&text("reason")),
        status: text("deliverystatus"),
        hard,
        diagnostic: text("diagnosticcode"),
    }
}

/// Runs rebound on every file, many per process; records are filed under their
/// `origin` (an mbox message's `FILE#N` under FILE).
fn run_rebound(binary: &Path, files: &[PathBuf]) -> anyhow::Result<BTreeMap<String, Vec<Record>>> {
    let mut answers: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for chunk in files.chunks(FILES_PER_RUN) {
        let output = Command::new(binary)
            .args(["diagnose", "--offline", "--format", "sisimai"])
            .args(chunk)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .context("cannot run rebound")?;
        let records: Vec<Value> = match serde_json::from_slice(&output.stdout) {
            Ok(Value::Array(records)) => records,
            _ if chunk.len() > 1 => {
                // One file spoilt the run (a crash): take them one by one.
                for file in chunk {
                    answers.extend(run_rebound(binary, std::slice::from_ref(file))?);
                }
                continue;
            }
            _ => Vec::new(),
        };
        for r in &records {
            let origin = r["origin"].as_str().unwrap_or_default();
            let file = match origin.rsplit_once('#') {
                Some((file, n)) if n.bytes().all(|b| b.is_ascii_digit()) => file,
                _ => origin,
            };
            answers.entry(file.to_string()).or_default().push(record_of(r, false));
        }
    }
    Ok(answers)
}

/// The reasons a corpus expects, per file, when `expected.tsv` is next to the emails:
/// Sisimai's layout gives one per record in order; the extra corpora's one per file.
fn expected_answers(dirs: &[PathBuf]) -> BTreeMap<String, Vec<String>> {
    let mut answers = BTreeMap::new();
    for dir in dirs {
        let Some(corpus) = dir.parent().filter(|p| p.join("expected.tsv").is_file()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(corpus.join("expected.tsv")) else { continue };
        let sisimai_layout = text.starts_with("file\tindex\t");
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            let (file, reason) = match (sisimai_layout, fields.as_slice()) {
                (true, [file, _, _, _, reason, ..]) => (file, reason),
                (false, [file, _, _, _, reason, ..]) if !reason.is_empty() => (file, reason),
                _ => continue,
            };
            let key = corpus.join(file).display().to_string();
            answers.entry(key).or_insert_with(Vec::new).push(normalise_reason(reason));
        }
    }
    answers
}

/// Whether two records disagree on the status (Sisimai's pseudo codes match by class).
pub fn status_differs(a: &Record, b: &Record) -> bool {
    !status_matches(&a.status, &b.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_file_and_the_answers_of_the_corpus_beside_them() {
        let corpus = std::env::temp_dir().join(format!("xtask-diff-{}", std::process::id()));
        let emails = corpus.join("emails");
        std::fs::create_dir_all(emails.join("sub")).unwrap();
        for name in ["a.eml", "sub/b.mbox", ".hidden"] {
            std::fs::write(emails.join(name), "x").unwrap();
        }
        std::fs::write(
            corpus.join("expected.tsv"),
            "file\tindex\tstatus\treplycode\treason\thardbounce\n\
             emails/a.eml\t0\t5.1.1\t550\tuserunknown\t1\n\
             emails/a.eml\t1\t5.3.4\t552\tmesgtoobig\t0\n",
        )
        .unwrap();
        let files = list_files(std::slice::from_ref(&emails)).unwrap();
        assert_eq!(files, vec![emails.join("a.eml"), emails.join("sub/b.mbox")]);
        let answers = expected_answers(std::slice::from_ref(&emails));
        let key = emails.join("a.eml").display().to_string();
        assert_eq!(answers[&key], vec!["userunknown".to_string(), "emailtoolarge".to_string()]);
        std::fs::remove_dir_all(&corpus).ok();
    }

    #[test]
    fn reads_both_hard_bounce_spellings() {
        let sisimai: Value = serde_json::from_str(
            r#"{"recipient":"A@b.example","reason":"mesgtoobig","deliverystatus":"5.3.4","softbounce":"0","diagnosticcode":"x"}"#,
        )
        .unwrap();
        let got = record_of(&sisimai, true);
        assert_eq!(got.recipient, "a@b.example");
        assert_eq!(got.reason, "emailtoolarge");
        assert_eq!(got.hard, Some(true));
        let rebound: Value = serde_json::from_str(
            r#"{"recipient":"a@b.example","reason":"expired","hardbounce":0}"#,
        )
        .unwrap();
        assert_eq!(record_of(&rebound, false).hard, Some(false));
    }
}
