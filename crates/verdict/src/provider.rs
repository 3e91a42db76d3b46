//! Receiving mail providers, recognised from the remote MTA, the diagnostic text and
//! the recipient's domain, through the table [`PROVIDER_RULES`].

use rebound_dsn::RecipientReport;

/// A receiving mail provider recognised from the remote MTA or the diagnostic.
///
/// `id` is stable and coarse (`microsoft`); `variant` tells services of one company
/// apart where their advice differs (`outlook.com` for consumer Outlook.com/Hotmail,
/// `microsoft365` for Exchange Online business tenants).
///
/// ```
/// use rebound_dsn::RecipientReport;
/// let mut report = RecipientReport::default();
/// report.remote_mta = Some("apc.olc.protection.outlook.com".into());
/// let provider = rebound_verdict::provider_of(&report).unwrap();
/// assert_eq!(provider.id, "microsoft");
/// assert_eq!(provider.variant, "outlook.com");
/// assert_eq!(provider.name, "Microsoft (Outlook.com / Hotmail)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Provider {
    /// Stable identifier used in JSON, e.g. `microsoft`.
    pub id: &'static str,
    /// Name shown to people, e.g. `Microsoft (Outlook.com / Hotmail)`.
    pub name: &'static str,
    /// Which service of the provider, e.g. `outlook.com` or `microsoft365`; equal to
    /// `id` for providers with one service.
    pub variant: &'static str,
    /// Where a sender asks this provider to look at a block, when it has such a place.
    pub sender_support: Option<&'static str>,
    /// The company's short name, e.g. `Microsoft`.
    pub company: &'static str,
}

const MS_CONSUMER: Provider = Provider {
    id: "microsoft",
    name: "Microsoft (Outlook.com / Hotmail)",
    variant: "outlook.com",
    sender_support: Some(
        "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75",
    ),
    company: "Microsoft",
};
const MS_365: Provider = Provider {
    id: "microsoft",
    name: "Microsoft 365 (Exchange Online)",
    variant: "microsoft365",
    sender_support: Some("https://sender.office.com"),
    company: "Microsoft",
};
const GOOGLE: Provider = Provider {
    id: "google",
    name: "Google (Gmail / Google Workspace)",
    variant: "google",
    sender_support: Some("https://postmaster.google.com"),
    company: "Google",
};
const YAHOO: Provider = Provider {
    id: "yahoo",
    name: "Yahoo (Yahoo Mail / AOL)",
    variant: "yahoo",
    sender_support: Some("https://senders.yahooinc.com/"),
    company: "Yahoo",
};
const APPLE: Provider = Provider {
    id: "apple",
    name: "Apple (iCloud Mail)",
    variant: "apple",
    sender_support: None,
    company: "Apple",
};
const GMX: Provider = Provider {
    id: "gmx",
    name: "GMX / WEB.DE (United Internet)",
    variant: "gmx",
    sender_support: Some("https://postmaster.gmx.net/en/contact"),
    company: "GMX",
};
const T_ONLINE: Provider = Provider {
    id: "t-online",
    name: "T-Online",
    variant: "t-online",
    sender_support: None,
    company: "T-Online",
};
const COMCAST: Provider = Provider {
    id: "comcast",
    name: "Comcast (Xfinity)",
    variant: "comcast",
    sender_support: Some("https://postmaster.comcast.net/"),
    company: "Comcast",
};
const DOCOMO: Provider = Provider {
    id: "docomo",
    name: "NTT docomo",
    variant: "docomo",
    sender_support: None,
    company: "NTT docomo",
};
const AU: Provider = Provider {
    id: "au",
    name: "au (KDDI)",
    variant: "au",
    sender_support: None,
    company: "au (KDDI)",
};
const SOFTBANK: Provider = Provider {
    id: "softbank",
    name: "SoftBank",
    variant: "softbank",
    sender_support: None,
    company: "SoftBank",
};

/// How one provider is recognised.
struct ProviderRule {
    provider: Provider,
    /// Domain suffixes of the remote MTA's host name (`host == s` or ends in `.s`).
    hosts: &'static [&'static str],
    /// Substrings of the lower-cased diagnostic text.
    texts: &'static [&'static str],
    /// Domain suffixes of the recipient address's domain.
    recipients: &'static [&'static str],
}

/// The provider table. Each of the three passes (remote host, diagnostic, recipient
/// domain) walks it in order, so specific rows come before general ones: consumer
/// Outlook.com (`*.olc.protection.outlook.com`) before Microsoft 365
/// (`*.protection.outlook.com`).
#[rustfmt::skip]
const PROVIDER_RULES: &[ProviderRule] = &[
    ProviderRule { provider: MS_CONSUMER,
        hosts: &["olc.protection.outlook.com", "hotmail.com", "live.com", "msn.com"],
        texts: &["mail.live.com", "(s3150)", "(s3140)", "olc.protection.outlook.com", "hotmail"],
        recipients: &["hotmail.com", "hotmail.co.jp", "outlook.jp", "live.com", "live.jp", "msn.com"] },
    ProviderRule { provider: MS_365,
        hosts: &["protection.outlook.com", "prod.outlook.com"],
        texts: &["sender.office.com", "banned sending ip", "linkid=526655",
            "mail.protection.outlook.com"],
        recipients: &[] },
    ProviderRule { provider: MS_CONSUMER,
        hosts: &["outlook.com"], texts: &["outlook.com"], recipients: &["outlook.com"] },
    ProviderRule { provider: GOOGLE,
        hosts: &["google.com", "googlemail.com"],
        texts: &["gsmtp", "- gcdp", "support.google.com"],
        recipients: &["gmail.com", "googlemail.com"] },
    ProviderRule { provider: YAHOO,
        hosts: &["yahoodns.net", "yahoo.com", "aol.com"],
        texts: &["yahooinc.com", "yahoodns.net", "yahoo.com"],
        recipients: &["yahoo.com", "yahoo.co.uk", "ymail.com", "aol.com"] },
    ProviderRule { provider: APPLE,
        hosts: &["icloud.com", "me.com", "apple.com"],
        texts: &["icloud.com", "support.apple.com"],
        recipients: &["icloud.com", "me.com", "mac.com"] },
    ProviderRule { provider: GMX,
        hosts: &["gmx.net", "gmx.de", "web.de", "kundenserver.de"],
        texts: &["nemesis esmtp", "postmaster.gmx", "postmaster.web.de"],
        recipients: &["gmx.net", "gmx.de", "web.de"] },
    ProviderRule { provider: T_ONLINE,
        hosts: &["t-online.de"], texts: &["t-online.de"], recipients: &["t-online.de"] },
    ProviderRule { provider: COMCAST,
        hosts: &["comcast.net"], texts: &["comcast"], recipients: &["comcast.net"] },
    ProviderRule { provider: DOCOMO,
        hosts: &["docomo.ne.jp"], texts: &["docomo.ne.jp"], recipients: &["docomo.ne.jp"] },
    ProviderRule { provider: AU,
        hosts: &["au.com", "ezweb.ne.jp"], texts: &["ezweb.ne.jp", "@au.com"],
        recipients: &["au.com", "ezweb.ne.jp"] },
    ProviderRule { provider: SOFTBANK,
        hosts: &["softbank.jp", "softbank.ne.jp"], texts: &["softbank.jp", "softbank.ne.jp"],
        recipients: &["softbank.jp", "softbank.ne.jp"] },
];

/// True when `host` is `suffix` or a subdomain of it (both lower-case).
pub(crate) fn domain_matches(host: &str, suffix: &str) -> bool {
    // The dot before the suffix is looked at first: it is seldom there, and then the
    // suffix is not compared.
    match host.len().checked_sub(suffix.len()) {
        Some(0) => host == suffix,
        Some(dot) => {
            host.as_bytes().get(dot - 1) == Some(&b'.')
                && host.as_bytes().ends_with(suffix.as_bytes())
        }
        None => false,
    }
}

/// Recognises the provider that refused the mail: by the remote MTA's host name
/// first, then by tokens in the diagnostic, then by the recipient's domain.
///
/// ```
/// use rebound_dsn::RecipientReport;
/// let mut report = RecipientReport::default();
/// report.diagnostic = Some("550 5.7.606 Access denied, banned sending IP [192.0.2.78]. \
///     To request removal from this list please visit https://sender.office.com/".into());
/// let provider = rebound_verdict::provider_of(&report).unwrap();
/// assert_eq!((provider.id, provider.variant), ("microsoft", "microsoft365"));
/// ```
pub fn provider_of(report: &RecipientReport) -> Option<Provider> {
    if let Some(host) = report.remote_mta.as_deref() {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if let Some(rule) =
            PROVIDER_RULES.iter().find(|r| r.hosts.iter().any(|s| domain_matches(&host, s)))
        {
            return Some(rule.provider);
        }
    }
    if let Some(text) = report.diagnostic.as_deref() {
        let text = text.to_lowercase();
        if let Some(rule) = PROVIDER_RULES.iter().find(|r| r.texts.iter().any(|t| text.contains(t)))
        {
            return Some(rule.provider);
        }
    }
    let domain = report.recipient.as_deref()?.rsplit_once('@')?.1.trim().to_ascii_lowercase();
    PROVIDER_RULES
        .iter()
        .find(|r| r.recipients.iter().any(|s| domain_matches(&domain, s)))
        .map(|r| r.provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_suffixes_match_as_strip_suffix_says() {
        let names = [
            "",
            ".",
            "a",
            "jp",
            ".jp",
            "ne.jp",
            "docomo.ne.jp",
            "mx.docomo.ne.jp",
            "xdocomo.ne.jp",
            "docomo.ne.jp.",
            "a.b.c",
            "b.c",
            "..b.c",
            "\u{e9}.jp",
        ];
        for host in names {
            for suffix in names {
                let want = host == suffix
                    || host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'));
                assert_eq!(domain_matches(host, suffix), want, "{host:?} {suffix:?}");
            }
        }
    }

    fn by_host(host: &str) -> Option<(&'static str, &'static str)> {
        let mut r = RecipientReport::default();
        r.remote_mta = Some(host.to_string());
        provider_of(&r).map(|p| (p.id, p.variant))
    }

    fn by_text(text: &str) -> Option<(&'static str, &'static str)> {
        let mut r = RecipientReport::default();
        r.diagnostic = Some(text.to_string());
        provider_of(&r).map(|p| (p.id, p.variant))
    }

    #[test]
    fn recognises_remote_hosts() {
        assert_eq!(by_host("apc.olc.protection.outlook.com"), Some(("microsoft", "outlook.com")));
        assert_eq!(by_host("eur.olc.pamx1.hotmail.com."), Some(("microsoft", "outlook.com")));
        assert_eq!(
            by_host("example-co-jp.mail.protection.outlook.com"),
            Some(("microsoft", "microsoft365"))
        );
        assert_eq!(by_host("gmail-smtp-in.l.google.com"), Some(("google", "google")));
        assert_eq!(by_host("mta7.am0.yahoodns.net"), Some(("yahoo", "yahoo")));
        assert_eq!(by_host("mx01.mail.icloud.com"), Some(("apple", "apple")));
        assert_eq!(by_host("mx00.gmx.net"), Some(("gmx", "gmx")));
        assert_eq!(by_host("mx03.t-online.de"), Some(("t-online", "t-online")));
        assert_eq!(by_host("mx1.comcast.net"), Some(("comcast", "comcast")));
        assert_eq!(by_host("mfsmax.docomo.ne.jp"), Some(("docomo", "docomo")));
        assert_eq!(by_host("msmx.au.com"), Some(("au", "au")));
        assert_eq!(by_host("mx.mailsv.softbank.jp"), Some(("softbank", "softbank")));
        assert_eq!(by_host("mx.example.jp"), None);
        // A suffix must match at a label boundary.
        assert_eq!(by_host("mx.notgoogle.com"), None);
    }

    #[test]
    fn recognises_diagnostic_tokens_and_recipient_domains() {
        assert_eq!(
            by_text("You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [TYZPR01CA0000.jpnprd01.prod.outlook.com]"),
            Some(("microsoft", "outlook.com"))
        );
        assert_eq!(by_text("x12si345678pgh.9 - gsmtp"), Some(("google", "google")));
        assert_eq!(
            by_text("see https://postmaster.yahooinc.com/error-codes"),
            Some(("yahoo", "yahoo"))
        );
        assert_eq!(by_text("554 Nemesis ESMTP Service not available"), Some(("gmx", "gmx")));
        let mut r = RecipientReport::default();
        r.recipient = Some("Hanako@Hotmail.co.jp".into());
        assert_eq!(provider_of(&r).map(|p| p.variant), Some("outlook.com"));
        r.recipient = Some("someone@example.com".into());
        assert_eq!(provider_of(&r), None);
    }
}
