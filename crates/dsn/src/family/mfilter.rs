//! DigitalArts m-FILTER (and the same notice from gateways that copy it, signed
//! "メールシステム"), as Sisimai 4.25's Lhost/mFILTER.pm reads it and as m-FILTER
//! writes it (`X-Mailer: m-FILTER`, `Subject: failure notice`):
//!
//! ```text
//! このメールは「m-FILTER」が自動的に生成して送信しています。
//! メールサーバーとの通信中、下記の理由により
//! このメールは送信できませんでした。
//!
//! 以下のメールアドレスへの送信に失敗しました。
//! taro@example.jp
//!
//!
//! -------server message
//! 550 5.1.1 unknown user <taro@example.jp>
//!
//! -------SMTP command
//! DATA
//!
//! -------original message
//! ```
//!
//! The bare address lines before `-------server message` are the recipients; the
//! server's reply and the command under `-------SMTP command` are theirs. The copy of
//! the message starts at `-------original message` (or `-------original mail info`).

use super::verbs::command_word;
use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{lines, strip_prefix_ci};
use memchr::memmem::Finder;
use std::sync::LazyLock;

const SERVER_MESSAGE: &str = "-------server message";
const SMTP_COMMAND: &str = "-------smtp command";
const ORIGINAL: &str = "-------original ";

/// Built once: every text is asked for it.
static SERVER_MESSAGE_FINDER: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new(SERVER_MESSAGE));

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if SERVER_MESSAGE_FINDER.find(text.lower.as_bytes()).is_none() || !text.has(SMTP_COMMAND) {
        return None;
    }
    let mut recipients: Vec<String> = Vec::new();
    let mut reply: Vec<&str> = Vec::new();
    let mut command: Option<&'static str> = None;
    #[derive(PartialEq)]
    enum Section {
        Intro,
        ServerMessage,
        Command,
    }
    let mut section = Section::Intro;
    for line in lines(text.raw) {
        let trimmed = line.trim();
        if strip_prefix_ci(trimmed, ORIGINAL).is_some() {
            break;
        }
        if trimmed.eq_ignore_ascii_case(SERVER_MESSAGE) {
            section = Section::ServerMessage;
            continue;
        }
        if trimmed.eq_ignore_ascii_case(SMTP_COMMAND) {
            section = Section::Command;
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        match section {
            Section::Intro => {
                // A line that is one address and nothing else.
                if !trimmed.contains(char::is_whitespace) {
                    if let Some(address) = address_word(trimmed) {
                        recipients.push(address);
                    }
                }
            }
            Section::ServerMessage => reply.push(trimmed),
            Section::Command => {
                if command.is_none() {
                    command = command_word(trimmed);
                }
            }
        }
    }
    let description = reply.join("\n");
    let mut records: Vec<TextRecord> = Vec::new();
    for recipient in recipients {
        push_block(&mut records, recipient, &description, false);
        if let Some(last) = records.last_mut() {
            last.command = command;
        }
    }
    Some(Scan { generator: Some("mfilter"), reporting_mta: None, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_reply_and_command() {
        let raw = "このメールは「m-FILTER」が自動的に生成して送信しています。\n\n\
                   以下のメールアドレスへの送信に失敗しました。\na@example.jp\nb@example.jp\n\n\n\
                   -------server message\n550 5.1.1 unknown user\n\n-------SMTP command\nRCPT\n\n\
                   -------original message\nTo: c@example.jp\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        let b = scan.records[1].clone().into_report();
        assert_eq!(b.recipient.as_deref(), Some("b@example.jp"));
        assert_eq!(b.reply_code, Some(550));
        assert_eq!(b.smtp_command.as_deref(), Some("RCPT TO"));
        assert!(super::scan(&Text::new("-------server message\n550 x\n")).is_none());
    }
}
