//! Receiving mail providers and security gateways, recognised from the remote MTA, the
//! diagnostic text and the recipient's domain.
//!
//! Every fact about a provider lives in its one file, `rules/provider/<id>.toml`: its
//! identity (id, names, company, whether it is a gateway), what recognises it (remote
//! host suffixes, tokens of its replies, recipient domains), where a sender asks it
//! about a block, its advice in English and Japanese, and its own reply codes and
//! phrases, each with its source. `reason/provider_file.rs` reads the files into
//! [`ProviderFacts`]; this module answers [`provider_of`] from them, through the same
//! recognition the reason engine uses.

use rebound_dsn::RecipientReport;

use crate::text::Lang;

/// A receiving provider or gateway recognised from the remote MTA, the diagnostic or
/// the recipient's domain.
///
/// `id` is stable and coarse (`microsoft`); `variant` tells services of one company
/// apart where their advice differs (`outlook.com` for consumer Outlook.com/Hotmail,
/// `microsoft365` for Exchange Online business tenants). The strings are borrowed from
/// the provider files, loaded once.
///
/// ```
/// use rebound_dsn::RecipientReport;
/// use rebound_verdict::Lang;
///
/// let mut report = RecipientReport::default();
/// report.remote_mta = Some("apc.olc.protection.outlook.com".into());
/// let provider = rebound_verdict::provider_of(&report).unwrap();
/// assert_eq!(provider.id, "microsoft");
/// assert_eq!(provider.variant, "outlook.com");
/// assert_eq!(provider.name, "Microsoft (Outlook.com / Hotmail)");
/// assert_eq!(provider.display_name(Lang::Ja), "Microsoft（Outlook.com / Hotmail）");
/// assert!(!provider.gateway);
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Provider {
    /// Stable identifier used in JSON, e.g. `microsoft`: the provider file's name.
    pub id: &'static str,
    /// Name shown to people, e.g. `Microsoft (Outlook.com / Hotmail)`; see
    /// [`Provider::display_name`] for other languages.
    pub name: &'static str,
    /// Which service of the provider, e.g. `outlook.com` or `microsoft365`; equal to
    /// `id` for providers with one service.
    pub variant: &'static str,
    /// Where a sender asks this provider to look at a block: its delisting page, else
    /// its page or form for senders, when it has one.
    pub sender_support: Option<&'static str>,
    /// The company's short name, e.g. `Microsoft`.
    pub company: &'static str,
    /// A security gateway or reputation service (Proofpoint, Mimecast, Cisco, ...): when
    /// the remote host is the gateway's, the refusal is the gateway's, even for a domain
    /// whose mailboxes Microsoft or Google host (provider-replies.md §1.1 rule 8).
    pub gateway: bool,
    facts: &'static ProviderFacts,
    service: &'static Service,
}

impl PartialEq for Provider {
    fn eq(&self, other: &Provider) -> bool {
        (self.id, self.variant) == (other.id, other.variant)
    }
}

impl Eq for Provider {}

impl std::hash::Hash for Provider {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.id, self.variant).hash(state);
    }
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("variant", &self.variant)
            .field("sender_support", &self.sender_support)
            .field("company", &self.company)
            .field("gateway", &self.gateway)
            .finish()
    }
}

impl Provider {
    fn new(facts: &'static ProviderFacts, service: &'static Service) -> Provider {
        let mut provider = Provider {
            id: &facts.id,
            name: &service.name,
            variant: &service.id,
            sender_support: None,
            company: &service.company,
            gateway: facts.gateway,
            facts,
            service,
        };
        if provider.company.is_empty() {
            provider.company = &facts.base.company;
        }
        provider.sender_support =
            provider.delist_url().or_else(|| provider.link(|s| &s.sender_support));
        provider
    }

    /// The variant's link, else the file's.
    fn link(&self, link: fn(&Service) -> &Option<Link>) -> Option<&'static str> {
        let (service, base): (&'static Service, &'static Service) =
            (self.service, &self.facts.base);
        link(service).as_ref().or(link(base).as_ref()).map(|link| link.url.as_str())
    }

    /// The variant's advice, else the file's.
    fn advice_row(&self) -> Option<&'static Advice> {
        let (service, base): (&'static Service, &'static Service) =
            (self.service, &self.facts.base);
        service.advice.as_ref().or(base.advice.as_ref())
    }

    /// The name shown to people in `lang`: the provider file's `name_ja` in Japanese
    /// when it has one, else [`Provider::name`].
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// use rebound_verdict::{provider_of, Lang};
    ///
    /// let mut report = RecipientReport::default();
    /// report.recipient = Some("hanako@docomo.ne.jp".into());
    /// let docomo = provider_of(&report).unwrap();
    /// assert_eq!(docomo.display_name(Lang::En), "NTT docomo");
    /// assert_eq!(docomo.display_name(Lang::Ja), "NTTドコモ");
    /// ```
    pub fn display_name(&self, lang: Lang) -> &'static str {
        match (lang, &self.service.name_ja) {
            (Lang::Ja, Some(name)) => name,
            _ => self.name,
        }
    }

    /// What a sender does about an IP address or reputation block at this provider,
    /// in `lang`, when the provider's reference gives a route: a template in which the
    /// verdict replaces `{ip}` with the sending IP address and `{url}` with
    /// [`Provider::advice_url`].
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// use rebound_verdict::{provider_of, Lang};
    ///
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("example-com.mail.protection.outlook.com".into());
    /// let microsoft365 = provider_of(&report).unwrap();
    /// let advice = microsoft365.advice(Lang::En).unwrap();
    /// assert!(advice.contains("{url}") && advice.contains("{ip}"));
    /// assert_eq!(microsoft365.advice_url(), Some("https://sender.office.com"));
    /// assert!(microsoft365.advice(Lang::Ja).unwrap().contains("解除"));
    /// ```
    pub fn advice(&self, lang: Lang) -> Option<&'static str> {
        let advice = self.advice_row()?;
        Some(match lang {
            Lang::Ja => &advice.ja,
            _ => &advice.en,
        })
    }

    /// Where the facts that recognise and name this provider (or its variant) come
    /// from.
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("mx03.t-online.de".into());
    /// let t_online = rebound_verdict::provider_of(&report).unwrap();
    /// assert!(t_online.source().starts_with("provider-replies.md §8.2"));
    /// ```
    pub fn source(&self) -> &'static str {
        &self.service.source
    }

    /// Where the advice comes from (a section of provider-replies.md, mostly).
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("mx0a-00123401.pphosted.com".into());
    /// let proofpoint = rebound_verdict::provider_of(&report).unwrap();
    /// assert!(proofpoint.advice_source().unwrap().starts_with("provider-replies.md §7.1"));
    /// ```
    pub fn advice_source(&self) -> Option<&'static str> {
        self.advice_row().map(|advice| advice.source.as_str())
    }

    /// The page where the provider delists (or resets) a sending IP address, when it
    /// has one.
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("mx0a-00123401.pphosted.com".into());
    /// let proofpoint = rebound_verdict::provider_of(&report).unwrap();
    /// assert!(proofpoint.gateway);
    /// assert_eq!(proofpoint.delist_url(), Some("https://ipcheck.proofpoint.com"));
    /// ```
    pub fn delist_url(&self) -> Option<&'static str> {
        self.link(|s| &s.delist_url)
    }

    /// The provider's own page that explains its replies or its rules for senders.
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("gmail-smtp-in.l.google.com".into());
    /// let google = rebound_verdict::provider_of(&report).unwrap();
    /// assert_eq!(google.help_url(), Some("https://support.google.com/a/answer/3726730"));
    /// ```
    pub fn help_url(&self) -> Option<&'static str> {
        self.link(|s| &s.help_url)
    }

    /// The page the advice's `{url}` stands for: the delisting page, else the page for
    /// senders, else the help page.
    ///
    /// ```
    /// use rebound_dsn::RecipientReport;
    /// let mut report = RecipientReport::default();
    /// report.remote_mta = Some("mx00.gmx.net".into());
    /// let gmx = rebound_verdict::provider_of(&report).unwrap();
    /// assert_eq!(gmx.advice_url(), Some("https://postmaster.gmx.net/en/contact"));
    /// ```
    pub fn advice_url(&self) -> Option<&'static str> {
        self.sender_support.or_else(|| self.help_url())
    }
}

/// A link the reference gives (its file row has a source too, checked on loading).
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) url: String,
}

/// What a sender does about a block, in English and Japanese, with its source.
#[derive(Debug, Clone)]
pub(crate) struct Advice {
    pub(crate) en: String,
    pub(crate) ja: String,
    pub(crate) source: String,
}

/// One service of a provider: the provider file itself, or one of its variants with
/// what it does not say taken from the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Service {
    /// The variant's id; the provider's id for the file itself.
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) name_ja: Option<String>,
    pub(crate) company: String,
    /// Where the identity and recognition facts come from.
    pub(crate) source: String,
    /// Domain suffixes of the remote MTA's host name.
    pub(crate) hosts: Vec<String>,
    /// Tokens of the lower-cased diagnostic.
    pub(crate) texts: Vec<String>,
    /// Domain suffixes of the recipient's address.
    pub(crate) recipients: Vec<String>,
    pub(crate) sender_support: Option<Link>,
    pub(crate) delist_url: Option<Link>,
    pub(crate) help_url: Option<Link>,
    pub(crate) advice: Option<Advice>,
}

/// Everything a provider file says about the provider, apart from its rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProviderFacts {
    /// The file's name, e.g. `t-online`.
    pub(crate) id: String,
    pub(crate) gateway: bool,
    /// The recipient suffixes recognise a notice (a report with no status and no reply
    /// code) for the reason engine too, not only for [`provider_of`]: for a provider
    /// whose own notices carry no code at all.
    pub(crate) recipients_in_notices: bool,
    /// The file's own facts.
    pub(crate) base: Service,
    /// The services whose advice differs, in the file's order; the first is the one a
    /// report is given when nothing tells them apart.
    pub(crate) variants: Vec<Service>,
}

impl ProviderFacts {
    /// Every service: the file's, then its variants'.
    pub(crate) fn services(&self) -> impl Iterator<Item = &Service> {
        std::iter::once(&self.base).chain(&self.variants)
    }

    /// Every host suffix, text token or recipient suffix of the file and its variants.
    pub(crate) fn all<'a>(
        &'a self,
        list: fn(&'a Service) -> &'a Vec<String>,
    ) -> impl Iterator<Item = &'a String> {
        self.services().flat_map(list)
    }

    /// The service a report recognised as this provider's is about: the variant whose
    /// host suffix matches the remote host most closely, else the first whose token is
    /// in the diagnostic, else the one whose recipient suffix matches the recipient's
    /// domain most closely, else the first variant; the file itself when it has none.
    fn service(&self, host: &str, text: &str, domain: &str) -> &Service {
        let longest = |list: fn(&Service) -> &Vec<String>, name: &str| {
            self.variants
                .iter()
                .filter_map(|v| {
                    let len = list(v).iter().filter(|s| domain_matches(name, s)).map(String::len);
                    len.max().map(|len| (len, v))
                })
                // The first of equals: `max_by_key` would take the last.
                .fold(None, |best: Option<(usize, &Service)>, (len, v)| match best {
                    Some((best_len, _)) if best_len >= len => best,
                    _ => Some((len, v)),
                })
                .map(|(_, v)| v)
        };
        longest(|v| &v.hosts, host)
            .or_else(|| self.variants.iter().find(|v| v.texts.iter().any(|t| text.contains(t))))
            .or_else(|| longest(|v| &v.recipients, domain))
            .or(self.variants.first())
            .unwrap_or(&self.base)
    }
}

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

/// Recognises the provider that refused the mail, as the reason engine does: by the
/// remote MTA's host name first, then by a token of the provider's in the diagnostic
/// (or, for a notice with no reply code or status, by the recipient's domain), a
/// gateway before the provider it may quote in each; last, by the recipient's domain.
///
/// ```
/// use rebound_dsn::RecipientReport;
/// let mut report = RecipientReport::default();
/// report.diagnostic = Some("550 5.7.606 Access denied, banned sending IP [192.0.2.78]. \
///     To request removal from this list please visit https://sender.office.com/".into());
/// let provider = rebound_verdict::provider_of(&report).unwrap();
/// assert_eq!((provider.id, provider.variant), ("microsoft", "microsoft365"));
///
/// // A gateway's host names the gateway, whoever hosts the recipient's mailbox.
/// report.remote_mta = Some("us-smtp-inbound-1.mimecast.com".into());
/// report.recipient = Some("taro@example.onmicrosoft.com".into());
/// assert_eq!(rebound_verdict::provider_of(&report).unwrap().id, "mimecast");
/// ```
pub fn provider_of(report: &RecipientReport) -> Option<Provider> {
    provider_given(report, crate::reason::recognised_provider(report))
}

/// [`provider_of`] when the provider the rules recognise is already known.
pub(crate) fn provider_given(
    report: &RecipientReport,
    recognised: Option<&'static ProviderFacts>,
) -> Option<Provider> {
    let host = report.remote_mta.as_deref().unwrap_or_default();
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let domain = report
        .recipient
        .as_deref()
        .and_then(|recipient| recipient.rsplit_once('@'))
        .map(|(_, domain)| domain.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let facts = recognised.or_else(|| {
        // The closest recipient suffix; the first file of equals.
        let mut best: Option<(usize, &'static ProviderFacts)> = None;
        for facts in crate::reason::provider_facts() {
            let len = facts.all(|s| &s.recipients).filter(|s| domain_matches(&domain, s)).max();
            if let Some(len) = len.map(String::len) {
                if best.is_none_or(|(best_len, _)| len > best_len) {
                    best = Some((len, facts));
                }
            }
        }
        best.map(|(_, facts)| facts)
    })?;
    let text = report.diagnostic.as_deref().unwrap_or_default().to_lowercase();
    Some(Provider::new(facts, facts.service(&host, &text, &domain)))
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

    fn by_recipient(address: &str) -> Option<(&'static str, &'static str)> {
        let mut r = RecipientReport::default();
        r.recipient = Some(address.to_string());
        r.reply_code = Some(550);
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
        assert_eq!(by_host("msmx.au.com"), Some(("kddi", "kddi")));
        assert_eq!(by_host("mx.mailsv.softbank.jp"), Some(("softbank", "softbank")));
        assert_eq!(by_host("mx0b-00123401.pphosted.com"), Some(("proofpoint", "proofpoint")));
        assert_eq!(by_host("smtp-in.orange.fr"), Some(("orange", "orange")));
        assert_eq!(by_host("mx.laposte.net"), Some(("orange", "laposte")));
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
        assert_eq!(
            by_text("554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)"),
            Some(("t-online", "t-online"))
        );
        assert_eq!(by_recipient("Hanako@Hotmail.co.jp"), Some(("microsoft", "outlook.com")));
        assert_eq!(by_recipient("taro@ezweb.ne.jp"), Some(("kddi", "kddi")));
        assert_eq!(by_recipient("taro@ocn.ne.jp"), Some(("ocn", "ocn")));
        assert_eq!(by_recipient("taro@example.com"), None);
    }

    #[test]
    fn a_gateway_decides_before_the_provider_it_quotes() {
        // No host: both are recognised by their tokens; the gateway's answer is the
        // outer one.
        let text = "451 Internal resources are temporarily unavailable - \
            https://community.mimecast.com/docs/DOC-1369#451 [contoso-com.mail.protection.outlook.com: \
            451 4.7.500 Server busy.]";
        assert_eq!(by_text(text), Some(("mimecast", "mimecast")));
        // The host decides before any token: here Microsoft's own host answered.
        let mut r = RecipientReport::default();
        r.remote_mta = Some("contoso-com.mail.protection.outlook.com".into());
        r.diagnostic = Some(text.into());
        assert_eq!(provider_of(&r).map(|p| p.id), Some("microsoft"));
    }

    #[test]
    fn a_token_both_variants_share_leaves_the_variant_to_the_recipient() {
        let mut r = RecipientReport::default();
        r.reply_code = Some(550);
        r.diagnostic = Some(
            "550 5.5.0 Requested action not taken: mailbox unavailable [TY0PR01MB0000.jpnprd01.prod.outlook.com]".into(),
        );
        r.recipient = Some("hanako@hotmail.co.jp".into());
        assert_eq!(provider_of(&r).map(|p| p.variant), Some("outlook.com"));
        // Another domain at Microsoft is a business tenant's.
        r.recipient = Some("hanako@example.co.jp".into());
        assert_eq!(provider_of(&r).map(|p| p.variant), Some("microsoft365"));
    }

    #[test]
    fn a_variant_takes_the_files_facts_it_does_not_give() {
        let mut r = RecipientReport::default();
        r.remote_mta = Some("mx.laposte.net".into());
        let la_poste = provider_of(&r).unwrap();
        assert_eq!((la_poste.company, la_poste.name), ("La Poste", "La Poste (laposte.net)"));
        r.remote_mta = Some("apc.olc.protection.outlook.com".into());
        let outlook = provider_of(&r).unwrap();
        assert_eq!(outlook.company, "Microsoft");
        assert!(outlook.sender_support.unwrap().starts_with("https://support.microsoft.com/"));
    }
}
