//! Prints what `rebound_dsn::parse` makes of each file named on the command line.
//!
//! `cargo run -p rebound-dsn --example dump -- FILE...` prints every result;
//! with `--summary` first, it prints one line per file and totals (panics caught and
//! counted), for measuring against a directory of real bounces.
use std::panic;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let summary = args.first().is_some_and(|a| a == "--summary");
    if summary {
        args.remove(0);
    }
    let (mut ok, mut records, mut not_bounce, mut empty, mut panics, mut no_status) =
        (0, 0, 0, 0, 0, 0);
    let started = std::time::Instant::now();
    for path in &args {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{path}: {err}");
                continue;
            }
        };
        let result = panic::catch_unwind(|| rebound_dsn::parse(&bytes));
        match (&result, summary) {
            (Err(_), _) => {
                panics += 1;
                println!("PANIC {path}");
            }
            (Ok(parsed), false) => println!("== {path}\n{parsed:#?}"),
            (Ok(Ok(b)), true) => {
                ok += 1;
                records += b.recipients.len();
                if b.recipients.iter().all(|r| r.status.is_none() && r.reply_code.is_none()) {
                    no_status += 1;
                }
                let first = &b.recipients[0];
                println!(
                    "ok {path} {:?} {:?} n={} rcpt={:?} status={:?} reply={:?} cmd={:?}",
                    b.form,
                    b.generator,
                    b.recipients.len(),
                    first.recipient,
                    first.status.map(|s| s.to_string()),
                    first.reply_code,
                    first.smtp_command
                );
            }
            (Ok(Err(rebound_dsn::ParseError::Empty)), true) => {
                empty += 1;
                println!("EMPTY {path}");
            }
            (Ok(Err(err)), true) => {
                not_bounce += 1;
                println!("NOTABOUNCE {path}: {err}");
            }
        }
    }
    if summary {
        println!(
            "files={} ok={ok} records={records} ok_without_any_code={no_status} \
             not_a_bounce={not_bounce} empty={empty} panics={panics} elapsed={:?}",
            args.len(),
            started.elapsed()
        );
    }
}
