//! AOL's notice for mail its members' Mail Controls refuse (and AOL's older
//! "recipients could not be delivered" notice), which names AOL members by screen
//! name only:
//!
//! ```text
//! Your mail to the following recipients could not be delivered because they are not accepting mail from sender@example.org:
//!     GardenGnome77
//! ```
//!
//! The names follow the sentence, one a line, up to the first line that holds white
//! space inside it. A bare screen name is an AOL address: `name@aol.com`. The sender
//! named in the sentence itself is never a recipient.
//!
//! Sources: flufl.bounce 4.0's `aol.py` (the sentence, the list's end, `@aol.com`
//! added to bare names) and Mail::DeliveryStatus::BounceParser 1.543's
//! `p_aol_senderblock` (the AirMail wording "because they are not accepting mail
//! from", whose sender is not a recipient); Debian packages `python3-flufl.bounce`
//! and `libmail-deliverystatus-bounceparser-perl`.

use super::delimited::plausible_address;
use super::{push_block, Scan, Text, TextRecord};

pub(super) const MARKER: &str = "mail to the following recipients could not be delivered";

/// At most this many names are read.
const MAX_NAMES: usize = 1_000;

pub(crate) fn scan(text: &Text<'_>) -> Option<Scan> {
    let at = text.find(MARKER)?;
    let after = text.raw.get(at..)?;
    let (sentence, rest) = after.split_once('\n').unwrap_or((after, ""));
    let mut records: Vec<TextRecord> = Vec::new();
    for line in rest.lines().take(MAX_NAMES) {
        let name = line.trim();
        if name.is_empty() {
            if records.is_empty() {
                continue;
            }
            break;
        }
        if name.contains(char::is_whitespace) {
            break;
        }
        let address = if name.contains('@') {
            plausible_address(name)
        } else {
            screen_name(name).map(|n| format!("{}@aol.com", n.to_ascii_lowercase()))
        };
        if let Some(address) = address {
            push_block(&mut records, address, sentence, false);
        }
    }
    (!records.is_empty()).then_some(Scan { generator: Some("aol"), reporting_mta: None, records })
}

/// An AOL screen name: letters and digits (AOL allowed no other characters but
/// spaces, which end the list here), at most 16 of them.
fn screen_name(name: &str) -> Option<&str> {
    let name = name.trim_end_matches([':', ',', '.']);
    (!name.is_empty() && name.len() <= 16 && name.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn screen_names_become_aol_addresses_and_the_sender_is_skipped() {
        let raw = "Your mail to the following recipients could not be delivered because \
                   they are not accepting mail from me@example.org:\n\tGardenGnome77\n\
                   \tfriend@example.net\n\nThe AOL Postmaster\n";
        let scan = scan(&Text::new(raw)).unwrap();
        let got: Vec<_> = scan.records.iter().filter_map(|r| r.recipient.as_deref()).collect();
        assert_eq!(got, ["gardengnome77@aol.com", "friend@example.net"]);
    }

    #[test]
    fn a_sentence_after_the_marker_ends_the_list() {
        let raw = "Mail to the following recipients could not be delivered:\nplease try later\n";
        assert!(scan(&Text::new(raw)).is_none());
        assert!(scan(&Text::new("nothing of the kind")).is_none());
    }
}
