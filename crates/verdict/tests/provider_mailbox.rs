//! The mailbox providers' own rules (`rules/provider/{google,microsoft,yahoo,apple,
//! comcast,att,cox,spectrum,godaddy}.toml`): one realistic reply per row group, written
//! from provider-replies.md §2-§6, classified as a whole report would be.

use rebound_dsn::{Bounce, RecipientReport};
use rebound_verdict::{hard_bounce, Reason};

/// One reply as a receiving MTA gave it: its status, reply code, the command it
/// answered, the remote host, and the text.
struct Reply {
    status: &'static str,
    reply: u16,
    command: &'static str,
    host: &'static str,
    text: &'static str,
}

fn report(reply: &Reply) -> RecipientReport {
    let mut report = RecipientReport::default();
    report.recipient = Some("hanako@example.com".into());
    report.status = reply.status.parse().ok();
    report.reply_code = (reply.reply != 0).then_some(reply.reply);
    report.smtp_command = (!reply.command.is_empty()).then(|| reply.command.to_string());
    report.remote_mta = (!reply.host.is_empty()).then(|| reply.host.to_string());
    report.diagnostic = Some(reply.text.to_string());
    report
}

/// Classifies every case and asserts its reason and deciding rule (an empty rule id:
/// any rule but a provider's); a transient reply must never be a hard bounce.
fn check(cases: &[(Reply, Reason, &str)]) {
    let bounce = Bounce::default();
    let mut failures = Vec::new();
    for (reply, reason, rule_id) in cases {
        let report = report(reply);
        let got = Reason::explain_in(&report, &bounce);
        let rule_ok = if rule_id.is_empty() {
            !got.rule_id.starts_with("provider.")
        } else {
            got.rule_id == *rule_id
        };
        if got.reason != *reason || !rule_ok {
            failures.push(format!(
                "{:?}: want {} by {}, got {} by {}",
                reply.text,
                reason.as_str(),
                rule_id,
                got.reason.as_str(),
                got.rule_id
            ));
        }
        if reply.reply / 100 == 4 || reply.status.starts_with('4') {
            assert!(
                !hard_bounce(got.reason, report.status, report.reply_code),
                "a transient reply is a hard bounce: {:?}",
                reply.text
            );
        }
        assert_eq!(Reason::classify_in(&report, &bounce), got.reason);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const GMAIL: &str = "gmail-smtp-in.l.google.com";

#[test]
fn google_rows() {
    let r = |status, reply, text| Reply { status, reply, command: "RCPT", host: GMAIL, text };
    check(&[
        (r("5.1.1", 550, "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser a1si2345678pgb.12 - gsmtp"), Reason::UserUnknown, "provider.google.no-such-account"),
        (r("5.2.1", 550, "550-5.2.1 The email account that you tried to reach is inactive. For more information, go to https://support.google.com/mail/?p=DisabledUser b2si1 - gsmtp"), Reason::Suspend, "provider.google.account-inactive"),
        (r("4.2.2", 452, "452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp c3si2 - gsmtp"), Reason::MailboxFull, "provider.google.out-of-storage"),
        (r("4.2.1", 450, "450-4.2.1 The user you are trying to contact is receiving mail at a rate that 450-4.2.1 prevents additional messages from being delivered. Please resend your 450-4.2.1 message at a later time. https://support.google.com/mail/?p=ReceivingRate d4si3 - gsmtp"), Reason::RateLimited, "provider.google.receiving-rate"),
        (r("5.7.27", 550, "550-5.7.27 Your email has been blocked because the sender didn't pass SPF authentication. e5si4 - gsmtp"), Reason::AuthFailure, "provider.google.status.5.7.27"),
        (r("4.7.23", 451, "451-4.7.23 The sending IP address for this message doesn't have a PTR record, or the PTR record's forward DNS entry doesn't match the sending IP. f6si5 - gsmtp"), Reason::RequirePtr, "provider.google.status.4.7.23"),
        (r("4.7.29", 421, "421-4.7.29 Your email has been rate limited because you're not using a TLS connection. g7si6 - gsmtp"), Reason::FailedStartTls, "provider.google.status.4.7.29"),
        (r("5.7.26", 550, "550-5.7.26 Unauthenticated email from example.net is not accepted due to domain's DMARC policy. Please contact the administrator of example.net domain. h8si7 - gsmtp"), Reason::AuthFailure, "provider.google.dmarc"),
        (r("4.7.28", 421, "421-4.7.28 Gmail has detected an unusual rate of unsolicited email originating from your IP Netblock [192.0.2.0/24]. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. i9si8 - gsmtp"), Reason::BadReputation, "provider.google.unusual-rate"),
        (r("4.7.28", 421, "421-4.7.28 Gmail has detected an unusual rate of unsolicited email containing one of your URL domains. j1si9 - gsmtp"), Reason::SpamDetected, "provider.google.url-domains"),
        (r("5.7.1", 550, "550-5.7.1 [192.0.2.8] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. k2si1 - gsmtp"), Reason::SpamDetected, "provider.google.likely-unsolicited"),
        (r("5.7.1", 550, "550-5.7.1 This message is likely suspicious due to the very low reputation of the sending IP address. l3si2 - gsmtp"), Reason::BadReputation, "provider.google.low-reputation"),
        (r("5.7.1", 550, "550-5.7.1 [192.0.2.8] The IP you're using to send mail is not authorized to 550-5.7.1 send email directly to our servers. Please use the SMTP relay at your 550-5.7.1 service provider instead. Learn more at 550 5.7.1 https://support.google.com/mail/?p=NotAuthorizedError m4si3 - gsmtp"), Reason::Blocked, "provider.google.not-authorized-directly"),
        (r("5.7.1", 550, "550-5.7.1 This message violates example.com email policy. - gcdp n5si4 - gsmtp"), Reason::PolicyViolation, "provider.google.domain-policy"),
        (r("5.7.25", 550, "550-5.7.25 [192.0.2.202] The IP address sending this message does not have a 550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not 550-5.7.25 point to the sending IP. t9si3 - gsmtp"), Reason::RequirePtr, "provider.google.no-ptr"),
        (r("5.3.4", 552, "552-5.3.4 Your message exceeded Google's message size limits. https://support.google.com/mail/?p=MaxSizeError o6si5 - gsmtp"), Reason::EmailTooLarge, "provider.google.size-limit"),
        (r("5.4.5", 550, "550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852 p7si6 - gsmtp"), Reason::RateLimited, "provider.google.status.5.4.5"),
        (r("5.1.7", 553, "553-5.1.7 The sender address <a b@example.net> is not a valid RFC 5321 address. q8si7 - gsmtp"), Reason::Rejected, "provider.google.sender-not-rfc5321"),
        (r("5.7.1", 550, "550-5.7.1 [2001:db8::25] This message does not meet IPv6 sending guidelines regarding PTR records and authentication. https://support.google.com/mail/?p=IPv6AuthError r9si8 - gsmtp"), Reason::RequirePtr, "provider.google.no-ptr"),
        (r("4.7.0", 421, "421-4.7.0 Try again later, closing connection. (EHLO) s1si9 - gsmtp"), Reason::Blocked, "provider.google.try-again-later"),
        (r("4.7.0", 421, "421-4.7.0 TLS required for RCPT domain, closing connection. t2si1 - gsmtp"), Reason::FailedStartTls, "provider.google.tls-required"),
    ]);
}

#[test]
fn google_is_recognised_by_its_token_without_a_host() {
    let reply = Reply {
        status: "5.7.30",
        reply: 550,
        command: "",
        host: "",
        text: "550-5.7.30 Your email has been blocked because DKIM authentication didn't pass for this message. u3si2 - gsmtp",
    };
    check(&[(reply, Reason::AuthFailure, "provider.google.status.5.7.30")]);
}

const EOP: &str = "example-com.mail.protection.outlook.com";
const OUTLOOK_COM: &str = "outlook-com.olc.protection.outlook.com";

#[test]
fn microsoft_rows() {
    let r = |status, reply, host, text| Reply { status, reply, command: "RCPT", host, text };
    check(&[
        (r("5.1.10", 550, EOP, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient hanako@example.com not found by SMTP address lookup"), Reason::UserUnknown, "provider.microsoft.status.5.1.10"),
        (r("5.2.2", 554, EOP, "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded"), Reason::MailboxFull, ""),
        (r("5.2.2", 550, EOP, "550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Submission quota exceeded"), Reason::RateLimited, "provider.microsoft.submission-quota"),
        (r("5.7.1", 550, OUTLOOK_COM, "550 5.7.1 Unfortunately, messages from [192.0.2.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DM6NAM10FT012.eop-nam10.prod.protection.outlook.com]"), Reason::Blocked, "provider.microsoft.banned-sending-ip"),
        (r("4.7.650", 451, OUTLOOK_COM, "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775)"), Reason::BadReputation, "provider.microsoft.status.4.7.650"),
        (r("4.7.652", 451, OUTLOOK_COM, "451 4.7.652 The mail server [192.0.2.25] has exceeded the maximum number of connections. (S3115)"), Reason::RateLimited, "provider.microsoft.status.4.7.652"),
        (r("5.7.505", 550, EOP, "550 5.7.505 Access denied, banned recipient"), Reason::Suspend, "provider.microsoft.status.5.7.505"),
        (r("5.4.1", 550, EOP, "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN8NAM12FT055.eop-nam12.prod.protection.outlook.com]"), Reason::UserUnknown, "provider.microsoft.recipient-access-denied"),
        (r("5.4.1", 550, EOP, "550 5.4.1 Relay Access Denied [BN8NAM12FT055.eop-nam12.prod.protection.outlook.com]"), Reason::NoRelaying, "provider.microsoft.relay-access-denied"),
        (r("5.7.1", 550, EOP, "550 5.7.1 RESOLVER.RST.AuthRequired; Delivery not authorized"), Reason::PolicyViolation, "provider.microsoft.recipient-restriction"),
        (r("5.7.23", 550, EOP, "550 5.7.23 The message was rejected because of Sender Policy Framework violation"), Reason::AuthFailure, "provider.microsoft.spf-dkim-dmarc"),
        (r("5.1.8", 550, "", "550 5.1.8 Access denied, bad outbound sender [AM0PR01MB1234.eurprd01.prod.outlook.com]"), Reason::Rejected, "provider.microsoft.bad-outbound-sender"),
        (r("4.3.2", 432, EOP, "432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded"), Reason::RateLimited, "provider.microsoft.recipient-thread-limit"),
        (r("5.7.1", 550, OUTLOOK_COM, "550 SC-001 (BAY004-MC4F49) Unfortunately, messages from 192.0.2.8 weren't sent. Please contact your Internet service provider. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors."), Reason::BadReputation, "provider.microsoft.sc-001-ou-002"),
        (r("", 550, OUTLOOK_COM, "550 DY-001 (COL004-MC1F12) Unfortunately, messages from 192.0.2.8 weren't sent. Please contact your Internet service provider. We do not accept email from dynamic IPs."), Reason::Blocked, "provider.microsoft.sc-dy-ou-blocks"),
        (r("5.4.300", 550, "", "550 5.4.300 Message expired -> 451 4.4.0 Message failed to be replicated [BY5PR01MB1234.namprd01.prod.outlook.com]"), Reason::Expired, "provider.microsoft.status.5.4.300"),
    ]);
}

#[test]
fn yahoo_rows() {
    let r = |status, reply, host, text| Reply { status, reply, command: "MAIL", host, text };
    let yahoo = "mta6.am0.yahoodns.net";
    let aol = "mx-aol.mail.gm0.yahoodns.net";
    check(&[
        (r("4.7.0", 421, yahoo, "421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"), Reason::BadReputation, "provider.yahoo.deferred"),
        (r("5.7.2", 553, yahoo, "553 5.7.2 [TSS09] All messages from 192.0.2.25 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes"), Reason::Blocked, "provider.yahoo.permanently-deferred"),
        (r("5.7.1", 553, aol, "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.25, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes"), Reason::Blocked, "provider.yahoo.spamhaus"),
        (r("5.7.9", 554, aol, "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes"), Reason::PolicyViolation, "provider.yahoo.policy-reasons"),
        (r("5.7.9", 550, yahoo, "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM."), Reason::AuthFailure, "provider.yahoo.authenticate"),
        (r("", 554, yahoo, "554 delivery error: dd This user doesn't have a yahoo.com account (hanako@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com"), Reason::UserUnknown, "provider.yahoo.no-account"),
        (r("", 552, yahoo, "552 1 Requested mail action aborted, mailbox not found"), Reason::UserUnknown, "provider.yahoo.no-account"),
        (r("", 554, yahoo, "554 30 Sorry, your message to hanako@yahoo.com cannot be delivered. This mailbox is disabled (554.30)."), Reason::Suspend, "provider.yahoo.mailbox-disabled"),
        (r("", 554, yahoo, "554 Message not allowed - [PH01] Email not accepted for policy reasons. Please visit https://postmaster.yahooinc.com/error-codes"), Reason::SpamDetected, "provider.yahoo.ph01"),
        (r("", 451, yahoo, "451 Message temporarily deferred due to unresolvable RFC.5321 from domain; see https://postmaster.yahooinc.com/error-codes"), Reason::Rejected, "provider.yahoo.unresolvable-from"),
    ]);
}

#[test]
fn yahoo_japan_is_another_company() {
    let reply = Reply {
        status: "5.7.1",
        reply: 554,
        command: "DATA",
        host: "mx.mail.yahoo.co.jp",
        text: "554 5.7.1 Message not accepted for policy reasons",
    };
    let got = Reason::explain_in(&report(&reply), &Bounce::default());
    assert!(!got.rule_id.starts_with("provider.yahoo."), "{}", got.rule_id);
}

#[test]
fn apple_rows() {
    let r = |status, reply, text| Reply {
        status,
        reply,
        command: "DATA",
        host: "mx01.mail.icloud.com",
        text,
    };
    check(&[
        (r("5.7.1", 554, "554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137"), Reason::PolicyViolation, "provider.apple.local-policy"),
        (r("5.7.1", 554, "554 5.7.1 [HME1] This message was blocked for failing both SPF and DKIM authentication checks. Please visit https://support.apple.com/en-us/HT204137"), Reason::AuthFailure, "provider.apple.spf-and-dkim"),
        (r("5.7.1", 550, "550 5.7.1 Your message was rejected due to example.net's DMARC policy. See https://support.apple.com/en-us/HT204137"), Reason::AuthFailure, "provider.apple.dmarc"),
        (r("5.7.0", 550, "550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.9"), Reason::Blocked, "provider.apple.proofpoint"),
        (r("4.7.1", 421, "421 4.7.1 Messages to hanako@icloud.com deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137"), Reason::RateLimited, "provider.apple.excessive-volume"),
        (r("5.1.1", 550, "550 5.1.1 <hanako@icloud.com>: inactive email address"), Reason::Suspend, "provider.apple.inactive"),
        (r("5.1.1", 550, "550 5.1.1 <hanako@icloud.com>: user does not exist"), Reason::UserUnknown, "provider.apple.no-such-user"),
        (r("5.1.6", 550, "550 5.1.6 recipient no longer on server: hanako@me.com"), Reason::HasMoved, "provider.apple.no-longer-on-server"),
        (r("5.2.2", 552, "552 5.2.2 <hanako@icloud.com>: user is over quota"), Reason::MailboxFull, "provider.apple.over-quota"),
    ]);
}

#[test]
fn us_isp_rows() {
    let r = |status, reply, host, text| Reply { status, reply, command: "MAIL", host, text };
    check(&[
        (r("", 554, "mx1.comcast.net", "554 resimta-po-22v.sys.comcast.net comcast 192.0.2.82 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#BL000000"), Reason::Blocked, "provider.comcast.bl-codes"),
        (r("", 421, "mx1.comcast.net", "421 resimta-h1p-028598.sys.comcast.net resimta-h1p-028598.sys.comcast.net 192.0.2.82 Too many sessions opened"), Reason::RateLimited, "provider.comcast.rate"),
        (r("5.1.1", 550, "mx2.comcast.net", "550 5.1.1 <hanako@comcast.net> Not our Customer"), Reason::UserUnknown, "provider.comcast.not-our-customer"),
        (r("5.3.0", 553, "ff-ip4-mx-vip1.prodigy.net", "553 5.3.0 flpd575 DNSBL:RBL 521< 192.0.2.4 >_is_blocked.For assistance forward this error to abuse_rbl@abuse-att.net"), Reason::Blocked, "provider.att.rbl"),
        (r("", 550, "mx00.bellsouth.net", "550 [suspend] Mailbox currently suspended - Please contact correspondent directly"), Reason::Suspend, "provider.att.suspended"),
        (r("5.1.0", 550, "cxr.mx.a.cloudfilter.net", "550 5.1.0 <bounce@example.net> sender rejected. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CXBL"), Reason::Blocked, "provider.cox.ip-blocked"),
        (r("", 554, "cxr.mx.a.cloudfilter.net", "554 192.0.2.4 rejected - no rDNS - AUP#CXDNS"), Reason::RequirePtr, "provider.cox.cxdns"),
        (r("5.1.0", 550, "", "550 5.1.0 <bounce@example.net> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1000"), Reason::Blocked, "provider.spectrum.1000"),
        (r("5.1.0", 550, "", "550 5.1.0 <bounce@example.net> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1310"), Reason::RateLimited, "provider.spectrum.13xx"),
        (r("", 554, "p3plibsmtp03-02.prod.phx3.secureserver.net", "554 p3plibsmtp03-02.prod.phx3.secureserver.net bizsmtp IB104 192.0.2.4 is listed on Spamhaus SBL. <http://x.co/srbounce>"), Reason::Blocked, "provider.godaddy.dnsbl"),
        (r("5.1.0", 550, "", "550 5.1.0 192.0.2.222 is not allowed to send from <example.net> per it's SPF Record. Please inspect your SPF settings, and try again. IB508 <http://x.co/srbounce>"), Reason::AuthFailure, "provider.godaddy.spf"),
    ]);
}

#[test]
fn exchange_is_recognised_by_its_resolver_code() {
    // Exchange Online's own NDR, without a remote host: 5.1.10 is its "recipient not
    // found", not the registry's null MX.
    let reply = Reply {
        status: "5.1.10",
        reply: 550,
        command: "",
        host: "",
        text: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient hanako@example.com not found by SMTP address lookup",
    };
    check(&[(reply, Reason::UserUnknown, "provider.microsoft.status.5.1.10")]);
}

#[test]
fn other_hosts_keep_the_registry_meaning() {
    // The same codes from a host no provider file claims: the generic rules decide.
    let r =
        |status, reply, text| Reply { status, reply, command: "RCPT", host: "mx.example.jp", text };
    let bounce = Bounce::default();
    for reply in [
        r(
            "5.1.10",
            550,
            "550 5.1.10 <hanako@example.jp>: Recipient address rejected: Domain has null MX",
        ),
        r("5.7.27", 550, "550 5.7.27 Sender address has null MX"),
    ] {
        let got = Reason::explain_in(&report(&reply), &bounce);
        assert!(!got.rule_id.starts_with("provider."), "{}: {}", reply.text, got.rule_id);
        assert_eq!(got.reason, Reason::NotAccept, "{}", reply.text);
    }
}
