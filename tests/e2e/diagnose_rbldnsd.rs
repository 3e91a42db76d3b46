//! The same diagnosis against Debian's rbldnsd, the server real blocklists run on.

use rebound_tests::Rbldnsd;

use crate::util::{example, listing, rebound};

#[test]
fn listing_served_by_rbldnsd() {
    if !Rbldnsd::available_or_skip("listing_served_by_rbldnsd") {
        return;
    }
    let server = Rbldnsd::builder()
        .ip4set(
            "zen.spamhaus.org",
            ":127.0.0.2:Listed in SBL, see https://check.spamhaus.org/query/ip/$\n203.0.113.0/24\n!203.0.113.99\n",
        )
        .ip4set("bl.spamcop.net", ":127.0.0.2:Blocked - see https://www.spamcop.net/bl.shtml?$\n192.0.2.10\n")
        .ip4set("b.barracudacentral.org", "192.0.2.11\n")
        .ip4set("dnsbl-1.uceprotect.net", ":127.0.0.2:Net $ is UCEPROTECT-Level1 listed\n203.0.113.45\n")
        .ip4set("psbl.surriel.com", "192.0.2.12\n")
        .ip4set("bl.mailspike.net", "192.0.2.13\n")
        .generic("xserver.jp", "sv12053 A 203.0.113.45\n")
        .start()
        .expect("rbldnsd starts");
    let addr = server.addr().to_string();
    let run = rebound(&["diagnose", "--resolver", &addr, "--format", "json", &example()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.report();

    let zen = listing(&report, "zen.spamhaus.org");
    assert_eq!(zen["listed"], true, "{zen}");
    assert_eq!(
        zen["txt"][0],
        "Listed in SBL, see https://check.spamhaus.org/query/ip/203.0.113.45"
    );
    let uce = listing(&report, "dnsbl-1.uceprotect.net");
    assert_eq!(uce["listed"], true, "{uce}");
    assert_eq!(uce["txt"][0], "Net 203.0.113.45 is UCEPROTECT-Level1 listed");
    for zone in ["bl.spamcop.net", "b.barracudacentral.org", "psbl.surriel.com", "bl.mailspike.net"]
    {
        assert_eq!(listing(&report, zone)["listed"], false, "{zone}");
    }
    assert_eq!(report["verdict"]["cause"], "sending_ip_blocklisted");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("Spamhaus") && summary.contains("UCEPROTECT"), "{summary}");
}
