//! Zoho Mail's bounce (`X-ZohoMail` header), as Sisimai 4.25's Lhost/Zoho.pm reads it:
//!
//! ```text
//! This message was created automatically by mail delivery software.
//! A message that you sent could not be delivered to one or more of its recipients.
//! This is a permanent error.
//!
//! taro@example.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <taro@example.jp>... User Unknown
//! ```
//!
//! or, when the remote host never answered, `[Status: Error, Address:
//! <taro@example.jp>, ResponseCode 421, , Host not reachable.]`. One line per
//! recipient: Zoho's label ("Invalid Address"), then the reply code and the reply,
//! each after `ERROR_CODE :`.

use super::{address_word, push_block, Scan, Text, TextRecord};
use crate::text::{find_ci, lines, strip_prefix_ci, tail};

const SIGNATURE: &str = "this message was created automatically by mail delivery software";
const ERROR_CODE: &str = "error_code :";
const STATUS: &str = "[status: ";

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(SIGNATURE)?;
    if !text.has(ERROR_CODE) && !text.has(STATUS) {
        return None;
    }
    let mut records: Vec<TextRecord> = Vec::new();
    for line in lines(tail(text.raw, at)) {
        let trimmed = line.trim();
        // The copy of the message starts with its headers.
        if strip_prefix_ci(trimmed, "received:").is_some() {
            break;
        }
        if let Some((recipient, description)) =
            error_code_line(trimmed).or_else(|| status_line(trimmed))
        {
            push_block(&mut records, recipient, &description, false);
        }
    }
    if records.is_empty() {
        return None;
    }
    Some(Scan { generator: Some("zoho"), reporting_mta: None, records })
}

/// `ADDRESS Label, ERROR_CODE :550, ERROR_CODE :5.1.1 <ADDRESS>... User Unknown`: the
/// address and the reply (`550 5.1.1 <ADDRESS>... User Unknown`).
fn error_code_line(line: &str) -> Option<(String, String)> {
    let (first, rest) = line.split_once(char::is_whitespace)?;
    let recipient = address_word(first)?;
    let at = find_ci(rest, ERROR_CODE)?;
    let parts: Vec<&str> = tail(rest, at)
        .split("ERROR_CODE :")
        .map(|p| p.trim_matches(|c: char| c == ',' || c.is_whitespace()))
        .filter(|p| !p.is_empty())
        .collect();
    Some((recipient, parts.join(" ")))
}

/// `[Status: Error, Address: <ADDRESS>, ResponseCode 421, , Host not reachable.]`: the
/// address and the reply (`421 Host not reachable.`).
fn status_line(line: &str) -> Option<(String, String)> {
    let inner = strip_prefix_ci(line, STATUS)?.trim_end_matches(']');
    let mut recipient = None;
    let mut words: Vec<&str> = Vec::new();
    for field in inner.split(',').map(str::trim).skip(1) {
        if let Some(address) = strip_prefix_ci(field, "address:") {
            recipient = address_word(address.trim());
        } else if let Some(code) = strip_prefix_ci(field, "responsecode") {
            words.push(code.trim());
        } else if !field.is_empty() {
            words.push(field);
        }
    }
    Some((recipient?, words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_code_and_status_lines() {
        let raw = "This message was created automatically by mail delivery software.\n\n\
                   a@example.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 \
                   <a@example.jp>... User Unknown\n\
                   [Status: Error, Address: <b@example.jp>, ResponseCode 421, , Host not \
                   reachable.]\n\nReceived:from mail.zoho.com by mx.zohomail.com\nTo:<c@x.jp>\n";
        let scan = scan(&Text::new(raw)).unwrap_or_default();
        assert_eq!(scan.records.len(), 2);
        assert_eq!(scan.records[0].description, "550 5.1.1 <a@example.jp>... User Unknown");
        assert_eq!(scan.records[1].recipient.as_deref(), Some("b@example.jp"));
        assert_eq!(scan.records[1].description, "421 Host not reachable.");
        let exim = "This message was created automatically by mail delivery software.\n\n\
                    A message that you sent could not be delivered.\n  a@example.jp\n";
        assert!(super::scan(&Text::new(exim)).is_none());
    }
}
