//! Pairing Sisimai's and rebound's records, and the markdown report of where they
//! disagree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{status_differs, FilePair, Record};

/// One recipient as both sides saw it (a side with no record for it is `None`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub file: String,
    pub sisimai: Option<Record>,
    pub rebound: Option<Record>,
    /// The corpus's expected reason for rebound's record, when the corpus gives one.
    pub expected: Option<String>,
}

/// Every disagreement.
#[derive(Debug, Default)]
pub struct Diff {
    /// Keyed by (Sisimai reason, rebound reason); `(none)` for a side without the record.
    pub groups: BTreeMap<(String, String), Vec<Entry>>,
    /// Files whose recipient sets differ: (file, Sisimai's, rebound's).
    pub recipient_sets: Vec<(String, Vec<String>, Vec<String>)>,
    /// Same reason, different status.
    pub status: Vec<Entry>,
    /// Same reason, different hard/soft.
    pub hard: Vec<Entry>,
    /// Records (pairs) on which both agree on the reason.
    pub agreed: usize,
    pub sisimai_records: usize,
    pub rebound_records: usize,
    pub sisimai_errors: Vec<(String, String)>,
}

const NONE: &str = "(none)";

impl Diff {
    pub fn of(pairs: &[FilePair]) -> Diff {
        let mut diff = Diff::default();
        for pair in pairs {
            if let Some(err) = &pair.error {
                diff.sisimai_errors.push((pair.file.clone(), err.clone()));
            }
            diff.sisimai_records += pair.sisimai.len();
            diff.rebound_records += pair.rebound.len();
            let set = |records: &[Record]| {
                let mut set: Vec<String> = records.iter().map(|r| r.recipient.clone()).collect();
                set.sort();
                set.dedup();
                set
            };
            let (theirs, ours) = (set(&pair.sisimai), set(&pair.rebound));
            if theirs != ours {
                diff.recipient_sets.push((pair.file.clone(), theirs, ours));
            }
            // Paired by recipient first; what is left on both sides, in order (a
            // recipient spelled differently is already in `recipient_sets`).
            let mut unused: Vec<Option<&Record>> = pair.sisimai.iter().map(Some).collect();
            let mut matched: Vec<Option<&Record>> = pair
                .rebound
                .iter()
                .map(|ours| {
                    unused
                        .iter_mut()
                        .find(|r| r.is_some_and(|r| r.recipient == ours.recipient))
                        .and_then(Option::take)
                })
                .collect();
            let mut leftovers = unused.iter_mut().filter_map(Option::take);
            for slot in matched.iter_mut().filter(|m| m.is_none()) {
                *slot = leftovers.next();
            }
            let leftovers: Vec<&Record> = leftovers.collect();
            for (index, (ours, theirs)) in pair.rebound.iter().zip(matched).enumerate() {
                diff.add(Entry {
                    file: pair.file.clone(),
                    sisimai: theirs.cloned(),
                    rebound: Some(ours.clone()),
                    expected: pair.expected.get(index).cloned(),
                });
            }
            for theirs in leftovers {
                diff.add(Entry {
                    file: pair.file.clone(),
                    sisimai: Some(theirs.clone()),
                    rebound: None,
                    expected: None,
                });
            }
        }
        diff
    }

    fn add(&mut self, entry: Entry) {
        let reason = |r: &Option<Record>| r.as_ref().map_or(NONE.to_string(), |r| r.reason.clone());
        let key = (reason(&entry.sisimai), reason(&entry.rebound));
        if key.0 != key.1 {
            self.groups.entry(key).or_default().push(entry);
            return;
        }
        self.agreed += 1;
        let (Some(theirs), Some(ours)) = (&entry.sisimai, &entry.rebound) else { return };
        if status_differs(theirs, ours) {
            self.status.push(entry.clone());
        }
        if theirs.hard.is_some_and(|hard| Some(hard) != ours.hard) {
            self.hard.push(entry);
        }
    }

    pub fn reason_differs(&self) -> usize {
        self.groups.values().map(Vec::len).sum()
    }

    pub fn summary_line(&self, files: usize) -> String {
        format!(
            "diff-sisimai files={files} sisimai_records={} rebound_records={} same_reason={} \
             reason_differs={} groups={} recipient_sets_differ={} status_differs={} \
             hard_differs={} sisimai_errors={}",
            self.sisimai_records,
            self.rebound_records,
            self.agreed,
            self.reason_differs(),
            self.groups.len(),
            self.recipient_sets.len(),
            self.status.len(),
            self.hard.len(),
            self.sisimai_errors.len()
        )
    }
}

/// Reasons Sisimai 4.25 does not have (it cannot give them); Sisimai 5.x does.
const ONLY_IN_SISIMAI_5: &[&str] =
    &["authfailure", "badreputation", "failedstarttls", "notcompliantrfc", "requireptr"];

/// The report: a summary, the table of groups, each group's records, then the
/// recipient-set, status and hard/soft differences.
pub fn markdown(dirs: &[PathBuf], pairs: &[FilePair], diff: &Diff) -> String {
    let name = |file: &str| short_name(file, dirs);
    let mut md = String::new();
    md.push_str("# diff-sisimai: Debian's Sisimai 4.25 and rebound on the same mail\n\n");
    let inputs: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.display())).collect();
    md.push_str(&format!("Inputs: {} ({} files).\n\n", inputs.join(", "), pairs.len()));
    md.push_str(&format!("`{}`\n\n", diff.summary_line(pairs.len())));
    md.push_str(
        "Records are paired by recipient within a file, then what is left on both sides in \
         order (the cell shows both recipients, Sisimai's first). `(none)`: that side has \
         no record for it. `corpus`: the answer the corpus's `expected.tsv` gives for \
         rebound's record, when there is one (Sisimai 5.x's for the Sisimai corpus).\n\n",
    );
    md.push_str("## Reason groups\n\n| Sisimai 4.25 | rebound | records | files | rebound = corpus |\n|---|---|---|---|---|\n");
    let mut groups: Vec<_> = diff.groups.iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for ((theirs, ours), entries) in &groups {
        let mut files: Vec<&str> = entries.iter().map(|e| e.file.as_str()).collect();
        files.dedup();
        let with_answer = entries.iter().filter(|e| e.expected.is_some()).count();
        let agree = entries.iter().filter(|e| e.expected.as_deref() == Some(ours.as_str())).count();
        let answer =
            if with_answer == 0 { "-".to_string() } else { format!("{agree}/{with_answer}") };
        md.push_str(&format!(
            "| {theirs} | {ours} | {} | {} | {answer} |\n",
            entries.len(),
            files.len()
        ));
    }
    for ((theirs, ours), entries) in &groups {
        md.push_str(&format!("\n### Sisimai `{theirs}`, rebound `{ours}` ({})\n\n", entries.len()));
        if ONLY_IN_SISIMAI_5.contains(&ours.as_str()) {
            md.push_str(&format!("Sisimai 4.25 has no reason `{ours}` (Sisimai 5.x has).\n\n"));
        }
        entry_table(&mut md, entries, &name);
    }
    md.push_str(&format!("\n## Recipient sets differ ({} files)\n\n", diff.recipient_sets.len()));
    if !diff.recipient_sets.is_empty() {
        md.push_str("| file | Sisimai 4.25 | rebound |\n|---|---|---|\n");
        for (file, theirs, ours) in &diff.recipient_sets {
            md.push_str(&format!("| {} | {} | {} |\n", name(file), list(theirs), list(ours)));
        }
    }
    md.push_str(&format!("\n## Same reason, status differs ({})\n\n", diff.status.len()));
    entry_table(&mut md, &diff.status, &name);
    md.push_str(&format!("\n## Same reason, hard/soft differs ({})\n\n", diff.hard.len()));
    entry_table(&mut md, &diff.hard, &name);
    if !diff.sisimai_errors.is_empty() {
        md.push_str(&format!("\n## Sisimai errors ({})\n\n", diff.sisimai_errors.len()));
        for (file, err) in &diff.sisimai_errors {
            md.push_str(&format!("- {}: {}\n", name(file), cell(err, 160)));
        }
    }
    md
}

fn entry_table(md: &mut String, entries: &[Entry], name: &dyn Fn(&str) -> String) {
    if entries.is_empty() {
        return;
    }
    md.push_str("| file | recipient | Sisimai 4.25 | rebound | corpus |\n|---|---|---|---|---|\n");
    for e in entries {
        let recipient =
            e.rebound.as_ref().or(e.sisimai.as_ref()).map_or("", |r| r.recipient.as_str());
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            name(&e.file),
            cell(recipient, 80),
            side(e.sisimai.as_ref()),
            side(e.rebound.as_ref()),
            e.expected.as_deref().unwrap_or("")
        ));
    }
}

/// One side's answer in a cell: reason, status, hard/soft, and the start of the diagnostic.
fn side(record: Option<&Record>) -> String {
    let Some(r) = record else { return NONE.to_string() };
    let hard = match r.hard {
        Some(true) => " hard",
        Some(false) => " soft",
        None => "",
    };
    format!("{} {}{hard}: {}", r.reason, r.status, cell(&r.diagnostic, 90))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        NONE.to_string()
    } else {
        cell(&items.join(", "), 120)
    }
}

/// Text fit for a table cell: one line, pipes escaped, cut at `max` characters.
fn cell(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        short.push('…');
    }
    short.replace('|', "\\|")
}

/// A file's name relative to the directory two levels above its input (`sisimai/emails/x.eml`).
fn short_name(file: &str, dirs: &[PathBuf]) -> String {
    let path = Path::new(file);
    dirs.iter()
        .filter(|dir| path.starts_with(dir))
        .find_map(|dir| {
            let base = dir.parent().and_then(Path::parent)?;
            path.strip_prefix(base).ok().map(|p| p.display().to_string())
        })
        .unwrap_or_else(|| file.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(recipient: &str, reason: &str, status: &str, hard: bool) -> Record {
        Record {
            recipient: recipient.into(),
            reason: reason.into(),
            status: status.into(),
            hard: Some(hard),
            diagnostic: "550 5.1.1 no | such user".into(),
        }
    }

    #[test]
    fn pairs_by_recipient_and_groups_by_reason_pair() {
        let pair = FilePair {
            file: "d/e/a.eml".into(),
            sisimai: vec![
                record("b@x.example", "userunknown", "5.1.1", true),
                record("a@x.example", "filtered", "5.2.0", false),
                record("c@x.example", "blocked", "5.7.1", false),
            ],
            rebound: vec![
                record("a@x.example", "userunknown", "5.1.1", true),
                record("b@x.example", "userunknown", "5.0.0", false),
            ],
            expected: vec!["userunknown".into()],
            error: None,
        };
        let diff = Diff::of(std::slice::from_ref(&pair));
        let keys: Vec<_> = diff.groups.keys().cloned().collect();
        assert_eq!(
            keys,
            vec![
                ("blocked".to_string(), "(none)".to_string()),
                ("filtered".to_string(), "userunknown".to_string()),
            ]
        );
        assert_eq!(diff.agreed, 1);
        assert_eq!((diff.status.len(), diff.hard.len(), diff.recipient_sets.len()), (1, 1, 1));
        let md = markdown(&[PathBuf::from("d/e")], &[pair], &diff);
        assert!(md.contains("| filtered | userunknown | 1 | 1 | 1/1 |"), "{md}");
        assert!(md.contains("| d/e/a.eml | a@x.example |"), "{md}");
        assert!(md.contains("no \\| such user"), "pipes are escaped: {md}");
    }

    #[test]
    fn records_left_over_on_both_sides_pair_in_order() {
        let pair = FilePair {
            file: "a.eml".into(),
            sisimai: vec![record("x@a.example", "filtered", "5.0.910", false)],
            rebound: vec![record("", "filtered", "5.9.210", false)],
            ..FilePair::default()
        };
        let diff = Diff::of(&[pair]);
        assert!(diff.groups.is_empty(), "{:?}", diff.groups);
        assert_eq!((diff.agreed, diff.recipient_sets.len(), diff.status.len()), (1, 1, 0));
    }
}
