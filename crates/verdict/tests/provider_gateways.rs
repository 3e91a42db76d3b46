//! The provider files of the security gateways (§7), the European providers (§8)
//! and the Japanese carriers and ISPs (§9) of provider-replies.md: one realistic
//! reply per row, written from the reference, classified through the public API.

use rebound_dsn::{Bounce, RecipientReport};
use rebound_verdict::{hard_bounce, Reason};

/// One reply as a receiving MTA gives it.
struct Reply {
    status: &'static str,
    reply_code: Option<u16>,
    command: &'static str,
    host: &'static str,
    diagnostic: &'static str,
}

/// A reply that is refused at RCPT TO with `reply_code`.
const fn rcpt(
    status: &'static str,
    code: u16,
    host: &'static str,
    diagnostic: &'static str,
) -> Reply {
    Reply { status, reply_code: Some(code), command: "RCPT TO", host, diagnostic }
}

/// A reply to the end of DATA with `reply_code`.
const fn data(
    status: &'static str,
    code: u16,
    host: &'static str,
    diagnostic: &'static str,
) -> Reply {
    Reply { status, reply_code: Some(code), command: "DATA", host, diagnostic }
}

/// A notice's text, with neither a status nor a reply code.
const fn text(host: &'static str, diagnostic: &'static str) -> Reply {
    Reply { status: "", reply_code: None, command: "", host, diagnostic }
}

/// A reply to the connection (the banner) with `reply_code`.
const fn connect(
    status: &'static str,
    code: u16,
    host: &'static str,
    diagnostic: &'static str,
) -> Reply {
    Reply { status, reply_code: Some(code), command: "CONNECT", host, diagnostic }
}

impl Reply {
    fn report(&self) -> RecipientReport {
        let mut report = RecipientReport::default();
        report.recipient = Some("hanako@example.jp".into());
        report.status = self.status.parse().ok();
        report.reply_code = self.reply_code;
        report.smtp_command = (!self.command.is_empty()).then(|| self.command.into());
        report.remote_mta = (!self.host.is_empty()).then(|| self.host.into());
        report.diagnostic = Some(self.diagnostic.into());
        report
    }
}

/// Asserts that every reply is classified as the given reason by the given rule.
fn assert_cases(cases: &[(Reply, Reason, &str)]) {
    let bounce = Bounce::default();
    for (reply, want, rule_id) in cases {
        let report = reply.report();
        let why = Reason::explain_in(&report, &bounce);
        assert_eq!(
            (why.reason, why.rule_id),
            (*want, *rule_id),
            "{} {}",
            reply.host,
            reply.diagnostic
        );
        assert_eq!(Reason::classify_in(&report, &bounce), *want);
        assert!(why.source.starts_with("provider-replies.md §"), "{rule_id}: {}", why.source);
    }
}

#[test]
fn proofpoint_rows() {
    let host = "mx0b-00123401.pphosted.com";
    assert_cases(&[
        (connect("5.7.0", 554, host, "554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.25"), Reason::Blocked, "provider.proofpoint.pdr-blocked"),
        // Apple's MX quotes Proofpoint's older lookup link: the block is Proofpoint's.
        (connect("5.7.0", 550, "mx01.mail.icloud.com", "550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.25"), Reason::Blocked, "provider.apple.proofpoint"),
        (connect("4.7.0", 421, host, "421 4.7.0 Delayed - see https://ipcheck.proofpoint.com/?ip=192.0.2.25"), Reason::BadReputation, "provider.proofpoint.pdr-delayed"),
        (connect("5.7.1", 550, host, "550 5.7.1 Service unavailable; client [192.0.2.25] blocked using prs.proofpoint.com"), Reason::Blocked, "provider.proofpoint.prs-dnsbl"),
        (connect("5.7.1", 550, host, "550 5.7.1 Service unavailable; client [192.0.2.25] blocked using Cloudmark Sender Intelligence"), Reason::Blocked, "provider.cloudmark.csi"),
        (rcpt("5.7.1", 550, host, "550 5.7.1 <hanako@example.jp>: Recipient address rejected: User email address is marked as invalid"), Reason::UserUnknown, "provider.proofpoint.marked-invalid"),
        (rcpt("5.1.1", 550, host, "550 5.1.1 <hanako@example.jp>: Recipient address rejected: User unknown"), Reason::UserUnknown, "provider.proofpoint.user-unknown"),
        (rcpt("5.1.1", 550, host, "550 5.1.1 <hanako@example.jp>: undeliverable address: host mail.example.jp[198.51.100.7] said: 550 5.1.1 <hanako@example.jp>: Recipient address rejected: User unknown in local recipient table"), Reason::UserUnknown, "provider.proofpoint.user-unknown"),
        (rcpt("4.1.1", 421, host, "421 4.1.1 <hanako@example.jp>: Recipient address rejected: unverified address"), Reason::OnHold, "provider.proofpoint.unverified-address"),
        (Reply { command: "MAIL FROM", ..rcpt("5.1.8", 550, host, "550 5.1.8 <taro@nx.example.com>: Sender address rejected: Domain not found") }, Reason::Rejected, "provider.proofpoint.sender-domain-not-found"),
        (data("5.7.0", 550, host, "550 5.7.0 Email rejected per sender's DMARC policy"), Reason::AuthFailure, "provider.proofpoint.dmarc"),
        (rcpt("5.7.1", 554, host, "554 5.7.1 <hanako@example.org>: Relay access denied"), Reason::NoRelaying, "provider.proofpoint.relaying-denied"),
    ]);
    // An unverified address is retried: never a hard bounce.
    let reply = rcpt(
        "4.1.1",
        421,
        host,
        "421 4.1.1 <hanako@example.jp>: Recipient address rejected: unverified address",
    );
    let report = reply.report();
    let reason = Reason::classify_in(&report, &Bounce::default());
    assert!(!hard_bounce(reason, report.status, report.reply_code));
}

#[test]
fn mimecast_rows() {
    let host = "us-smtp-inbound-1.mimecast.com";
    let link = " - https://community.mimecast.com/docs/DOC-1369#550 [aBcDeFgHiJkLmN.us123]";
    let cases: Vec<(String, &str, u16, Reason, &str)> = vec![
        (
            "421 Sender address blocked".into(),
            "",
            421,
            Reason::Blocked,
            "provider.mimecast.sender-address-blocked",
        ),
        (
            "451 Internal resources are temporarily unavailable".into(),
            "",
            451,
            Reason::OnHold,
            "provider.mimecast.internal-resources-unavailable",
        ),
        (
            "451 IP Temporarily Blacklisted".into(),
            "",
            451,
            Reason::Blocked,
            "provider.mimecast.ip-temporarily-blacklisted",
        ),
        (
            "451 Recipient Temporarily Unavailable".into(),
            "",
            451,
            Reason::SystemError,
            "provider.mimecast.recipient-temporarily-unavailable",
        ),
        (
            "451 Open relay not allowed".into(),
            "",
            451,
            Reason::NoRelaying,
            "provider.mimecast.open-relay-not-allowed",
        ),
        (
            "451 Account service is temporarily unavailable".into(),
            "",
            451,
            Reason::RateLimited,
            "provider.mimecast.account-service-unavailable",
        ),
        (
            "451 Unable to process connection at this time".into(),
            "",
            451,
            Reason::SystemError,
            "provider.mimecast.unable-to-process-connection",
        ),
        (
            "452 Too many recipients".into(),
            "",
            452,
            Reason::RateLimited,
            "provider.mimecast.too-many-recipients",
        ),
        (
            "550 Local CT IP Reputation - (Reject)".into(),
            "",
            550,
            Reason::BadReputation,
            "provider.mimecast.ip-reputation",
        ),
        (
            "550 DMARC Sender Invalid - envelope rejected".into(),
            "",
            550,
            Reason::AuthFailure,
            "provider.mimecast.spf-dkim-dmarc",
        ),
        (
            "550 Administrative prohibition - envelope blocked".into(),
            "",
            550,
            Reason::Rejected,
            "provider.mimecast.administrative-prohibition",
        ),
        (
            "550 Envelope blocked - User Domain Entry".into(),
            "",
            550,
            Reason::Rejected,
            "provider.mimecast.user-entry",
        ),
        (
            "550 Rejected by header based Anti-Spoofing policy: taro@example.jp".into(),
            "",
            550,
            Reason::PolicyViolation,
            "provider.mimecast.anti-spoofing",
        ),
        (
            "550 Rejected by header based Blocked Senders - block policy for header From".into(),
            "",
            550,
            Reason::Rejected,
            "provider.mimecast.header-blocked-senders",
        ),
        (
            "550 Invalid Recipient".into(),
            "5.1.1",
            550,
            Reason::UserUnknown,
            "provider.mimecast.invalid-recipient",
        ),
        (
            "553 This route requires encryption (TLS)".into(),
            "",
            553,
            Reason::FailedStartTls,
            "provider.mimecast.tls-required",
        ),
        (
            "554 Email rejected due to security policies".into(),
            "",
            554,
            Reason::SpamDetected,
            "provider.mimecast.security-policies",
        ),
        (
            "554 Maximum email size exceeded".into(),
            "",
            554,
            Reason::EmailTooLarge,
            "provider.mimecast.maximum-size",
        ),
        (
            "554 Host network not allowed".into(),
            "",
            554,
            Reason::PolicyViolation,
            "provider.mimecast.host-network-not-allowed",
        ),
        (
            "554 Mail loop detected".into(),
            "",
            554,
            Reason::NetworkError,
            "provider.mimecast.mail-loop",
        ),
        (
            "550 message bounced due to content examination policy".into(),
            "",
            550,
            Reason::PolicyViolation,
            "provider.mimecast.content-examination-policy",
        ),
    ];
    let bounce = Bounce::default();
    for (text, status, code, want, rule_id) in cases {
        let diagnostic = format!("{text}{link}");
        let mut report = rcpt(status, code, host, "").report();
        report.diagnostic = Some(diagnostic.clone());
        let why = Reason::explain_in(&report, &bounce);
        assert_eq!((why.reason, why.rule_id), (want, rule_id), "{diagnostic}");
    }
    // Recognised by its link alone, without the host.
    let mut report = rcpt("", 554, "", "").report();
    report.diagnostic = Some(format!("554 Email rejected due to security policies{link}"));
    assert_eq!(Reason::explain_in(&report, &bounce).rule_id, "provider.mimecast.security-policies");
}

#[test]
fn barracuda_cisco_trendmicro_cloudmark_rows() {
    let cuda = "mx1.example.jp.ess.barracudanetworks.com";
    let ironport = "mx1.hc1234-56.iphmx.com";
    let trend = "mx-in.tmes.trendmicro.com";
    assert_cases(&[
        (connect("5.7.1", 554, "mail.example.jp", "554 Service unavailable; Client host [192.0.2.25] blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.25"), Reason::Blocked, "provider.barracuda.brbl"),
        (data("", 550, cuda, "550 permanent failure for one or more recipients (hanako@example.jp:blocked)"), Reason::PolicyViolation, "provider.barracuda.recipient-blocked"),
        (rcpt("5.1.1", 550, cuda, "550 cuda_nsu 5.1.1 <hanako@example.jp>... User unknown"), Reason::UserUnknown, "provider.barracuda.no-such-user"),
        (rcpt("4.7.1", 450, cuda, "450 4.7.1 <hanako@example.jp>: Recipient address rejected: Policy Rejection- Abuse. Go away."), Reason::PolicyViolation, "provider.barracuda.abuse-policy"),
        (data("", 550, cuda, "550 rejecting spoofed message"), Reason::AuthFailure, "provider.barracuda.spoofed"),
        (data("", 554, cuda, "554 rejected due to spam URL in content"), Reason::SpamDetected, "provider.barracuda.spam-url"),
        (data("", 554, cuda, "554 rejecting banned content"), Reason::ContentError, "provider.barracuda.banned-content"),
        (connect("", 421, cuda, "421 License Expired"), Reason::SystemError, "provider.barracuda.license-expired"),
        (connect("", 554, ironport, "554 Your access to this mail system has been rejected due to the sending MTA's poor reputation. If you believe that this failure is in error, please contact the intended recipient via alternate means."), Reason::BadReputation, "provider.cisco.poor-reputation"),
        (rcpt("5.7.1", 550, "mail.example.co.jp", "550 #5.7.1 Your access to submit messages to this e-mail system has been rejected."), Reason::BadReputation, "provider.cisco.access-rejected"),
        (rcpt("5.7.1", 550, ironport, "550 #5.7.1 SPF unauthorized mail is prohibited."), Reason::AuthFailure, "provider.cisco.spf-unauthorized"),
        (rcpt("4.4.3", 451, ironport, "451 #4.4.3 Temporary error occurred during SPF verification."), Reason::AuthFailure, "provider.cisco.spf-temporary-error"),
        (connect("5.7.1", 550, "mail.example.jp", "550 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using Trend Micro RBL+. Please see http://www.mail-abuse.com/cgi-bin/lookup?ip_address=192.0.2.25"), Reason::Blocked, "provider.trendmicro.rbl-plus"),
        (connect("", 550, trend, "550 Mail from 192.0.2.25 refused by rbl-plus.mail-abuse.org"), Reason::Blocked, "provider.trendmicro.rbl-plus"),
        (rcpt("4.7.1", 450, trend, "450 4.7.1 <hanako@example.jp>: Recipient address rejected: ERS-QIL"), Reason::Blocked, "provider.trendmicro.qil"),
        (rcpt("5.7.1", 550, trend, "550 5.7.1 <hanako@example.jp>: Recipient address rejected: ERS-Customized-Block"), Reason::PolicyViolation, "provider.trendmicro.customized-block"),
        (rcpt("5.7.1", 554, trend, "554 5.7.1 <hanako@example.jp>: Recipient address rejected: BLOCK-SEND-ER"), Reason::Rejected, "provider.trendmicro.block-sender"),
        (rcpt("5.7.1", 554, trend, "554 5.7.1 <hanako@example.jp>: Recipient address rejected: BLOCK-RCPT"), Reason::PolicyViolation, "provider.trendmicro.block-recipient"),
        (rcpt("5.7.1", 554, trend, "554 5.7.1 <hanako@example.jp>: Recipient address rejected: Invalid-Recipient"), Reason::UserUnknown, "provider.trendmicro.invalid-recipient"),
        (rcpt("5.7.1", 554, trend, "554 5.7.1 <hanako@example.org>: Recipient address rejected: NO-DOMAIN"), Reason::NoRelaying, "provider.trendmicro.no-domain"),
        (connect("5.7.1", 550, "mx.example.net", "550 5.7.1 Service unavailable; client [192.0.2.25] blocked using Cloudmark Sender Intelligence (Visit http://csi.cloudmark.com/reset-request/?ip=192.0.2.25)"), Reason::Blocked, "provider.cloudmark.csi"),
    ]);
    // Greylisting is retried, never a hard bounce.
    let report = rcpt(
        "4.2.0",
        451,
        cuda,
        "451 4.2.0 <hanako@example.jp>: Recipient address rejected: Greylisted for 5 minutes",
    )
    .report();
    let reason = Reason::classify_in(&report, &Bounce::default());
    assert!(!hard_bounce(reason, report.status, report.reply_code));
}

#[test]
fn messagelabs_rows() {
    let host = "cluster1.eu.messagelabs.com";
    assert_cases(&[
        (connect("", 501, host, "501 Connection rejected by policy [7.7] 20805, please visit www.messagelabs.com/support for more details about this error message."), Reason::Blocked, "provider.messagelabs.connection-rejected-by-policy"),
        (Reply { command: "MAIL FROM", ..rcpt("5.7.1", 553, host, "553-SPF (Sender Policy Framework) domain authentication fail. Refer to the Troubleshooting page at http://www.symanteccloud.com/troubleshooting for more information. (#5.7.1)") }, Reason::AuthFailure, "provider.messagelabs.spf-dmarc"),
        (data("5.7.1", 553, host, "553-DMARC domain authentication fail. (#5.7.1)"), Reason::AuthFailure, "provider.messagelabs.spf-dmarc"),
        (connect("", 553, host, "553 mail rejected because your IP is in the PBL. See http://www.spamhaus.org/pbl"), Reason::Blocked, "provider.messagelabs.pbl"),
        (connect("", 553, host, "553 Sorry, your IP address has been blocked (#5.7.1)"), Reason::Blocked, "provider.messagelabs.ip-blocked"),
        (Reply { command: "MAIL FROM", ..rcpt("5.7.1", 553, host, "553 Sorry, your email address has been blacklisted (#5.7.1)") }, Reason::Rejected, "provider.messagelabs.sender-blocked"),
        (Reply { command: "MAIL FROM", ..rcpt("", 553, host, "553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)") }, Reason::Rejected, "provider.messagelabs.badmailfrom"),
        (Reply { command: "MAIL FROM", ..rcpt("5.1.8", 550, host, "550 sender envelope domain not allowed for sender IP address (#5.1.8)") }, Reason::Rejected, "provider.messagelabs.envelope-domain-not-allowed"),
        (data("", 553, host, "553 Message Filtered - Refer to the Troubleshooting page at http://www.symanteccloud.com/troubleshooting"), Reason::SpamDetected, "provider.messagelabs.filtered"),
        (data("5.6.2", 553, host, "553 Stray linefeeds in message (#5.6.2)"), Reason::NotCompliantRfc, "provider.messagelabs.stray-linefeeds"),
        (Reply { command: "MAIL FROM", ..rcpt("4.7.1", 451, host, "451 TLS/SSLv3 Connection required. (#4.7.1)") }, Reason::FailedStartTls, "provider.messagelabs.tls-required"),
        (rcpt("5.7.1", 553, host, "553 sorry, that domain isn't in my list of allowed rcpthosts; you are trying to use me [server-7.tower-123.messagelabs.com] as a relay, but I have not been configured to let you do this (#5.7.1)"), Reason::NoRelaying, "provider.messagelabs.relay"),
        (rcpt("4.3.0", 452, host, "452 Too many recipients received this hour (#4.3.0)"), Reason::RateLimited, "provider.messagelabs.rate"),
        (rcpt("5.1.1", 550, host, "550 Invalid recipient <hanako@example.jp> (#5.1.1)"), Reason::UserUnknown, "provider.messagelabs.invalid-recipient"),
        (data("", 550, host, "550 Requested action aborted [4] Message Labs has detected that this message is not RFC 5322 compliant"), Reason::NotCompliantRfc, "provider.messagelabs.not-rfc5322"),
        (data("", 450, host, "450 Requested action aborted [9] Please see TECH246726"), Reason::OnHold, "provider.messagelabs.temporary-policy"),
    ]);
}

#[test]
fn gmx_and_t_online_rows() {
    let gmx = "mx00.emig.gmx.net";
    let case = " For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.25&r=1ABCDEFG";
    let t = "mx00.t-online.de";
    let cases: &[(&str, u16, &str, Reason, &str)] = &[
        ("554-gmx.net (mxgmx104) Nemesis ESMTP Service not available 554-No SMTP service 554-IP address is block listed. 554", 554, "", Reason::Blocked, "provider.gmx.ip-block-listed"),
        ("550-Requested action not taken: mailbox unavailable 550-Reject due to policy restrictions (IP based). 550", 550, "", Reason::BadReputation, "provider.gmx.policy-ip-based"),
        ("550-Reject due to policy restrictions (domain based). 550", 550, "", Reason::BadReputation, "provider.gmx.policy-domain-based"),
        ("550-Reject due to policy restrictions (header based). 550", 550, "", Reason::ContentError, "provider.gmx.policy-header-based"),
        ("550-Reject due to SPF policy. The originating IP of the message is not permitted by the domain owner 550", 550, "", Reason::AuthFailure, "provider.gmx.spf"),
        ("554-Bad DNS PTR resource record. 554", 554, "", Reason::RequirePtr, "provider.gmx.bad-ptr"),
        ("550-Invalid DNS MX or A/AAAA resource record. 550", 550, "", Reason::Rejected, "provider.gmx.sender-domain-dns"),
        ("501-Syntax error in parameters or arguments 501", 501, "", Reason::SyntaxError, "provider.gmx.syntax-error"),
        ("421-Rate limit reached. Please try again later 421", 421, "", Reason::RateLimited, "provider.gmx.rate-limit"),
        ("421 Reject due to policy violations", 421, "", Reason::BadReputation, "provider.gmx.policy-violations"),
        ("451 Requested action aborted: local error in processing", 451, "", Reason::SystemError, "provider.gmx.local-error"),
        ("552-Requested mail action aborted: exceeded storage allocation 552-Quota exceeded 552", 552, "", Reason::MailboxFull, "provider.gmx.storage-exceeded"),
        ("554-Transaction failed 554-Reject due to policy restrictions. 554", 554, "", Reason::PolicyViolation, "provider.gmx.transaction-failed-policy"),
        ("450-Requested mail action not taken: mailbox unavailable 450", 450, "", Reason::OnHold, "provider.gmx.mailbox-unavailable-temporary"),
        ("550-Requested action not taken: mailbox unavailable 550", 550, "", Reason::UserUnknown, "provider.gmx.mailbox-unavailable"),
    ];
    let bounce = Bounce::default();
    for (text, code, status, want, rule_id) in cases {
        let mut report = rcpt(status, *code, gmx, "").report();
        let diagnostic = format!("{text}{case}");
        report.diagnostic = Some(diagnostic.clone());
        let why = Reason::explain_in(&report, &bounce);
        assert_eq!((why.reason, why.rule_id), (*want, *rule_id), "{diagnostic}");
    }
    assert_cases(&[
        // 1&1's older form, recognised by its link: the policy line decides.
        (rcpt("", 550, "mx.kundenserver.de", "550-Requested action not taken: mailbox unavailable 550-Reject due to policy restrictions. 550 For explanation visit http://postmaster.1and1.com/en/error-messages?ip=192.0.2.25&c=poli"), Reason::PolicyViolation, "provider.gmx.policy-restrictions-poli"),
        (connect("", 554, t, "554 IP=192.0.2.25 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)"), Reason::Blocked, "provider.t-online.bl"),
        (connect("4.7.1", 450, "", "450 4.7.1 [EAB] 554 IP=192.0.2.25 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.)"), Reason::Blocked, "provider.t-online.bl"),
        (connect("", 554, t, "554 IP=192.0.2.25 - None/bad reputation. Ask your postmaster for help or to contact postmaster@rx.t-online.de for reset. (NOWL)"), Reason::BadReputation, "provider.t-online.nowl"),
        (connect("", 554, t, "554 IP=192.0.2.25 - Dialup/transient IP not allowed. Use a mailgateway or contact toda@rx.t-online.de if obsolete. (DIAL)"), Reason::Blocked, "provider.t-online.dial"),
        (data("", 550, t, "550 (grey defer DKIMr) Mailhost: mailin42.t-online.de"), Reason::OnHold, "provider.t-online.grey-defer"),
        (rcpt("5.1.1", 550, t, "550 5.1.1 user unknown"), Reason::UserUnknown, "provider.t-online.user-unknown"),
        (rcpt("5.2.2", 552, t, "552 5.2.2 Over STORAGE quota"), Reason::MailboxFull, "provider.t-online.over-quota"),
    ]);
}

#[test]
fn orange_free_mailru_yandex_seznam_rows() {
    let orange = "smtp-in.orange.fr";
    let laposte = "smtpz4.laposte.net";
    let free = "mx1.free.fr";
    let mailru = "mxs.mail.ru";
    let yandex = "mx.yandex.ru";
    assert_cases(&[
        (connect("5.7.1", 550, laposte, "550 5.7.1 Service refuse. Service refused. Client host blocked using Spamhaus. LPNAAA_101"), Reason::Blocked, "provider.orange.101"),
        (connect("", 550, orange, "550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102 Ref http://csi.cloudmark.com/reset-request/?ip=192.0.2.25 [102]"), Reason::Blocked, "provider.orange.102"),
        (connect("", 550, orange, "550 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR006_103 [103]"), Reason::Blocked, "provider.orange.103"),
        (connect("4.0.0", 421, orange, "421 mwinf5c77 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]"), Reason::RateLimited, "provider.orange.104"),
        (connect("", 421, orange, "421 mwinf5c20 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR004_108 [108]"), Reason::OnHold, "provider.orange.try-later"),
        (Reply { command: "MAIL FROM", ..rcpt("", 550, laposte, "550 5.7.1 SPF: 192.0.2.25 is not allowed to send mail. LPN004_401") }, Reason::AuthFailure, "provider.orange.401"),
        (Reply { command: "MAIL FROM", ..rcpt("5.1.0", 501, orange, "501 5.1.0 Emetteur invalide. Invalid Sender. OFR004_405 [405]") }, Reason::Rejected, "provider.orange.invalid-sender"),
        (rcpt("5.1.1", 552, orange, "552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]"), Reason::MailboxFull, "provider.orange.417"),
        (rcpt("", 550, laposte, "550 5.5.0 Boite du destinataire archivee. Archived recipient. LPN007_420"), Reason::Suspend, "provider.orange.420"),
        (Reply { command: "MAIL FROM", ..rcpt("", 550, laposte, "550 5.7.1 Mail from not owned by user. LPN105_421") }, Reason::Rejected, "provider.orange.421"),
        (data("", 550, laposte, "550 5.7.1 Service refuse. Service refused. LPN005_510"), Reason::Blocked, "provider.orange.510"),
        (data("", 552, orange, "552 5.3.4 Taille limite du message atteinte. Message size limit exceeded. OFR004_514 [514]"), Reason::EmailTooLarge, "provider.orange.514"),
        (data("5.7.1", 571, laposte, "571 5.7.1 Message refused, DMARC verification Failed. LPN007_517"), Reason::AuthFailure, "provider.orange.517"),
        (connect("", 421, orange, "421 mwinf5c41 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]"), Reason::Blocked, "provider.orange.999"),
        (Reply { command: "MAIL FROM", ..rcpt("", 421, "smtp.orange.fr", "421 smtp.orange.fr [192.0.2.25] Emetteur invalide, Veuillez verifier la configuration SPF/DNS de votre nom de domaine. Invalid Sender. SPF check failed") }, Reason::AuthFailure, "provider.orange.spf-check-failed"),
        (data("", 550, free, "550 spam detected"), Reason::SpamDetected, "provider.free.spam-detected"),
        (data("", 550, free, "550 virus detected"), Reason::VirusDetected, "provider.free.virus-detected"),
        (connect("", 421, free, "421 Too many spams from your IP (192.0.2.25), please visit http://postmaster.free.fr/"), Reason::Blocked, "provider.free.too-many-spams"),
        (connect("", 421, free, "421 Server busy, too many connections from your IP"), Reason::RateLimited, "provider.free.too-many-connections"),
        (rcpt("5.2.1", 550, free, "550 5.2.1 This mailbox has been blocked due to inactivity"), Reason::Suspend, "provider.free.inactivity"),
        (rcpt("5.2.2", 552, free, "552 5.2.2 Quota exceeded (mailbox for user is full)"), Reason::MailboxFull, "provider.free.quota"),
        (data("", 550, mailru, "550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c=abc123 or report details to abuse@corp.mail.ru. Error code: 0123ABCD. ID: 00000000DEADBEEF."), Reason::SpamDetected, "provider.mailru.spam"),
        (rcpt("", 550, mailru, "550 Message was not accepted -- invalid mailbox. Local mailbox ivan@mail.ru is unavailable: account is disabled"), Reason::Suspend, "provider.mailru.account-disabled"),
        (Reply { command: "MAIL FROM", ..rcpt("", 550, "smtp.mail.ru", "550 message sending for this account is disabled") }, Reason::Rejected, "provider.mailru.sending-disabled"),
        (data("5.7.1", 550, mailru, "550 5.7.1 This message was not accepted due to domain owner DMARC policy (RFC 7489)"), Reason::AuthFailure, "provider.mailru.dmarc"),
        (connect("", 550, mailru, "550 we do not accept mail from dynamic IPs"), Reason::Blocked, "provider.mailru.dynamic-ip"),
        (rcpt("", 550, mailru, "550 Message was not accepted -- invalid mailbox. Local mailbox ivan@mail.ru is unavailable: user not found"), Reason::UserUnknown, "provider.mailru.user-not-found"),
        (data("5.7.1", 554, yandex, "554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc 1234567890-AbCdEfGh"), Reason::SpamDetected, "provider.yandex.suspicion-of-spam"),
        (connect("", 554, yandex, "554 5.7.1 Client host [192.0.2.25] blocked using Blocked by spam statistics - see https://ya.cc/1IrBc"), Reason::Blocked, "provider.yandex.spam-statistics"),
        (rcpt("5.7.1", 550, yandex, "550 5.7.1 No such user!"), Reason::UserUnknown, "provider.yandex.no-such-user"),
        (rcpt("5.7.1", 550, yandex, "550 5.7.1 Policy rejection on the target address"), Reason::Suspend, "provider.yandex.policy-rejection-target"),
        (rcpt("5.2.2", 552, yandex, "552 5.2.2 Mailbox size limit exceeded"), Reason::MailboxFull, "provider.yandex.mailbox-size"),
        (rcpt("4.2.1", 450, yandex, "450 4.2.1 The recipient has exceeded message rate limit. Try again later."), Reason::RateLimited, "provider.yandex.recipient-rate"),
        (connect("4.7.1", 451, yandex, "451 4.7.1 Sorry, the service is currently unavailable. Please come back later."), Reason::SystemError, "provider.yandex.service-unavailable"),
        (data("4.4.2", 421, yandex, "421 4.4.2 mx.yandex.ru Error: timeout exceeded"), Reason::Expired, "provider.yandex.timeout"),
        (data("5.7.1", 554, "mx.rambler.ru", "554 5.7.1 Spam message rejected; If this is not spam contact abuse"), Reason::SpamDetected, "provider.rambler.spam"),
        (rcpt("5.7.1", 540, "mx.rambler.ru", "540 5.7.1 <ivan@rambler.ru>: recipient address rejected: Inactive"), Reason::Suspend, "provider.rambler.inactive-or-blocked"),
        (rcpt("5.1.1", 550, "mx1.seznam.cz", "550 5.1.1 szn; User hasn't got the service mapped"), Reason::UserUnknown, "provider.seznam.service-not-mapped"),
        (connect("5.7.1", 554, "mx2-g20.sfr.fr", "554 5.7.1 <unknown[192.0.2.25]>: Client host rejected: Abus detecte GU_EIB_02"), Reason::Blocked, "provider.sfr.abuse-detected"),
        (data("5.7.1", 550, "mx2-g20.sfr.fr", "550 5.7.1 Message content rejected"), Reason::SpamDetected, "provider.sfr.content-rejected"),
    ]);
}

#[test]
fn japanese_carriers_and_isps() {
    let docomo = "mfsmax.docomo.ne.jp";
    let ezweb = "lsean.ezweb.ne.jp";
    assert_cases(&[
        (data("5.2.0", 550, docomo, "550 Unknown user hanako@docomo.ne.jp"), Reason::Filtered, "provider.docomo.status.5.2.0"),
        (rcpt("5.0.0", 550, docomo, "550 Unknown user hanako@docomo.ne.jp"), Reason::UserUnknown, "provider.docomo.unknown-user"),
        (data("", 550, docomo, "550 Unknown user hanako@docomo.ne.jp (in reply to end of DATA command)"), Reason::Filtered, "provider.docomo.unknown-user-after-data"),
        (data("", 500, docomo, "500 Line Too Long"), Reason::NotCompliantRfc, "provider.docomo.line-too-long"),
        (rcpt("", 550, ezweb, "550 <hanako@ezweb.ne.jp>: User unknown"), Reason::UserUnknown, "provider.kddi.userunknown"),
        (rcpt("", 550, ezweb, "550 : User unknown"), Reason::Filtered, "provider.kddi.filtered"),
        (text(ezweb, "The user(s) account is temporarily over quota"), Reason::MailboxFull, "provider.kddi.over-quota"),
        (text(ezweb, "The user(s) account is disabled."), Reason::Suspend, "provider.kddi.account-disabled"),
        (text(ezweb, "Your message was not delivered within 3 days and 0 hours. Remote host is not responding."), Reason::Expired, "provider.kddi.not-delivered-within"),
        (text("mx.au.com", "Due to the following SMTP relay error"), Reason::NoRelaying, "provider.kddi.relay-error"),
        (text("mx.au.com", "As the remote domain doesnt exist."), Reason::HostUnknown, "provider.kddi.remote-domain"),
        (data("5.2.0", 550, "mx.i.softbank.jp", "550 5.2.0 <hanako@i.softbank.jp>... User unknown"), Reason::Filtered, "provider.softbank.status.5.2.0"),
        (data("", 550, "mx.biglobe.ne.jp", "Mail Delivery Failed... User unknown"), Reason::Filtered, "provider.biglobe.filtered"),
        (text("mx.biglobe.ne.jp", "The number of messages in recipient's mailbox exceeded the local limit."), Reason::MailboxFull, "provider.biglobe.mailbox-full"),
    ]);
}

/// A case a provider's host recognises but leaves to the generic rules and the
/// context rules, which know the DSN action.
#[test]
fn provider_replies_left_to_the_generic_rules() {
    let cuda = "mx1.example.jp.ess.barracudanetworks.com";
    let cases = [
        // Greylisting in a failed DSN: retried until the sender gave up.
        (rcpt("4.2.0", 451, cuda, "451 4.2.0 <hanako@example.jp>: Recipient address rejected: Greylisted for 5 minutes"), Reason::Expired, "context.onhold.failed-after-retries"),
    ];
    for (reply, want, rule_id) in cases {
        let why = Reason::explain_in(&reply.report(), &Bounce::default());
        assert_eq!((why.reason, why.rule_id), (want, rule_id), "{}", reply.diagnostic);
    }
}
