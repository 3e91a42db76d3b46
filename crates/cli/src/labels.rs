//! Every label the text output prints, in each language. One table per language so a
//! missing translation is a compile error, not an English word in Japanese output.

use rebound_verdict::Lang;

pub struct Labels {
    pub input: &'static str,
    pub verdict: &'static str,
    pub what_to_do: &'static str,
    pub recipients: &'static str,
    pub recipients_not_failed: &'static str,
    pub not_a_failure: &'static str,
    pub kind_feedback: &'static str,
    pub kind_auto_reply: &'static str,
    pub unknown_recipient: &'static str,
    pub result: &'static str,
    pub reason: &'static str,
    pub refused_by: &'static str,
    pub at_command: &'static str,
    pub diagnostic: &'static str,
    pub sending_ips: &'static str,
    pub found_in_diagnostic: &'static str,
    pub found_in_reporting_mta: &'static str,
    pub sending_domain: &'static str,
    pub none_found: &'static str,
    pub blocklists: &'static str,
    pub listed: &'static str,
    pub not_listed: &'static str,
    pub unknown: &'static str,
    pub offline: &'static str,
    pub unreachable: &'static str,
    pub unresolved: &'static str,
    pub original_message: &'static str,
    pub subject: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub date: &'static str,
    pub message_id: &'static str,
    pub reported_by: &'static str,
    pub hosting: &'static str,
    pub shared_hosting: &'static str,
    pub dedicated_hosting: &'static str,
    pub removal: &'static str,
    pub causes: [(&'static str, &'static str); 9],
    pub actions: [(&'static str, &'static str); 5],
}

impl Labels {
    pub fn get(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Ja => &JA,
            _ => &EN,
        }
    }

    /// A heading for a verdict cause name.
    pub fn cause(&self, cause: &str) -> &'static str {
        self.causes
            .iter()
            .find(|(name, _)| *name == cause)
            .map_or(self.causes[8].1, |(_, text)| text)
    }

    /// A DSN action (`failed`, `delayed`, ...) in words.
    pub fn action<'a>(&self, action: &'a str) -> &'a str {
        self.actions.iter().find(|(name, _)| *name == action).map_or(action, |(_, text)| text)
    }
}

static EN: Labels = Labels {
    input: "Bounce",
    verdict: "Verdict",
    what_to_do: "What to do",
    recipients: "Failed recipients",
    recipients_not_failed: "Recipients",
    not_a_failure: "Not a delivery failure",
    kind_feedback: "complaint (feedback-loop report)",
    kind_auto_reply: "automatic reply",
    unknown_recipient: "(recipient not given)",
    result: "Result",
    reason: "Reason",
    refused_by: "Refused by",
    at_command: "At SMTP command",
    diagnostic: "Diagnostic",
    sending_ips: "Sending IP addresses",
    found_in_diagnostic: "named by the receiver in its error message",
    found_in_reporting_mta: "address of the reporting server",
    sending_domain: "Sending domain",
    none_found: "none found",
    blocklists: "Blocklists",
    listed: "LISTED",
    not_listed: "not listed",
    unknown: "unknown",
    offline: "not checked (--offline)",
    unreachable: "could not be checked",
    unresolved: "could not resolve",
    original_message: "Original message",
    subject: "Subject",
    from: "From",
    to: "To",
    date: "Date",
    message_id: "Message-ID",
    reported_by: "Reported by",
    hosting: "Hosting",
    shared_hosting: "shared hosting",
    dedicated_hosting: "dedicated server",
    removal: "removal",
    causes: [
        ("sending_ip_blocklisted", "The sending server's IP address is on a blocklist"),
        ("sending_ip_reputation", "The sending server's IP address has a bad reputation"),
        ("sending_domain_blocklisted", "The sending domain is on a blocklist"),
        ("authentication_failure", "The mail failed sender authentication (SPF/DKIM/DMARC)"),
        ("recipient_problem", "A problem with the recipient's address or mailbox"),
        ("content_rejected", "The message content was rejected"),
        ("rate_limited", "Too much mail too fast: the receiver is limiting the rate"),
        ("temporary_failure", "A temporary failure: delivery may still succeed"),
        ("unknown", "The cause could not be determined"),
    ],
    actions: [
        ("failed", "failed"),
        ("delayed", "delayed (still being retried)"),
        ("delivered", "delivered"),
        ("relayed", "relayed"),
        ("expanded", "expanded"),
    ],
};

static JA: Labels = Labels {
    input: "バウンスメール",
    verdict: "診断結果",
    what_to_do: "対処方法",
    recipients: "配送できなかった宛先",
    recipients_not_failed: "宛先",
    not_a_failure: "配送エラーではありません",
    kind_feedback: "苦情報告（フィードバックループ）",
    kind_auto_reply: "自動応答",
    unknown_recipient: "（宛先の記載なし）",
    result: "結果",
    reason: "理由",
    refused_by: "拒否したサーバー",
    at_command: "SMTP コマンド",
    diagnostic: "エラーメッセージ",
    sending_ips: "送信元 IP アドレス",
    found_in_diagnostic: "受信側のエラーメッセージに記載",
    found_in_reporting_mta: "エラーを報告したサーバーのアドレス",
    sending_domain: "送信元ドメイン",
    none_found: "見つかりません",
    blocklists: "ブロックリスト",
    listed: "登録あり",
    not_listed: "登録なし",
    unknown: "不明",
    offline: "未確認（--offline）",
    unreachable: "確認できませんでした",
    unresolved: "名前解決できません",
    original_message: "元のメール",
    subject: "件名",
    from: "差出人",
    to: "宛先",
    date: "日時",
    message_id: "Message-ID",
    reported_by: "報告したサーバー",
    hosting: "ホスティング",
    shared_hosting: "共用サーバー",
    dedicated_hosting: "専用サーバー",
    removal: "解除申請",
    causes: [
        ("sending_ip_blocklisted", "送信サーバーの IP アドレスがブロックリストに登録されています"),
        (
            "sending_ip_reputation",
            "送信サーバーの IP アドレスの評価（レピュテーション）が低下しています",
        ),
        ("sending_domain_blocklisted", "送信ドメインがブロックリストに登録されています"),
        ("authentication_failure", "送信ドメイン認証（SPF/DKIM/DMARC）に失敗しました"),
        ("recipient_problem", "宛先のアドレスまたはメールボックスの問題です"),
        ("content_rejected", "メールの内容が拒否されました"),
        ("rate_limited", "短時間に送信しすぎたため、受信側が受け付けを制限しています"),
        ("temporary_failure", "一時的なエラーです（まだ配送される可能性があります）"),
        ("unknown", "原因を特定できませんでした"),
    ],
    actions: [
        ("failed", "配送失敗"),
        ("delayed", "配送遅延（再送中）"),
        ("delivered", "配送完了"),
        ("relayed", "中継済み"),
        ("expanded", "展開済み"),
    ],
};
