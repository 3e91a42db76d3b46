//! Mail logs and sending services' events: `rebound_dsn::detect` on the bytes, then
//! `parse_events` with the kind it detected and with one chosen by the first byte,
//! so that every reader (Postfix, Exim, Sendmail, SES, SendGrid, Mailgun, Postmark)
//! sees every input, not only the ones that look like its own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_dsn::{Form, InputKind};

fn check(kind: InputKind, data: &[u8]) {
    let Ok(bounces) = rebound_dsn::parse_events(kind, data) else { return };
    for bounce in &bounces {
        if kind != InputKind::Mail {
            assert!(
                matches!(bounce.form, Form::MtaLog | Form::ServiceEvent),
                "{kind:?} gave a {:?}",
                bounce.form
            );
        }
        for recipient in &bounce.recipients {
            if let Some(diagnostic) = &recipient.diagnostic {
                assert!(!diagnostic.contains('\n'), "diagnostic must be one line");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let detected = rebound_dsn::detect(data);
    if detected != InputKind::Mail {
        check(detected, data);
    }
    let Some((first, rest)) = data.split_first() else { return };
    // Mail is dsn_parse's and diagnose's: here only the log and event readers.
    let kinds = &InputKind::ALL[1..];
    let chosen = kinds[usize::from(*first) % kinds.len()];
    check(chosen, rest);
});
