//! Parse-and-classify throughput over directories of bounce files, in one process.
//!
//! `cargo xtask bench` runs this beside Sisimai on the same corpus. Each pass reads
//! every file, parses it, classifies every recipient and plans its lookups, then
//! drops it, so memory stays flat however large the corpus is (streaming). The
//! median pass is reported, with the process's peak RSS.
//!
//! Usage: `throughput [--passes N] [--threads N] DIR...` (threads default to the
//! number of cores; files are shared out one at a time).

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// The same allocator as the `rebound` binary, so that this measures what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut passes = 5usize;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut dirs = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--passes" {
            passes = args.next().and_then(|n| n.parse().ok()).ok_or("--passes needs a number")?;
        } else if arg == "--threads" {
            threads = args.next().and_then(|n| n.parse().ok()).ok_or("--threads needs a number")?;
        } else {
            dirs.push(PathBuf::from(arg));
        }
    }
    if dirs.is_empty() {
        return Err("usage: throughput [--passes N] DIR...".into());
    }
    let mut files = Vec::new();
    for dir in &dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            // The size, known from listing the directory, saves a read per file later.
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() && !hidden => files.push((path, meta.len())),
                _ => {}
            }
        }
    }
    files.sort();

    let (times, (bytes, records, bounces)) = run_passes(&files, threads.max(1), passes.max(1))?;
    let mut times = times;
    times.sort();
    let median = times[times.len() / 2].max(Duration::from_nanos(1)).as_secs_f64();
    let emails = files.len() as f64;
    println!(
        "rebound: {} files, {bytes} bytes, {bounces} bounces, {records} records; {threads} thread(s), median of {} passes {:.4}s",
        files.len(),
        times.len(),
        median
    );
    println!(
        "summary emails={} bytes={bytes} records={records} threads={threads} wall_s={median:.6} emails_per_s={:.1} mb_per_s={:.3} peak_rss_mib={:.1}",
        files.len(),
        emails / median,
        bytes as f64 / 1e6 / median,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    Ok(())
}

/// Runs `passes` passes over every file on `threads` workers that live for all of
/// them (so no pass pays for starting threads), and times each pass. A pass: read,
/// parse, classify, plan, drop. Returns the pass times and, of the last pass, bytes
/// read, records classified and bounces recognised.
#[allow(clippy::type_complexity)]
fn run_passes(
    files: &[(PathBuf, u64)],
    threads: usize,
    passes: usize,
) -> Result<(Vec<Duration>, (u64, u64, u64)), String> {
    let next = AtomicUsize::new(0);
    let (bytes, records, bounces) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    // Workers and the timer meet at the start and at the end of every pass.
    let barrier = std::sync::Barrier::new(threads + 1);
    let failure: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let work = || {
        // One buffer per worker, reused: a streaming reader needs no more.
        let mut raw = Vec::with_capacity(1 << 16);
        for _ in 0..passes {
            barrier.wait();
            // Counted here and added to the shared totals once per pass: counters
            // that both workers bumped for every file would bounce their cache line
            // between the cores.
            let (mut my_bytes, mut my_records, mut my_bounces) = (0, 0, 0);
            while let Some((path, size)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                let len = match read_file(path, *size, &mut raw) {
                    Ok(len) => len,
                    Err(e) => {
                        let mut failure = failure.lock().unwrap_or_else(|e| e.into_inner());
                        failure.get_or_insert_with(|| format!("{}: {e}", path.display()));
                        continue;
                    }
                };
                let content = &raw[..len];
                my_bytes += len as u64;
                let Ok(bounce) = rebound_dsn::parse(content) else { continue };
                my_bounces += 1;
                for recipient in &bounce.recipients {
                    let reason = rebound_verdict::Reason::classify_in(recipient, &bounce);
                    let hard = rebound_verdict::hard_bounce_of(recipient, reason);
                    std::hint::black_box((reason, hard));
                    my_records += 1;
                }
                std::hint::black_box(rebound_verdict::plan(&bounce));
            }
            bytes.fetch_add(my_bytes, Ordering::Relaxed);
            records.fetch_add(my_records, Ordering::Relaxed);
            bounces.fetch_add(my_bounces, Ordering::Relaxed);
            barrier.wait();
        }
    };
    let mut times = Vec::with_capacity(passes);
    let mut last = (0, 0, 0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        for _ in 0..passes {
            next.store(0, Ordering::Relaxed);
            for counter in [&bytes, &records, &bounces] {
                counter.store(0, Ordering::Relaxed);
            }
            let started = Instant::now();
            barrier.wait();
            barrier.wait();
            times.push(started.elapsed());
            last = (
                bytes.load(Ordering::Relaxed),
                records.load(Ordering::Relaxed),
                bounces.load(Ordering::Relaxed),
            );
        }
        workers.into_iter().try_for_each(|w| w.join().map_err(|_| "a worker panicked".to_string()))
    })?;
    if let Some(failure) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(failure);
    }
    Ok((times, last))
}

/// Reads the file at `path` into the start of `buffer`, expecting `size` bytes, and
/// returns how many it read.
///
/// A read asks for one byte more than expected: getting exactly `size` means the
/// end of the file (a regular file's read is short only at its end), so the usual
/// extra read that finds the end is saved. A file that changed size since it was
/// listed is read to its end all the same.
fn read_file(path: &std::path::Path, size: u64, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = std::fs::File::open(path)?;
    let expected = usize::try_from(size).unwrap_or(usize::MAX).min(1 << 30);
    // The buffer only grows, so bytes are zeroed once, not for every file.
    if buffer.len() <= expected {
        buffer.resize(expected + 1, 0);
    }
    let got = file.read(&mut buffer[..=expected])?;
    if got == expected {
        return Ok(got);
    }
    buffer.truncate(got);
    // `Take` hides the file's size hint, which `read_to_end` would ask the kernel
    // for with another call.
    file.take(u64::MAX).read_to_end(buffer)?;
    Ok(buffer.len())
}

/// The process's peak resident set size (`VmHWM`), from /proc on Linux.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
