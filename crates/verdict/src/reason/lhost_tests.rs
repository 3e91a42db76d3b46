//! The MTA families' own wording (`rules/lhost/*.toml`): each row decides for its
//! generator only, and where the generic rules would read the text otherwise.

use super::tests::{bounce, full, report};
use super::{classify, Reason};

#[test]
fn families_name_their_own_failures() {
    // (generator, status, diagnostic, reason with the generator, reason without)
    let cases: &[(&str, &str, &str, Reason, Reason)] = &[
        // dma 0.13 net.c
        ("dragonfly", "", "remote delivery failed: DNS lookup failure: host example.jp not found", Reason::HostUnknown, Reason::OnHold),
        ("dragonfly", "", "SMTP login to smtp.example.org failed", Reason::SecurityError, Reason::OnHold),
        // Gmail's "(state N)": a vague status keeps the state's reason, an exact one
        // decides (the reply as rebound_dsn gives it, without Gmail's doubled code).
        ("gmail", "5.7.0", "554 5.7.0 Header error (state 18).", Reason::Filtered, Reason::PolicyViolation),
        ("gmail", "5.1.1", "550 5.1.1 <taro@example.jp>... User Unknown (state 14).", Reason::UserUnknown, Reason::UserUnknown),
        ("gmail", "", "500 Remote server does not support SMTP Authenticated Relay (state 12).", Reason::NoRelaying, Reason::OnHold),
        ("gmail", "", "535 SMTP AUTH failed with the remote server. (state 8).", Reason::SystemError, Reason::OnHold),
        // fml, IMail, KDDI, qmail, Exim
        ("fml", "", "Duplicated Message-ID in <staff@example.jp>.", Reason::NotCompliantRfc, Reason::OnHold),
        ("fml", "", "Security Alert: rejected <taro@example.jp>.", Reason::SecurityError, Reason::OnHold),
        ("imail", "", "Delivery failed 3 attempts: taro@example.net", Reason::Expired, Reason::OnHold),
        ("kddi", "", "As the remote domain doesnt exist.", Reason::HostUnknown, Reason::OnHold),
        ("qmail", "", "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1) I'm not going to try again; this message has been in the queue too long.", Reason::NetworkError, Reason::Expired),
        ("exim", "", "message has been frozen", Reason::Expired, Reason::OnHold),
        // Verizon's words are its own: the same text from Apache James is a filter's.
        ("verizon", "", "550 - Requested action not taken: no such user here", Reason::UserUnknown, Reason::Filtered),
        ("apachejames", "", "550 - Requested action not taken: no such user here", Reason::Filtered, Reason::Filtered),
    ];
    for (generator, status, text, with, without) in cases {
        let r = report(status, text);
        assert_eq!(Reason::classify_in(&r, &bounce(generator, "")), *with, "{generator}: {text}");
        assert_eq!(classify(&r), *without, "no generator: {text}");
    }
}

#[test]
fn recipient_address_rejected_alone_names_no_reason() {
    // Postfix's prefix for every recipient restriction, in answer to RCPT TO: the
    // status, or the words after it, decide.
    let cases: &[(&str, &str, Reason)] = &[
        ("5.6.0", "550 5.6.0 <taro@example.jp>: Recipient address rejected: Message refused", Reason::ContentError),
        ("5.0.0", "550 5.0.0 <taro@example.jp>: Recipient address rejected: Please contact the administrator", Reason::OnHold),
        ("5.0.0", "550 5.0.0 <taro@example.jp>: Recipient address rejected: Domain not found", Reason::HostUnknown),
        ("5.0.0", "550 5.0.0 <taro@example.jp>: Recipient address rejected: Invalid user", Reason::UserUnknown),
        ("5.1.1", "550 5.1.1 <taro@example.jp>: Recipient address rejected: User unknown in virtual mailbox table", Reason::UserUnknown),
        ("5.0.0", "550 <taro@example.jp>: Recipient address rejected.", Reason::UserUnknown),
    ];
    for (status, text, reason) in cases {
        assert_eq!(classify(&full(status, text, "RCPT TO", "")), *reason, "{status} {text}");
    }
}
