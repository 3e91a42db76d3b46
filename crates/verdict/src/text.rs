//! Every sentence the verdict can say, in English and Japanese: one table keyed by
//! message id ([`Msg`]), with an `en` and a `ja` column. Templates hold `{name}`
//! placeholders that [`render`] fills in. Japanese sentences contain no English apart
//! from proper names, URLs, addresses and codes.

/// The language of verdict sentences.
///
/// ```
/// assert_eq!(rebound_verdict::Lang::default(), rebound_verdict::Lang::En);
/// assert_eq!(rebound_verdict::Lang::Ja.as_str(), "ja");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The language tag: `en`, `ja`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

/// Message ids. The discriminant is the row in [`MESSAGES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum Msg {
    ReceiverStart,
    IpPhrase,
    IpPhraseUnknown,
    OwnerUnknown,
    RcptUnknown,
    ListSep,
    SumIpBlocked,
    SumIpReputation,
    SumDomain,
    EvListedIt,
    EvListedOther,
    EvNoneListed,
    EvNoneListedOwnNamed,
    EvNoneListedRep,
    EvNoneAnswered,
    EvSomeUnknown,
    EvAllUnknown,
    EvUnconfirmed,
    EvNotPublic,
    EvNoEvidence,
    EvOffline,
    EvUnreachable,
    Mentioned,
    Defunct,
    DefunctUndated,
    Shared,
    SharedRep,
    ActHostSupport,
    ActAdminSupport,
    ActHostSupportRep,
    ActAdminSupportRep,
    ActListRemoval,
    ActListNoUrl,
    ActMeanwhile,
    ActNoPaidDelisting,
    ActDqsKey,
    ActWaitRetrying,
    ActAuthBasics,
    ActDomainCheck,
    ActDomainSecurity,
    SumUserUnknown,
    SumMailboxFull,
    SumHostUnknown,
    SumSuspend,
    SumRecipientOther,
    ActCheckTypo,
    ActCheckDomainTypo,
    ActContactOther,
    ActRemoveFromLists,
    ActTellRecipientFull,
    ActResendLater,
    ActCarrierFilter,
    SumAuth,
    SumPtr,
    SumRejectedSender,
    ActSpf,
    ActDkim,
    ActDmarc,
    ActPtr,
    ActResendAfterFix,
    SumSpam,
    SumVirus,
    SumTooLarge,
    SumContentOther,
    ActSpamContent,
    ActVirus,
    ActTooLarge,
    ActContentAdmin,
    SumRelay,
    SumTls,
    SumPolicy,
    ActRelayAuth,
    ActTls,
    ActPolicyAskRecipient,
    SumRate,
    ActSlowDown,
    ActWaitRetry,
    SumDelayed,
    SumExpired,
    SumTempOther,
    ActNoActionYet,
    ActResendLaterExpired,
    SumUnknown,
    SumDelivered,
    SumNotBounce,
    ActStopComplainer,
    ActForwardUnknown,
    AdminFallback,
    ActNone,
    NoteListed,
    NoteNotListed,
    NoteUnknown,
    MsInternalList,
    ItemSep,
    SumCarrierFilter,
    OtherCauses,
    OtherCauseItem,
    CauseSendingIpBlocklisted,
    CauseSendingDomainBlocklisted,
    CauseSendingIpReputation,
    CauseAuthenticationFailure,
    CausePolicyRejected,
    CauseContentRejected,
    CauseRateLimited,
    CauseRecipientProblem,
    CauseTemporaryFailure,
    CauseNotAFailure,
    CauseUnknown,
    HeadSendingIpBlocklisted,
    HeadSendingDomainBlocklisted,
    HeadSendingIpReputation,
    HeadAuthenticationFailure,
    HeadPolicyRejected,
    HeadContentRejected,
    HeadRateLimited,
    HeadRecipientProblem,
    HeadTemporaryFailure,
    HeadNotAFailure,
    HeadUnknown,
    ReqGreeting,
    ReqGreetingAnyone,
    ReqIntro,
    ReqOurDomain,
    ReqOurDomainUnknown,
    ReqReceiverUnknown,
    ReqIpPhrase,
    ReqIpsPhrase,
    ReqIpPhraseUnknown,
    ReqServer,
    ReqIp,
    ReqIps,
    ReqIpUnknown,
    ReqRcpt,
    ReqRcpts,
    ReqMore,
    ReqDate,
    ReqSent,
    ReqReplyHead,
    ReqListed,
    ReqListedNoCode,
    ReqListsNone,
    ReqListsUnknown,
    ReqListsOffline,
    ReqListsUnreachable,
    ReqListsNothing,
    ReqRoute,
    ReqSubjectIpBlocked,
    ReqSubjectIpReputation,
    ReqSubjectDomain,
    ReqSubjectAuth,
    ReqSubjectPtr,
    ReqSubjectSenderDomain,
    ReqSubjectRate,
    ReqSubjectRelay,
    ReqSubjectTls,
    ReqAskIpRemoval,
    ReqAskIpReputation,
    ReqAskDomain,
    ReqAskAuth,
    ReqAskPtr,
    ReqAskSenderDomain,
    ReqAskRate,
    ReqAskRelay,
    ReqAskTls,
    ReqAskMeanwhile,
    ReqClosing,
    NoReqRecipient,
    NoReqTemporary,
    NoReqOther,
}

/// One row: id, English, Japanese.
pub(crate) struct Row {
    pub(crate) id: Msg,
    pub(crate) en: &'static str,
    pub(crate) ja: &'static str,
}

const fn row(id: Msg, en: &'static str, ja: &'static str) -> Row {
    Row { id, en, ja }
}

/// The message table, in [`Msg`] order.
#[rustfmt::skip]
pub(crate) const MESSAGES: &[Row] = &[
    row(Msg::ReceiverStart, "The receiving mail server", "受信側のメールサーバー"),
    row(Msg::IpPhrase, "your sending server's IP address {ip}", "送信サーバーの IP アドレス {ip}"),
    row(Msg::IpPhraseUnknown, "your sending server's IP address", "送信サーバーの IP アドレス"),
    row(Msg::OwnerUnknown, "the receiver", "受信側"),
    row(Msg::RcptUnknown, "the recipient's address", "宛先のアドレス"),
    row(Msg::ListSep, ", ", "、"),
    row(Msg::SumIpBlocked,
        "{provider} refused mail from {ipphrase} because of that address's reputation: the refusal says the address is on a block list.",
        "{provider} は、{ipphrase} の評判（レピュテーション）を理由にメールを拒否しました。拒否メッセージには、このアドレスがブロックリストに載っていると書かれています。"),
    row(Msg::SumIpReputation,
        "{provider} refused or slowed down mail from {ipphrase} because it rates that address's reputation as poor.",
        "{provider} は、{ipphrase} の評判（レピュテーション）が悪いと判断し、メールを拒否するか受け取りを遅らせています。"),
    row(Msg::SumDomain,
        "{provider} refused the message because a domain in it (your sender domain or a linked site) has a poor reputation or is on a domain block list.",
        "{provider} は、メールに含まれるドメイン（送信者のドメインまたは本文のリンク先）の評判が悪いか、ドメインのブロックリストに載っているため、メールを拒否しました。"),
    row(Msg::EvListedIt, "It is listed on {list}{meanings}.", "このアドレスは {list} に掲載されています{meanings}。"),
    row(Msg::EvListedOther, "{subject} is listed on {list}{meanings}.", "{subject} は {list} に掲載されています{meanings}。"),
    row(Msg::EvNoneListed,
        "It is on none of the public lists checked, so the block is {owner}'s own list.",
        "確認した公開ブロックリストのどれにも載っていないため、このブロックは {owner} 独自のリストによるものです。"),
    row(Msg::EvNoneListedOwnNamed,
        "None of the public lists checked lists it either: only {owner}'s own list blocks it.",
        "確認した公開ブロックリストにも載っていません。ブロックしているのは {owner} 独自のリストだけです。"),
    row(Msg::EvNoneListedRep,
        "It is on none of the public lists checked, so the poor rating is {owner}'s own judgement.",
        "確認した公開ブロックリストのどれにも載っていないため、この評価は {owner} 独自の判断です。"),
    row(Msg::EvNoneAnswered,
        "It is on none of the public lists that gave an answer.",
        "回答のあった公開ブロックリストには載っていません。"),
    row(Msg::EvSomeUnknown,
        "{count} of the lists checked gave no usable answer, so whether the address is on them is unknown.",
        "確認したリストのうち {count} 件からは有効な回答がなく、掲載されているかどうかは不明です。"),
    row(Msg::EvAllUnknown,
        "None of the public lists gave a usable answer, so it is unknown whether the address is on any of them.",
        "どの公開ブロックリストからも有効な回答がなく、掲載されているかどうかは不明です。"),
    row(Msg::EvUnconfirmed,
        "The public lists could not be confirmed: through this resolver they did not list even their own test entries, so their \"not listed\" means nothing, and it is unknown whether the address is on any of them. Check again through your own recursive resolver.",
        "公開ブロックリストの回答を確認できませんでした。このリゾルバー経由では各リストが自身のテスト用エントリさえ掲載していないと答えたため、「掲載なし」は当てにならず、このアドレスが掲載されているかどうかは不明です。自前の再帰リゾルバーで確認し直してください。"),
    row(Msg::EvNotPublic,
        "{ip} is a {range} address, which no public list lists, so it was not checked against them (asking would tell the lists about your network).",
        "{ip} は {range} のアドレスで、公開ブロックリストに載ることはないため、公開ブロックリストには問い合わせていません（問い合わせるとネットワークの情報がリスト運営者に伝わるためです）。"),
    row(Msg::EvNoEvidence,
        "No public blocklist results are available for this address.",
        "このアドレスについての公開ブロックリストの確認結果はありません。"),
    row(Msg::EvOffline,
        "The public blocklists were not checked, because DNS lookups were turned off (offline mode).",
        "DNS の問い合わせを行わない設定（オフライン）だったため、公開ブロックリストは確認していません。"),
    row(Msg::EvUnreachable,
        "The public blocklists could not be checked, because DNS could not be reached ({why}).",
        "DNS に接続できなかったため、公開ブロックリストを確認できませんでした（{why}）。"),
    row(Msg::Mentioned, "The refusal names {lists}.", "拒否メッセージには {lists} の名前が挙がっています。"),
    row(Msg::Defunct,
        "{list} shut down {since} and lists nobody any more; a refusal that cites it comes from an out-of-date setting at the receiver, so tell the recipient's mail administrator.",
        "{list} は{since}運用を終了しており、現在は何も掲載していません。これを理由とする拒否は受信側の古い設定によるものなので、受信者側のメール管理者に伝えてください。"),
    row(Msg::DefunctUndated,
        "{list} has shut down and lists nobody any more; a refusal that cites it comes from an out-of-date setting at the receiver, so tell the recipient's mail administrator.",
        "{list} はすでに運用を終了しており、現在は何も掲載していません。これを理由とする拒否は受信側の古い設定によるものなので、受信者側のメール管理者に伝えてください。"),
    row(Msg::Shared,
        "{host} is a shared server at {hosting}: many customers send through the same IP address, so another customer's mail most likely caused the listing, not yours.",
        "{host} は {hosting} の共用サーバーで、多くの利用者が同じ IP アドレスから送信しています。掲載の原因はあなたではなく、ほかの利用者のメールである可能性が高いです。"),
    row(Msg::SharedRep,
        "{host} is a shared server at {hosting}: many customers send through the same IP address, so other customers' mail most likely harmed its reputation, not yours.",
        "{host} は {hosting} の共用サーバーで、多くの利用者が同じ IP アドレスから送信しています。評判を下げた原因はあなたではなく、ほかの利用者のメールである可能性が高いです。"),
    row(Msg::ActHostSupport,
        "Forward the complete bounce message (it shows the IP address and the error code) to {support} and ask them to request removal of the server's IP address from the block list.",
        "エラーメール全体（IP アドレスとエラーコードが書かれています）を {support} に転送し、サーバーの IP アドレスをブロックリストから解除するよう申請を依頼してください。"),
    row(Msg::ActAdminSupport,
        "Forward the complete bounce message to whoever runs your mail server (your hosting company or IT administrator) and ask them to request removal of the server's IP address from the block list.",
        "エラーメール全体を、メールサーバーの管理者（レンタルサーバー会社または社内の担当者）に転送し、サーバーの IP アドレスをブロックリストから解除するよう申請を依頼してください。"),
    row(Msg::ActHostSupportRep,
        "Forward the complete bounce message to {support}: ask them to look into the server's reputation and whether another outgoing IP address or relay is available.",
        "エラーメール全体を {support} に転送し、サーバーの評判を調べてもらうとともに、別の送信用 IP アドレスや中継サーバーが使えないか相談してください。"),
    row(Msg::ActAdminSupportRep,
        "Forward the complete bounce message to whoever runs your mail server (your hosting company or IT administrator): ask them to look into the server's reputation and whether another outgoing IP address or relay is available.",
        "エラーメール全体をメールサーバーの管理者（レンタルサーバー会社または社内の担当者）に転送し、サーバーの評判を調べてもらうとともに、別の送信用 IP アドレスや中継サーバーが使えないか相談してください。"),
    row(Msg::ActListRemoval,
        "{list}: {subject} is listed there; ask for removal at {url}.{expiry}",
        "{list}：{subject} が掲載されています。{url} から解除を申請してください。{expiry}"),
    row(Msg::ActListNoUrl,
        "{list}: {subject} is listed there; see the list's website for how removal works.{expiry}",
        "{list}：{subject} が掲載されています。解除の方法はリストの運営者のサイトで確認してください。{expiry}"),
    row(Msg::ActMeanwhile,
        "Until the block is lifted, send important mail to this recipient another way, for example from a Gmail or Outlook.com account or through another SMTP relay your provider offers, and do not keep resending from the blocked server.",
        "解除されるまでは、大事なメールは別の経路（Gmail や Outlook.com のアカウント、またはサーバー会社が用意している別の送信用 SMTP サーバーなど）で送り、ブロックされたサーバーから何度も再送しないでください。"),
    row(Msg::ActNoPaidDelisting,
        "Do not pay for \"express\" removal from a list (UCEPROTECT sells it): a listing expires on its own once the spam from the server stops, and a receiver's own block list is separate from the public ones.",
        "ブロックリストの「有料の即時解除」（UCEPROTECT などが提供）にお金を払わないでください。サーバーからの迷惑メールが止まれば掲載は自然に外れますし、受信側独自のブロックリストは公開リストとは別物です。"),
    row(Msg::ActDqsKey,
        "{lists} refused to answer your DNS resolver (public and cloud resolvers are refused), so whether the address is listed there is unknown. A free Spamhaus Data Query Service (DQS) key gets answers: run again with --dqs-key KEY (or REBOUND_DQS_KEY), or use a recursive resolver of your own.",
        "{lists} はお使いの DNS リゾルバーへの回答を拒否しました（公開 DNS やクラウドのリゾルバーは拒否されます）。そのため、掲載されているかどうかは不明です。Spamhaus の無料の Data Query Service（DQS）のキーを取得して --dqs-key KEY（または環境変数 REBOUND_DQS_KEY）を付けて再実行するか、自前の再帰リゾルバーを使ってください。"),
    row(Msg::ActWaitRetrying,
        "This refusal is temporary: your server keeps retrying by itself for a while, so there is no need to send the message again yet.",
        "今回の拒否は一時的なもので、送信サーバーがしばらく自動で再送を続けます。今すぐ送り直す必要はありません。"),
    row(Msg::ActAuthBasics,
        "Make sure SPF, DKIM and DMARC are set up for your domain; receivers judge unauthenticated mail more harshly.",
        "ドメインに SPF・DKIM・DMARC が設定されているか確認してください。送信ドメイン認証のないメールは厳しく判定されます。"),
    row(Msg::ActDomainCheck,
        "Look up your domain, and any domains you link to, at https://check.spamhaus.org and follow the removal steps shown there.",
        "https://check.spamhaus.org で、ご自分のドメインと本文でリンクしているドメインを調べ、表示される手順に従って解除を申請してください。"),
    row(Msg::ActDomainSecurity,
        "Check that your website and mail accounts have not been taken over and are not sending spam; change the passwords if in doubt.",
        "ウェブサイトやメールアカウントが乗っ取られて迷惑メールを送っていないか確認し、心配ならパスワードを変更してください。"),
    row(Msg::SumUserUnknown,
        "The address {rcpt} does not exist at the receiving side{provparen}. Nothing is wrong with your server.",
        "宛先 {rcpt} は受信側{provparen}に存在しません。あなたのサーバーに問題はありません。"),
    row(Msg::SumMailboxFull,
        "The recipient's mailbox ({rcpt}) is full, so the receiving side{provparen} could not store your message. This is usually temporary and not a problem on your side.",
        "受信者のメールボックス（{rcpt}）が満杯のため、受信側{provparen}でメールを保存できませんでした。多くの場合は一時的なもので、あなたの側の問題ではありません。"),
    row(Msg::SumHostUnknown,
        "The domain of the address {rcpt} does not exist or cannot receive mail. Nothing is wrong with your server.",
        "宛先 {rcpt} のドメインが存在しないか、メールを受け取れない状態です。あなたのサーバーに問題はありません。"),
    row(Msg::SumSuspend,
        "The recipient's account {rcpt} is disabled or suspended at the receiving side{provparen}. Nothing is wrong with your server.",
        "宛先 {rcpt} のアカウントは受信側{provparen}で無効化または停止されています。あなたのサーバーに問題はありません。"),
    row(Msg::SumRecipientOther,
        "The receiving side{provparen} did not accept the message for {rcpt}. {reason}",
        "受信側{provparen}は {rcpt} 宛てのメールを受け付けませんでした。{reason}"),
    row(Msg::ActCheckTypo,
        "Check the address {rcpt} for typing mistakes (letters, dots, the part after @) and send again if you find one.",
        "宛先 {rcpt} に入力ミス（文字、ドット、@ 以降の部分）がないか確認し、誤りがあれば正しいアドレスで送り直してください。"),
    row(Msg::ActCheckDomainTypo,
        "Check the part after @ in {rcpt} for typing mistakes (for example .co.jp against .jp, or .com against .co).",
        "{rcpt} の @ 以降に入力ミスがないか確認してください（例: .co.jp と .jp、.com と .co の違い）。"),
    row(Msg::ActContactOther,
        "If the address looks right, confirm it with the recipient another way (phone, another address, their website); they may have changed or closed it.",
        "アドレスが正しく見える場合は、電話や別のアドレス、相手のウェブサイトなど別の方法で相手に確認してください。アドレスが変更・廃止された可能性があります。"),
    row(Msg::ActRemoveFromLists,
        "If the address is no longer valid, remove it from your address book and mailing lists, so that you do not keep sending to it.",
        "アドレスが使われていない場合は、アドレス帳や配信リストから削除し、送り続けないようにしてください。"),
    row(Msg::ActTellRecipientFull,
        "Tell the recipient another way (phone, another address) that their mailbox is full.",
        "電話や別のアドレスなど別の方法で、メールボックスが満杯になっていることを相手に伝えてください。"),
    row(Msg::ActResendLater,
        "Send the message again later, in a day or so, once they have made room; do not resend many times in a row.",
        "相手が容量を空けたころ（1 日ほど後）に送り直してください。続けて何度も再送しないでください。"),
    row(Msg::ActCarrierFilter,
        "Mobile carrier addresses often refuse mail from computers or unknown domains: ask the recipient to allow your address or domain in their reception settings.",
        "携帯電話会社のアドレスは、パソコンからのメールや知らないドメインからのメールを拒否する設定になっていることがよくあります。受信設定であなたのアドレスかドメインを許可してもらうよう相手に頼んでください。"),
    row(Msg::SumAuth,
        "{provider} refused the message because it failed sender authentication (SPF, DKIM or DMARC): the receiver could not confirm that your server may send mail for your domain.",
        "{provider} は、送信ドメイン認証（SPF・DKIM・DMARC）に失敗したためメールを拒否しました。あなたのサーバーがそのドメインのメールを送ってよいことを、受信側が確認できませんでした。"),
    row(Msg::SumPtr,
        "{provider} refused the message because {ipphrase} has no matching reverse DNS (PTR) record.",
        "{provider} は、{ipphrase} に正しい逆引き（PTR レコード）がないため、メールを拒否しました。"),
    row(Msg::SumRejectedSender,
        "{provider} refused your sender address. {reason}",
        "{provider} は送信者のアドレスを拒否しました。{reason}"),
    row(Msg::ActSpf,
        "Check your domain's SPF record: it must include every server you send through (your hosting company's help pages give the exact value).",
        "ドメインの SPF レコードを確認してください。送信に使うすべてのサーバーを含める必要があります（正確な値はサーバー会社のマニュアルに載っています）。"),
    row(Msg::ActDkim,
        "Turn on DKIM signing for your domain (usually a setting in your hosting control panel) and publish the DKIM record it gives you.",
        "ドメインの DKIM 署名を有効にし（多くはサーバーの管理画面で設定できます）、表示される DKIM レコードを DNS に登録してください。"),
    row(Msg::ActDmarc,
        "Publish a DMARC record (start with \"v=DMARC1; p=none\") and make sure the From address's domain matches the SPF or DKIM domain.",
        "DMARC レコードを登録し（最初は \"v=DMARC1; p=none\" で構いません）、差出人アドレスのドメインが SPF または DKIM のドメインと一致しているか確認してください。"),
    row(Msg::ActPtr,
        "Ask {support} to set a reverse DNS (PTR) record for the sending IP address that matches the server's host name.",
        "{support} に、送信 IP アドレスにサーバーのホスト名と一致する逆引き（PTR レコード）を設定するよう依頼してください。"),
    row(Msg::ActResendAfterFix,
        "Send the message again after fixing the records; DNS changes can take a few hours to take effect.",
        "設定を直してからメールを送り直してください。DNS の変更が反映されるまで数時間かかることがあります。"),
    row(Msg::SumSpam,
        "{provider} judged the message itself to be spam and refused it.",
        "{provider} は、メールの内容を迷惑メールと判定して拒否しました。"),
    row(Msg::SumVirus,
        "{provider} found a virus or other harmful content in the message and refused it.",
        "{provider} は、メールからウイルスなどの有害な内容を検出して拒否しました。"),
    row(Msg::SumTooLarge,
        "The message is larger than {provider} accepts.",
        "メールのサイズが {provider} の受け付ける上限を超えています。"),
    row(Msg::SumContentOther,
        "{provider} refused the message's content or format. {reason}",
        "{provider} は、メールの内容または形式を理由に拒否しました。{reason}"),
    row(Msg::ActSpamContent,
        "Rewrite the message plainly: avoid link shorteners, many links, and large images with little text; then send it again once.",
        "短縮 URL や多数のリンク、文章が少なく画像が大きい構成を避けて、簡潔な内容に書き直し、一度だけ送り直してください。"),
    row(Msg::ActVirus,
        "Scan your computer and the attachments with up-to-date antivirus software, and send without the suspicious attachment.",
        "最新のウイルス対策ソフトでパソコンと添付ファイルを検査し、問題のある添付ファイルを外して送ってください。"),
    row(Msg::ActTooLarge,
        "Make the attachments smaller (compress them, or share a download link instead) and send again; many receivers accept at most about 10–25 MB.",
        "添付ファイルを小さくする（圧縮する、またはダウンロード用リンクで共有する）などしてから送り直してください。多くの受信側の上限は 10〜25 MB 程度です。"),
    row(Msg::ActContentAdmin,
        "If this keeps happening with ordinary mail, forward the bounce message to {support} and ask them to check the server.",
        "普通のメールでも繰り返し起きる場合は、エラーメールを {support} に転送し、サーバーの確認を依頼してください。"),
    row(Msg::SumRelay,
        "{provider} refused to pass the message on: it does not relay mail for your server. Usually the sending program did not log in to your own outgoing server, or sent to the wrong server.",
        "{provider} はメールの中継を拒否しました。多くの場合、メールソフトが自分の送信サーバーに認証（ログイン）していないか、送信先のサーバーの設定が間違っています。"),
    row(Msg::SumTls,
        "{provider} requires an encrypted connection (TLS), and the delivery could not use one.",
        "{provider} は暗号化された接続（TLS）を求めていますが、配送時に TLS を使えませんでした。"),
    row(Msg::SumPolicy,
        "{provider} refused the message under its own policy (a restriction set by the receiver or the recipient's organisation). {reason}",
        "{provider} は独自のポリシー（受信側または受信者の組織が設定した制限）によってメールを拒否しました。{reason}"),
    row(Msg::ActRelayAuth,
        "Check the outgoing (SMTP) server settings of the program or device that sent the mail: the server name, port 587 with authentication (your account name and password), and that it sends through your own provider's server.",
        "送信に使ったメールソフトや機器の送信（SMTP）サーバー設定を確認してください。サーバー名、ポート 587 と SMTP 認証（アカウント名とパスワード）、契約しているプロバイダーの送信サーバーを使っているかを見直します。"),
    row(Msg::ActTls,
        "Ask {support} to make sure your server offers and uses TLS (STARTTLS) with a valid certificate when it delivers mail.",
        "{support} に、メールの配送時にサーバーが有効な証明書で TLS（STARTTLS）を使うようになっているか確認を依頼してください。"),
    row(Msg::ActPolicyAskRecipient,
        "Ask the recipient another way (phone, another address) whether their side restricts which senders or kinds of mail it accepts, and to allow your address or domain.",
        "電話や別のアドレスなど別の方法で相手に連絡し、受け取る送信者やメールの種類を制限していないか確認して、あなたのアドレスかドメインを許可してもらってください。"),
    row(Msg::SumRate,
        "{provider} is limiting how fast it accepts mail from your server: too many messages or connections arrived in a short time.",
        "{provider} は、短時間に届いたメールや接続が多すぎるため、あなたのサーバーからの受け取りを制限しています。"),
    row(Msg::ActSlowDown,
        "Send in smaller batches and spread them out over time, especially for newsletters and mass mailings.",
        "特にお知らせや一斉送信では、少しずつ時間を空けて送ってください。"),
    row(Msg::ActWaitRetry,
        "Wait and try again later; the limit lifts by itself once the volume falls.",
        "時間をおいてから送り直してください。送信量が減れば制限は自然に解除されます。"),
    row(Msg::SumDelayed,
        "Delivery to {rcpt} is delayed: the receiving side{provparen} reported a temporary problem, and your server is still retrying.",
        "{rcpt} への配送が遅れています。受信側{provparen}が一時的な問題を返しており、送信サーバーが再送を続けています。"),
    row(Msg::SumExpired,
        "Your server gave up delivering to {rcpt} after retrying for a long time: the receiving side{provparen} could not be reached or kept answering with a temporary error.",
        "送信サーバーは長時間再送を続けた末に、{rcpt} への配送をあきらめました。受信側{provparen}に接続できないか、一時的なエラーが続いていました。"),
    row(Msg::SumTempOther,
        "The receiving side{provparen} had a temporary problem. {reason}",
        "受信側{provparen}で一時的な問題が起きています。{reason}"),
    row(Msg::ActNoActionYet,
        "No action is needed yet: your server keeps retrying for a while (often several days) and sends another notice if it gives up.",
        "今は対応不要です。送信サーバーがしばらく（多くは数日間）再送を続け、あきらめた場合は改めて通知が届きます。"),
    row(Msg::ActResendLaterExpired,
        "Send the message again later; if it fails again, check the address and contact the recipient another way.",
        "時間をおいて送り直してください。再び失敗する場合は、アドレスを確認し、別の方法で相手に連絡してください。"),
    row(Msg::SumUnknown,
        "The bounce does not say clearly why delivery to {rcpt} failed. {reason}",
        "エラーメールからは、{rcpt} への配送が失敗した理由がはっきりわかりません。{reason}"),
    row(Msg::SumDelivered,
        "This is not a failure: the report says the message was delivered.",
        "これはエラーではありません。メールは配送されたと報告されています。"),
    row(Msg::SumNotBounce, "This is not a delivery failure. {reason}", "これは配送エラーではありません。{reason}"),
    row(Msg::ActStopComplainer,
        "{rcpt} marked your message as spam, and the mail provider reported it to you (a feedback-loop report). Stop sending to this address: remove it from your mailing lists, and check that everyone on them asked for your mail; complaints harm your sending reputation.",
        "{rcpt} があなたのメールを迷惑メールとして報告し、メール事業者がそれを知らせてきました（フィードバックループ報告）。このアドレスへの送信をやめて配信リストから削除し、リストの全員が配信に同意しているか確認してください。苦情が続くと送信の評価が下がります。"),
    row(Msg::ActForwardUnknown,
        "Forward the complete bounce message to {support} and ask them what it means.",
        "エラーメール全体を {support} に転送し、内容を確認してもらってください。"),
    row(Msg::AdminFallback,
        "your mail server's administrator (your hosting company or IT administrator)",
        "メールサーバーの管理者（レンタルサーバー会社または社内の担当者）"),
    row(Msg::ActNone, "No action is needed.", "対応は不要です。"),
    row(Msg::NoteListed, "{list} ({zone}): {subject} is listed{meanings}.", "{list}（{zone}）：{subject} は掲載されています{meanings}。"),
    row(Msg::NoteNotListed, "{list} ({zone}): {subject} is not listed.", "{list}（{zone}）：{subject} は掲載されていません。"),
    row(Msg::NoteUnknown, "{list} ({zone}): no usable answer for {subject}; unknown.", "{list}（{zone}）：{subject} について有効な回答がなく、不明です。"),
    row(Msg::MsInternalList, "Microsoft's own block list", "Microsoft 独自のブロックリスト"),
    row(Msg::ItemSep, "; ", "。"),
    row(Msg::SumCarrierFilter,
        "The receiving side{provparen} refused the message for {rcpt} with \"unknown user\", but mobile carriers give the same answer when the recipient's reception settings refuse mail from your address or domain, so the address may well exist. Do not remove it from your lists on this bounce alone.",
        "受信側{provparen}は {rcpt} 宛てのメールを「unknown user」として拒否しましたが、携帯電話会社は受信者の受信設定（迷惑メール対策の拒否設定）であなたのアドレスやドメインが拒否された場合にも同じ応答を返します。アドレス自体は存在する可能性が高いので、このエラーだけで配信リストから削除しないでください。"),
    row(Msg::OtherCauses,
        "Other recipients of this bounce failed for other reasons: {causes}.",
        "このエラーメールのほかの宛先は、別の理由で届きませんでした：{causes}。"),
    row(Msg::OtherCauseItem, "{cause} ({recipients})", "{cause}（{recipients}）"),
    row(Msg::CauseSendingIpBlocklisted, "sending IP address blocked", "送信 IP アドレスのブロック"),
    row(Msg::CauseSendingDomainBlocklisted, "sender domain on a block list", "送信ドメインのブロックリスト掲載"),
    row(Msg::CauseSendingIpReputation, "sending IP address reputation", "送信 IP アドレスの評判"),
    row(Msg::CauseAuthenticationFailure, "sender authentication failed", "送信ドメイン認証の失敗"),
    row(Msg::CausePolicyRejected, "refused by the receiver's policy", "受信側のポリシーによる拒否"),
    row(Msg::CauseContentRejected, "message content refused", "メール内容による拒否"),
    row(Msg::CauseRateLimited, "sending too fast", "送信ペースの制限"),
    row(Msg::CauseRecipientProblem, "a problem with the recipient's address or mailbox", "宛先アドレスまたはメールボックスの問題"),
    row(Msg::CauseTemporaryFailure, "temporary failure", "一時的なエラー"),
    row(Msg::CauseNotAFailure, "not a delivery failure", "配送エラーではない"),
    row(Msg::CauseUnknown, "cause unclear", "原因不明"),
    row(Msg::HeadSendingIpBlocklisted, "The sending server's IP address is on a blocklist", "送信サーバーの IP アドレスがブロックリストに登録されています"),
    row(Msg::HeadSendingDomainBlocklisted, "The sending domain is on a blocklist", "送信ドメインがブロックリストに登録されています"),
    row(Msg::HeadSendingIpReputation, "The sending server's IP address has a bad reputation", "送信サーバーの IP アドレスの評価（レピュテーション）が低下しています"),
    row(Msg::HeadAuthenticationFailure, "The mail failed sender authentication (SPF/DKIM/DMARC)", "送信ドメイン認証（SPF/DKIM/DMARC）に失敗しました"),
    row(Msg::HeadPolicyRejected, "The receiver's policy refused the mail", "受信側のポリシーによって拒否されました"),
    row(Msg::HeadContentRejected, "The message content was rejected", "メールの内容が拒否されました"),
    row(Msg::HeadRateLimited, "Too much mail too fast: the receiver is limiting the rate", "短時間に送信しすぎたため、受信側が受け付けを制限しています"),
    row(Msg::HeadRecipientProblem, "A problem with the recipient's address or mailbox", "宛先のアドレスまたはメールボックスの問題です"),
    row(Msg::HeadTemporaryFailure, "A temporary failure: delivery may still succeed", "一時的なエラーです（まだ配送される可能性があります）"),
    row(Msg::HeadNotAFailure, "Not a delivery failure", "配送エラーではありません"),
    row(Msg::HeadUnknown, "The cause could not be determined", "原因を特定できませんでした"),
    // The support request (`request.rs`): a message to the sender's hosting company
    // or mail administrator, written as a postmaster would write it.
    row(Msg::ReqGreeting, "Dear {desk} team,", "{desk} ご担当者様"),
    row(Msg::ReqGreetingAnyone, "Hello,", "ご担当者様"),
    row(Msg::ReqIntro,
        "Mail we sent from {from} to {receiver} was refused. The details from the bounce message are below.",
        "お世話になっております。\n{from} から {receiver} 宛てに送ったメールが、受信を拒否されました。エラーメールの内容は以下のとおりです。"),
    row(Msg::ReqOurDomain, "our domain {domain}", "当方のドメイン {domain}"),
    row(Msg::ReqOurDomainUnknown, "our domain", "当方のドメイン"),
    row(Msg::ReqReceiverUnknown, "the recipient's mail server", "相手先のメールサーバー"),
    row(Msg::ReqIpPhrase, "our sending IP address {ips}", "送信 IP アドレス {ips}"),
    row(Msg::ReqIpsPhrase, "our sending IP addresses {ips}", "送信 IP アドレス {ips}"),
    row(Msg::ReqIpPhraseUnknown, "our sending IP address", "送信 IP アドレス"),
    row(Msg::ReqServer, "Sending server: {host}", "送信サーバー：{host}"),
    row(Msg::ReqIp, "IP address: {ips}", "IP アドレス：{ips}"),
    row(Msg::ReqIps, "IP addresses: {ips}", "IP アドレス：{ips}"),
    row(Msg::ReqIpUnknown, "IP address: not given in the bounce", "IP アドレス：エラーメールに記載なし"),
    row(Msg::ReqRcpt, "Recipient: {rcpts}", "宛先：{rcpts}"),
    row(Msg::ReqRcpts, "Recipients: {rcpts}", "宛先：{rcpts}"),
    row(Msg::ReqMore, " and {count} more", " ほか {count} 件"),
    row(Msg::ReqDate, "Date of the bounce: {date}", "エラーメールの日時：{date}"),
    row(Msg::ReqSent, "Date the message was sent: {date}", "メールの送信日時：{date}"),
    row(Msg::ReqReplyHead, "The receiving server replied:", "受信側サーバーの応答："),
    row(Msg::ReqListed, "{list} ({zone}) lists {subject} (answer {codes}).", "{list}（{zone}）に {subject} が掲載されています（応答 {codes}）。"),
    row(Msg::ReqListedNoCode, "{list} ({zone}) lists {subject}.", "{list}（{zone}）に {subject} が掲載されています。"),
    row(Msg::ReqListsNone,
        "None of the public blocklists we checked ({count}) lists {subjects}.",
        "確認した公開ブロックリスト（{count} 件）のいずれにも、{subjects} は掲載されていません。"),
    row(Msg::ReqListsUnknown,
        "{count} of the public blocklists gave no usable answer.",
        "公開ブロックリストのうち {count} 件からは有効な回答がありませんでした。"),
    row(Msg::ReqListsOffline, "We have not checked the public blocklists.", "公開ブロックリストへの掲載状況は確認していません。"),
    row(Msg::ReqListsUnreachable,
        "We could not check the public blocklists, because DNS could not be reached.",
        "DNS に接続できなかったため、公開ブロックリストへの掲載状況は確認できていません。"),
    row(Msg::ReqListsNothing,
        "We found no address or domain to check against the public blocklists.",
        "公開ブロックリストで確認できるアドレスやドメインは見つかりませんでした。"),
    row(Msg::ReqRoute, "{provider}'s page for senders: {url}", "{provider} の送信者向け窓口：{url}"),
    row(Msg::ReqSubjectIpBlocked,
        "Mail to {receiver} refused: {ipphrase} is on a block list",
        "{receiver} 宛てのメールが拒否される件（{ipphrase} のブロック）"),
    row(Msg::ReqSubjectIpReputation,
        "Mail to {receiver} refused: reputation of {ipphrase}",
        "{receiver} 宛てのメールが拒否される件（{ipphrase} の評判）"),
    row(Msg::ReqSubjectDomain,
        "Mail to {receiver} refused: {domain} is on a block list",
        "{receiver} 宛てのメールが拒否される件（{domain} のブロックリスト掲載）"),
    row(Msg::ReqSubjectAuth,
        "Mail to {receiver} refused: sender authentication (SPF/DKIM/DMARC) failed",
        "{receiver} 宛てのメールが拒否される件（送信ドメイン認証の失敗）"),
    row(Msg::ReqSubjectPtr,
        "Mail to {receiver} refused: no reverse DNS (PTR) for {ipphrase}",
        "{receiver} 宛てのメールが拒否される件（{ipphrase} の逆引き未設定）"),
    row(Msg::ReqSubjectSenderDomain,
        "Mail to {receiver} refused: the receiver could not verify {domain}",
        "{receiver} 宛てのメールが拒否される件（{domain} を確認できないとの応答）"),
    row(Msg::ReqSubjectRate,
        "Mail to {receiver} limited: too much mail from {ipphrase}",
        "{receiver} 宛てのメールが受信を制限される件（{ipphrase}）"),
    row(Msg::ReqSubjectRelay,
        "Mail to {receiver} refused: relaying denied",
        "{receiver} 宛てのメールが中継を拒否される件"),
    row(Msg::ReqSubjectTls,
        "Mail to {receiver} refused: an encrypted connection (TLS) is required",
        "{receiver} 宛てのメールが拒否される件（暗号化接続の要求）"),
    row(Msg::ReqAskIpRemoval,
        "Could you please request the removal of {ipphrase} from the block list?",
        "つきましては、{ipphrase} をブロックリストから解除するよう申請していただけますでしょうか。"),
    row(Msg::ReqAskIpReputation,
        "Could you please look into the reputation of {ipphrase} with {receiver}, and whether mail sent through the server has harmed it?",
        "つきましては、{ipphrase} の {receiver} における評判（レピュテーション）と、サーバーから送られたメールが評判を下げていないかを調査していただけますでしょうか。"),
    row(Msg::ReqAskDomain,
        "Could you please help us check whether {domain} or our website has been misused to send spam, and tell us how to have the domain removed from the block list?",
        "{domain} やウェブサイトが迷惑メールの送信に悪用されていないかの確認と、ブロックリストからの解除方法について、ご教示いただけますでしょうか。"),
    row(Msg::ReqAskAuth,
        "Could you please check that SPF, DKIM and DMARC for {domain} are set up correctly for mail sent through this server (its SPF record includes the server, and the server signs with DKIM)?",
        "{domain} の SPF・DKIM・DMARC が、このサーバーから送るメールに対して正しく設定されているか（SPF レコードにこのサーバーが含まれているか、DKIM 署名が付いているか）確認していただけますでしょうか。"),
    row(Msg::ReqAskPtr,
        "Could you please set a reverse DNS (PTR) record for {ipphrase} that matches the server's host name?",
        "{ipphrase} に、サーバーのホスト名と一致する逆引き（PTR レコード）を設定していただけますでしょうか。"),
    row(Msg::ReqAskSenderDomain,
        "The receiver could not verify the domain of our sender address: could you please check that {domain} has DNS records (MX or A) the receiver can find?",
        "受信側が送信者アドレスのドメインを確認できなかったようですので、{domain} の DNS レコード（MX または A）が正しく引けるか確認していただけますでしょうか。"),
    row(Msg::ReqAskRate,
        "Could you please check whether the server sends more mail to {receiver} than it accepts (counting every user of the server), and whether the sending rate can be lowered?",
        "このサーバーから {receiver} 宛てに送られるメールの量（サーバーの利用者全体の分を含みます）が受信側の制限を超えていないかを確認し、送信ペースを下げられるかご検討いただけますでしょうか。"),
    row(Msg::ReqAskRelay,
        "The receiving server refused to relay our message: could you please check how our outgoing mail is routed and authenticated?",
        "受信側サーバーにメールの中継を拒否されましたので、当方の送信メールの経路と認証の設定を確認していただけますでしょうか。"),
    row(Msg::ReqAskTls,
        "{receiver} requires an encrypted connection: could you please check that the server uses TLS (STARTTLS) when it sends there?",
        "{receiver} は暗号化された接続を求めていますので、このサーバーが送信時に TLS（STARTTLS）を使っているか確認していただけますでしょうか。"),
    row(Msg::ReqAskMeanwhile,
        "Please also tell us whether we should use another outgoing server in the meantime.",
        "また、解決するまでの間、別の送信サーバーを使ったほうがよいかどうかもお知らせいただけますと幸いです。"),
    row(Msg::ReqClosing, "Thank you for your help.\n\nBest regards,", "お手数をおかけしますが、よろしくお願いいたします。"),
    row(Msg::NoReqRecipient,
        "There is nothing to ask your hosting company or mail administrator: the problem is the recipient's address or mailbox, which only the recipient's side can fix.",
        "レンタルサーバー会社やメールサーバーの管理者に依頼することはありません。問題は宛先のアドレスまたはメールボックスにあり、受信者側でしか解決できません。"),
    row(Msg::NoReqTemporary,
        "There is nothing to ask your hosting company or mail administrator yet: the failure is temporary, and the mail may still be delivered.",
        "今のところ、レンタルサーバー会社やメールサーバーの管理者に依頼することはありません。一時的なエラーで、まだ配送される可能性があります。"),
    row(Msg::NoReqOther,
        "There is nothing to ask your hosting company or mail administrator: no cause in this bounce is one they can fix.",
        "このエラーメールの原因は、レンタルサーバー会社やメールサーバーの管理者が対応できるものではないため、依頼することはありません。"),
];

/// The template for a message in a language.
pub(crate) fn text(id: Msg, lang: Lang) -> &'static str {
    let row = MESSAGES
        .get(id as usize)
        .filter(|row| row.id == id)
        .or_else(|| MESSAGES.iter().find(|row| row.id == id));
    match (row, lang) {
        (Some(row), Lang::Ja) => row.ja,
        (Some(row), _) => row.en,
        (None, _) => "",
    }
}

/// The message with every `{name}` placeholder replaced.
pub(crate) fn render(id: Msg, lang: Lang, values: &[(&str, &str)]) -> String {
    fill(text(id, lang), lang, values)
}

/// A template (from the message table or a data file) with every `{name}`
/// placeholder replaced.
///
/// One pass over the template: a value is never searched again, so text from a
/// bounce that happens to hold `{ip}` stays as it is. A placeholder without a value
/// is left in place (the message-table tests catch those).
pub(crate) fn fill(template: &str, lang: Lang, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let inner = from_brace.get(1..).unwrap_or_default();
        let Some(close) = inner.find('}') else {
            out.push_str(from_brace);
            rest = "";
            break;
        };
        let name = inner.get(..close).unwrap_or_default();
        if name.contains('{') {
            // `{{ip}`: this brace is text; the placeholder starts at the next one.
            out.push('{');
            rest = inner;
            continue;
        }
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(from_brace.get(..close + 2).unwrap_or_default()),
        }
        rest = inner.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    if lang == Lang::Ja {
        out = tighten(&out);
    }
    out
}

/// Drops a space that stands between two Japanese characters, as happens when a
/// Japanese value fills a placeholder written with spaces for Latin names.
pub(crate) fn tighten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let wide = |c: Option<&char>| c.is_some_and(|c| *c >= '\u{3000}');
    chars
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            !(**c == ' '
                && i.checked_sub(1).is_some_and(|p| wide(chars.get(p)))
                && wide(chars.get(i + 1)))
        })
        .map(|(_, c)| *c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_id_order_and_complete() {
        for (i, row) in MESSAGES.iter().enumerate() {
            assert_eq!(row.id as usize, i, "row {i} is out of order");
            assert!(!row.en.is_empty() && !row.ja.is_empty());
        }
        assert_eq!(MESSAGES.len(), Msg::NoReqOther as usize + 1);
    }

    #[test]
    fn japanese_column_is_japanese_and_placeholders_agree() {
        let placeholders = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for row in MESSAGES {
            if !matches!(row.id, Msg::ListSep | Msg::ItemSep) {
                assert!(row.ja.chars().any(|c| c > '\u{3000}'), "{:?} has no Japanese", row.id);
            }
            assert_eq!(placeholders(row.en), placeholders(row.ja), "{:?}", row.id);
        }
    }

    #[test]
    fn fills_in_one_pass_as_repeated_replacing_would_without_expanding_values() {
        // The old way, as the reference: replace each placeholder in turn.
        let reference = |template: &str, values: &[(&str, &str)]| {
            let mut out = template.to_string();
            for (name, value) in values {
                out = out.replace(&format!("{{{name}}}"), value);
            }
            out
        };
        let values = [("ip", "192.0.2.1"), ("url", "https://x.example/?a={b}"), ("n", "")];
        for template in [
            "",
            "plain",
            "{ip}",
            "at {ip} see {url}.",
            "{n}{n}{ip}",
            "{unknown} {ip}",
            "open { brace",
            "close } brace",
            "{ip",
            "{{ip}}",
            "日本語 {ip} です",
        ] {
            let ours = fill(template, Lang::En, &values);
            // Values without braces fill exactly as replacing does.
            let plain: Vec<_> = values.iter().filter(|(_, v)| !v.contains('{')).copied().collect();
            if !template.contains("{url}") {
                assert_eq!(ours, reference(template, &plain), "{template:?}");
            }
        }
        // A value holding a placeholder is not expanded again.
        assert_eq!(fill("{url} {ip}", Lang::En, &[("url", "{ip}"), ("ip", "1")]), "{ip} 1");
    }

    #[test]
    fn renders_placeholders() {
        assert_eq!(
            render(Msg::IpPhrase, Lang::En, &[("ip", "192.0.2.1")]),
            "your sending server's IP address 192.0.2.1"
        );
        assert_eq!(
            render(Msg::IpPhrase, Lang::Ja, &[("ip", "192.0.2.1")]),
            "送信サーバーの IP アドレス 192.0.2.1"
        );
    }
}
