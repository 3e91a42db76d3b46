//! Splitting an mbox as it is read, so that a big mbox is never in memory at once.
//!
//! The separator rule is [`rebound_dsn::split_mbox`]'s: a `From ` line with a sender
//! and a time of day, followed by a header line. mboxrd quoting is undone (`>From `
//! back to `From `, `>>From ` to `>From `). Blank lines before the first message are
//! not part of it.
//!
//! [`MboxReader`] reads blocks and looks only at the places where a line starts with
//! `From ` or `>`, found with a vectorised search: reading a mailbox costs about as
//! much as copying it. [`LineMboxReader`] is the plain version, line by line, kept as
//! the reference the fast one is tested against.

use std::io::{BufRead, Read};

use memchr::memmem;

/// How much is read from the file at a time.
const BLOCK: usize = 256 * 1024;

/// Splits an mbox into messages, block by block.
pub struct MboxReader<R> {
    reader: R,
    /// Bytes read and not yet handed out; the current message starts at `start`.
    buf: Vec<u8>,
    start: usize,
    /// Where the search for the next separator resumes: every `\nFrom ` before it has
    /// been judged (not a separator).
    scan_from: usize,
    eof: bool,
    /// Whether the first message has begun (leading blank lines skipped).
    begun: bool,
    /// Finds the start of a line that may be a separator.
    separator: memmem::Finder<'static>,
    /// How much is read at a time.
    block: usize,
    /// The largest message handed out; a larger one is passed over as it is read.
    max_message: usize,
    /// Bytes of the current message already passed over (it is over `max_message`).
    skipped: usize,
}

/// What [`MboxReader::next_message`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A message, mboxrd quoting undone.
    Message(Vec<u8>),
    /// A message over the size limit, passed over without keeping it: its size.
    TooLarge(usize),
}

impl<R: Read> MboxReader<R> {
    /// A reader that hands out messages of at most `max_message` bytes.
    pub fn new(reader: R, max_message: usize) -> MboxReader<R> {
        MboxReader::with_block(reader, max_message, BLOCK)
    }

    fn with_block(reader: R, max_message: usize, block: usize) -> MboxReader<R> {
        MboxReader {
            reader,
            buf: Vec::new(),
            start: 0,
            scan_from: 0,
            eof: false,
            begun: false,
            separator: memmem::Finder::new(b"\nFrom "),
            block: block.max(1),
            max_message,
            skipped: 0,
        }
    }

    /// True when a separator for another message was read.
    pub fn has_more(&self) -> bool {
        self.begun && self.start < self.buf.len()
    }

    /// Reads another block; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // `read_to_end` reads into the spare capacity without zeroing it first.
        let block = self.block;
        let n = (&mut self.reader).take(block as u64).read_to_end(&mut self.buf)?;
        self.eof = n < block;
        Ok(n > 0)
    }

    /// Drops what was handed out, once it is most of the buffer. Only between
    /// messages: positions into the buffer are held while a message is searched.
    fn compact(&mut self) {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.scan_from = self.scan_from.saturating_sub(self.start);
            self.start = 0;
        }
    }

    /// The end of the line that starts at `from` (past its `\n`), reading more when
    /// the line is not complete yet; the end of the input ends the last line.
    fn line_end(&mut self, from: usize) -> std::io::Result<usize> {
        let mut searched = from;
        loop {
            if let Some(at) = memchr::memchr(b'\n', &self.buf[searched..]) {
                return Ok(searched + at + 1);
            }
            searched = self.buf.len();
            if !self.fill()? {
                return Ok(self.buf.len());
            }
        }
    }

    /// The next message, or `None` at the end.
    pub fn next_message(&mut self) -> std::io::Result<Option<Next>> {
        if !self.begun {
            // Skip blank lines up to the first message.
            loop {
                let end = self.line_end(self.start)?;
                if end == self.start {
                    return Ok(None);
                }
                if !self.buf[self.start..end].iter().all(u8::is_ascii_whitespace) {
                    break;
                }
                self.start = end;
            }
            self.begun = true;
            // The message's own first line is kept whatever it is: the parser reads it.
            self.scan_from = self.line_end(self.start)?;
        }
        self.compact();
        if self.start >= self.buf.len() && !self.fill()? {
            return Ok(None);
        }
        loop {
            self.pass_over_excess();
            // A separator starts a line: look for `\nFrom ` from the `\n` that ends
            // the line before `scan_from`.
            let from = self.scan_from.saturating_sub(1).max(self.start);
            match self.separator.find(&self.buf[from..]) {
                Some(at) => {
                    let line = from + at + 1;
                    let line_end = self.line_end(line)?;
                    let next_end = self.line_end(line_end)?;
                    if is_separator(&self.buf[line..line_end])
                        && is_header(&self.buf[line_end..next_end])
                    {
                        let message = self.hand_out(line);
                        self.start = line;
                        self.scan_from = line_end;
                        return Ok(Some(message));
                    }
                    self.scan_from = line_end;
                }
                None => {
                    // The end may hold the start of a separator (`\nFro`): it is
                    // searched again with what comes next.
                    self.scan_from = self.buf.len().saturating_sub(5).max(self.scan_from);
                    self.pass_over_excess();
                    if !self.fill()? {
                        let end = self.buf.len();
                        let message = self.hand_out(end);
                        self.start = end;
                        let empty = matches!(&message, Next::Message(m) if m.is_empty());
                        return Ok((!empty).then_some(message));
                    }
                }
            }
        }
    }

    /// The current message, which ends at `end`.
    fn hand_out(&mut self, end: usize) -> Next {
        let size = std::mem::take(&mut self.skipped) + (end - self.start);
        if size > self.max_message {
            Next::TooLarge(size)
        } else {
            Next::Message(unquoted(&self.buf[self.start..end]))
        }
    }

    /// Drops what was read of a message over the size limit, so that memory stays
    /// bounded whatever its size; the part still to be searched stays.
    fn pass_over_excess(&mut self) {
        if self.buf.len() - self.start <= self.max_message {
            return;
        }
        let keep = self.scan_from.saturating_sub(1).max(self.start);
        self.skipped += keep - self.start;
        self.buf.drain(self.start..keep);
        self.scan_from -= keep - self.start;
    }
}

/// `message` with mboxrd quoting undone on every line but its first: one `>` goes
/// from each line that is `>`s followed by `From `.
fn unquoted(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut copied = 0;
    for at in memmem::find_iter(message, b"\n>") {
        let line = at + 1;
        let rest = &message[line..];
        let quotes = rest.iter().take_while(|b| **b == b'>').count();
        if rest[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&message[copied..line]);
            copied = line + 1;
        }
    }
    out.extend_from_slice(&message[copied..]);
    out
}

/// Splits an mbox line by line: the plain version of [`MboxReader`], kept as its
/// reference (the tests hold the two to the same answers).
#[cfg_attr(not(test), allow(dead_code))]
pub struct LineMboxReader<R> {
    reader: R,
    /// Lines read ahead: the next message's separator and first header.
    ahead: std::collections::VecDeque<Vec<u8>>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl<R: BufRead> LineMboxReader<R> {
    pub fn new(reader: R) -> LineMboxReader<R> {
        LineMboxReader { reader, ahead: Default::default() }
    }

    fn line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        if let Some(line) = self.ahead.pop_front() {
            return Ok(Some(line));
        }
        let mut line = Vec::new();
        Ok((self.reader.read_until(b'\n', &mut line)? > 0).then_some(line))
    }

    /// The next message, or `None` at the end.
    pub fn next_message(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut message = Vec::new();
        let mut started = false;
        while let Some(line) = self.line()? {
            if !started {
                if !line.iter().all(u8::is_ascii_whitespace) {
                    started = true;
                    message.extend_from_slice(&line);
                }
                continue;
            }
            if is_separator(&line) {
                match self.line()? {
                    Some(next) if is_header(&next) => {
                        self.ahead.push_back(line);
                        self.ahead.push_back(next);
                        return Ok(Some(message));
                    }
                    Some(next) => self.ahead.push_front(next),
                    None => {}
                }
            }
            let quotes = line.iter().take_while(|b| **b == b'>').count();
            if quotes > 0 && line[quotes..].starts_with(b"From ") {
                message.extend_from_slice(&line[1..]);
            } else {
                message.extend_from_slice(&line);
            }
        }
        Ok((!message.is_empty()).then_some(message))
    }
}

fn is_separator(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()).count() >= 4
        && line.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

fn is_header(line: &[u8]) -> bool {
    let len = line.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
    len > 0 && line.get(len) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, to put block edges
    /// everywhere.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// The messages, read in blocks of `step` bytes.
    fn fast(data: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut reader = MboxReader::with_block(Trickle { data, step }, usize::MAX, step);
        let mut out = Vec::new();
        while let Some(next) = reader.next_message().unwrap() {
            match next {
                Next::Message(m) => out.push(m),
                Next::TooLarge(size) => panic!("no limit, yet {size} bytes too large"),
            }
        }
        out
    }

    fn plain(data: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = LineMboxReader::new(data);
        let mut out = Vec::new();
        while let Some(m) = reader.next_message().unwrap() {
            out.push(m);
        }
        out
    }

    fn texts(messages: &[Vec<u8>]) -> Vec<String> {
        messages.iter().map(|m| String::from_utf8_lossy(m).into_owned()).collect()
    }

    #[test]
    fn splits_like_split_mbox_and_unquotes() {
        let mbox = "\nFrom a@x Thu Mar  6 10:00:00 2025\nSubject: one\n\n>From here\n>>From there\nFrom Tokyo: hi\n\
                    From b@x Thu Mar  6 11:00:00 2025\nSubject: two\n\nbody\n";
        let messages = texts(&fast(mbox.as_bytes(), 4096));
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("\nFrom here\n>From there\nFrom Tokyo: hi\n"),
            "{}",
            messages[0]
        );
        assert!(messages[0].starts_with("From a@x"));
        assert!(messages[1].starts_with("From b@x Thu Mar  6 11:00"));
        let whole = mbox.replace(">From here\n>>From there", "From here\n>From there");
        let expected = rebound_dsn::split_mbox(whole.as_bytes());
        assert_eq!(expected.len(), 2);
        assert_eq!(messages[1].as_bytes(), expected[1]);
    }

    #[test]
    fn a_separator_not_followed_by_a_header_is_body() {
        let mbox = "From a@x Thu Mar  6 10:00:00 2025\nSubject: one\n\nFrom b@x Thu Mar  6 11:00:00 2025\nhello\n";
        assert_eq!(fast(mbox.as_bytes(), 4096).len(), 1);
        assert_eq!(plain(mbox.as_bytes()).len(), 1);
    }

    #[test]
    fn agrees_with_the_line_reader_at_every_block_edge() {
        let mbox = "\n\n  \nFrom a@x Thu Mar  6 10:00:00 2025\nSubject: one\n\n>From here\n\
                    >>From there\nFrom Tokyo: hi\nFrom c@x Thu Mar  6 10:30:00 2025\nnot a header\n\
                    From b@x Thu Mar  6 11:00:00 2025\nSubject: two\n\nbody\n>no\n\
                    From d@x Thu Mar  6 12:00:00 2025\r\nX-Three: yes\r\n\r\n>From crlf\r\nlast line without end";
        let expected = plain(mbox.as_bytes());
        assert_eq!(expected.len(), 3, "{:?}", texts(&expected));
        for step in 1..=mbox.len() {
            assert_eq!(texts(&fast(mbox.as_bytes(), step)), texts(&expected), "step {step}");
        }
    }

    #[test]
    fn empty_and_blank_inputs_have_no_message() {
        for input in ["", "\n", " \n\t\n"] {
            assert!(fast(input.as_bytes(), 3).is_empty(), "{input:?}");
            assert!(plain(input.as_bytes()).is_empty(), "{input:?}");
        }
    }

    #[test]
    fn one_message_without_separator_line_is_kept_whole() {
        let input = b"Subject: no From line\n\nFrom me, hello\n>From quoted\n";
        let messages = fast(input, 5);
        assert_eq!(texts(&messages), texts(&plain(input)));
        assert_eq!(messages[0], b"Subject: no From line\n\nFrom me, hello\nFrom quoted\n");
    }

    #[test]
    fn a_message_over_the_limit_is_passed_over_in_bounded_memory() {
        let small = "From a@x Thu Mar  6 10:00:00 2025\nSubject: small\n\nbody\n";
        let mut big = String::from("From b@x Thu Mar  6 11:00:00 2025\nSubject: big\n\n");
        while big.len() < 1_000_000 {
            big.push_str("From the desk of nobody: a line that is no separator\n");
        }
        let mbox = format!("{small}{big}{small}");
        let mut reader =
            MboxReader::with_block(Trickle { data: mbox.as_bytes(), step: 4096 }, 100_000, 4096);
        let mut got = Vec::new();
        let mut most_buffered = 0;
        while let Some(next) = reader.next_message().unwrap() {
            most_buffered = most_buffered.max(reader.buf.capacity());
            got.push(next);
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Next::Message(small.as_bytes().to_vec()));
        assert_eq!(got[1], Next::TooLarge(big.len()));
        assert_eq!(got[2], Next::Message(small.as_bytes().to_vec()));
        assert!(most_buffered < 400_000, "{most_buffered} bytes buffered for a 100 kB limit");
    }
}
