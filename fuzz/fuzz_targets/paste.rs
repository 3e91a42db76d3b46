//! Pasted bounce text (no message headers) into the parser: the route `rebound
//! diagnose` takes for text copied out of a mail client. It must never panic or
//! hang, and a bounce it returns must be consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// True when `parse` would read `data` as a message rather than as pasted text: its
/// first line that is not blank starts like a header field. Those inputs are
/// `dsn_parse`'s; here they would only spend time on the message parser.
fn looks_like_message(data: &[u8]) -> bool {
    let start = data
        .split_inclusive(|b| *b == b'\n')
        .take_while(|line| line.iter().all(u8::is_ascii_whitespace))
        .map(<[u8]>::len)
        .sum::<usize>();
    let first = data.get(start..).unwrap_or_default();
    let name = first.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
    first.starts_with(b"From ") || (name > 0 && first.get(name) == Some(&b':'))
}

fuzz_target!(|data: &[u8]| {
    if looks_like_message(data) {
        return;
    }
    match rebound_dsn::parse(data) {
        Ok(bounce) => {
            assert!(!bounce.recipients.is_empty(), "a bounce without a recipient record");
            for recipient in &bounce.recipients {
                if let Some(status) = recipient.status {
                    let printed = status.to_string();
                    assert_eq!(printed.parse::<rebound_dsn::StatusCode>().ok(), Some(status));
                }
                if let Some(diagnostic) = &recipient.diagnostic {
                    assert!(!diagnostic.contains('\n'), "diagnostic must be one line");
                }
                if let Some(address) = &recipient.recipient {
                    assert!(!address.is_empty(), "an empty recipient address");
                }
            }
        }
        Err(rebound_dsn::ParseError::NotABounce(why)) => assert!(!why.is_empty()),
        Err(_) => {}
    }
});
