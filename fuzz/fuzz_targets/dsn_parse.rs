//! Arbitrary bytes into the bounce parser: it must never panic or hang, and what it
//! returns must be internally consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bounce) = rebound_dsn::parse(data) {
        for recipient in &bounce.recipients {
            if let Some(status) = recipient.status {
                // A status code must print back to something that parses to itself.
                assert_eq!(
                    status.to_string().parse::<rebound_dsn::StatusCode>().ok(),
                    Some(status)
                );
            }
            if let Some(diagnostic) = &recipient.diagnostic {
                assert!(!diagnostic.contains('\n'), "diagnostic must be one line");
            }
        }
    }
});
