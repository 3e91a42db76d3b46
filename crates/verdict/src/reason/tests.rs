//! The classifier's tests, and the reference (naive) classifier they compare the
//! compiled one with.

use rebound_dsn::{Action, Bounce, Kind, RecipientReport};

use super::engine::{names_sender, without_continuations};
use super::index::COMPILED;
use super::rules::{PhraseRule, RULES};
use super::{classify, Reason};

pub(super) fn report(status: &str, diagnostic: &str) -> RecipientReport {
    let mut r = RecipientReport::default();
    r.status = status.parse().ok();
    r.diagnostic = Some(diagnostic.to_string());
    r
}

#[test]
fn classifies_realistic_diagnostics() {
    let cases: &[(&str, &str, Reason)] = &[
        ("5.7.1", "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com 2025-06-02T01:02:03.000Z]", Reason::Blocked),
        ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.85", Reason::Blocked),
        ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.85] blocked using b.barracudacentral.org; http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.85", Reason::Blocked),
        ("5.7.606", "550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal from this list please visit https://sender.office.com/", Reason::Blocked),
        ("", "554 resimta comcast 192.0.2.82 found on one or more RBLs (Spamhaus ZEN) BL000001", Reason::Blocked),
        ("5.1.1", "550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table", Reason::UserUnknown),
        ("5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos - gsmtp", Reason::UserUnknown),
        ("5.1.1", "550 5.1.1 <x@example.org>... No such user", Reason::UserUnknown),
        ("5.2.2", "552 5.2.2 <x@example.org>: Mailbox full", Reason::MailboxFull),
        ("4.2.2", "452-4.2.2 The email account that you tried to reach is over quota. - gsmtp", Reason::MailboxFull),
        ("4.7.0", "421-4.7.0 [192.0.2.79      15] This message is suspicious due to the very low reputation of the sending IP address. Mail from your IP has been temporarily rate limited to protect users. - gsmtp", Reason::BadReputation),
        ("5.7.26", "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp", Reason::AuthFailure),
        ("5.7.23", "550 5.7.23 The message was rejected because of Sender Policy Framework violation", Reason::AuthFailure),
        // Yahoo's own deferral for volume or complaints: a reputation (rules/provider/yahoo.toml).
        ("4.7.0", "421 4.7.0 [TSS04] Messages from 192.0.2.80 temporarily deferred due to unexpected volume or user complaints", Reason::BadReputation),
        ("4.7.0", "452 4.7.0 Too many connections from your host", Reason::RateLimited),
        ("4.4.7", "Delivery time expired", Reason::Expired),
        ("5.4.7", "", Reason::Expired),
        ("5.3.4", "552 5.3.4 Error: message file too big", Reason::EmailTooLarge),
        ("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering", Reason::SpamDetected),
        ("5.1.2", "", Reason::HostUnknown),
        ("5.7.25", "550-5.7.25 The IP address sending this message does not have a PTR record setup", Reason::RequirePtr),
    ];
    for (status, text, want) in cases {
        assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
    }
}

#[test]
fn status_and_reply_fallbacks_and_delivered() {
    assert_eq!(
        classify(&report("5.7.1", "550 5.7.1 Delivery not authorized")),
        Reason::PolicyViolation
    );
    assert_eq!(classify(&report("5.7.1", "550 5.7.1 access denied")), Reason::Blocked);
    assert_eq!(classify(&report("5.7.25", "")), Reason::RequirePtr);
    assert_eq!(classify(&report("5.6.0", "")), Reason::ContentError);
    let mut r = RecipientReport::default();
    r.reply_code = Some(552);
    assert_eq!(classify(&r), Reason::MailboxFull);
    assert_eq!(classify(&RecipientReport::default()), Reason::Undefined);
    r.action = Action::Delivered;
    assert_eq!(classify(&r), Reason::Delivered);
}

pub(super) fn full(status: &str, text: &str, command: &str, host: &str) -> RecipientReport {
    let mut r = report(status, text);
    r.smtp_command = (!command.is_empty()).then(|| command.to_string());
    r.remote_mta = (!host.is_empty()).then(|| host.to_string());
    r
}

#[test]
fn classifies_phrase_groups() {
    let cases: &[(&str, &str, Reason)] = &[
        // MailerError: a local delivery program failed, whatever it goes on to say.
        ("5.3.0", "procmail: Error while writing to \"/var/mail/hanako\"", Reason::MailerError),
        ("5.0.0", "Command died with status 75: \"/usr/bin/maildrop\"", Reason::MailerError),
        ("5.3.0", "554 5.3.0 Mailer error while delivering", Reason::MailerError),
        // Lists of URLs are about the content, not the sending IP.
        ("", "550 Blacklisted URL in message (shop.example) listed by multi.uribl.com", Reason::SpamDetected),
        ("5.7.1", "550-5.7.1 This message is not RFC 5322 compliant: there are multiple Date headers", Reason::NotCompliantRfc),
        // Blocked at the door.
        ("", "553 See http://www.spamhaus.org/query/bl?ip=198.51.100.7", Reason::Blocked),
        ("", "554 mx3.example.net ESMTP not accepting connections", Reason::Blocked),
        ("", "server refused to talk to me: 554 Service unavailable", Reason::Blocked),
        ("5.7.0", "550 5.7.0 Please use the SMTP server of your ISP", Reason::Blocked),
        // RequirePtr, also when phrased as a "client host rejected".
        ("4.7.1", "450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.7]", Reason::RequirePtr),
        ("4.7.1", "450 4.7.1 Access denied. IP name lookup failed [198.51.100.7]", Reason::RequirePtr),
        // NoRelaying.
        ("5.7.1", "550 5.7.1 This system is not configured to relay mail for 198.51.100.7", Reason::NoRelaying),
        ("", "550 Insecure Mail Relay", Reason::NoRelaying),
        ("", "553 Relaying not allowed from your host (Remote protocol error)", Reason::NoRelaying),
        ("", "554 Message rejected: Email address is not verified.", Reason::NoRelaying),
        // A spam verdict beats the SPF advice after it.
        ("5.0.0", "Your message was rejected due to spam classification. Please set up SPF for your domain.", Reason::SpamDetected),
        ("5.7.1", "550-5.7.1 This message does not have authentication information or fails to pass authentication checks", Reason::AuthFailure),
        ("", "530 Please turn on SMTP Authentication in your mail client", Reason::SecurityError),
        // Rejected: the envelope sender, before the recipient rules sharing words.
        ("5.1.8", "553 5.1.8 <info@old.example>... Domain of sender address info@old.example does not exist", Reason::Rejected),
        ("", "550 Unroutable sender address", Reason::Rejected),
        ("5.7.1", "550 5.7.1 Can't determine Purported Responsible Address", Reason::Rejected),
        // NotAccept (null MX) before the DNS error that reports it.
        ("4.0.0", "DNS Error: DNS type 'mx' lookup of shop.example responded with code NOERROR The domain shop.example doesn't receive email according to the administrator: returned Null MX", Reason::NotAccept),
        ("5.4.4", "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", Reason::NotAccept),
        // NetworkError: temporary DNS trouble, loops.
        ("4.0.0", "DNS Error: DNS type 'mx' lookup of shop.example responded with code SERVFAIL", Reason::NetworkError),
        ("5.4.4", "Name service error for name=shop.example type=MX: Malformed or unexpected name server reply", Reason::NetworkError),
        ("5.4.6", "554 5.4.6 Too many hops", Reason::NetworkError),
        ("4.4.7", "<taro@example.co.jp>... Deferred: Name server: example.co.jp.: host name lookup failure Message could not be delivered for 5 days", Reason::NetworkError),
        ("5.4.312", "550 5.4.312 Message expired, DNS query failed", Reason::NetworkError),
        // HostUnknown.
        ("5.1.2", "550 5.1.2 Recipient address rejected: Bad destination system address", Reason::HostUnknown),
        ("", "Unrouteable address", Reason::HostUnknown),
        ("5.5.0", "554 The mail could not be delivered because the domain is not reachable.", Reason::HostUnknown),
        ("", "The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.", Reason::HostUnknown),
        // Filtered: the recipient's own choice, or au's address-less "user unknown".
        ("5.1.1", "550 5.1.1 RCP-P2 Refused due to recipient preferences", Reason::Filtered),
        ("5.0.0", "550 : User unknown", Reason::Filtered),
        // UserUnknown.
        ("5.4.1", "550 5.4.1 Recipient address rejected: Access denied. [AM0PR01MB0000.eurprd01.prod.outlook.com]", Reason::UserUnknown),
        ("5.1.0", "550 #5.1.0 Address rejected.", Reason::UserUnknown),
        ("5.1.10", "The email address wasn’t found at the destination domain. RESOLVER.ADR.RecipientNotFound", Reason::UserUnknown),
        ("", "User hanako.sato (hanako@example.jp) not listed in Domino Directory", Reason::UserUnknown),
        ("", "Invalid final delivery userid: hanako@example.jp", Reason::UserUnknown),
        ("", "Envelope expired", Reason::Expired),
        ("4.4.3", "Unable to contact LDAP server. (#4.4.3) I'm not going to try again; this message has been in the queue too long.", Reason::SystemError),
        ("5.1.1", "550 5.1.1 <taro@example.jp>: unknown local part", Reason::UserUnknown),
        // Suppressed: the sending service did not try.
        ("5.1.1", "Amazon SES has suppressed sending to this address because it is on the account-level suppression list.", Reason::Suppressed),
        // Sender refused, in other words.
        ("5.7.1", "550 5.7.1 Sender verification failed for <news@shop.example>", Reason::Rejected),
        ("4.7.0", "421 4.7.0 Connection throttled, slow down", Reason::RateLimited),
        ("5.3.4", "552 5.3.4 Message exceeds the size limit of this server", Reason::EmailTooLarge),
        ("5.6.0", "552 5.6.0 Headers too large (32 max)", Reason::ContentError),
        ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: Connection refused", Reason::NetworkError),
        ("4.4.7", "<a@example.jp>... Deferred: Connection refused by mx.example.jp.", Reason::Blocked),
        ("", "Remote protocol error: Connection reset by peer during result wait", Reason::Blocked),
        // MailboxFull, SystemFull.
        ("5.2.2", "552 5.2.2 This account is full and cannot take more mail", Reason::MailboxFull),
        ("4.2.2", "452 4.2.2 Mailbox has exceeded its storage limit", Reason::MailboxFull),
        ("", "552 Error: disk quota exceeded", Reason::MailboxFull),
        ("", "The e-mail message could not be delivered because the user's mailfolder is full.", Reason::MailboxFull),
        ("4.4.5", "452 4.4.5 Insufficient disk space; try again later", Reason::SystemFull),
        // Suspend.
        ("5.0.0", "550 Mailbox is frozen.", Reason::Suspend),
        ("5.7.1", "550 5.7.1 <taro@example.jp>: Recipient address rejected: User taro@example.jp temporary locked. Please try again later!", Reason::Suspend),
        ("", "vdelivermail: account is locked email bounced", Reason::Suspend),
        ("5.5.0", "550 5.5.0 The recipient account is blocked.", Reason::Suspend),
        // FailedStartTls, EmailTooLarge.
        ("", "500 Remote server does not support TLS", Reason::FailedStartTls),
        ("", "500 Line limit exceeded", Reason::EmailTooLarge),
        // Expired, stated outright or by timing out; not rate limiting.
        ("4.1.9", "Resources temporarily unavailable, please try again later. I'm not going to try again; this message has been in the queue too long.", Reason::Expired),
        ("", "all hosts have been failing for a long time and were last tried after this message arrived", Reason::Expired),
        ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: Connection timed out", Reason::Expired),
        // RateLimited.
        ("5.2.1", "550-5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.", Reason::RateLimited),
        ("", "550 Ip frequency limited", Reason::RateLimited),
        // SystemError, PolicyViolation, SyntaxError.
        ("5.3.0", "554 5.3.0 Internal system error", Reason::SystemError),
        ("5.0.0", "554 Transaction failed", Reason::SystemError),
        ("4.3.0", "421 4.3.0 Upstream error, please try again", Reason::SystemError),
        ("5.0.0", "550 Denied by policy", Reason::PolicyViolation),
        ("5.7.0", "554 5.7.0 Header error", Reason::PolicyViolation),
        ("5.0.0", "550 Protocol violation", Reason::PolicyViolation),
        ("5.7.0", "552-5.7.0 This message was blocked because its content presents a potential security issue.", Reason::PolicyViolation),
        ("5.5.0", "503 Improper sequence of commands", Reason::SyntaxError),
    ];
    for (status, text, want) in cases {
        assert_eq!(classify(&report(status, text)), *want, "{status} {text}");
    }
}

#[test]
fn classifies_by_status_command_and_provider() {
    let cases: &[(&str, &str, &str, &str, Reason)] = &[
        // Status codes.
        ("5.1.10", "", "", "", Reason::NotAccept),
        ("5.7.6", "550 5.7.6 Failed to deliver", "", "", Reason::SecurityError),
        ("5.7.27", "", "", "", Reason::NotAccept),
        ("4.4.5", "", "", "", Reason::SystemFull),
        ("4.4.1", "", "", "", Reason::Expired),
        ("5.4.1", "", "", "", Reason::NetworkError),
        ("2.1.5", "250 2.1.5 Ok", "", "", Reason::Delivered),
        // "User unknown" after DATA is a filter, unless the code or text says the
        // address itself is wrong.
        ("5.0.0", "550 Unknown user taro@example.jp", "DATA", "", Reason::Filtered),
        (
            "5.1.1",
            "550 5.1.1 <taro@example.jp>... User Unknown",
            "DATA",
            "",
            Reason::UserUnknown,
        ),
        (
            "5.0.0",
            "554 This user doesn't have a example.com account",
            "DATA",
            "",
            Reason::UserUnknown,
        ),
        ("5.0.0", "550 Unknown user taro@example.jp", "RCPT TO", "", Reason::UserUnknown),
        (
            "5.0.0",
            "550 <taro@example.jp>: Recipient address rejected.",
            "RCPT TO",
            "",
            Reason::UserUnknown,
        ),
        // "User unknown" with no command and a status that names nothing is a
        // filtering gateway's answer, unless the wording is a directory's own.
        ("", "550 unknown user <taro@example.com>", "", "", Reason::Filtered),
        ("5.0.0", "550 taro@example.com... No such user", "", "", Reason::Filtered),
        ("", "550 - Requested action not taken: no such user here", "", "", Reason::Filtered),
        (
            "",
            "User hanako.sato (hanako@example.jp) not listed in Domino Directory",
            "",
            "",
            Reason::UserUnknown,
        ),
        ("", "Invalid final delivery userid: hanako@example.jp", "", "", Reason::UserUnknown),
        ("5.1.1", "550 5.1.1 taro@example.com... No such user", "", "", Reason::UserUnknown),
        ("5.0.0", "550 taro@example.com... No such user", "RCPT TO", "", Reason::UserUnknown),
        // au (KDDI) and NTT docomo tell a missing mailbox from the recipient's filter.
        (
            "5.0.0",
            "550 <taro@ezweb.ne.jp>: User unknown",
            "",
            "lsean.ezweb.ne.jp",
            Reason::UserUnknown,
        ),
        ("5.0.0", "550 : User unknown", "RCPT TO", "lsean.ezweb.ne.jp", Reason::Filtered),
        ("", "550 <taro@ezweb.ne.jp>: User unknown", "", "", Reason::UserUnknown),
        (
            "5.0.0",
            "550 <taro@au.com>: User unknown",
            "DATA",
            "msmx.au.com",
            Reason::UserUnknown,
        ),
        (
            "5.0.0",
            "550 Unknown user taro.yamada.1999@docomo.ne.jp",
            "RCPT TO",
            "mfsmax.docomo.ne.jp",
            Reason::UserUnknown,
        ),
        (
            "5.0.0",
            "550 Unknown user taro.yamada.1999@docomo.ne.jp",
            "DATA",
            "mfsmax.docomo.ne.jp",
            Reason::UserUnknown,
        ),
        (
            "5.2.0",
            "550 Unknown user taro.yamada.1999@docomo.ne.jp",
            "DATA",
            "mfsmax.docomo.ne.jp",
            Reason::Filtered,
        ),
        ("5.0.0", "552 Too much mail data", "DATA", "mfsmax.docomo.ne.jp", Reason::MailboxFull),
        // "User unknown" under a policy status is a filter, except at RCPT TO.
        ("5.7.1", "550 5.7.1 User unknown: taro@example.jp", "", "", Reason::Filtered),
        ("5.7.1", "553 Invalid recipient taro@example.jp", "RCPT TO", "", Reason::UserUnknown),
        // Address errors and 5.7.1 in answer to MAIL FROM are about the sender.
        (
            "5.1.0",
            "553 5.1.0 info@old.example does not exist",
            "MAIL FROM",
            "",
            Reason::Rejected,
        ),
        ("5.1.7", "550 5.1.7 No such domain old.example", "MAIL FROM", "", Reason::Rejected),
        ("5.7.1", "550 5.7.1 Access denied", "MAIL FROM", "", Reason::Rejected),
        ("5.7.1", "550 5.7.1 Access denied", "RCPT TO", "", Reason::Blocked),
        // Nothing matched: refused at connection is a block; unreadable text is on hold.
        ("", "550 Access denied...0123abcd", "CONNECT", "", Reason::Blocked),
        ("4.0.0", "450 4.0.0 Temporary failure", "", "", Reason::OnHold),
        (
            "",
            "This is the mail system at host mx.example.net. I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
            "",
            "",
            Reason::Undefined,
        ),
        // Orange / La Poste codes.
        (
            "5.2.0",
            "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]",
            "DATA",
            "smtp.wanadoo.fr",
            Reason::SpamDetected,
        ),
        (
            "4.2.1",
            "421 4.2.1 Service refuse. Service refused, please try later. LPN006_107",
            "CONNECT",
            "smtpz4.laposte.net",
            Reason::RequirePtr,
        ),
        (
            "4.2.0",
            "421 4.2.0 Service refused, please try later. OFR005_505 [505]",
            "DATA",
            "smtp-in.orange.fr",
            Reason::SystemError,
        ),
        (
            "5.7.1",
            "554 5.7.1 <mx.example.net[192.0.2.1]>: Client host rejected: LPN000_630",
            "RCPT TO",
            "smtpz4.laposte.net",
            Reason::PolicyViolation,
        ),
        (
            "5.5.0",
            "550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416",
            "DATA",
            "smtpz4.laposte.net",
            Reason::UserUnknown,
        ),
        // The same code number means nothing from another provider.
        // (the registry's 5.2.0 decides: the mailbox refused it; not spam)
        ("5.2.0", "550 5.2.0 Rejected [506]", "DATA", "mx.example.net", Reason::Filtered),
        (
            "5.0.0",
            "554 Host network not allowed",
            "RCPT TO",
            "eu-smtp-inbound-1.mimecast.com",
            Reason::PolicyViolation,
        ),
    ];
    for (status, text, command, host, want) in cases {
        let got = classify(&full(status, text, command, host));
        assert_eq!(got, *want, "{status} {text} {command} {host}");
    }
    let mut reply = report("", "I am out of the office until Monday and will reply on my return.");
    reply.kind = Kind::AutoReply;
    assert_eq!(classify(&reply), Reason::Vacation);
    reply.diagnostic =
        Some("This inbox is no longer in use. Please write to info@example.com.".into());
    assert_eq!(classify(&reply), Reason::Suspend);
    // A report with a status code is a bounce, whatever its headers said.
    reply.status = "5.1.1".parse().ok();
    assert_eq!(classify(&reply), Reason::UserUnknown);
    reply.status = None;
    reply.kind = Kind::Feedback;
    assert_eq!(classify(&reply), Reason::Feedback);
    // Google Groups' notice, whatever its language; an SMTP answer is read as usual.
    let mut group = report("", "Hallo, die Gruppe ist möglicherweise nicht vorhanden.");
    group.recipient = Some("team@googlegroups.com".into());
    assert_eq!(classify(&group), Reason::Rejected);
    group.status = "5.3.4".parse().ok();
    group.diagnostic = Some("552 5.3.4 Message too big".into());
    assert_eq!(classify(&group), Reason::EmailTooLarge);
    let mut delayed = RecipientReport::default();
    delayed.action = Action::Delayed;
    assert_eq!(classify(&delayed), Reason::Expired);
}

pub(super) fn bounce(generator: &str, sender: &str) -> Bounce {
    let mut b = Bounce::default();
    b.generator = (!generator.is_empty()).then(|| generator.to_string());
    b.sender = (!sender.is_empty()).then(|| sender.to_string());
    b
}

#[test]
fn classifies_by_generating_mta() {
    // (generator, status, diagnostic, reason with the generator, reason without)
    let cases: &[(&str, &str, &str, Reason, Reason)] = &[
        ("domino", "", "User Taro Yamada (taro@example.jp) not listed in Domino Directory", Reason::UserUnknown, Reason::UserUnknown),
        ("notes", "", "User not listed in public Name & Address Book", Reason::UserUnknown, Reason::UserUnknown),
        ("exchange2003", "", "The recipient name is not recognized MSEXCH:IMS:EXAMPLE:JP:MAIL1 0 (000C05A6) Unknown Recipient", Reason::UserUnknown, Reason::UserUnknown),
        ("imail", "", "Unknown user: hanako@example.com", Reason::UserUnknown, Reason::Filtered),
        ("ezweb", "", "550 <hanako@ezweb.ne.jp>: User unknown", Reason::UserUnknown, Reason::UserUnknown),
        ("ezweb", "", "550 <hanako@example.jp>: User unknown", Reason::UserUnknown, Reason::Filtered),
        ("ezweb", "", "Each of the following recipients was rejected by a remote mail server.", Reason::Filtered, Reason::OnHold),
        ("ezweb", "", "Your message was not delivered within 2 days and 0 hours. Remote host is not responding.", Reason::Expired, Reason::Expired),
        ("ezweb", "", "The user(s) account is temporarily over quota.", Reason::MailboxFull, Reason::MailboxFull),
        ("ezweb", "", "The user(s) account is disabled.", Reason::Suspend, Reason::Suspend),
        ("interscan", "", "Unable to deliver message to <taro@example.jp> (and other recipients in the same domain).", Reason::UserUnknown, Reason::OnHold),
        ("verizon", "", "Error: No valid recipients for this MM", Reason::UserUnknown, Reason::OnHold),
        // A filtering gateway, whatever generator, says "user unknown" of mail it refuses.
        ("x1", "", "User unknown", Reason::Filtered, Reason::Filtered),
        ("postfix", "", "550 unknown user <taro@example.co.jp>", Reason::Filtered, Reason::Filtered),
        // A generator's words decide only for that generator.
        ("postfix", "", "Error: No valid recipients for this MM", Reason::OnHold, Reason::OnHold),
    ];
    for (generator, status, text, with, without) in cases {
        let r = report(status, text);
        assert_eq!(Reason::classify_in(&r, &bounce(generator, "")), *with, "{generator}: {text}");
        assert_eq!(classify(&r), *without, "no generator: {text}");
    }
}

#[test]
fn a_reply_naming_the_sender_answered_mail_from() {
    let sender = "news@shop.example";
    // (status, diagnostic, command, reason with the sender known)
    let cases: &[(&str, &str, &str, Reason)] = &[
        ("5.7.1", "550 5.7.1 <news@shop.example>... Access denied", "", Reason::Rejected),
        ("5.0.0", "550 <News@Shop.example>... User unknown", "", Reason::Rejected),
        // The command is known, or the recipient is named too: read as usual.
        ("5.7.1", "550 5.7.1 <news@shop.example>... Access denied", "RCPT TO", Reason::Blocked),
        (
            "5.7.1",
            "550 5.7.1 <news@shop.example> to <taro@example.jp>... Access denied",
            "",
            Reason::Blocked,
        ),
        ("5.7.1", "550 5.7.1 <someone@else.example>... Access denied", "", Reason::Blocked),
    ];
    for (status, text, command, want) in cases {
        let mut r = full(status, text, command, "");
        r.recipient = Some("taro@example.jp".into());
        assert_eq!(Reason::classify_in(&r, &bounce("", sender)), *want, "{text} {command}");
    }
    let r = report("5.7.1", "550 5.7.1 <news@shop.example>... Access denied");
    assert_eq!(classify(&r), Reason::Blocked);
}

#[test]
fn classifies_gateway_provider_and_system_phrases() {
    let cases: &[(&str, &str, &str, &str, Reason)] = &[
        ("5.0.0", "550 'taro@example.net' is not a registered gateway user", "", "", Reason::Rejected),
        ("", "You are not a member of this mailing list <staff@lists.example.org>.", "", "", Reason::Rejected),
        ("5.7.1", "550 5.7.1 Posting by non-members to staff@lists.example.org is not allowed", "", "", Reason::Rejected),
        ("", "421, ERROR_CODE :, Host not reachable.", "", "", Reason::Expired),
        ("5.5.0", "554 \"|/usr/local/bin/filter taro\"... Service unavailable", "", "", Reason::SystemError),
        ("5.3.0", "550 5.0.0 <taro@example.jp>... Insufficient permission", "", "", Reason::SystemError),
        ("5.3.0", "", "", "", Reason::SystemError),
        // Spectrum's own codes: 13xx are limits.
        ("5.1.0", "550 5.1.0 <bounce@mail.example.com> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1310", "", "", Reason::RateLimited),
        // 1000: the sending IP is blocked (provider-replies.md §6.4).
        ("5.1.0", "550 5.1.0 <bounce@mail.example.com> sender rejected. AUP#In-1000", "", "", Reason::Blocked),
    ];
    for (status, text, command, host, want) in cases {
        assert_eq!(classify(&full(status, text, command, host)), *want, "{status} {text}");
    }
}

#[test]
fn names_sender_compares_as_lower_case_copies_would() {
    fn reference(text: &str, sender: &str, recipient: Option<&str>) -> bool {
        let sender = sender.trim().to_lowercase();
        let recipient = recipient.unwrap_or_default().trim().to_lowercase();
        sender.contains('@')
            && text.contains(&format!("<{sender}>"))
            && (recipient.is_empty() || !text.contains(&recipient))
    }
    let texts = [
        "550 <news@shop.example>... access denied",
        "550 <news@shop.example> to <taro@example.jp>... denied",
        "550 <news@shop.example to taro@example.jp",
        "<news@shop.example>",
        "<>",
        "550 <ニュース@shop.example>... denied",
        "550 <news@shop.example\u{212a}>... denied",
        "550 <news@shop.examplek>... denied",
        "",
    ];
    let senders = [
        "news@shop.example",
        " NEWS@Shop.Example ",
        "news",
        "",
        "@",
        "ニュース@shop.example",
        "news@shop.example\u{212A}",
        "news@shop.exampleK",
        "news@shop.examplek",
    ];
    let recipients = [
        None,
        Some(""),
        Some("taro@example.jp"),
        Some(" TARO@EXAMPLE.JP"),
        Some("タロ@example.jp"),
    ];
    for text in texts {
        let text = text.to_lowercase();
        for sender in senders {
            for recipient in recipients {
                assert_eq!(
                    names_sender(&text, sender, recipient),
                    reference(&text, sender, recipient),
                    "{text:?} {sender:?} {recipient:?}"
                );
            }
        }
    }
}

/// The phrase rules as they read, one `str::contains` per phrase.
fn reference_matches(rule: &PhraseRule, text: &str) -> bool {
    rule.all.iter().all(|p| text.contains(p.as_str()))
        && (rule.any.is_empty() || rule.any.iter().any(|p| text.contains(p.as_str())))
}

fn contains_any(text: &str, phrases: &[String]) -> bool {
    phrases.iter().any(|p| text.contains(p.as_str()))
}

/// `classify_by` evaluated straightforwardly: every rules file in order, each phrase
/// looked for on its own in the lower-cased diagnostic. The reason and the id of
/// the rule that decided.
fn reference_classify(
    report: &RecipientReport,
    generator: &str,
    sender: &str,
) -> (Reason, &'static str) {
    let rules = &*RULES;
    let text = report.diagnostic.as_deref().unwrap_or_default().to_lowercase();
    let text = without_continuations(&text).into_owned();
    let by_rule = |rule: &'static PhraseRule| (rule.reason, rule.id.as_str());
    match report.kind {
        Kind::Feedback => return (Reason::Feedback, "kind.feedback"),
        Kind::AutoReply if report.status.is_none() => {
            return rules
                .autoreplies
                .iter()
                .find(|rule| reference_matches(rule, &text))
                .map_or((Reason::Vacation, "kind.autoreply"), by_rule)
        }
        _ => {}
    }
    if report.action == Action::Delivered || report.status.is_some_and(|s| s.class == 2) {
        return (Reason::Delivered, "kind.delivered");
    }
    let mut command =
        report.smtp_command.as_deref().unwrap_or_default().trim().to_ascii_uppercase();
    if command.is_empty() && names_sender(&text, sender, report.recipient.as_deref()) {
        command = "MAIL".to_string();
    }
    let host = report.remote_mta.as_deref().unwrap_or_default();
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let notice = report.status.is_none() && report.reply_code.is_none();
    let notice_domain = match (notice, report.recipient.as_deref().and_then(|r| r.rsplit_once('@')))
    {
        (true, Some((_, domain))) => domain.trim().to_ascii_lowercase(),
        _ => String::new(),
    };
    // The providers recognised by the remote host first, then the others; in each, the
    // gateways first.
    for (by_host, gateway) in [(true, true), (true, false), (false, true), (false, false)] {
        let providers = || {
            rules.providers.iter().filter(|p| {
                p.hosts.iter().any(|s| crate::provider::domain_matches(&host, s)) == by_host
                    && p.facts.gateway == gateway
                    && p.recognises(&host, contains_any(&text, &p.texts), &notice_domain)
            })
        };
        if let Some(rule) = providers()
            .flat_map(|provider| &provider.statuses)
            .find(|rule| report.status.is_some_and(|status| rule.matches(status)))
        {
            return (rule.reason, &rule.id);
        }
        if let Some(rule) = providers()
            .flat_map(|provider| &provider.rules)
            .find(|rule| reference_matches(rule, &text))
        {
            return by_rule(rule);
        }
    }
    let generator = generator.trim();
    if let Some(rule) = rules
        .lhosts
        .iter()
        .filter(|lhost| lhost.generators.iter().any(|g| g.eq_ignore_ascii_case(generator)))
        .flat_map(|lhost| &lhost.rules)
        .find(|rule| reference_matches(rule, &text))
    {
        return by_rule(rule);
    }
    let (found, id) = rules
        .phrases
        .iter()
        .find(|rule| reference_matches(rule, &text))
        .map(by_rule)
        .or_else(|| {
            let status = report.status?;
            rules
                .statuses
                .iter()
                .find(|rule| {
                    let needed = rule.needs_any.is_empty() || contains_any(&text, &rule.needs_any);
                    rule.matches(status, needed, &command)
                })
                .map(|r| (r.reason, r.id.as_str()))
        })
        .or_else(|| {
            let code = report.reply_code?;
            rules.replies.iter().find(|r| r.code == code).map(|r| (r.reason, r.id.as_str()))
        })
        .unwrap_or((Reason::Undefined, "none"));
    rules
        .contexts
        .iter()
        .find(|rule| {
            rule.applies(found, report, &command, &text, contains_any(&text, &rule.unless_any))
        })
        .map_or((found, id), |rule| (rule.becomes, rule.id.as_str()))
}

/// Every phrase of every rules file.
fn every_phrase() -> Vec<&'static str> {
    let rules = &*RULES;
    let of = |rules: &'static [PhraseRule]| {
        rules
            .iter()
            .flat_map(|r| r.all.iter().chain(&r.any))
            .map(String::as_str)
            .collect::<Vec<_>>()
    };
    let mut phrases = of(&rules.phrases);
    phrases.extend(of(&rules.autoreplies));
    for provider in &rules.providers {
        phrases.extend(provider.texts.iter().map(String::as_str));
        phrases.extend(of(&provider.rules));
    }
    for lhost in &rules.lhosts {
        phrases.extend(of(&lhost.rules));
    }
    phrases.extend(rules.statuses.iter().flat_map(|r| &r.needs_any).map(String::as_str));
    phrases.extend(rules.contexts.iter().flat_map(|r| &r.unless_any).map(String::as_str));
    phrases
}

/// Varied diagnostics: every phrase alone, upper-cased, inside other words and
/// beside its neighbours (overlapping phrases), and texts with non-ASCII letters.
pub(super) fn varied_texts() -> Vec<String> {
    let phrases = every_phrase();
    let mut texts: Vec<String> = [
        "",
        " ",
        "\u{212A}NOWN",
        "User un\u{212A}nown",
        "The e-mail address wasn\u{2019}t found",
        "THE E-MAIL ADDRESS WASN\u{2019}T FOUND",
        "Ünknown Üser, mailbox İs full",
        "Benutzer unbekannt: Postfach voll (über Quota)",
        "用户不存在 user unknown 邮箱已满",
        "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
        "550 <hanako@ezweb.ne.jp>: User unknown",
        "550 : User unknown",
        "550 5.1.0 <b@mail.example.com> sender rejected. AUP#In-1310",
        "550 mwinf5c04 ME Adresse IP source bloquée. OFR_506 [506]",
        "552 too much mail data",
        "listed on rbl spamhaus",
        "recipient address rejected: user unknown in virtual mailbox table",
        "spamspamspam blacklistedblacklist block listed",
        "This is the mail system at host mx.example.jp. I'm sorry to have to inform you",
        "<news@shop.example>... Access denied",
        "<NEWS@SHOP.EXAMPLE> to <taro@example.jp>... does not exist",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    for (i, phrase) in phrases.iter().enumerate() {
        let next = phrases[(i + 1) % phrases.len()];
        texts.push(phrase.to_string());
        texts.push(phrase.to_uppercase());
        texts.push(format!("550 5.0.0 x{phrase}x; {next}"));
        let half: String = phrase.chars().take(phrase.chars().count() / 2).collect();
        texts.push(format!("{half}{next}"));
    }
    texts
}

#[test]
fn the_searcher_finds_exactly_the_phrases_a_text_contains() {
    let compiled = &*COMPILED;
    assert!(compiled.searcher.is_some());
    for text in varied_texts() {
        let text = text.to_lowercase();
        let found = compiled.find(&text);
        for (id, phrase) in compiled.phrases.iter().enumerate() {
            assert_eq!(found.has(id), text.contains(phrase), "{phrase:?} in {text:?}");
        }
    }
}

#[test]
fn the_rule_index_finds_the_first_matching_phrase_rule() {
    let compiled = &*COMPILED;
    for text in varied_texts() {
        let found = compiled.find(&text.to_lowercase());
        let indexed = compiled.first_phrase_rule(&found).map(std::ptr::from_ref);
        let linear = compiled.phrase.iter().find(|rule| rule.matches(&found));
        assert_eq!(indexed, linear.map(std::ptr::from_ref), "{text:?}");
    }
}

#[test]
fn classifies_as_the_tables_read_one_phrase_at_a_time() {
    // (kind, status, reply code, command, remote MTA, generator, action)
    type Context =
        (Kind, &'static str, Option<u16>, &'static str, &'static str, &'static str, Action);
    let contexts: &[Context] = &[
        (Kind::Delivery, "", None, "", "", "", Action::Failed),
        (Kind::Delivery, "5.0.0", Some(550), "", "", "", Action::Failed),
        (Kind::Delivery, "5.1.1", Some(550), "RCPT TO", "", "", Action::Failed),
        (Kind::Delivery, "5.7.1", Some(554), "DATA", "", "", Action::Failed),
        (Kind::Delivery, "5.7.1", None, "", "mx.orange.fr.", "", Action::Failed),
        (Kind::Delivery, "5.2.0", None, "DATA", "docomo.ne.jp", "", Action::Failed),
        (Kind::Delivery, "4.7.500", Some(451), "MAIL FROM", "", "", Action::Delayed),
        (Kind::Delivery, "", Some(553), "EHLO", "", "domino", Action::Failed),
        (Kind::Delivery, "", None, "", "", "ezweb", Action::Failed),
        (Kind::Delivery, "2.0.0", None, "", "", "", Action::Delivered),
        (Kind::AutoReply, "", None, "", "", "", Action::Failed),
        (Kind::Feedback, "", None, "", "", "", Action::Failed),
    ];
    let mut compared = 0;
    for text in varied_texts() {
        for (kind, status, reply, command, host, generator, action) in contexts {
            let mut r = full(status, &text, command, host);
            r.kind = *kind;
            r.reply_code = *reply;
            r.action = *action;
            r.recipient = Some("taro@example.jp".into());
            let b = bounce(generator, "news@shop.example");
            let want = reference_classify(&r, generator, "news@shop.example");
            let got = Reason::explain_in(&r, &b);
            assert_eq!((got.reason, got.rule_id), want, "{text:?} {status} {command}");
            compared += 1;
        }
    }
    assert!(compared > 10_000, "{compared}");
}

// The rules files themselves.

#[test]
fn every_rules_file_loads_without_error() {
    let rules = &*RULES;
    assert_eq!(rules.errors, Vec::new(), "{:#?}", rules.errors);
    assert!(rules.phrases.len() > 30 && rules.statuses.len() > 30, "phrases and status codes");
    assert!(
        !rules.replies.is_empty() && !rules.contexts.is_empty() && !rules.autoreplies.is_empty()
    );
    assert!(rules.providers.len() >= 6 && rules.lhosts.len() >= 6);
}

#[test]
fn every_row_has_a_unique_id_and_a_source() {
    let mut seen = std::collections::HashSet::new();
    let mut rows = 0;
    for (id, source) in RULES.ids() {
        assert!(!id.trim().is_empty(), "a row without an id ({source})");
        assert!(!source.trim().is_empty(), "{id} has no source");
        assert!(seen.insert(id), "{id} is used twice");
        rows += 1;
    }
    assert!(rows > 100, "{rows}");
}

#[test]
fn no_phrase_is_empty_or_upper_case() {
    for phrase in every_phrase() {
        assert!(!phrase.is_empty());
        // The searcher files every phrase under its first bytes, as many as the
        // shortest phrase has (up to three): one phrase of one or two bytes makes it
        // stop at nearly every byte of every diagnostic.
        assert!(phrase.len() >= 3, "{phrase:?} is shorter than the searcher's key");
        assert_eq!(phrase.to_lowercase(), phrase, "matched against lower-cased text");
    }
}
