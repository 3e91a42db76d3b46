//! The classifier's hot path: one reason per recipient, from realistic diagnostics.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use rebound_dsn::RecipientReport;

const DIAGNOSTICS: &[(&str, &str)] = &[
    ("5.7.1", "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)."),
    ("5.1.1", "550 5.1.1 <taro@example.jp>: Recipient address rejected: User unknown in virtual mailbox table"),
    ("5.2.2", "552 5.2.2 <hanako@example.org>... Mailbox full"),
    ("4.7.0", "421-4.7.0 [192.0.2.79 15] This message is suspicious due to the very low reputation of the sending IP address."),
    ("5.0.0", "554 Service unavailable; Client host [192.0.2.85] blocked using zen.spamhaus.org"),
    ("5.7.26", "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy."),
    ("4.4.7", "Delivery expired (message too old): retry timeout exceeded"),
];

fn reports() -> Vec<RecipientReport> {
    DIAGNOSTICS
        .iter()
        .map(|(status, text)| {
            let mut report = RecipientReport::default();
            report.status = status.parse().ok();
            report.reply_code = text.get(..3).and_then(|c| c.parse().ok());
            report.diagnostic = Some((*text).to_string());
            report
        })
        .collect()
}

fn classify(c: &mut Criterion) {
    let reports = reports();
    c.bench_function("classify/7 diagnostics", |b| {
        b.iter(|| {
            for report in &reports {
                std::hint::black_box(rebound_verdict::classify(std::hint::black_box(report)));
            }
        })
    });
}

criterion_group!(benches, classify);
criterion_main!(benches);
