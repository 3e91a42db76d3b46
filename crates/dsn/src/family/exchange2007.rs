//! Microsoft Exchange 2007 and later, Exchange Online and Office 365:
//!
//! ```text
//! Delivery has failed to these recipients or groups:
//!
//! taro@example.jp<mailto:taro@example.jp>
//! The email address you entered couldn't be found. ...
//!
//! Diagnostic information for administrators:
//!
//! Generating server: mx1.example.com
//!
//! taro@example.jp
//! Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'
//!
//! Original message headers:
//! ```
//!
//! The administrators' part has one block per recipient: an address line, then what
//! the servers returned, up to a blank line. Without that part, the addresses listed
//! under "Delivery has failed" share the explanation that follows them.

use super::{address_word, is_delay_warning, push_block, Scan, Text, TextRecord};
use crate::text::lines;

const LIST: &str = "delivery has failed to these recipients or groups:";
const ADMIN: &str = "diagnostic information for administrators:";
const END: &str = "original message headers:";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    if !text.has(LIST) && !text.has(ADMIN) {
        return None;
    }
    let delayed = is_delay_warning(text);
    let end = text.find(END).unwrap_or(text.raw.len());
    let mut records = match text.find(ADMIN) {
        Some(at) if at < end => admin_blocks(text.raw.get(at + ADMIN.len()..end).unwrap_or("")),
        _ => Vec::new(),
    };
    if records.is_empty() {
        if let Some(at) = text.find(LIST).filter(|at| *at < end) {
            records = listed(text.raw.get(at + LIST.len()..end).unwrap_or(""));
        }
    }
    if delayed {
        for record in &mut records {
            record.action = Some(crate::Action::Delayed);
        }
    }
    Some(Scan { generator: Some("exchange2007"), reporting_mta: None, records })
}

/// The per-recipient blocks of the administrators' part.
fn admin_blocks(part: &str) -> Vec<TextRecord> {
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in lines(part) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some((recipient, description)) = current.take() {
                push_block(&mut records, recipient, &description, false);
            }
            continue;
        }
        if let Some(address) = listed_address(trimmed) {
            if let Some((recipient, description)) = current.take() {
                push_block(&mut records, recipient, &description, false);
            }
            current = Some((address, String::new()));
        } else if let Some((_, description)) = current.as_mut() {
            description.push(' ');
            description.push_str(trimmed);
        }
    }
    if let Some((recipient, description)) = current.take() {
        push_block(&mut records, recipient, &description, false);
    }
    records
}

/// The addresses under "Delivery has failed to these recipients or groups:", each
/// with the paragraph that follows it.
fn listed(part: &str) -> Vec<TextRecord> {
    let mut records: Vec<TextRecord> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for paragraph in part.split("\n\n").flat_map(|p| p.split("\r\n\r\n")) {
        let mut filled_lines = lines(paragraph).map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = filled_lines.next() else { continue };
        match listed_address(first) {
            Some(address) => {
                if let Some((recipient, description)) = current.take() {
                    push_block(&mut records, recipient, &description, false);
                }
                let rest: Vec<&str> = filled_lines.collect();
                current = Some((address, rest.join(" ")));
            }
            None => {
                if let Some((_, description)) = current.as_mut() {
                    if description.is_empty() {
                        description.push_str(paragraph);
                    }
                }
            }
        }
    }
    if let Some((recipient, description)) = current.take() {
        push_block(&mut records, recipient, &description, false);
    }
    records
}

/// A line naming one recipient: `taro@example.jp`, `taro@example.jp<mailto:...>`,
/// `Taro Yamada (taro@example.jp)` or `taro@example.jp (taro@example.jp)`.
fn listed_address(line: &str) -> Option<String> {
    if let (Some(open), Some(close)) = (line.rfind('('), line.rfind(')')) {
        if open < close && close + 1 == line.len() {
            if let Some(address) = line.get(open + 1..close).and_then(address_word) {
                return Some(address);
            }
        }
    }
    let first = line.split("<mailto:").next().unwrap_or(line).trim();
    if first.contains(char::is_whitespace) {
        return None;
    }
    address_word(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_administrators_part() {
        let raw = "Delivery has failed to these recipients or groups:\n\n\
                   a@example.jp<mailto:a@example.jp>\nThe email address couldn't be found.\n\n\
                   Diagnostic information for administrators:\n\nGenerating server: \
                   mx1.example.com\n\na@example.jp\nRemote Server returned '550 5.1.10 \
                   RESOLVER.ADR.RecipientNotFound; not found'\n\nOriginal message headers:\n\n\
                   To: b@example.jp\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        let r = scan.records[0].clone().into_report();
        assert_eq!(r.recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.10"));
        assert_eq!(r.reply_code, Some(550));
    }

    #[test]
    fn falls_back_to_the_list() {
        let raw = "Delivery has failed to these recipients or groups:\n\n\
                   Taro Yamada (a@example.jp)\nYour message wasn't delivered because the \
                   mailbox is full.\n\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.records[0].recipient.as_deref(), Some("a@example.jp"));
        assert_eq!(
            scan.records[0].description,
            "Your message wasn't delivered because the mailbox is full."
        );
        assert!(super::scan(&Text::new("Delivery has failed")).is_none());
    }
}
