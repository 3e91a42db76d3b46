//! The sender's hosting company, recognised from the reporting MTA and the `by` hosts
//! of the bounced message's `Received` headers through the table [`HOSTS`].

use rebound_dsn::Bounce;

use crate::provider::domain_matches;
use crate::Lang;

/// The hosting company whose server sent the mail, recognised from the reporting
/// MTA and the bounce's own headers.
///
/// ```
/// let mut bounce = rebound_dsn::Bounce::default();
/// bounce.reporting_mta = Some("sv12053.xserver.jp".into());
/// let hosting = rebound_verdict::hosting_of(&bounce).unwrap();
/// assert_eq!(hosting.name, "Xserver");
/// assert!(hosting.shared);
/// assert_eq!(hosting.host, "sv12053.xserver.jp");
/// assert_eq!(hosting.support_desk(rebound_verdict::Lang::En), "Xserver mail support");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hosting {
    /// Company name, e.g. `Xserver`.
    pub name: String,
    /// Whether many customers share the server and its IP address.
    pub shared: bool,
    /// Stable identifier, e.g. `xserver`.
    pub id: &'static str,
    /// The server host name the company was recognised by, e.g. `sv12053.xserver.jp`.
    pub host: String,
}

impl Hosting {
    fn entry(&self) -> Option<&'static HostEntry> {
        HOSTS.iter().find(|e| e.id == self.id)
    }

    /// The company name as people write it in `lang`, e.g. `エックスサーバー`.
    ///
    /// ```
    /// let mut bounce = rebound_dsn::Bounce::default();
    /// bounce.reporting_mta = Some("sv1.xserver.jp".into());
    /// let hosting = rebound_verdict::hosting_of(&bounce).unwrap();
    /// assert_eq!(hosting.display_name(rebound_verdict::Lang::Ja), "エックスサーバー");
    /// ```
    pub fn display_name(&self, lang: Lang) -> String {
        match (self.entry(), lang) {
            (Some(e), Lang::Ja) => e.name_ja.to_string(),
            _ => self.name.clone(),
        }
    }

    /// Who to send a blocklist problem to, e.g. `Xserver mail support`.
    ///
    /// ```
    /// let mut bounce = rebound_dsn::Bounce::default();
    /// bounce.reporting_mta = Some("www1234.sakura.ne.jp".into());
    /// let hosting = rebound_verdict::hosting_of(&bounce).unwrap();
    /// assert_eq!(hosting.support_desk(rebound_verdict::Lang::Ja), "さくらインターネットのサポート");
    /// ```
    pub fn support_desk(&self, lang: Lang) -> String {
        match (self.entry(), lang) {
            (Some(e), Lang::Ja) => e.support_ja.to_string(),
            (Some(e), _) => e.support_en.to_string(),
            (None, Lang::Ja) => format!("{} のサポート", self.name),
            (None, _) => format!("{} support", self.name),
        }
    }

    /// What is known about how long a delisting through this host takes, when known.
    ///
    /// ```
    /// let mut bounce = rebound_dsn::Bounce::default();
    /// bounce.reporting_mta = Some("sv12053.xserver.jp".into());
    /// let hosting = rebound_verdict::hosting_of(&bounce).unwrap();
    /// assert!(hosting.removal_note(rebound_verdict::Lang::En).unwrap().contains("5–7 business days"));
    /// ```
    pub fn removal_note(&self, lang: Lang) -> Option<&'static str> {
        let entry = self.entry()?;
        match lang {
            Lang::Ja => entry.removal_ja,
            _ => entry.removal_en,
        }
    }
}

/// How a host name is matched: `prefix`, then (when `digits`) one or more ASCII
/// digits, then exactly `suffix`; or, with `digits` false, any host name that is a
/// subdomain of `suffix` and starts with `prefix`.
struct HostPattern {
    prefix: &'static str,
    digits: bool,
    suffix: &'static str,
}

impl HostPattern {
    fn matches(&self, host: &str) -> bool {
        if self.digits {
            let Some(rest) = host.strip_prefix(self.prefix) else { return false };
            let Some(middle) = rest.strip_suffix(self.suffix) else { return false };
            !middle.is_empty() && middle.bytes().all(|b| b.is_ascii_digit())
        } else {
            host.starts_with(self.prefix) && domain_matches(host, self.suffix)
        }
    }
}

const fn numbered(prefix: &'static str, suffix: &'static str) -> HostPattern {
    HostPattern { prefix, digits: true, suffix }
}

const fn under(suffix: &'static str) -> HostPattern {
    HostPattern { prefix: "", digits: false, suffix }
}

/// One hosting company.
struct HostEntry {
    id: &'static str,
    name: &'static str,
    name_ja: &'static str,
    shared: bool,
    patterns: &'static [HostPattern],
    support_en: &'static str,
    support_ja: &'static str,
    removal_en: Option<&'static str>,
    removal_ja: Option<&'static str>,
}

/// Hosting companies and how to recognise their outbound servers.
#[rustfmt::skip]
const HOSTS: &[HostEntry] = &[
    HostEntry { id: "xserver", name: "Xserver", name_ja: "エックスサーバー", shared: true,
        patterns: &[numbered("sv", ".xserver.jp")],
        support_en: "Xserver mail support", support_ja: "エックスサーバーのメールサポート",
        removal_en: Some("Xserver's support files the removal request with the list's operator; Xserver says mail usually works again about 5–7 business days after the request, sometimes later."),
        removal_ja: Some("エックスサーバーのサポートがリスト運営者へ解除を申請します。エックスサーバーによると、申請から通常 5〜7 営業日ほどで送れるようになりますが、それ以上かかることもあります。") },
    HostEntry { id: "sakura", name: "Sakura Internet", name_ja: "さくらインターネット", shared: true,
        patterns: &[under("sakura.ne.jp")],
        support_en: "Sakura Internet support", support_ja: "さくらインターネットのサポート",
        removal_en: Some("Sakura's support investigates and asks the list operator for removal; users report it taking several days (about a week in one case)."),
        removal_ja: Some("さくらインターネットのサポートが調査し、リスト運営者に解除を依頼します。利用者の報告では数日（ある例では約 1 週間）かかっています。") },
    HostEntry { id: "lolipop", name: "Lolipop", name_ja: "ロリポップ！", shared: true,
        patterns: &[under("lolipop.jp")],
        support_en: "Lolipop customer support", support_ja: "ロリポップ！のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "conoha-wing", name: "ConoHa WING", name_ja: "ConoHa WING", shared: true,
        patterns: &[under("conoha.ne.jp")],
        support_en: "ConoHa WING support", support_ja: "ConoHa WING のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "heteml", name: "heteml", name_ja: "ヘテムル", shared: true,
        patterns: &[under("heteml.jp"), under("heteml.net")],
        support_en: "heteml support", support_ja: "ヘテムルのサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "godaddy", name: "GoDaddy", name_ja: "GoDaddy", shared: true,
        patterns: &[under("secureserver.net")],
        support_en: "GoDaddy support", support_ja: "GoDaddy のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "bluehost", name: "Bluehost", name_ja: "Bluehost", shared: true,
        patterns: &[under("bluehost.com")],
        support_en: "Bluehost support", support_ja: "Bluehost のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "hostgator", name: "HostGator", name_ja: "HostGator", shared: true,
        patterns: &[under("websitewelcome.com"), under("hostgator.com")],
        support_en: "HostGator support", support_ja: "HostGator のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "siteground", name: "SiteGround", name_ja: "SiteGround", shared: true,
        patterns: &[under("siteground.us"), under("siteground.eu"), under("siteground.biz"),
            under("sg-host.com")],
        support_en: "SiteGround support", support_ja: "SiteGround のサポート",
        removal_en: None, removal_ja: None },
    HostEntry { id: "ionos", name: "IONOS", name_ja: "IONOS", shared: true,
        patterns: &[under("kundenserver.de"), under("perfora.net"), under("onlinehome-server.info")],
        support_en: "IONOS customer service", support_ja: "IONOS のカスタマーサービス",
        removal_en: Some("IONOS says listings of its mail servers are often temporary: resend later, and contact customer service if it persists."),
        removal_ja: Some("IONOS によると、同社メールサーバーの掲載は一時的なことが多いとのことです。時間をおいて再送し、続く場合はカスタマーサービスに連絡してください。") },
    HostEntry { id: "ovh", name: "OVH", name_ja: "OVH", shared: true,
        patterns: &[under("mail-out.ovh.net")],
        support_en: "OVH support", support_ja: "OVH のサポート",
        removal_en: None, removal_ja: None },
];

/// The host names a `Received` header says received the message (`by HOST`).
pub(crate) fn received_by_host(received: &str) -> Option<String> {
    let lower = received.to_ascii_lowercase();
    let mut start = 0;
    while let Some(pos) = lower[start..].find("by ") {
        let at = start + pos;
        let boundary =
            at == 0 || lower.as_bytes().get(at - 1).is_some_and(|b| b.is_ascii_whitespace());
        if boundary {
            let rest = &lower[at + 3..];
            let host: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if host.contains('.') {
                return Some(host.trim_end_matches('.').to_string());
            }
        }
        start = at + 3;
    }
    None
}

/// Recognises the sender's hosting provider: the reporting MTA first, then each
/// `by` host in the bounced message's `Received` headers (top first).
///
/// ```
/// let mut bounce = rebound_dsn::Bounce::default();
/// bounce.original.received.push(
///     "from [192.0.2.10] by gateway12.websitewelcome.com with ESMTPSA id abc".into());
/// assert_eq!(rebound_verdict::hosting_of(&bounce).unwrap().name, "HostGator");
/// ```
pub fn hosting_of(bounce: &Bounce) -> Option<Hosting> {
    let reporting = bounce
        .reporting_mta
        .as_deref()
        .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase());
    let candidates = reporting
        .into_iter()
        .chain(bounce.original.received.iter().filter_map(|r| received_by_host(r)));
    for host in candidates {
        if let Some(entry) = HOSTS.iter().find(|e| e.patterns.iter().any(|p| p.matches(&host))) {
            return Some(Hosting {
                name: entry.name.to_string(),
                shared: entry.shared,
                id: entry.id,
                host,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_mta(host: &str) -> Option<&'static str> {
        let mut b = Bounce::default();
        b.reporting_mta = Some(host.to_string());
        hosting_of(&b).map(|h| h.id)
    }

    #[test]
    fn recognises_reporting_mtas() {
        assert_eq!(by_mta("sv12053.xserver.jp"), Some("xserver"));
        assert_eq!(by_mta("SV1.XSERVER.JP."), Some("xserver"));
        assert_eq!(by_mta("svx.xserver.jp"), None);
        assert_eq!(by_mta("mail.xserver.jp"), None);
        assert_eq!(by_mta("www1234.sakura.ne.jp"), Some("sakura"));
        assert_eq!(by_mta("example.sakura.ne.jp"), Some("sakura"));
        assert_eq!(by_mta("notsakura.ne.jp"), None);
        assert_eq!(by_mta("mx01.lolipop.jp"), Some("lolipop"));
        assert_eq!(by_mta("mail12.conoha.ne.jp"), Some("conoha-wing"));
        assert_eq!(by_mta("p3plibsmtp01.prod.phx3.secureserver.net"), Some("godaddy"));
        assert_eq!(by_mta("box1234.bluehost.com"), Some("bluehost"));
        assert_eq!(by_mta("us123.siteground.us"), Some("siteground"));
        assert_eq!(by_mta("mout.kundenserver.de"), Some("ionos"));
        assert_eq!(by_mta("10.mo1.mail-out.ovh.net"), Some("ovh"));
        assert_eq!(by_mta("mx.example.jp"), None);
        let mut b = Bounce::default();
        b.reporting_mta = Some("sv12053.xserver.jp".into());
        let h = hosting_of(&b).unwrap();
        assert!(h.shared);
        assert!(h.removal_note(Lang::Ja).unwrap().contains("5〜7 営業日"));
        assert_eq!(h.support_desk(Lang::Ja), "エックスサーバーのメールサポート");
    }

    #[test]
    fn recognises_received_by_hosts() {
        let mut b = Bounce::default();
        b.reporting_mta = Some("mail.example.net".into());
        b.original.received = vec![
            "from sv12053.xserver.jp (localhost [127.0.0.1]) by sv12053.xserver.jp (Postfix) with ESMTP id 1; Mon, 2 Jun 2025".into(),
        ];
        assert_eq!(hosting_of(&b).map(|h| h.id), Some("xserver"));
        assert_eq!(
            received_by_host("from x (y [192.0.2.1])\tby  box12.bluehost.com. with ESMTPA"),
            Some("box12.bluehost.com".into())
        );
        assert_eq!(received_by_host("from nearby.example (x) with SMTP"), None);
        // No entry for a host we do not know, and no entry for any host lacking a dot.
        b.original.received = vec!["from a by localhost with SMTP".into()];
        assert_eq!(hosting_of(&b), None);
    }
}
