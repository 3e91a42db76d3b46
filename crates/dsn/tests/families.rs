//! Bounce families read from their format: each fixture in `tests/fixtures/` is a
//! bounce we wrote in the form the MTA writes (the source of each form is named at
//! its test), parsed with LF and with CRLF line endings, and checked recipient by
//! recipient: address, status, reply code and SMTP command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rebound_dsn::{parse, Action, Bounce};

use common::crlf;

fn fixture(name: &str) -> Vec<u8> {
    common::fixture_in("", name)
}

/// The fixture parsed with LF and with CRLF line endings (both must agree).
fn parse_both(name: &str) -> Bounce {
    let lf = fixture(name);
    assert!(!lf.contains(&b'\r'), "{name} should be stored with LF line endings");
    let from_lf = parse(&lf).unwrap_or_else(|e| panic!("{name}: {e}"));
    let from_crlf = parse(&crlf(&lf)).unwrap_or_else(|e| panic!("{name} (CRLF): {e}"));
    assert_eq!(from_lf, from_crlf, "{name}: LF and CRLF parse differently");
    from_lf
}

/// What one recipient must parse to: address, status, reply code, command.
type Want<'a> = (&'a str, Option<&'a str>, Option<u16>, Option<&'a str>);

/// One recipient as parsed, owned: address, status, reply code, command.
type Got = (String, Option<String>, Option<u16>, Option<String>);

/// Checks the generator and every recipient's address, status, reply code and command
/// (in order), and returns the bounce for further checks.
fn check(name: &str, generator: &str, want: &[Want<'_>]) -> Bounce {
    let bounce = parse_both(name);
    assert_eq!(bounce.generator.as_deref(), Some(generator), "{name}");
    let got: Vec<Got> = bounce
        .recipients
        .iter()
        .map(|r| {
            (
                r.recipient.clone().unwrap_or_default(),
                r.status.map(|s| s.to_string()),
                r.reply_code,
                r.smtp_command.clone(),
            )
        })
        .collect();
    let want: Vec<Got> = want
        .iter()
        .map(|(r, s, c, m)| (r.to_string(), s.map(str::to_string), *c, m.map(str::to_string)))
        .collect();
    assert_eq!(got, want, "{name}");
    bounce
}

/// The diagnostic of the `i`th recipient.
fn diagnostic(bounce: &Bounce, i: usize) -> &str {
    bounce.recipients[i].diagnostic.as_deref().unwrap_or_default()
}

/// Sendmail 5's transcript (Sisimai 4.25 Lhost/V5sendmail.pm; Sendmail's savemail.c):
/// a `<<<` reply explains the recipient lines of its own conversation only. A later
/// line about a recipient of another domain, found without talking to anyone (a
/// name-server failure), keeps its own words, and no command.
#[test]
fn sendmail_v5_transcript_keeps_conversations_apart() {
    let b = check(
        "sendmail-v5-mixed-session.eml",
        "sendmail",
        &[
            ("rokuro@example.org", None, Some(554), Some("MAIL FROM")),
            ("nanako@example.net", None, Some(550), None),
            ("hachiro@example.com", None, Some(550), Some("RCPT TO")),
        ],
    );
    assert!(diagnostic(&b, 0).contains("blocked using relays.example.net"));
    assert_eq!(
        diagnostic(&b, 1),
        "550 <nanako@example.net>... Host unknown (Name server: example.net: host not found)"
    );
    assert_eq!(b.recipients[1].remote_mta, None);
    assert_eq!(b.recipients[2].remote_mta.as_deref(), Some("mx.example.com"));
}

/// dma refused at the greeting: "Could not perform server greeting at HOST [IP]: reply"
/// (net.c of DragonFly Mail Agent 0.13, `strings` of Debian's dma).
#[test]
fn dragonfly_greeting_refused() {
    let b = check(
        "dragonfly-greeting-refused.eml",
        "dragonfly",
        &[("mika@example.net", Some("5.7.1"), Some(554), Some("CONNECT"))],
    );
    assert_eq!(b.recipients[0].remote_mta.as_deref(), Some("mx.example.net"));
    assert_eq!(b.recipients[0].remote_ip, "192.0.2.91".parse().ok());
}

/// dma could not resolve the recipient's domain: "DNS lookup failure: host NAME not
/// found" (net.c of dma 0.13), no codes.
#[test]
fn dragonfly_dns_failure() {
    let b = check(
        "dragonfly-dns-failure.eml",
        "dragonfly",
        &[("hanako@no-such-host.example.com", None, None, None)],
    );
    assert_eq!(diagnostic(&b, 0), "DNS lookup failure: host no-such-host.example.com not found");
    assert_eq!(b.recipients[0].action, Action::Failed);
}

/// Gmail's old bounce names the state its SMTP client was in, "(state 15)": the reply
/// answered DATA (Sisimai 4.25 Lhost/Gmail.pm, its table of observed states).
#[test]
fn gmail_legacy_state_gives_the_command() {
    let b = check(
        "gmail-legacy-state15.eml",
        "gmail",
        &[("sayaka@example.org", Some("5.7.0"), Some(554), Some("DATA"))],
    );
    assert!(diagnostic(&b, 0).contains("rejected by content filtering (state 15)"));
}

/// m-FILTER: bare address lines, then "-------server message" and "-------SMTP
/// command" sections (Sisimai 4.25 Lhost/mFILTER.pm; m-FILTER's own Japanese text).
#[test]
fn mfilter_sections() {
    let b = check(
        "mfilter-two-recipients.eml",
        "mfilter",
        &[
            ("takeshi@example.co.jp", Some("5.7.1"), Some(550), Some("DATA")),
            ("naomi@example.co.jp", Some("5.7.1"), Some(550), Some("DATA")),
        ],
    );
    assert_eq!(diagnostic(&b, 1), "550 5.7.1 Message rejected as spam by Content Filtering.");
    // The copy after "-------original message" is the original, not a recipient.
    assert_eq!(b.original.subject.as_deref(), Some("見積書"));
}

/// X3: `* ADDRESS` bullets and "SMTP:VERB host IP: reply" lines, each naming its
/// recipient (Sisimai 4.25 Lhost/X3.pm).
#[test]
fn x3_replies_per_recipient() {
    let b = check(
        "x3-two-recipients.eml",
        "x3",
        &[
            ("erika@example.net", Some("5.1.1"), Some(550), Some("RCPT TO")),
            ("kaito@example.net", Some("5.1.1"), Some(550), Some("RCPT TO")),
        ],
    );
    assert_eq!(diagnostic(&b, 1), "550 5.1.1 <kaito@example.net>... User unknown");
    assert_eq!(b.recipients[0].remote_ip, "192.0.2.19".parse().ok());
}

/// X3 gave up ("was aborted after N second(s)"); the detail names no recipient and
/// carries no code.
#[test]
fn x3_aborted_delivery() {
    let b = check("x3-aborted.eml", "x3", &[("erika@example.net", None, None, Some("CONNECT"))]);
    assert_eq!(diagnostic(&b, 0), "Connection timed out");
}

/// InterScan MSS without its banner (a Japanese notice): "Reason: Unable to deliver
/// message to <ADDRESS> (and other recipients in the same domain)." is its own line
/// (Sisimai 4.25 Lhost/InterScanMSS.pm).
#[test]
fn interscan_reason_without_banner() {
    let b = check(
        "interscan-japanese-unable.eml",
        "interscan",
        &[("daisuke@example.co.jp", None, None, None)],
    );
    assert!(diagnostic(&b, 0).starts_with("Unable to deliver message to <daisuke@example.co.jp>"));
}

/// InterScan MSS's transcript with the arrows the usual way round ("Sent >>>",
/// "Received <<<"), one exchange per recipient (Sisimai 4.25 Lhost/InterScanMSS.pm).
#[test]
fn interscan_transcript_either_way_round() {
    check(
        "interscan-forward-arrows.eml",
        "interscan",
        &[
            ("daisuke@example.co.jp", Some("5.1.1"), Some(550), Some("RCPT TO")),
            ("kaori@example.co.jp", Some("5.2.2"), Some(552), Some("RCPT TO")),
        ],
    );
}

/// fml's notices other than "not a member": the line that ends with `<ADDRESS>.`
/// before "Original mail as follows:" (Sisimai 4.25 Lhost/FML.pm, fml's messages).
#[test]
fn fml_notices() {
    let b = check(
        "fml-duplicated-message-id.eml",
        "fml",
        &[("photo@lists.example.jp", None, None, None)],
    );
    assert_eq!(diagnostic(&b, 0), "Duplicated Message-ID in <photo@lists.example.jp>.");
    let b = check("fml-reject-mail.eml", "fml", &[("masato@example.net", None, None, None)]);
    assert_eq!(diagnostic(&b, 0), "reject mail from <masato@example.net>.");
}

/// IMail: the remote response after "undeliverable to ADDRESS" under the heading that
/// names its command (Sisimai 4.25 Lhost/IMailServer.pm, IMail's texts); its own
/// "REASON: ADDRESS" lines carry no code.
#[test]
fn imail_responses_and_reasons() {
    let b = check(
        "imail-rcpt-response.eml",
        "imail",
        &[("paul@example.net", Some("5.2.2"), Some(552), Some("RCPT TO"))],
    );
    assert_eq!(diagnostic(&b, 0), "552 5.2.2 <paul@example.net>... Mailbox full");
    let b = check(
        "imail-delivery-failed-attempts.eml",
        "imail",
        &[("paul@example.net", None, None, None)],
    );
    assert_eq!(diagnostic(&b, 0), "Delivery failed 3 attempts: paul@example.net");
    let b = check(
        "imail-mailbox-exceeds-size.eml",
        "imail",
        &[("george@mail.example.org", None, None, None)],
    );
    assert_eq!(diagnostic(&b, 0), "User mailbox exceeds allowed size: george@mail.example.org");
}

/// EZweb relays the server's reply as `<ADDRESS>: 550 ... (in reply to RCPT TO
/// command)` under its own sentence; the diagnostic keeps both (Sisimai 4.25
/// Lhost/EZweb.pm, EZweb's sentences).
#[test]
fn ezweb_relayed_reply_keeps_its_sentence() {
    let b = check(
        "ezweb-relayed-reply-limited.eml",
        "ezweb",
        &[("yuta-0415@ezweb.ne.jp", None, Some(550), Some("RCPT TO"))],
    );
    assert_eq!(diagnostic(&b, 0), "550 user unknown The user(s) account is temporarily limited.");
}

/// EZweb's "over quota" sentence and a bare `<ADDRESS>` line: one record, no codes;
/// the Japanese preface is not part of the diagnostic.
#[test]
fn ezweb_over_quota() {
    let b = check("ezweb-over-quota.eml", "ezweb", &[("yuta-0415@ezweb.ne.jp", None, None, None)]);
    assert_eq!(diagnostic(&b, 0), "The user(s) account is temporarily over quota.");
}

/// "Each of the following recipients was rejected by a remote mail server.": each
/// `Recipient:` has its own `>>>`/`<<<` transcript, its own reply and command.
#[test]
fn ezweb_transcript_per_recipient() {
    check(
        "ezweb-two-transcripts.eml",
        "ezweb",
        &[
            ("yuta-0415@ezweb.ne.jp", Some("5.7.1"), Some(550), Some("MAIL FROM")),
            ("miho.k@ezweb.ne.jp", None, Some(550), Some("RCPT TO")),
        ],
    );
}

/// Zoho Mail: one `ADDRESS Label, ERROR_CODE :550, ERROR_CODE :reply` line per
/// recipient (Sisimai 4.25 Lhost/Zoho.pm); the copy's headers are not part of it.
#[test]
fn zoho_error_code_lines() {
    let b = check(
        "zoho-two-recipients.eml",
        "zoho",
        &[
            ("tomoya@example.jp", Some("5.2.1"), Some(550), None),
            ("rina@example.jp", Some("5.2.2"), Some(550), None),
        ],
    );
    assert_eq!(diagnostic(&b, 1), "550 5.2.2 <rina@example.jp>... Mailbox full");
}

/// Zoho Mail when the host never answered: `[Status: Error, Address: <ADDRESS>,
/// ResponseCode 421, , Host not reachable.]` (Sisimai 4.25 Lhost/Zoho.pm).
#[test]
fn zoho_status_line() {
    let b = check(
        "zoho-host-not-reachable.eml",
        "zoho",
        &[("tomoya@example.jp", None, Some(421), None)],
    );
    assert_eq!(diagnostic(&b, 0), "421 Host not reachable.");
}

/// Old Sendmail writes `Final-Recipient: RFC822; @route` (no local part) when it
/// rewrote the address to its route; the address list of its text names the
/// recipient (Sisimai 4.25 Lhost/Sendmail.pm and V5sendmail.pm fall back the same way).
#[test]
fn sendmail_route_recipient_takes_the_text_address() {
    let b = check(
        "sendmail-dsn-route-recipient.eml",
        "sendmail",
        &[("haruka@branch.example.org", Some("5.1.2"), Some(550), None)],
    );
    assert_eq!(diagnostic(&b, 0), "550 Host unknown");
}

/// qmail: each `<ADDRESS>:` block, with qmail-remote's sentence naming the command
/// and host ("Connected to HOST but greeting failed.", "HOST does not like
/// recipient.", "most progress was RCPT TO response; remote host HOST said:"); qmail's
/// source (qmail-remote.c) and Sisimai 4.25 Lhost/qmail.pm.
#[test]
fn qmail_blocks_commands_and_hosts() {
    let b = check(
        "qmail-three-recipients.eml",
        "qmail",
        &[
            ("asuka@example.com", None, Some(554), Some("CONNECT")),
            ("rei@example.org", Some("5.1.1"), Some(550), Some("RCPT TO")),
            ("misato@example.net", Some("4.2.2"), Some(452), Some("RCPT TO")),
        ],
    );
    assert_eq!(b.reporting_mta.as_deref(), Some("mail.example.ne.jp"));
    assert_eq!(b.recipients[0].remote_ip, "192.0.2.81".parse().ok());
    assert_eq!(b.recipients[1].remote_mta.as_deref(), Some("mx1.example.org"));
    assert_eq!(b.recipients[2].remote_ip, "192.0.2.99".parse().ok());
}

/// Yahoo! Mail: qmail's `<ADDRESS>:` blocks under "Sorry, we were unable to deliver
/// your message to the following address."; the tag after the reply (`[RCPT_TO]`,
/// `[DATA]`), on its line or the next, names the command (Sisimai 4.25 Lhost/Yahoo.pm).
#[test]
fn yahoo_blocks_and_command_tags() {
    let b = check(
        "yahoo-two-recipients.eml",
        "yahoo",
        &[
            ("kouta@example.jp", Some("5.2.2"), Some(552), Some("RCPT TO")),
            ("sora@example.net", Some("5.7.1"), Some(554), Some("DATA")),
        ],
    );
    assert!(diagnostic(&b, 0).starts_with("552 5.2.2 <kouta@example.jp>... Mailbox Full"));
}

/// Verizon's SMS gateway (vtext.com): the `RCPT TO:` line of "Message details:" is the
/// recipient, the `550 - ...` line its reason (Sisimai 4.25 Lhost/Verizon.pm).
#[test]
fn verizon_vtext_details() {
    let b = check(
        "verizon-vtext-no-such-user.eml",
        "verizon",
        &[("5555550123@vtext.com", None, Some(550), None)],
    );
    assert_eq!(diagnostic(&b, 0), "550 - Requested action not taken: no such user here");
}

/// GMX (and 1&1) write Exim's layout flush left, with "SMTP error from remote server
/// after RCPT command:" naming the command by its verb alone (Sisimai 4.25
/// Lhost/GMX.pm, EinsUndEins.pm).
#[test]
fn gmx_blocks_name_their_command() {
    check(
        "gmx-two-recipients.eml",
        "exim",
        &[
            ("jonas@example.de", Some("5.1.1"), Some(550), Some("RCPT TO")),
            ("mia@example.org", Some("5.7.1"), Some(554), Some("MAIL FROM")),
        ],
    );
}

/// SurfControl: one `ADDRESS: [IP], reply` line per failed recipient (Sisimai 4.25
/// Lhost/SurfControl.pm).
#[test]
fn surfcontrol_failure_lines() {
    let b = check(
        "surfcontrol-two-recipients.eml",
        "surfcontrol",
        &[
            ("emi@example.com", None, Some(550), None),
            ("ken@example.com", Some("5.2.2"), Some(552), None),
        ],
    );
    assert_eq!(b.recipients[1].remote_ip, "192.0.2.5".parse().ok());
}

/// McAfee's notice without a delivery-status part: one `<ADDRESS>   (reason)` line per
/// recipient (Sisimai 4.25 Lhost/McAfee.pm).
#[test]
fn mcafee_address_lines() {
    let b = check(
        "mcafee-two-recipients.eml",
        "mcafee",
        &[
            ("hana@example.co.jp", None, None, None),
            ("sho@example.co.jp", Some("5.2.2"), Some(552), None),
        ],
    );
    assert_eq!(diagnostic(&b, 0), "Unknown user hana@example.co.jp");
}

/// MailMarshal: the reason after "Could not be delivered because of", the recipients
/// under "The following recipients were affected:" (Sisimai 4.25
/// Lhost/MailMarshalSMTP.pm).
#[test]
fn mailmarshal_affected_recipients() {
    check(
        "mailmarshal-two-recipients.eml",
        "mailmarshal",
        &[
            ("olivia@example.net", Some("5.1.1"), Some(550), None),
            ("noah@example.net", Some("5.1.1"), Some(550), None),
        ],
    );
}

/// au one net: "Your mail attempted to be delivered on: DATE" is the other opening
/// of the notice (Sisimai 4.25 Lhost/KDDI.pm).
#[test]
fn kddi_attempted_delivery() {
    let b = check(
        "kddi-attempted-delivery.eml",
        "kddi",
        &[("hideki@example.auone-net.jp", None, None, None)],
    );
    assert_eq!(diagnostic(&b, 0), "As their mailbox is full.");
}
