//! `rebound diagnose`: read the inputs (`inputs.rs`), parse the messages on all
//! cores, look up their sending IPs batch by batch, decide, and print each report
//! in input order as soon as it and those before it are done.
//!
//! The pipeline: one thread walks the inputs and numbers each item; workers parse
//! (and, offline, build the whole report); this thread puts the results back in
//! order and prints them. A window of tokens bounds how many items are in flight,
//! so memory stays bounded whatever the size of the input. With DNS on, reports
//! are built per batch of [`BATCH`] bounces, after one DNS phase for the batch;
//! subjects asked by an earlier batch are not asked again.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use rebound_dsn::{Bounce, Limits};
use rebound_rbl::Catalog;
use rebound_verdict::{Findings, Lang, LookupPlan, Report, Source};

use crate::args::{DiagnoseArgs, DnsArgs, Format, Language};
use crate::inputs::{self, Content, Item, Message, Reading};
use crate::lookup::{self, AnswerCache};
use crate::render::stream::{self, Output, Piece, Sink};

/// Items read but not yet printed, at most: the memory bound of a run.
const WINDOW: usize = 256;
/// Messages handed to a worker at once.
const CHUNK: usize = 32;
/// Bounces per DNS phase when DNS is on.
const BATCH: usize = 1000;

/// Set by the first Ctrl-C: the run stops reading and prints what it has.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn run(args: DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let lang = match args.lang {
        Language::En => Lang::En,
        Language::Ja => Lang::Ja,
    };
    anyhow::ensure!(
        !(args.request && matches!(args.format, Format::Sisimai | Format::Ndjson)),
        "--request works with --format text, json or ndjson, not sisimai"
    );
    let inputs = prepare(&args.rules, &args.inputs, "diagnose")?;
    let out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut output = Output::new(out, args.format, args.request, lang);
    let reading = Reading { kind: args.input.kind(), limits: args.limits.limits() };
    let outcome =
        stream(inputs, &args.dns, reading, args.request, Some(args.format), lang, &mut output)?;
    output.finish()?;
    Ok(outcome.exit_code())
}

/// What `diagnose` and `report` do before reading: the user's rules files are
/// loaded (before anything is classified: the rules are read on first use), and
/// with no input, standard input is read when it is not a terminal.
pub fn prepare(
    rules: &[PathBuf],
    inputs: &[PathBuf],
    command: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    for path in rules {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| name.clone())?;
        rebound_verdict::add_rules_file(&name, &text)?;
    }
    let mut inputs = inputs.to_vec();
    if inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            anyhow::bail!(
                "no input: give bounce files (or `-` for standard input), or pipe one in; \
                 see `rebound {command} --help`"
            );
        }
        inputs.push("-".into());
    }
    Ok(inputs)
}

/// How a run went, for its exit status.
pub struct Outcome {
    pub unreadable: bool,
    pub not_bounces: bool,
}

impl Outcome {
    /// 130 interrupted, 2 an input could not be read, 1 an input held no bounce, 0.
    pub fn exit_code(&self) -> ExitCode {
        if INTERRUPTED.load(Ordering::SeqCst) {
            ExitCode::from(130)
        } else if self.unreadable {
            ExitCode::from(2)
        } else if self.not_bounces {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// Reads, parses and judges every input and hands each report to `sink` in input
/// order, as it is done. `render_as` asks the workers to render offline reports in
/// that format (what printing needs); `None` hands the sink reports only. Shared by
/// `diagnose` and `report`. Ctrl-C stops the reading; what was done is handed on.
pub fn stream(
    inputs: Vec<PathBuf>,
    dns: &DnsArgs,
    reading: Reading,
    request: bool,
    render_as: Option<Format>,
    lang: Lang,
    sink: &mut dyn Sink,
) -> anyhow::Result<Outcome> {
    let catalog = crate::lists::load_catalog(dns.catalog.as_deref())?;
    // A second Ctrl-C ends the run at once (a DNS phase may take --timeout).
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });

    let read = Arc::new(AtomicU64::new(0));
    let progress = progress_bar(&inputs);
    let (results, tokens) = start(inputs, dns.offline, reading, request, render_as, lang, &read);

    let mut run = Run {
        output: sink,
        progress,
        read,
        started: Instant::now(),
        done: 0,
        unreadable: false,
        not_bounces: false,
        batch: Vec::new(),
        cache: AnswerCache::default(),
        catalog,
        config: lookup::checker_config(dns),
        request,
        render_as,
        lang,
    };
    let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
    let mut next = 0;
    loop {
        let received = match results.recv_timeout(Duration::from_millis(20)) {
            Err(RecvTimeoutError::Timeout) => {
                // Nothing came for a while: what is printed goes out before waiting on.
                run.output.flush()?;
                results.recv_timeout(Duration::from_millis(100))
            }
            received => received,
        };
        match received {
            Ok(results) => pending.extend(results),
            Err(RecvTimeoutError::Timeout) if !INTERRUPTED.load(Ordering::SeqCst) => continue,
            Err(_) => break,
        }
        while let Some(done) = pending.remove(&next) {
            next += 1;
            run.take(done)?;
            // The walker may read one more item.
            let _ = tokens.send(());
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            break;
        }
    }
    run.flush_batch()?;
    let Run { progress, unreadable, not_bounces, .. } = run;
    progress.finish_and_clear();
    Ok(Outcome { unreadable, not_bounces })
}

/// What became of one item, numbered in input order.
enum Done {
    /// Offline: the finished report, rendered when the format allows.
    Report(Box<Report>),
    Rendered(Piece),
    /// With DNS: the bounce and its plan, waiting for the batch's DNS phase.
    Parsed {
        name: String,
        source: Source,
        bounce: Box<Bounce>,
        plan: LookupPlan,
    },
    Unreadable(String, String),
    NotABounce(String, String),
    Note(String, String),
}

/// Starts the walker and the workers; returns the results (numbered) and the
/// sender of window tokens (one per item printed).
fn start(
    inputs: Vec<PathBuf>,
    offline: bool,
    reading: Reading,
    request: bool,
    format: Option<Format>,
    lang: Lang,
    read: &Arc<AtomicU64>,
) -> (Receiver<Vec<(usize, Done)>>, SyncSender<()>) {
    let (result_tx, result_rx) = mpsc::channel::<Vec<(usize, Done)>>();
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(WINDOW);
    for _ in 0..WINDOW {
        let _ = token_tx.send(());
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (work_tx, work_rx) = mpsc::sync_channel::<Vec<(usize, Message)>>(threads * 2);
    let work_rx = Arc::new(Mutex::new(work_rx));
    for _ in 0..threads {
        let work_rx = Arc::clone(&work_rx);
        let result_tx = result_tx.clone();
        std::thread::spawn(move || loop {
            // The lock is held only to take one chunk.
            let next = work_rx.lock().map(|rx| rx.recv());
            let Ok(Ok(chunk)) = next else { break };
            let done = chunk
                .into_iter()
                .map(|(seq, message)| {
                    (seq, work(message, offline, &reading.limits, request, format, lang))
                })
                .collect();
            if result_tx.send(done).is_err() {
                break;
            }
        });
    }
    let read = Arc::clone(read);
    std::thread::spawn(move || {
        let mut seq = 0;
        // Messages go to the workers in chunks: one hand-over (and one wake-up) per
        // chunk rather than per message, which is most of the cost of small ones.
        let mut chunk: Vec<(usize, Message)> = Vec::with_capacity(CHUNK);
        let mut chunk_started = Instant::now();
        let mut open = true;
        let send_chunk = |chunk: &mut Vec<(usize, Message)>, open: &mut bool| {
            if !chunk.is_empty() && work_tx.send(std::mem::take(chunk)).is_err() {
                *open = false;
            }
        };
        inputs::walk(&inputs, &read, reading, &mut |item| {
            if INTERRUPTED.load(Ordering::SeqCst) {
                return false;
            }
            // A token per item bounds what is in flight. Before waiting for one, the
            // chunk held here goes out: the printer may be waiting for its messages.
            match token_rx.try_recv() {
                Ok(()) => {}
                Err(mpsc::TryRecvError::Empty) => {
                    send_chunk(&mut chunk, &mut open);
                    if token_rx.recv().is_err() {
                        return false;
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => return false,
            }
            let sent = match item {
                Item::Message(message) => {
                    if chunk.is_empty() {
                        chunk_started = Instant::now();
                    }
                    chunk.push((seq, message));
                    // A slow input (a pipe) is not held back for long.
                    if chunk.len() >= CHUNK || chunk_started.elapsed() > Duration::from_millis(20) {
                        send_chunk(&mut chunk, &mut open);
                    }
                    open
                }
                Item::Unreadable { name, error } => {
                    result_tx.send(vec![(seq, Done::Unreadable(name, error))]).is_ok()
                }
                Item::NotMail { name, error } => {
                    result_tx.send(vec![(seq, Done::NotABounce(name, error))]).is_ok()
                }
                Item::Note { name, note } => {
                    result_tx.send(vec![(seq, Done::Note(name, note))]).is_ok()
                }
            };
            seq += 1;
            sent
        });
        send_chunk(&mut chunk, &mut open);
    });
    (result_rx, token_tx)
}

/// A worker's share: parse one message and, offline, decide and build its report.
fn work(
    message: Message,
    offline: bool,
    limits: &Limits,
    request: bool,
    format: Option<Format>,
    lang: Lang,
) -> Done {
    let Message { name, source, content } = message;
    let mut bounce = match content {
        Content::Record(bounce) => *bounce,
        Content::Mail(bytes) => match rebound_dsn::parse_with(&bytes, limits) {
            Ok(bounce) => bounce,
            Err(err @ rebound_dsn::ParseError::TooLarge { .. }) => {
                let hint = "raise it with --limit message-size=SIZE";
                return Done::Unreadable(name, format!("{err} ({hint})"));
            }
            Err(err) => return Done::NotABounce(name, err.to_string()),
        },
    };
    let plan = rebound_verdict::plan_with(&bounce, limits);
    // The report says every limit reached, the plan's as well as the parser's.
    bounce.truncated.extend(plan.truncated.iter().copied());
    if offline {
        let findings = Findings::offline(&plan);
        let report = finish(&name, source, &bounce, &plan, &findings, request, lang);
        return rendered(report, format, request, lang);
    }
    Done::Parsed { name, source, bounce: Box::new(bounce), plan }
}

/// The report, rendered when the format allows: the serialising, the costly part of
/// the output, is done where this is called, on all cores. `--request` as text waits
/// for the next report (to separate them), so it is printed in order instead.
fn rendered(report: Report, format: Option<Format>, request: bool, lang: Lang) -> Done {
    if let Some(format) = format.filter(|f| !(request && *f == Format::Text)) {
        if let Ok(piece) = stream::render(&report, format, lang) {
            return Done::Rendered(piece);
        }
    }
    Done::Report(Box::new(report))
}

fn finish(
    name: &str,
    source: Source,
    bounce: &Bounce,
    plan: &LookupPlan,
    findings: &Findings,
    request: bool,
    lang: Lang,
) -> Report {
    let report = Report::build_planned(name, bounce, plan, findings, lang).with_source(source);
    if request {
        report.with_request(lang)
    } else {
        report
    }
}

/// The printing side of a run.
struct Run<'a> {
    output: &'a mut dyn Sink,
    progress: ProgressBar,
    read: Arc<AtomicU64>,
    started: Instant,
    done: u64,
    unreadable: bool,
    not_bounces: bool,
    batch: Vec<(String, Source, Box<Bounce>, LookupPlan)>,
    cache: AnswerCache,
    catalog: Catalog,
    config: rebound_rbl::CheckerConfig,
    request: bool,
    /// The format reports are rendered in off the printing thread, when it allows.
    render_as: Option<Format>,
    lang: Lang,
}

/// An input's problem on standard error; a file name (a Maildir's, an mbox's
/// `From` line) is shown terminal-safe like the reports.
fn warn(name: &str, message: &str) {
    eprintln!("rebound: {}", crate::render::terminal::safe(&format!("{name}: {message}")));
}

impl Run<'_> {
    fn take(&mut self, done: Done) -> anyhow::Result<()> {
        match done {
            Done::Report(report) => self.print(*report)?,
            Done::Rendered(piece) => {
                self.output.push_piece(piece)?;
                self.count();
            }
            Done::Parsed { name, source, bounce, plan } => {
                self.batch.push((name, source, bounce, plan));
                if self.batch.len() >= BATCH {
                    self.flush_batch()?;
                }
            }
            Done::Unreadable(name, error) => {
                self.progress.suspend(|| warn(&name, &error));
                self.unreadable = true;
            }
            Done::NotABounce(name, error) => {
                self.progress.suspend(|| warn(&name, &error));
                self.not_bounces = true;
                self.count();
            }
            Done::Note(name, note) => self.progress.suspend(|| warn(&name, &note)),
        }
        Ok(())
    }

    fn print(&mut self, report: Report) -> anyhow::Result<()> {
        self.output.push(report)?;
        self.count();
        Ok(())
    }

    fn count(&mut self) {
        self.done += 1;
        if self.done % 64 == 0 {
            let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            self.progress.set_position(self.read.load(Ordering::Relaxed));
            self.progress.set_message(format!("{} messages, {rate:.0}/s", self.done));
        }
    }

    /// One DNS phase for the bounces waiting, then their reports in order. The
    /// reports are built (and rendered) on all cores, as offline: with DNS, the
    /// printing thread would otherwise build every report alone.
    fn flush_batch(&mut self) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let requests: Vec<_> = batch.iter().map(|(_, _, _, plan)| plan.request()).collect();
        let answers = self.cache.check(&requests, &self.catalog, &self.config);
        let (catalog, request, render_as, lang) =
            (&self.catalog, self.request, self.render_as, self.lang);
        let build = |(name, source, bounce, plan): (String, Source, Box<Bounce>, LookupPlan)| {
            let findings = Findings::from_answers(&plan, &answers, catalog, lang);
            let report = finish(&name, source, &bounce, &plan, &findings, request, lang);
            rendered(report, render_as, request, lang)
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_thread = batch.len().div_ceil(threads);
        let mut shares = Vec::with_capacity(threads);
        let mut rest = batch;
        while rest.len() > per_thread {
            let tail = rest.split_off(per_thread);
            shares.push(std::mem::replace(&mut rest, tail));
        }
        shares.push(rest);
        let built: Vec<Vec<Done>> = std::thread::scope(|scope| {
            let handles: Vec<_> = shares
                .into_iter()
                .map(|share| scope.spawn(|| share.into_iter().map(build).collect::<Vec<Done>>()))
                .collect();
            handles.into_iter().map(|h| h.join()).collect::<Result<_, _>>()
        })
        .map_err(|_| anyhow::anyhow!("building a report failed unexpectedly (a bug)"))?;
        for done in built.into_iter().flatten() {
            self.take(done)?;
        }
        self.output.flush()
    }
}

/// A progress bar on standard error when it is a terminal, hidden otherwise. Its
/// length, the inputs' total size, is measured on a thread of its own, so that a
/// big tree does not delay the first report.
fn progress_bar(inputs: &[PathBuf]) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::no_length();
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {msg} (ETA {eta})",
    ) {
        bar.set_style(style);
    }
    let measuring = bar.clone();
    let inputs = inputs.to_vec();
    std::thread::spawn(move || measuring.set_length(inputs::total_bytes(&inputs)));
    bar
}
