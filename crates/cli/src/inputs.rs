//! `diagnose`'s inputs, read in order: files, directories (recursively), Maildir
//! folders (`cur/` and `new/`), mbox files (split as they are read, so that a big
//! mbox is never in memory at once), gzip-compressed files (recognised by their
//! magic bytes) and standard input. Each message found goes to a callback with its
//! name and [`Source`]; what cannot be read is reported to the callback too and
//! never stops the walk.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rebound_verdict::Source;

/// One message to diagnose.
pub struct Message {
    /// The name reports carry: the path, `FILE#N` for the N-th message of an mbox
    /// holding several (or the N-th record of a log or event file), `-` for standard
    /// input.
    pub name: String,
    pub source: Source,
    pub content: Content,
}

/// A message as read: mail to parse, or a record of a mail log or a sending
/// service's events, already turned into a bounce by `rebound_dsn::parse_events`.
pub enum Content {
    Mail(Vec<u8>),
    Record(Box<rebound_dsn::Bounce>),
}

/// What the walk found, in input order.
pub enum Item {
    Message(Message),
    /// The input could not be read (exit status 2).
    Unreadable {
        name: String,
        error: String,
    },
    /// The input holds no mail (exit status 1).
    NotMail {
        name: String,
        error: String,
    },
    /// Something skipped that is not an error of the input (a directory reached
    /// again through a symbolic link).
    Note {
        name: String,
        note: String,
    },
}

/// Where a file found by the walk sits.
enum Place {
    /// Given on the command line or found in a plain directory.
    File,
    /// A message file of a Maildir folder.
    Maildir { folder: String, name: String },
}

/// How every input is read.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// The kind of input the user said all inputs are (`--input`); `None`: each is
    /// recognised by its content.
    pub kind: Option<rebound_dsn::InputKind>,
    /// What is read of each message (`--limit`): here, the largest message read.
    pub limits: rebound_dsn::Limits,
}

impl Place {
    /// Where a message of the file `name` found here was read.
    fn source(self, name: &str) -> Source {
        match self {
            Place::File => Source::file(name),
            Place::Maildir { folder, name } => Source::maildir(folder, name),
        }
    }
}

type Emit<'a> = dyn FnMut(Item) -> bool + 'a;
/// What to do with a file found by the walk.
type FileFn<'a> = dyn FnMut(&Path, Place, &mut Emit<'_>) -> bool + 'a;

/// Walks the inputs in order, calling `emit` with each item; stops early when
/// `emit` returns false. `read` counts the bytes read from files (before
/// decompression), for the progress bar. A file (other than an mbox, whose messages
/// `rebound_dsn::parse_with` bounds) is read up to `max_message` bytes only: a
/// larger one is unreadable.
pub fn walk(
    inputs: &[PathBuf],
    read: &Arc<AtomicU64>,
    reading: Reading,
    emit: &mut dyn FnMut(Item) -> bool,
) {
    let mut stdin_used = false;
    let mut go = true;
    for path in inputs {
        if !go {
            return;
        }
        if path.as_os_str() == "-" {
            if std::mem::replace(&mut stdin_used, true) {
                go = emit(Item::Unreadable {
                    name: "-".into(),
                    error: "standard input was already read once".into(),
                });
                continue;
            }
            let stdin = std::io::stdin().lock();
            go = read_file("-", Place::File, Box::new(stdin), reading, emit);
            continue;
        }
        go = visit(
            path,
            &mut Vec::new(),
            &mut |path, place, emit| read_path(path, place, read, reading, emit),
            emit,
        );
    }
}

/// The total size of the files the inputs name (standard input not counted), for
/// the progress bar's estimate.
pub fn total_bytes(inputs: &[PathBuf]) -> u64 {
    let mut total = 0;
    for path in inputs.iter().filter(|p| p.as_os_str() != "-") {
        visit(
            path,
            &mut Vec::new(),
            &mut |path, _, _| {
                total += std::fs::metadata(path).map_or(0, |m| m.len());
                true
            },
            &mut |_| true,
        );
    }
    total
}

/// Visits `path`: a file goes to `file`, a directory is walked (a Maildir folder
/// through its `cur/` and `new/`). Names starting with a dot are skipped in plain
/// directories (`.git`, `.DS_Store`) but a Maildir++ subfolder (`.Sent`) is
/// walked. `ancestors` holds the directories being walked, to stop symbolic link
/// loops.
fn visit(
    path: &Path,
    ancestors: &mut Vec<PathBuf>,
    file: &mut FileFn<'_>,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let name = path.display().to_string();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => return emit(Item::Unreadable { name, error: format!("cannot open: {err}") }),
    };
    if !metadata.is_dir() {
        return file(path, Place::File, emit);
    }
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if ancestors.contains(&real) {
        let note = format!("skipped: a symbolic link loop back to {}", real.display());
        return emit(Item::Note { name, note });
    }
    ancestors.push(real);
    let go = if is_maildir(path) {
        walk_maildir(path, ancestors, file, emit)
    } else {
        entries(path, emit).into_iter().all(|entry| {
            let hidden = entry.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            hidden || visit(&entry, ancestors, file, emit)
        })
    };
    ancestors.pop();
    go
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

fn walk_maildir(
    dir: &Path,
    ancestors: &mut Vec<PathBuf>,
    file: &mut FileFn<'_>,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let folder = dir.display().to_string();
    // Where the folder really is, to tell a symbolic link that leads out of it.
    let real_folder = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    for sub in ["cur", "new"] {
        for entry in entries(&dir.join(sub), emit) {
            let Some(name) = entry.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            // A Maildir holds the files its delivery agent wrote; a symbolic link
            // there is not one, and one leading out of the folder is not followed,
            // so a diagnosis never reads (and names) a file elsewhere.
            let is_link =
                std::fs::symlink_metadata(&entry).is_ok_and(|m| m.file_type().is_symlink());
            if is_link {
                match std::fs::canonicalize(&entry) {
                    Ok(target) if !target.starts_with(&real_folder) => {
                        let note = format!(
                            "skipped: a symbolic link out of the Maildir folder (to {})",
                            target.display()
                        );
                        if !emit(Item::Note { name: entry.display().to_string(), note }) {
                            return false;
                        }
                        continue;
                    }
                    // A loop or a dangling link: opening it says which.
                    _ => {}
                }
            }
            if entry.is_dir() {
                continue;
            }
            if !file(&entry, Place::Maildir { folder: folder.clone(), name }, emit) {
                return false;
            }
        }
    }
    // Maildir++ keeps subfolders as `.Name` directories beside cur/new/tmp.
    entries(dir, emit).into_iter().all(|entry| {
        let folder_like = entry.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.starts_with('.') && n.len() > 1 && n != ".."
        });
        !(folder_like && entry.is_dir()) || visit(&entry, ancestors, file, emit)
    })
}

/// A directory's entries, sorted by name so that every run has the same order.
fn entries(dir: &Path, emit: &mut dyn FnMut(Item) -> bool) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(list) => {
            let mut paths: Vec<PathBuf> = list.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(err) => {
            let name = dir.display().to_string();
            emit(Item::Unreadable { name, error: format!("cannot list: {err}") });
            Vec::new()
        }
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn read_path(
    path: &Path,
    place: Place,
    read: &Arc<AtomicU64>,
    reading: Reading,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let name = path.display().to_string();
    match File::open(path) {
        Ok(file) => {
            let counted = Box::new(Counted { inner: file, read: Arc::clone(read) });
            read_file(&name, place, counted, reading, emit)
        }
        Err(err) => emit(Item::Unreadable { name, error: format!("cannot open: {err}") }),
    }
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Reads one file (or standard input): decompressed when it is gzip, split when it
/// is an mbox, else one message.
fn read_file(
    name: &str,
    place: Place,
    reader: Box<dyn Read + '_>,
    reading: Reading,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    use rebound_dsn::InputKind;
    let max_message = reading.limits.message_size;
    let unreadable = |error: std::io::Error| Item::Unreadable {
        name: name.into(),
        error: format!("cannot read: {error}"),
    };
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let gzip = match reader.fill_buf() {
        Ok(head) => head.starts_with(GZIP_MAGIC),
        Err(err) => return emit(unreadable(err)),
    };
    let mut reader: Box<dyn BufRead + '_> = if gzip {
        Box::new(BufReader::with_capacity(64 * 1024, flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    };
    let mbox = match reader.fill_buf() {
        Ok(head) => {
            let start = head.iter().take_while(|b| b.is_ascii_whitespace()).count();
            head.get(start..).is_some_and(|rest| rest.starts_with(b"From "))
        }
        Err(err) => return emit(unreadable(err)),
    };
    if mbox && matches!(reading.kind, None | Some(InputKind::Mail)) {
        return read_mbox(name, reader, max_message, emit);
    }
    let log = match (reading.kind, reader.fill_buf()) {
        (Some(kind), _) => rebound_dsn::LogReader::new(kind),
        (None, Ok(head)) => rebound_dsn::LogReader::new(rebound_dsn::detect(head)),
        (None, Err(err)) => return emit(unreadable(err)),
    };
    if let Some(log) = log {
        return read_log(name, place, reader, log, emit);
    }
    let mut bytes = Vec::new();
    // Read up to the limit, then see whether one more byte follows: a file over it
    // is never read whole (and the buffer never grows past the limit for that byte).
    let limit = u64::try_from(max_message).unwrap_or(u64::MAX);
    if let Err(err) = (&mut reader).take(limit).read_to_end(&mut bytes) {
        return emit(unreadable(err));
    }
    let over = match reader.fill_buf() {
        Ok(more) => !more.is_empty(),
        Err(err) => return emit(unreadable(err)),
    };
    if over {
        return emit(Item::Unreadable { name: name.into(), error: too_large(None, max_message) });
    }
    let source = place.source(name);
    match messages_of(bytes, reading.kind) {
        Ok(messages) => {
            let several = messages.len() > 1;
            messages.into_iter().enumerate().all(|(index, content)| {
                let shown = if several { format!("{name}#{}", index + 1) } else { name.into() };
                let source =
                    if several { source.clone().with_index(index + 1) } else { source.clone() };
                emit(Item::Message(Message { name: shown, source, content }))
            })
        }
        Err(error) => emit(Item::NotMail { name: name.into(), error }),
    }
}

/// Why a message was not read: its size (when known) is over the limit.
fn too_large(size: Option<usize>, max_message: usize) -> String {
    let size = size.map(|s| format!(" ({s} bytes)")).unwrap_or_default();
    format!(
        "over the message-size limit of {max_message} bytes{size} (raise it with --limit message-size=SIZE)"
    )
}

/// Reads a mail log line by line (so that a log of any size is read in bounded
/// memory), handing out each message's record as the reader closes it: the same
/// records, names and sources as [`messages_of`] gives for the whole file.
fn read_log(
    name: &str,
    place: Place,
    mut reader: Box<dyn BufRead + '_>,
    mut log: rebound_dsn::LogReader,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let source = place.source(name);
    let mut index = 0;
    let mut send = |bounce: rebound_dsn::Bounce, several: bool, index: usize| {
        let (shown, source) = if several {
            (format!("{name}#{index}"), source.clone().with_index(index))
        } else {
            (name.to_string(), source.clone())
        };
        emit(Item::Message(Message {
            name: shown,
            source,
            content: Content::Record(Box::new(bounce)),
        }))
    };
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => log.read_line(&String::from_utf8_lossy(&line)),
            Err(err) => {
                let error = format!("cannot read after record {index}: {err}");
                return emit(Item::Unreadable { name: name.into(), error });
            }
        }
        for bounce in log.ready() {
            index += 1;
            if !send(bounce, true, index) {
                return false;
            }
        }
    }
    let kind = log.kind();
    match log.finish() {
        Ok(rest) if index == 0 && rest.is_empty() => emit(Item::NotMail {
            name: name.into(),
            error: format!("a {} input with no failure in it", kind.name()),
        }),
        Ok(rest) => {
            let several = index > 0 || rest.len() > 1;
            rest.into_iter().all(|bounce| {
                index += 1;
                send(bounce, several, index)
            })
        }
        Err(error) => emit(Item::NotMail {
            name: name.into(),
            error: format!("{} input: {error}", kind.name()),
        }),
    }
}

/// The one place where a file's content becomes messages (as the `kind` the user
/// chose, else as recognised), for a file that is not
/// an mbox: a mail log (Postfix, Exim, Sendmail) or a sending service's events (SES,
/// SendGrid, Mailgun, Postmark), recognised by their content (`rebound_dsn::detect`),
/// become one record per message or event; anything else is one message (a bounce,
/// or pasted bounce text, in any encoding the parser reads). An error names why the
/// file holds no mail.
fn messages_of(
    bytes: Vec<u8>,
    kind: Option<rebound_dsn::InputKind>,
) -> Result<Vec<Content>, String> {
    match kind.unwrap_or_else(|| rebound_dsn::detect(&bytes)) {
        rebound_dsn::InputKind::Mail => Ok(vec![Content::Mail(bytes)]),
        kind => {
            let records = rebound_dsn::parse_events(kind, &bytes)
                .map_err(|e| format!("{} input: {e}", kind.name()))?;
            if records.is_empty() {
                return Err(format!("a {} input with no failure in it", kind.name()));
            }
            Ok(records.into_iter().map(|b| Content::Record(Box::new(b))).collect())
        }
    }
}

fn read_mbox(
    name: &str,
    reader: Box<dyn BufRead + '_>,
    max_message: usize,
    emit: &mut dyn FnMut(Item) -> bool,
) -> bool {
    use crate::mbox::Next;
    let mut mbox = crate::mbox::MboxReader::new(reader, max_message);
    let mut index = 0;
    loop {
        let next = mbox.next_message();
        if matches!(next, Ok(Some(_))) {
            index += 1;
        }
        let several = index > 1 || mbox.has_more();
        let shown = if several { format!("{name}#{index}") } else { name.to_string() };
        let go = match next {
            Ok(Some(Next::Message(bytes))) => emit(Item::Message(Message {
                name: shown,
                source: Source::mbox(name, index),
                content: Content::Mail(bytes),
            })),
            // Passed over as it was read: memory stays bounded, and the run goes on.
            Ok(Some(Next::TooLarge(size))) => {
                emit(Item::Unreadable { name: shown, error: too_large(Some(size), max_message) })
            }
            Ok(None) => return true,
            Err(err) => {
                let error = format!("cannot read after message {index}: {err}");
                return emit(Item::Unreadable { name: name.into(), error });
            }
        };
        if !go {
            return false;
        }
    }
}
