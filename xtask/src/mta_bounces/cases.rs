//! The scripted cases: which remote host refuses which recipient, at which SMTP stage,
//! with which reply from `../shared/reference/provider-replies.md`, and the answer a
//! correct diagnosis gives (the TRUTH the fixtures are checked against).
//!
//! How the expected answer follows from the script, for every case alike:
//! - `reason` is the reply row's category mapped to a Sisimai (5.x) reason name:
//!   RCPT-INVALID `userunknown`, RCPT-MAILBOX (full) `mailboxfull`, IP-PROVIDER-BL and
//!   IP-DNSBL `blocked`, REPUTATION `badreputation`, RATE `ratelimited`, AUTH
//!   `authfailure`, CONTENT `spamdetected`, SIZE `emailtoolarge`, POLICY (relay)
//!   `norelaying`, POLICY (recipient filter) `filtered`; a generic temporary deferral
//!   (GREY) and an unreachable host that outlive the queue lifetime are `expired`.
//! - `status` is the enhanced code of the reply; `X.0.0` of the reply's class when the
//!   reply carries none (RFC 3463: "other or undefined"); `4.4.1` ("no answer from
//!   host", RFC 3463) when nothing answered.
//! - `hard_bounce` is Sisimai's: only a permanent (5xx) `userunknown` here; every 4xx
//!   case is soft even though it ended the delivery when the queue lifetime ran out.

/// Where in the SMTP dialogue the scripted host answers with the case's reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Nobody listens: the connection is refused.
    Refused,
    /// The 220 greeting is replaced by the reply.
    Greeting,
    MailFrom,
    RcptTo,
    /// After the final `.` of DATA.
    DataEnd,
}

/// The answer a correct diagnosis of the resulting bounce gives.
#[derive(Debug)]
pub struct Expect {
    pub status: &'static str,
    /// `None` when the remote host never replied.
    pub reply_code: Option<u16>,
    /// In rebound's vocabulary: `CONNECT`, `MAIL FROM`, `RCPT TO`, `DATA`.
    pub smtp_command: &'static str,
    pub reason: &'static str,
    pub hard_bounce: bool,
}

#[derive(Debug)]
pub struct Case {
    /// File-name part: `<mta>-<name>.eml`.
    pub name: &'static str,
    /// The provider-replies.md section and row the reply is taken from.
    pub source: &'static str,
    /// The remote MX host name (an /etc/hosts entry to 127.0.0.1 while the task runs).
    pub host: &'static str,
    pub recipient: &'static str,
    pub stage: Stage,
    /// The reply lines exactly as the scripted host sends them (CRLF is added);
    /// `{rcpt}` is replaced by the recipient and `{ip}` by [`SENDING_IP`].
    pub reply: &'static [&'static str],
    pub expect: Expect,
}

/// The envelope sender of every test message; its domain is routed to the catcher.
pub const SENDER: &str = "info@tanaka-sekkei.jp";
/// The host name that receives the bounces (a catcher that accepts everything).
pub const BOUNCE_HOST: &str = "mail.tanaka-sekkei.jp";
/// The sending server's public address as the scripted providers quote it (TEST-NET-1:
/// the real connection comes from 127.0.0.1, which no provider would print).
pub const SENDING_IP: &str = "192.0.2.25";

pub const CASES: &[Case] = &[
    Case {
        name: "gmail-user-unknown",
        source: "§2.1 Gmail, row 550 5.1.1 `The email account that you tried to reach does not exist`",
        host: "gmail-smtp-in.l.google.com",
        recipient: "k.tanaka1987@gmail.com",
        stage: Stage::RcptTo,
        reply: &[
            "550-5.1.1 The email account that you tried to reach does not exist. Please try",
            "550-5.1.1 double-checking the recipient's email address for typos or",
            "550-5.1.1 unnecessary spaces. For more information, go to",
            "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b6d1a8f3c2esi4411529a12.318 - gsmtp",
        ],
        expect: Expect {
            status: "5.1.1",
            reply_code: Some(550),
            smtp_command: "RCPT TO",
            reason: "userunknown",
            hard_bounce: true,
        },
    },
    Case {
        name: "gmail-mailbox-full-expired",
        source: "§2.2 Gmail older wording, row 452 4.2.2 `The email account that you tried to reach is over quota` (?p=OverQuotaTemp)",
        host: "gmail-smtp-in.l.google.com",
        recipient: "m.sato.photo@gmail.com",
        stage: Stage::RcptTo,
        reply: &[
            "452-4.2.2 The email account that you tried to reach is over quota. Please direct",
            "452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp 5a478bee46e88-2b0c4e1d7f5si3310245eec.88 - gsmtp",
        ],
        expect: Expect {
            status: "4.2.2",
            reply_code: Some(452),
            smtp_command: "RCPT TO",
            reason: "mailboxfull",
            hard_bounce: false,
        },
    },
    Case {
        name: "tonline-mailbox-full",
        source: "§8.2 T-Online, row 552 `5.2.2 Over STORAGE quota`",
        host: "mx00.t-online.de",
        recipient: "h.mueller@t-online.de",
        stage: Stage::RcptTo,
        reply: &["552 5.2.2 <{rcpt}>: Over STORAGE quota"],
        expect: Expect {
            status: "5.2.2",
            reply_code: Some(552),
            smtp_command: "RCPT TO",
            reason: "mailboxfull",
            hard_bounce: false,
        },
    },
    Case {
        name: "outlook-s3150-blocklist",
        source: "§3.3 Outlook.com observed, row 550 5.7.1 `part of their network is on our block list (S3150)`",
        host: "hotmail-com.olc.protection.outlook.com",
        recipient: "k.suzuki@hotmail.com",
        stage: Stage::MailFrom,
        reply: &["550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [MW2NAM12FT044.eop-nam12.prod.protection.outlook.com 2026-12-07T01:00:12.345Z 08DE1A2B3C4D5E6F]"],
        expect: Expect {
            status: "5.7.1",
            reply_code: Some(550),
            smtp_command: "MAIL FROM",
            reason: "blocked",
            hard_bounce: false,
        },
    },
    Case {
        name: "exchange-online-spamhaus",
        source: "§3.3 Outlook.com / EOP observed, row 550 5.7.1 `Service unavailable, Client host [IP] blocked using Spamhaus`; §10 Spamhaus",
        host: "kobayashi-kogyo-co-jp.mail.protection.outlook.com",
        recipient: "sales@kobayashi-kogyo.co.jp",
        stage: Stage::RcptTo,
        reply: &["550 5.7.1 Service unavailable, Client host [{ip}] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/{ip} (AS3130). [TYZPR04MB6123.apcprd04.prod.outlook.com 2026-12-07T01:02:03.456Z 08DE1A2B3C4D5E70]"],
        expect: Expect {
            status: "5.7.1",
            reply_code: Some(550),
            smtp_command: "RCPT TO",
            reason: "blocked",
            hard_bounce: false,
        },
    },
    Case {
        name: "yahoo-tss04-expired",
        source: "§4 Yahoo, row 421 4.7.0 `[TSS04] Messages from IP temporarily deferred due to unexpected volume or user complaints`",
        host: "mta6.am0.yahoodns.net",
        recipient: "y.ito_0712@yahoo.com",
        stage: Stage::Greeting,
        reply: &["421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"],
        expect: Expect {
            status: "4.7.0",
            reply_code: Some(421),
            smtp_command: "CONNECT",
            reason: "badreputation",
            hard_bounce: false,
        },
    },
    Case {
        name: "gmail-dmarc-reject",
        source: "§2.1 Gmail, row 550 5.7.26 `not accepted due to domain's DMARC policy`",
        host: "gmail-smtp-in.l.google.com",
        recipient: "a.kimura.works@gmail.com",
        stage: Stage::DataEnd,
        reply: &[
            "550-5.7.26 Unauthenticated email from tanaka-sekkei.jp is not accepted due to",
            "550-5.7.26 domain's DMARC policy. Please contact the administrator of",
            "550-5.7.26 tanaka-sekkei.jp domain if this was a legitimate mail. To learn about",
            "550-5.7.26 the DMARC initiative, go to",
            "550 5.7.26  https://support.google.com/mail/?p=DmarcRejection 98e67ed59e1d1-3a1b2c3d4e5si1234567a91.201 - gsmtp",
        ],
        expect: Expect {
            status: "5.7.26",
            reply_code: Some(550),
            smtp_command: "DATA",
            reason: "authfailure",
            hard_bounce: false,
        },
    },
    Case {
        name: "gmail-spam-content",
        source: "§2.2 Gmail older wording, row 550 5.7.1 `Our system has detected that this message is likely unsolicited mail` (?p=UnsolicitedMessageError)",
        host: "gmail-smtp-in.l.google.com",
        recipient: "r.watanabe.dev@gmail.com",
        stage: Stage::DataEnd,
        reply: &[
            "550-5.7.1 [{ip}      12] Our system has detected that this message is",
            "550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,",
            "550-5.7.1 this message has been blocked. For more information, go to",
            "550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError d75a77b69052e-4b2c3d4e5f6si2233445cf.410 - gsmtp",
        ],
        expect: Expect {
            status: "5.7.1",
            reply_code: Some(550),
            smtp_command: "DATA",
            reason: "spamdetected",
            hard_bounce: false,
        },
    },
    Case {
        name: "gmail-message-too-large",
        source: "§2.2 Gmail older wording, row 552 5.2.3 `Your message exceeded Google's message size limits` (?p=MaxSizeError)",
        host: "gmail-smtp-in.l.google.com",
        recipient: "design.nakamura@gmail.com",
        stage: Stage::DataEnd,
        reply: &[
            "552-5.2.3 Your message exceeded Google's message size limits. For more",
            "552 5.2.3 information, go to https://support.google.com/mail/?p=MaxSizeError 6a1803df08f44-7c8d9e0f1a2si5566778d6.12 - gsmtp",
        ],
        expect: Expect {
            status: "5.2.3",
            reply_code: Some(552),
            smtp_command: "DATA",
            reason: "emailtoolarge",
            hard_bounce: false,
        },
    },
    Case {
        name: "proofpoint-relaying-denied",
        source: "§7.1 Proofpoint, row 550/554 5.7.1 `Relaying denied`",
        host: "mx0a-00271701.pphosted.com",
        recipient: "purchasing@nishida-seiki.co.jp",
        stage: Stage::RcptTo,
        reply: &["550 5.7.1 Relaying denied"],
        expect: Expect {
            status: "5.7.1",
            reply_code: Some(550),
            smtp_command: "RCPT TO",
            reason: "norelaying",
            hard_bounce: false,
        },
    },
    Case {
        name: "barracuda-greylisted-expired",
        source: "§7.3 Barracuda, row 451 `Recipient address rejected: Greylisted for 5 minutes` (sent here as 450 4.2.0, the code postgrey-style greylisting uses; category GREY)",
        host: "d271701a.ess.barracudanetworks.com",
        recipient: "office@kanda-law.jp",
        stage: Stage::RcptTo,
        reply: &["450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted for 5 minutes"],
        expect: Expect {
            status: "4.2.0",
            reply_code: Some(450),
            smtp_command: "RCPT TO",
            reason: "expired",
            hard_bounce: false,
        },
    },
    Case {
        name: "webde-rate-limit-expired",
        source: "§8.1 GMX/WEB.DE/IONOS, row 421 `Rate limit reached. Please try again later` (no enhanced codes, as GMX states)",
        host: "mx-ha03.web.de",
        recipient: "klaus.weber@web.de",
        stage: Stage::MailFrom,
        reply: &["421 Rate limit reached. Please try again later"],
        expect: Expect {
            status: "4.0.0",
            reply_code: Some(421),
            smtp_command: "MAIL FROM",
            reason: "ratelimited",
            hard_bounce: false,
        },
    },
    Case {
        name: "docomo-unknown-user-after-data",
        source: "§9.1 NTT docomo, row 550 (after DATA) `550 Unknown user addr@docomo.ne.jp` = reception filter",
        host: "mfsmax.docomo.ne.jp",
        recipient: "hanako-y.0401@docomo.ne.jp",
        stage: Stage::DataEnd,
        reply: &["550 Unknown user {rcpt}"],
        expect: Expect {
            status: "5.0.0",
            reply_code: Some(550),
            smtp_command: "DATA",
            reason: "filtered",
            hard_bounce: false,
        },
    },
    Case {
        name: "connection-refused-expired",
        source: "§1 category EXPIRED (queue lifetime / host unreachable); a port nobody listens on",
        host: "mail.yamamoto-shoten.jp",
        recipient: "info@yamamoto-shoten.jp",
        stage: Stage::Refused,
        reply: &[],
        expect: Expect {
            status: "4.4.1",
            reply_code: None,
            smtp_command: "CONNECT",
            reason: "expired",
            hard_bounce: false,
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_is_named_once_and_follows_the_truth_rules() {
        let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CASES.len(), "duplicate case name");
        for case in CASES {
            let e = &case.expect;
            if let Some(code) = e.reply_code {
                let first = case.reply.first().expect("a replying case has a reply");
                assert!(first.starts_with(&code.to_string()), "{}: {first}", case.name);
                assert_eq!(e.status.as_bytes()[0], first.as_bytes()[0], "{}: class", case.name);
            }
            let temporary = e.status.starts_with('4');
            assert!(!(temporary && e.hard_bounce), "{}: a 4xx case is never hard", case.name);
            assert_eq!(e.hard_bounce, e.reason == "userunknown" && !temporary, "{}", case.name);
        }
    }
}
