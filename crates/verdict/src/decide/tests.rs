use super::*;
use rebound_dsn::{Action, RecipientReport};

const S3150: &str = "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com 2025-06-02T01:02:03.000Z]";

fn bounce_with(status: &str, diagnostic: &str, remote: &str, rcpt: &str) -> Bounce {
    let mut b = Bounce::default();
    b.reporting_mta = Some("sv12053.xserver.jp".into());
    let mut r = RecipientReport::default();
    r.recipient = Some(rcpt.into());
    r.status = status.parse().ok();
    r.reply_code = Some(550);
    r.remote_mta = Some(remote.into());
    r.remote_ip = Some("198.51.100.20".parse().unwrap());
    r.diagnostic = Some(diagnostic.into());
    b.recipients.push(r);
    b
}

fn s3150() -> Bounce {
    bounce_with("5.7.1", S3150, "apc.olc.protection.outlook.com", "hanako@hotmail.co.jp")
}

fn spamhaus_listed() -> Evidence {
    let mut e = Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", Some(true));
    e.meanings = vec!["SBL: Spamhaus SBL data (direct spam sources)".into()];
    e.removal_url = Some("https://check.spamhaus.org/".into());
    e.expiry = Some(
        "Self-service removal once the cause is fixed; SBL only through the network owner.".into(),
    );
    e
}

fn clean(zone: &str, name: &str) -> Evidence {
    Evidence::new("203.0.113.45", zone, name, Some(false))
}

fn all_text(v: &Verdict) -> String {
    format!("{}\n{}", v.summary, v.actions.join("\n"))
}

#[test]
fn s3150_xserver_with_a_spamhaus_listing() {
    let evidence = [spamhaus_listed(), clean("b.barracudacentral.org", "Barracuda BRBL")];
    let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    assert_eq!(v.cause.as_str(), "sending_ip_blocklisted");
    assert_eq!(v.provider.map(|p| p.variant), Some("outlook.com"));
    assert_eq!(v.hosting.as_ref().map(|h| h.name.as_str()), Some("Xserver"));
    assert!(v.summary.starts_with("Microsoft (Outlook.com / Hotmail) refused mail from your sending server's IP address 203.0.113.45 because of that address's reputation"), "{}", v.summary);
    assert!(
        v.summary.contains(
            "It is listed on Spamhaus ZEN (SBL: Spamhaus SBL data (direct spam sources))."
        ),
        "{}",
        v.summary
    );
    assert!(v.summary.contains("shared server"));
    assert!(v
        .summary
        .contains("another customer's mail most likely caused the listing, not yours"));
    assert!(!v.summary.contains("none of the public lists"));
    assert!(v.actions[0].contains("Xserver mail support") && v.actions[0].contains("removal"));
    assert!(v.actions[1].contains(
        "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"
    ));
    assert!(v.actions[1].contains("1–2 days") && v.actions[1].contains("203.0.113.45"));
    assert!(v.actions[2].starts_with("Spamhaus ZEN: 203.0.113.45 is listed there; ask for removal at https://check.spamhaus.org/."));
    assert!(v.actions[2].contains("Self-service removal"));
    assert!(v.actions[3].contains("5–7 business days"));
    assert!(v.actions[4].contains("Gmail") && v.actions[4].contains("do not keep resending"));
    assert!(v.actions[5].contains("Do not pay"));
    assert_eq!(v.actions.len(), 6);
    assert_eq!(v.evidence_notes.len(), 2);
    assert!(v.evidence_notes[1].contains("is not listed"));

    // The caller gives the expiry in the verdict's language: the catalog's.
    let mut listed_ja = spamhaus_listed();
    let catalog = rebound_rbl::Catalog::shared();
    listed_ja.expiry = catalog.get("zen.spamhaus.org").and_then(|z| z.expiry_ja.clone());
    let evidence = [listed_ja, clean("b.barracudacentral.org", "Barracuda BRBL")];
    let ja = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::Ja);
    assert_eq!(ja.cause, Cause::SendingIpBlocklisted);
    assert!(
        ja.summary.contains(
            "Microsoft（Outlook.com / Hotmail）は、送信サーバーの IP アドレス 203.0.113.45 の評判"
        ),
        "{}",
        ja.summary
    );
    assert!(
        ja.summary.contains("このアドレスは Spamhaus ZEN に掲載されています（SBL）。"),
        "{}",
        ja.summary
    );
    assert!(
        ja.summary.contains("sv12053.xserver.jp はエックスサーバーの共用サーバー"),
        "{}",
        ja.summary
    );
    assert!(
        ja.actions[0].contains("をエックスサーバーのメールサポートに転送"),
        "{}",
        ja.actions[0]
    );
    assert!(ja.actions[1].contains(
        "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"
    ));
    assert!(
        ja.actions[2].contains("https://check.spamhaus.org/")
            && ja.actions[2].contains("SBL の解除")
    );
    assert!(ja.actions[3].contains("5〜7 営業日"));
    assert!(ja.actions[4].contains("別の経路"));
    assert_no_stray_english(&all_text(&ja));
}

#[test]
fn s3150_xserver_without_any_listing() {
    let evidence = [clean("zen.spamhaus.org", "Spamhaus ZEN"), clean("bl.spamcop.net", "SpamCop")];
    let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    assert!(
        v.summary.contains(
            "None of the public lists checked lists it either: only Microsoft's own list blocks it."
        ),
        "{}",
        v.summary
    );
    assert!(v.summary.contains("The refusal names Microsoft's own block list."));
    assert!(!v.summary.contains("so the block is"), "said twice: {}", v.summary);
    assert!(v.actions.iter().all(|a| !a.contains("is listed there")));
    assert!(v.actions.iter().any(|a| a.contains("8ad563e3-288e-2a61-8122-3ba03d6b8d75")));
    assert!(v.actions.iter().any(|a| a.contains("5–7 business days")));

    let ja = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::Ja);
    assert!(ja.summary.contains("確認した公開ブロックリストにも載っていません。ブロックしているのは Microsoft 独自のリストだけです。"), "{}", ja.summary);
    assert_no_stray_english(&all_text(&ja));
}

#[test]
fn s3150_xserver_offline_and_unreachable() {
    let v = decide(&s3150(), &[], &LookupOutcome::Offline, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    assert!(v.summary.contains("The public blocklists were not checked, because DNS lookups were turned off (offline mode)."));
    assert!(!v.summary.contains("none of the public lists"));
    assert!(v.actions[0].contains("Xserver mail support"));
    let ja = decide(&s3150(), &[], &LookupOutcome::Offline, Lang::Ja);
    assert!(ja.summary.contains("公開ブロックリストは確認していません"));
    assert_no_stray_english(&all_text(&ja));

    let why = LookupOutcome::Unreachable("no answer from 192.0.2.53:53 within 5 s".into());
    let v = decide(&s3150(), &[], &why, Lang::En);
    assert!(v.summary.contains("could not be checked, because DNS could not be reached (no answer from 192.0.2.53:53 within 5 s)"));
    let ja = decide(&s3150(), &[], &why, Lang::Ja);
    assert!(ja.summary.contains("DNS に接続できなかったため"));
}

#[test]
fn unknown_answers_are_never_called_not_listed() {
    let evidence = [
        Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", None),
        Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", None),
    ];
    let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
    assert!(v.summary.contains("None of the public lists gave a usable answer"), "{}", v.summary);
    assert!(!v.summary.contains("none of the public lists checked"));
    assert!(v.evidence_notes.iter().all(|n| n.contains("unknown") && !n.contains("not listed")));

    let mixed = [
        clean("zen.spamhaus.org", "Spamhaus ZEN"),
        Evidence::new("203.0.113.45", "b.barracudacentral.org", "Barracuda BRBL", None),
    ];
    let v = decide(&s3150(), &mixed, &LookupOutcome::Checked, Lang::En);
    assert!(
        v.summary.contains("It is on none of the public lists that gave an answer."),
        "{}",
        v.summary
    );
    assert!(v.summary.contains("1 of the lists checked gave no usable answer"), "{}", v.summary);
    assert!(!v.summary.contains("own list"));
}

#[test]
fn a_refused_resolver_is_unknown_and_suggests_a_dqs_key() {
    let mut refused = Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", None);
    refused.codes = vec!["127.255.255.254".into()];
    refused.refused = true;
    for lang in [Lang::En, Lang::Ja] {
        let v = decide(&s3150(), &[refused.clone()], &LookupOutcome::Checked, lang);
        assert!(!v.summary.contains("not listed") && !v.summary.contains("載っていません"));
        let dqs: Vec<&String> = v.actions.iter().filter(|a| a.contains("--dqs-key")).collect();
        assert_eq!(dqs.len(), 1, "{:?}", v.actions);
        assert!(dqs[0].contains("Spamhaus ZEN"));
        if lang == Lang::Ja {
            assert_no_stray_english(dqs[0]);
        }
    }
    // A list that merely did not answer is not a DQS matter.
    let silent = Evidence::new("203.0.113.45", "zen.spamhaus.org", "Spamhaus ZEN", None);
    let v = decide(&s3150(), &[silent], &LookupOutcome::Checked, Lang::En);
    assert!(v.actions.iter().all(|a| !a.contains("--dqs-key")));
}

#[test]
fn microsoft_365_gets_the_delist_portal() {
    let text = "550 5.7.606 Access denied, banned sending IP [192.0.2.78]. To request removal from this list please visit https://sender.office.com/ and follow the directions. AS(1430)";
    let b = bounce_with(
        "5.7.606",
        text,
        "example-co-jp.mail.protection.outlook.com",
        "info@example.co.jp",
    );
    let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    assert!(v.actions.iter().any(|a| a.contains("https://sender.office.com")
        && a.contains("24 hours")
        && a.contains("192.0.2.78")));
    assert!(v.actions.iter().all(|a| !a.contains("supportrequestform")));
}

#[test]
fn google_reputation_is_reputation_and_temporary() {
    let text = "421-4.7.0 [203.0.113.45      15] This message is suspicious due to the very low reputation of the sending IP address. Mail from your IP has been temporarily rate limited to protect users. - gsmtp";
    let b = bounce_with("4.7.0", text, "gmail-smtp-in.l.google.com", "taro@gmail.com");
    let evidence = [clean("zen.spamhaus.org", "Spamhaus ZEN")];
    let v = decide(&b, &evidence, &LookupOutcome::Checked, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpReputation);
    assert!(v.summary.contains("Google (Gmail / Google Workspace) refused or slowed down mail from your sending server's IP address 203.0.113.45"));
    assert!(v.summary.contains("the poor rating is Google's own judgement"));
    assert!(v.actions.iter().any(|a| a.contains("Google has no removal form")));
    assert!(v.actions.iter().any(|a| a.contains("no need to send the message again yet")));
    // With a public listing, the reputation refusal becomes a blocklisting.
    let v = decide(&b, &[spamhaus_listed()], &LookupOutcome::Checked, Lang::En);
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
}

#[test]
fn user_unknown_is_a_recipient_problem_without_blocklist_advice() {
    let text = "550 5.1.1 <k.suzuki@example.jp>: Recipient address rejected: User unknown in virtual mailbox table";
    let b = bounce_with("5.1.1", text, "mx.example.jp", "k.suzuki@example.jp");
    for lang in [Lang::En, Lang::Ja] {
        let v = decide(&b, &[spamhaus_listed()], &LookupOutcome::Checked, lang);
        assert_eq!(v.cause, Cause::RecipientProblem);
        assert_eq!(v.reason, Reason::UserUnknown);
        let all = all_text(&v).to_lowercase();
        for word in ["block", "spamhaus", "listed", "delist", "ブロック", "掲載", "解除"] {
            assert!(!all.contains(word), "{word} in {all}");
        }
        assert!(v.evidence_notes.is_empty());
        assert!(all.contains("k.suzuki@example.jp"));
    }
    let v = decide(&b, &[], &LookupOutcome::Checked, Lang::En);
    assert!(v.summary.contains("does not exist"));
    assert!(v.actions[0].contains("typing mistakes"));
    assert!(v.actions[1].contains("another way"));
    assert!(v.actions[2].contains("remove it from your address book"));
}

#[test]
fn other_causes() {
    let cases: &[(&str, &str, Cause, &str)] = &[
        ("5.2.2", "552 5.2.2 Mailbox full", Cause::RecipientProblem, "usually temporary"),
        ("5.7.26", "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy. - gsmtp", Cause::AuthenticationFailure, "SPF record"),
        ("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering", Cause::ContentRejected, "judged the message itself to be spam"),
        ("4.7.0", "452 4.7.0 Too many connections from your host, try again later", Cause::RateLimited, "limiting how fast"),
        ("4.4.1", "connect to mx.example.org[192.0.2.1]:25: No route to host", Cause::TemporaryFailure, "temporary problem"),
        ("5.4.7", "Delivery time expired", Cause::TemporaryFailure, "gave up delivering"),
        ("5.3.4", "552 5.3.4 Error: message file too big", Cause::ContentRejected, "Make the attachments smaller"),
        ("5.7.1", "550 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using dbl.spamhaus.org; domain is listed", Cause::SendingDomainBlocklisted, "check.spamhaus.org"),
        ("5.7.1", "554 5.7.1 <a@example.org>: Relay access denied", Cause::PolicyRejected, "port 587 with authentication"),
        ("5.7.10", "530 5.7.10 Must issue a STARTTLS command first", Cause::PolicyRejected, "TLS (STARTTLS)"),
        ("", "something odd happened", Cause::Unknown, "does not say clearly"),
    ];
    for (status, text, cause, phrase) in cases {
        let b = bounce_with(status, text, "mx.example.org", "someone@example.org");
        for lang in [Lang::En, Lang::Ja] {
            let v = decide(&b, &[], &LookupOutcome::Offline, lang);
            assert_eq!(v.cause, *cause, "{text}");
            assert!(!v.summary.is_empty() && !v.actions.is_empty());
            if lang == Lang::En {
                assert!(all_text(&v).contains(phrase), "{phrase} missing: {}", all_text(&v));
            } else {
                assert_no_stray_english(&all_text(&v));
            }
        }
    }
}

#[test]
fn delayed_is_temporary_and_delivered_is_not_a_failure() {
    let mut b = bounce_with(
        "4.0.0",
        "451 4.3.0 Temporary local problem",
        "mx.example.org",
        "a@example.org",
    );
    b.recipients[0].action = Action::Delayed;
    let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
    assert_eq!(v.cause, Cause::TemporaryFailure);
    assert!(v.summary.contains("is delayed") && v.actions[0].contains("No action is needed yet"));

    b.recipients[0].action = Action::Delivered;
    let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
    assert_eq!(v.cause, Cause::NotAFailure);
    assert!(v.summary.contains("was delivered"));
}

#[test]
fn docomo_unknown_user_mentions_reception_settings() {
    let b = bounce_with(
        "",
        "550 Unknown user taro.yamada.1999@docomo.ne.jp",
        "mfsmax.docomo.ne.jp",
        "taro.yamada.1999@docomo.ne.jp",
    );
    let v = decide(&b, &[], &LookupOutcome::Offline, Lang::Ja);
    assert_eq!(v.cause, Cause::RecipientProblem);
    assert!(v.actions.iter().any(|a| a.contains("受信設定")));
}

#[test]
fn sorbs_mention_is_called_out_as_dead() {
    let text =
        "554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using dnsbl.sorbs.net";
    let b = bounce_with("5.7.1", text, "mx.example.org", "a@example.org");
    let v = decide(&b, &[], &LookupOutcome::Offline, Lang::En);
    assert!(v.summary.contains("SORBS shut down on 5 June 2024"), "{}", v.summary);
}

fn push(b: &mut Bounce, status: &str, diagnostic: &str, remote: &str, rcpt: &str) {
    let mut one = bounce_with(status, diagnostic, remote, rcpt);
    b.recipients.append(&mut one.recipients);
}

#[test]
fn every_recipient_counts_and_a_sender_side_block_is_the_headline() {
    // The first recipient is unknown, the second's mailbox is full, the third is
    // refused because of the sending IP: the IP block stops every message to that
    // receiver, so it is the headline, and the others are named beside it.
    let mut b = bounce_with(
        "5.1.1",
        "550 5.1.1 <gone@example.jp>: Recipient address rejected: User unknown in virtual mailbox table",
        "mx.example.jp",
        "gone@example.jp",
    );
    push(
        &mut b,
        "5.2.2",
        "552 5.2.2 <full@example.org>: Mailbox full",
        "mx.example.org",
        "full@example.org",
    );
    push(&mut b, "5.7.1", S3150, "apc.olc.protection.outlook.com", "hanako@hotmail.co.jp");
    for lang in [Lang::En, Lang::Ja] {
        let v = decide(&b, &[], &LookupOutcome::Offline, lang);
        assert_eq!(v.cause, Cause::SendingIpBlocklisted);
        let causes: Vec<(Cause, Vec<usize>)> =
            v.causes.iter().map(|g| (g.cause, g.recipients.clone())).collect();
        // An unknown address and a full mailbox need different actions.
        assert_eq!(
            causes,
            [
                (Cause::SendingIpBlocklisted, vec![2]),
                (Cause::RecipientProblem, vec![0]),
                (Cause::RecipientProblem, vec![1])
            ]
        );
        assert!(!v.causes[2].summary.contains("does not exist"), "{}", v.causes[2].summary);
        assert!(!v.summary.contains("Nothing is wrong with your server"), "{}", v.summary);
        assert!(v.summary.contains("gone@example.jp") && v.summary.contains("full@example.org"));
        assert_eq!(v.recipients.len(), 3);
        assert_eq!(v.recipients[0].suppress, Some(crate::SuppressReason::AddressDoesNotExist));
        assert_eq!(v.recipients[1].suppress, None);
        assert_eq!(v.recipients[2].suppress, None);
        assert!(v.causes[1].summary.contains("gone@example.jp"));
        if lang == Lang::Ja {
            assert_no_stray_english(&all_text(&v));
        }
    }
}

#[test]
fn a_domain_listing_is_added_beside_an_explicit_ip_refusal() {
    let mut domain = Evidence::new("example.jp", "dbl.spamhaus.org", "Spamhaus DBL", Some(true));
    domain.codes = vec!["127.0.1.2".into()];
    let evidence = [spamhaus_listed(), domain];
    let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
    // The bounce says the IP: that stays the cause, and the IP's own listing stays.
    assert_eq!(v.cause, Cause::SendingIpBlocklisted);
    assert!(v.summary.contains("It is listed on Spamhaus ZEN"), "{}", v.summary);
    let causes: Vec<(Cause, bool)> = v.causes.iter().map(|g| (g.cause, g.from_dns)).collect();
    assert_eq!(
        causes,
        [(Cause::SendingIpBlocklisted, false), (Cause::SendingDomainBlocklisted, true)]
    );
    // Each claim can be checked: the bounce line with its rule, then every answer.
    match &v.claims[0] {
        Claim::BounceText { cause, line, rule, source, .. } => {
            assert_eq!(*cause, Cause::SendingIpBlocklisted);
            assert!(line.contains("(S3150)"));
            assert!(!rule.is_empty() && !source.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let zones: Vec<(&str, Option<bool>)> = v
        .claims
        .iter()
        .filter_map(|c| match c {
            Claim::Dns { zone, listed, .. } => Some((zone.as_str(), *listed)),
            _ => None,
        })
        .collect();
    assert_eq!(zones, [("zen.spamhaus.org", Some(true)), ("dbl.spamhaus.org", Some(true))]);
    assert!(matches!(v.claims.last(), Some(Claim::Hosting { shared: true, .. })));
}

/// A bounce for each cause, through the whole pipeline.
fn one_per_cause() -> Vec<(Cause, Bounce)> {
    let mut delivered = bounce_with("2.0.0", "250 2.0.0 OK", "mx.example.org", "a@example.org");
    delivered.recipients[0].action = Action::Delivered;
    let mut delayed =
        bounce_with("4.4.1", "Connection timed out", "mx.example.org", "a@example.org");
    delayed.recipients[0].action = Action::Delayed;
    vec![
        (Cause::SendingIpBlocklisted, s3150()),
        (Cause::SendingDomainBlocklisted, bounce_with("5.7.1", "554 5.7.1 Service unavailable; Sender address [x@example.jp] blocked using dbl.spamhaus.org; domain is listed", "mx.example.org", "a@example.org")),
        (Cause::SendingIpReputation, bounce_with("4.7.0", "421-4.7.0 [203.0.113.45 15] This message is suspicious due to the very low reputation of the sending IP address. - gsmtp", "gmail-smtp-in.l.google.com", "a@gmail.com")),
        (Cause::AuthenticationFailure, bounce_with("5.7.26", "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy. - gsmtp", "gmail-smtp-in.l.google.com", "a@gmail.com")),
        (Cause::PolicyRejected, bounce_with("5.7.1", "554 5.7.1 <a@example.org>: Relay access denied", "mx.example.org", "a@example.org")),
        (Cause::ContentRejected, bounce_with("5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering", "mx.example.org", "a@example.org")),
        (Cause::RateLimited, bounce_with("4.7.0", "452 4.7.0 Too many connections from your host, try again later", "mx.example.org", "a@example.org")),
        (Cause::RecipientProblem, bounce_with("5.1.1", "550 5.1.1 User unknown", "mx.example.org", "a@example.org")),
        (Cause::TemporaryFailure, delayed),
        (Cause::NotAFailure, delivered),
        (Cause::Unknown, bounce_with("", "something odd happened", "mx.example.org", "a@example.org")),
    ]
}

#[test]
fn every_cause_is_said_in_english_and_japanese_with_no_empty_slot() {
    let cases = one_per_cause();
    assert_eq!(cases.len(), Cause::ALL.len(), "a cause without a case");
    for (cause, bounce) in &cases {
        for lang in [Lang::En, Lang::Ja] {
            for lookup in [LookupOutcome::Offline, LookupOutcome::Checked] {
                // A clean answer, so that a reputation refusal stays one.
                let evidence = [clean("zen.spamhaus.org", "Spamhaus ZEN")];
                let v = decide(bounce, &evidence, &lookup, lang);
                assert_eq!(v.cause, *cause, "{lang:?} {}", v.summary);
                let all = all_text(&v);
                assert!(!v.summary.is_empty() && !v.actions.is_empty(), "{cause}");
                assert!(v.actions.iter().all(|a| !a.trim().is_empty()), "{cause}: {all}");
                // An empty slot shows as a placeholder left over, empty brackets or
                // a doubled space.
                for hole in ["{", "}", "()", "（）", "  ", " .", " ,"] {
                    assert!(!all.contains(hole), "{cause} {lang:?}: {hole:?} in {all}");
                }
                if lang == Lang::Ja {
                    assert_no_stray_english(&all);
                }
            }
        }
    }
}

/// Japanese output may carry English only in proper names, URLs, addresses and
/// codes: check that no common English word slipped in.
fn assert_no_stray_english(text: &str) {
    for word in [" the ", " and ", " your ", " is ", " to ", " of ", "please", " not "] {
        assert!(!text.to_lowercase().contains(word), "English {word:?} in Japanese output: {text}");
    }
    assert!(text.chars().any(|c| c > '\u{3000}'));
}

#[test]
fn unconfirmed_lists_say_so_and_never_not_listed() {
    // A resolver that answers NXDOMAIN to everything: the lists "answered", but
    // none listed its own test entry.
    let unconfirmed = |zone: &str, name: &str| {
        let mut e = Evidence::new("203.0.113.45", zone, name, None);
        e.unconfirmed = true;
        e.error = Some(format!("{zone} did not list its test entry 127.0.0.2"));
        e
    };
    let evidence = [
        unconfirmed("zen.spamhaus.org", "Spamhaus ZEN"),
        unconfirmed("b.barracudacentral.org", "Barracuda BRBL"),
    ];
    let v = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::En);
    assert!(v.summary.contains("The public lists could not be confirmed"), "{}", v.summary);
    assert!(!v.summary.contains("None of the public lists"), "{}", v.summary);
    assert!(!v.summary.contains("none of the public lists"), "{}", v.summary);
    assert!(v.evidence_notes.iter().all(|n| !n.contains("not listed")), "{:?}", v.evidence_notes);
    let ja = decide(&s3150(), &evidence, &LookupOutcome::Checked, Lang::Ja);
    assert!(ja.summary.contains("確認できませんでした"), "{}", ja.summary);
    assert!(!ja.summary.contains("載っていません"), "{}", ja.summary);
}

#[test]
fn a_reserved_sending_ip_is_said_not_to_be_asked() {
    // The benchmarking range (RFC 2544) is named as the sender, and the checker does
    // not send it to the lists.
    let diagnostic = S3150.replace("203.0.113.45", "198.18.0.5");
    let b =
        bounce_with("5.7.1", &diagnostic, "apc.olc.protection.outlook.com", "hanako@hotmail.co.jp");
    let v = decide(&b, &[], &LookupOutcome::Checked, Lang::En);
    assert!(
        v.summary.contains("198.18.0.5 is a benchmarking (RFC 2544) address")
            && v.summary.contains("not checked"),
        "{}",
        v.summary
    );
    assert!(!v.summary.contains("No public blocklist results"), "{}", v.summary);
    let ja = decide(&b, &[], &LookupOutcome::Checked, Lang::Ja);
    assert!(ja.summary.contains("問い合わせていません"), "{}", ja.summary);
}

#[test]
fn a_private_sending_ip_named_by_the_receiver_is_explained_not_dropped() {
    let diagnostic = S3150.replace("203.0.113.45", "10.1.2.3");
    let b =
        bounce_with("5.7.1", &diagnostic, "apc.olc.protection.outlook.com", "hanako@hotmail.co.jp");
    let plan = plan(&b);
    assert!(plan.ips.is_empty(), "{:?}", plan.ips);
    assert_eq!(plan.reserved_ips, ["10.1.2.3".parse::<IpAddr>().unwrap()]);
    let v = decide(&b, &[], &LookupOutcome::Checked, Lang::En);
    assert!(v.summary.contains("10.1.2.3 is a private (RFC 1918) address"), "{}", v.summary);
}
