# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""The adversarial suite: each attack against the real woshou over net_tap,
while legitimate clients (curl, ping, a real TCP client) keep working.

Every test checks the same four things: the attack reached woshou (a
counter names what was dropped or refused), legitimate traffic worked
during it and after it, memory came back (mbufs in use, connections), and
woshou itself stayed up. Floods come from trafgen (random spoofed sources
in 198.19.0.0/16, see synflood.py) or hping3 (one spoofed source), always
bounded by a packet count and a rate; hand-made attacks are in
scapy_attacks.py.
"""

import functools
import json
import os
import re
import subprocess
import time

import pytest

from conftest import IFACE, PYTHON, WOSHOU_IP, stop_process, wait_until
import synflood

HERE = os.path.dirname(os.path.abspath(__file__))
SCAPY_ATTACKS = os.path.join(HERE, "scapy_attacks.py")
URL = f"http://{WOSHOU_IP}/hello"
BIG = 1 << 20       # bytes of /big, the large response
RATE = 8000         # flood frames per second: trafgen paces it on the 2-core VM
FLOOD_S = 4


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * (BIG // 256))
    return str(path)


@pytest.fixture
def start(start, big_file):
    """conftest's start(*sets), with snapshots every 100 ms, short SYN-ACK
    lifetimes (so a flood's half-open entries go quickly), and /big."""
    return functools.partial(start, "control.interval_ms=100",
                             "tcp.synack_retries=1", "tcp.rto_initial_ms=200",
                             f"http.route3=/big application/octet-stream file:{big_file}")


def stats(w, module):
    return w.snapshot_after(f"/woshou/{module}/stats")


def mbufs_in_use(w):
    """mbufs taken from woshou's pools, receive and stack (the loop
    module's gauges, summed over workers), from a fresh snapshot. The
    receive pool's count includes the mbufs its descriptors hold."""
    ls = w.snapshot_after("/woshou/loop/stats")
    return ls["rx_mbufs_in_use"] + ls["tx_mbufs_in_use"]


def delta(after, before, names):
    return {n: after[n] - before[n] for n in names}


def busy_connections(w):
    """Connections other than listeners and TIME_WAIT, fresh snapshot."""
    st = w.snapshot_after("/woshou/tcp/states")
    return st["total"] - st["LISTEN"]["total"] - st["TIME_WAIT"]["total"]


def wait_baseline(w, mbufs0, slack=64, timeout=15):
    """Until no connection is busy and the mbufs in use are back within
    'slack' of 'mbufs0' (the ARP queue, TX caches and so on move a little).
    Returns (busy, mbufs) as last seen."""
    def probe():
        return busy_connections(w), mbufs_in_use(w)

    return wait_until(probe, lambda v: v[0] == 0 and v[1] <= mbufs0 + slack,
                      timeout=timeout, interval=0.2,
                      what="connections or mbufs not back to baseline")


CURL_LOOP = r"""
n=0; ok=0
end=$(( $(date +%s) + {secs} ))
while [ $(date +%s) -lt $end ]; do
	n=$((n+1))
	code=$(curl -s -m 3 -o /dev/null -w '%{{http_code}}' {url}); rc=$?
	if [ "$code" = 200 ]; then ok=$((ok+1)); else echo "failed: $code exit $rc at $(date +%T.%N)"; fi
	sleep 0.05
done
echo "curl $ok/$n"
"""


class CurlLoop:
    """Real curl requests, one after another, for 'secs' seconds."""

    def __init__(self, netns, secs, url=URL):
        self.proc = netns.popen(["sh", "-c", CURL_LOOP.format(secs=secs, url=url)],
                                stdout=subprocess.PIPE, text=True)

    def result(self):
        out = self.proc.communicate(timeout=120)[0]
        m = re.search(r"curl (\d+)/(\d+)", out)
        assert m, out
        self.failures = re.findall(r"^failed: .*$", out, re.M)
        if self.failures:
            print("\n".join(self.failures))
        return int(m.group(1)), int(m.group(2))


def curl_ok(netns, url=URL, timeout=10):
    r = netns.exec(["curl", "-s", "-m", str(timeout), "-o", "/dev/null",
                    "-w", "%{http_code}", url], check=False, timeout=timeout + 5)
    return r.stdout == "200"


def ping_ok(netns, size=56):
    return netns.exec(["ping", "-c", "1", "-W", "2", "-s", str(size), WOSHOU_IP],
                      check=False).returncode == 0


def warm_up(w, netns):
    """ARP, pages and buffers settled; returns the baseline mbufs in use."""
    for _ in range(3):
        assert curl_ok(netns)
    time.sleep(0.3)
    return mbufs_in_use(w)


# Each flood: trafgen frame kind, the counters that must name what woshou
# did with (nearly) every frame, and the share of frames they must reach.
FLOODS = {
    "syn": (dict(flags="S"), ("syn_rx",)),
    "syn_payload": (dict(flags="S", payload=64), ("syn_rx",)),
    # An ACK to a listener is a cookie ACK or gets a RST.
    "ack": (dict(flags="A", options=False), ("drop_listen_ack", "cookie_bad_hash")),
    "rst": (dict(flags="R", options=False), ("drop_listen_rst",)),
    "fin": (dict(flags="FA", options=False), ("drop_listen_ack", "cookie_bad_hash")),
    "syn_ack": (dict(flags="SA", options=False), ("drop_listen_ack",)),
}


@pytest.mark.parametrize("kind", FLOODS)
def test_trafgen_flood_while_curl_succeeds(start, netns, kind):
    """A flood of one kind of TCP segment from random spoofed sources at
    8000/s for 4 s at the HTTP port, while curl keeps fetching."""
    frame, names = FLOODS[kind]
    w = start()
    mbufs0 = warm_up(w, netns)
    before = stats(w, "tcp")
    curl = CurlLoop(netns, FLOOD_S)
    flood = synflood.Flood(netns.name, IFACE, w.mac, RATE * FLOOD_S, RATE, **frame)
    try:
        sent = flood.wait()
    finally:
        flood.stop()
    ok, n = curl.result()
    after = stats(w, "tcp")
    named = sum(after.get(k, 0) - before.get(k, 0) for k in names)
    busy, mbufs = wait_baseline(w, mbufs0)
    print(f"{kind}: {sent} frames; counters {dict((k, after.get(k, 0) - before.get(k, 0)) for k in names)}; "
          f"curl {ok}/{n}; mbufs {mbufs0} -> {mbufs}")
    assert sent == RATE * FLOOD_S
    assert named >= sent * 0.99, (names, named, sent)
    assert n >= 3 and ok == n, (ok, n)
    assert curl_ok(netns) and ping_ok(netns)


@pytest.mark.parametrize("flag", ["-S", "-A", "-R", "-F"])
def test_hping3_flood_while_curl_succeeds(start, netns, flag):
    """hping3 from one spoofed source (198.19.0.7), 5000 frames at about
    5000/s, at the HTTP port, while curl keeps fetching."""
    w = start()
    mbufs0 = warm_up(w, netns)
    before = stats(w, "tcp")
    curl = CurlLoop(netns, 2)
    res = netns.exec(["hping3", "-q", flag, "-a", "198.19.0.7", "-p", "80",
                      "-c", "5000", "-i", "u200", WOSHOU_IP], check=False, timeout=60)
    ok, n = curl.result()
    after = stats(w, "tcp")
    sent = int(re.search(r"(\d+) packets transmitted", res.stdout + res.stderr).group(1))
    rx = after["rx"] - before["rx"]
    busy, mbufs = wait_baseline(w, mbufs0)
    print(f"hping3 {flag}: {sent} sent, tcp.rx +{rx}; curl {ok}/{n}; mbufs {mbufs0} -> {mbufs}")
    assert sent == 5000
    # curl's own segments are in tcp.rx too.
    assert rx >= 5000
    assert n >= 2 and ok == n, (ok, n)
    assert curl_ok(netns)


def test_fragment_flood_is_bounded(start, netns):
    """5,000 first fragments of datagrams that never complete, each from a
    new spoofed source: the reassembly table fills and drops (counted), the
    mbufs held stay bounded by it, ping and curl keep working, and once the
    fragments time out a fragmented ping is reassembled again."""
    entries, timeout_ms = 256, 2000
    w = start(f"ip.frag_entries={entries}", f"ip.frag_timeout_ms={timeout_ms}")
    mbufs0 = warm_up(w, netns)
    assert ping_ok(netns, 3000)
    before = stats(w, "ip")
    flood = synflood.Flood(netns.name, IFACE, w.mac, 5000, 5000,
                           config=synflood.fragment_config)
    curl = CurlLoop(netns, 2)
    try:
        sent = flood.wait()
    finally:
        flood.stop()
    ok, n = curl.result()
    peak = mbufs_in_use(w)
    during_ping = ping_ok(netns)
    after = stats(w, "ip")
    d = delta(after, before, ("frag_rx", "drop_reasm_nospace", "drop_reasm_timeout",
                              "drop_reasm_invalid"))
    time.sleep(timeout_ms / 1000 + 0.5)
    assert ping_ok(netns, 3000), "fragmented ping after the timeout"
    busy, mbufs = wait_baseline(w, mbufs0)
    final = stats(w, "ip")
    d2 = delta(final, before, ("drop_reasm_nospace", "drop_reasm_timeout"))
    print(f"fragments: {sent} sent; {d}; later {d2}; mbufs {mbufs0} -> peak {peak} -> {mbufs}; "
          f"curl {ok}/{n}")
    assert sent == 5000 and d["frag_rx"] >= 5000
    # Every fragment is accounted for: refused for room, or timed out.
    assert d2["drop_reasm_nospace"] + d2["drop_reasm_timeout"] >= 5000 - 8, d2
    assert d["drop_reasm_nospace"] > 0
    # Held fragments are bounded by the table (one mbuf each, and the table
    # is per worker), whatever the flood's size.
    assert peak <= mbufs0 + entries + 128, (peak, mbufs0)
    assert during_ping and n >= 2 and ok == n, (during_ping, ok, n)


def test_nmap_os_scan_completes_and_service_continues(start, netns):
    """nmap -O -sS: the odd probes of OS detection (null, SYN|FIN|URG|PSH,
    ACK to open and closed ports, ECN, UDP to a closed port, ICMP with
    code 9) are all answered or dropped by rule; woshou keeps serving."""
    w = start()
    mbufs0 = warm_up(w, netns)
    res = netns.exec(["nmap", "-n", "-O", "-sS", "-p", "7,9,80,81", "--max-retries", "1",
                      "-T4", "-d", WOSHOU_IP], check=False, timeout=240)
    out = res.stdout
    ti = re.search(r"SEQ\([^)]*TI=(\w+)", out)
    print(f"nmap rc {res.returncode}; TI={ti.group(1) if ti else '?'}\n"
          + "\n".join(l for l in out.splitlines() if re.match(r"(\d+/tcp|OS|SEQ|Nmap done)", l)))
    assert res.returncode == 0, out + res.stderr
    assert "1 host up" in out
    assert re.search(r"^80/tcp\s+open", out, re.M), out
    assert re.search(r"^81/tcp\s+closed", out, re.M), out
    # Not an idle-scan zombie: no one incrementing IP ID.
    assert ti is None or ti.group(1) != "I", ti.group(0)
    assert curl_ok(netns) and ping_ok(netns)
    wait_baseline(w, mbufs0)


SOCKSTRESS = r"""
import json, socket, sys, time
n, hold = int(sys.argv[1]), float(sys.argv[2])
socks = []
for i in range(n):
    s = socket.socket()
    # A tiny receive buffer, never read: the kernel soon advertises a
    # zero window and answers every probe with it.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.settimeout(5)
    s.connect(("%s", 80))
    s.sendall(b"GET /big HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n")
    socks.append(s)
print("held", flush=True)
time.sleep(hold)
print(json.dumps({"connections": len(socks)}), flush=True)
# Close with unread data: the kernel sends RST.
for s in socks:
    s.close()
""" % WOSHOU_IP


def orphans(w):
    return w.snapshot_after("/woshou/tcp/stats")["st_orphans"]


def test_sockstress_zero_window_orphans_are_bounded(start, netns):
    """200 clients ask for 1 MiB each with Connection: close and never read
    (Sockstress): every response stalls behind a zero window that the
    clients' kernels keep re-advertising to each persist probe. The HTTP
    service abandons a response that made no progress for a whole
    [http] keepalive_ms and closes; the orphans that leaves are bounded
    in number (tcp.orphans_max) and in probes (tcp.orphan_retries), the
    send-buffer budget keeps mbufs for everyone else, and curl and ping
    keep working throughout."""
    w = start("http.keepalive_ms=1000", "tcp.rto_max_ms=1000",
              "tcp.orphan_retries=4", "tcp.orphans_max=100")
    mbufs0 = warm_up(w, netns)
    before = stats(w, "tcp")
    clients = netns.popen([PYTHON, "-c", SOCKSTRESS, "200", "10"],
                          stdout=subprocess.PIPE, text=True)
    try:
        assert clients.stdout.readline().strip() == "held"
        t_held = time.monotonic()
        curl = CurlLoop(netns, 3)
        ping = ping_ok(netns)
        samples = [(orphans(w), mbufs_in_use(w))]
        ok, n = curl.result()
        # Well before the clients let go, every orphan is gone.
        samples += [(orphans(w), mbufs_in_use(w))]
        wait_until(lambda: samples.append((orphans(w), mbufs_in_use(w))) or samples[-1][0],
                   lambda o: o == 0 and busy_connections(w) == 0,
                   timeout=8, interval=0.2, what="orphans or connections left")
        reaped_s = time.monotonic() - t_held
        held = json.loads(clients.stdout.readline())
    finally:
        stop_process(clients)
    after = stats(w, "tcp")
    d = {k: after[k] - before[k] for k in after
         if k.startswith(("orphan", "persist", "sndbuf", "drop", "idle", "conn", "rst"))
         and after[k] != before[k]}
    busy, mbufs = wait_baseline(w, mbufs0)
    w.stop()
    stalled = w.counters().get("services.http_stalled_closed", 0)
    peak_orphans = max(o for o, _ in samples)
    peak_mbufs = max(m for _, m in samples)
    print(f"sockstress: {held}; counters {d}; http_stalled_closed {stalled}; "
          f"orphans peak {peak_orphans}; all reaped {reaped_s:.1f} s after the hold began; "
          f"mbufs {mbufs0} -> peak {peak_mbufs} -> {mbufs}; curl {ok}/{n}, ping {ping}")
    assert held["connections"] == 200
    assert stalled >= 190, stalled
    assert peak_orphans <= 100, peak_orphans
    assert d.get("orphan_reset_limit", 0) + d.get("orphan_reset_retries", 0) >= 190, d
    assert ping and n >= 2 and ok == n, (ping, ok, n)


def test_tiny_mss_with_sack_is_clamped(start, netns):
    """MSS 8 with timestamps and SACK, a large response, and ACKs that SACK
    every other segment (the SACK-panic shape): woshou sends segments of
    at least one byte and no more than its 48-byte floor allows, stays
    responsive, and frees everything after the RST."""
    w = start()
    mbufs0 = warm_up(w, netns)
    netns.drop_kernel_rsts()
    before = stats(w, "tcp")
    curl = CurlLoop(netns, 3)
    r = netns.python(SCAPY_ATTACKS, IFACE, w.mac, "tiny_mss_sack", timeout=60, check=False)
    assert r.returncode == 0 and w.proc.poll() is None, \
        f"{r.stdout}{r.stderr}\nwoshou ({w.proc.poll()}):\n{w.output[-3000:]}"
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    ok, n = curl.result()
    after = stats(w, "tcp")
    busy, mbufs = wait_baseline(w, mbufs0)
    print(f"tiny MSS + SACK: {seen}; mss_clamped +{after.get('mss_clamped', 0) - before.get('mss_clamped', 0)}; "
          f"mbufs {mbufs0} -> {mbufs}; curl {ok}/{n}")
    assert "error" not in seen, seen
    assert seen["segments"] >= 30
    # 48 bytes less 12 of timestamps option.
    assert seen["min_payload"] >= 1 and seen["max_payload"] <= 36, seen
    assert after["mss_clamped"] > before["mss_clamped"]
    assert n >= 2 and ok == n, (ok, n)


def test_challenge_ack_budget_two_connections(start, netns):
    """CVE-2016-5696: an attacker floods its own connection A with in-window
    RSTs; connection B's challenge ACKs still go out, and A gets only a few
    (the per-connection limit), so no shared budget can be counted."""
    w = start("tcp.challenge_ack_per_s=100")
    mbufs0 = warm_up(w, netns)
    netns.drop_kernel_rsts()
    before = stats(w, "tcp")
    r = netns.python(SCAPY_ATTACKS, IFACE, w.mac, "challenge_two", timeout=60)
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    after = stats(w, "tcp")
    d = {k: after[k] - before[k] for k in after
         if k.startswith(("challenge", "rst_challenged", "invalid_ack")) and after[k] != before[k]}
    print(f"challenge ACKs: {seen}; counters {d}")
    assert seen["sent"] >= 1000
    assert all(seen["b_answers"]), seen
    assert seen["b_alive"], seen
    # At most one per 500 ms for A over its ~3 s of flood.
    assert seen["a_challenge_acks"] <= 8, seen
    assert d["rst_challenged"] >= seen["sent"]
    assert curl_ok(netns)
    # The exact RSTs at the end closed both.
    wait_baseline(w, mbufs0)
