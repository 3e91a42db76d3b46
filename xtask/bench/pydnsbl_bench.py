# pydnsbl on a loopback server for `cargo xtask bench rbl`: its resolver is replaced
# to reach a non-53 port (pydnsbl has no option for it). Prints a `summary` line.
# Usage: pydnsbl_bench.py PORT ZONES IPS_FILE
import asyncio, sys, time, statistics
import aiodns, pydnsbl
from pydnsbl.providers import Provider
port = int(sys.argv[1]); zones = sys.argv[2].split(','); ips = [l.strip() for l in open(sys.argv[3]) if l.strip()]
runs = []
for _ in range(3):
    c = pydnsbl.DNSBLIpChecker(providers=[Provider(z) for z in zones], timeout=2, tries=2, concurrency=100)
    c._resolver = aiodns.DNSResolver(nameservers=['127.0.0.1'], udp_port=port, tcp_port=port, timeout=2, tries=2, loop=c._loop)
    t = time.perf_counter(); results = c.bulk_check(ips); runs.append(time.perf_counter() - t)
    failed = sum(len(r.failed_providers) for r in results); listed = sum(len(r.detected_by) for r in results)
    print(f"pydnsbl run: {runs[-1]:.3f}s listed={listed} failed={failed}", file=sys.stderr)
w = statistics.median(runs)
print(f"summary checks={len(ips)*len(zones)} wall_s={w:.4f} checks_per_s={len(ips)*len(zones)/w:.0f}")
