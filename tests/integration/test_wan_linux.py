# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Loss recovery and congestion control against real Linux peers, and
woshou's goodput side by side with Linux's over the same path (issue 17).

Two paths, built per test out of namespaces this file creates and deletes
(all named wl<tag>-<pid>-<n>) around a namespace W that holds woshou's tap
wsh0 (wlw-* on the relay path; on the router path W is the router, wlr-*):

Relay path (impair.py, 1% loss and 3% reordering each way, 2 ms one-way
delay; the CI kernel has no netem):

    client ns wlc-*          W                                   server ns wls-*
    curl, nc                 impair.py          bridge wlbr0      Linux server
    wlc0 198.18.0.1 -- wlr1 <=========> wlb1 -- wlb0 -+- wsh0 -- woshou 198.18.0.2
                                                      +- wlr2 --- wls0 198.18.0.3

  Every frame between the client and either server crosses the one relay
  process, so woshou and Linux see the same loss, reordering and delay.
  The relay (Python) is the bottleneck: 100-150 Mbit/s here.

Router path (W forwards; tbf bottleneck and nftables random loss):

    client ns wlc-*              W (router)                  server ns wls-*
    wlc0 198.18.1.2 -- wlr1 198.18.1.1       198.18.2.1 wlr2 --- wls0 198.18.2.2
                       tbf 200 Mbit/s egress  198.18.0.1 wsh0 --- woshou 198.18.0.2
                       nft forward: oifname wlr1 numgen random mod 1000 < N drop

  Only the data direction (towards the client) is shaped and loses
  packets; ACKs are neither. Both servers' data leave through wlr1, one
  transfer at a time. 200 Mbit/s (the issue's own figure) is well below
  what this 2-CPU VM carries unshaped (Linux to Linux about 3 Gbit/s,
  woshou over net_tap about 1 Gbit/s). No delay is added (only the relay
  path has a fixed one): the RTT is the queueing delay the tbf builds,
  bounded by its latency of 10 ms.

Offloads are off on every veth, so that each packet the relay, the tbf and
the nftables rule see is one wire-sized segment for both servers (a GSO
super-packet dropped by numgen would be 40 losses at once).

Linux serves with linux_peer.py (sendfile) and CUBIC, named on its
socket (LINUX_CC): the namespace's default is the host's, which is BBR on
this VM. On the relay path a second Linux server runs BBR where the kernel
has it, for information only (woshou has no model-based algorithm). The
client is curl, whose socket autotunes as usual. woshou runs with its
default configuration throughout, during Linux's transfers too, so that
both servers' transfers find the same CPUs busy (woshou's worker spins on
one of the two). Goodput is the bytes curl received over its total time;
every transfer is bounded by size (the file) and by time (--max-time).

The goodput ratios and the SACK/RACK counters are issue 17's acceptance
criteria; the NewReno stack before it (SACK blocks ignored, fixed 256 KB
buffers) fails them. Run with -s for the figures.
"""

import os
import statistics
import signal
import subprocess
import time

import pytest

from conftest import (IFACE, PYTHON, RELAY, WOSHOU_IP, Namespace, Woshou, _seq,
                      run)

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linux_peer.py")
BIG = 16 << 20                  # the largest file an [http] route serves
# Linux's congestion control in the comparison: woshou's default, CUBIC.
# A namespace takes the host's default, and hosts differ: this VM's is
# BBR, which does not treat random loss as congestion, so through the
# relay's 1% it sent at the relay's rate (3x woshou) while a loss-based
# algorithm (Linux's CUBIC or woshou's) backs off by design.
LINUX_CC = os.environ.get("WOSHOU_WAN_LINUX_CC", "cubic")
NO_OFFLOADS = "tx off rx off tso off gso off gro off"
RELAY_IMPAIR = dict(loss=1, reorder=3, delay_ms=2)
# The bottleneck of the router path.
RATE_MBIT = 200
# woshou must reach this share of Linux's goodput. The issue asks for
# "not below Linux"; the 10% margin absorbs the noise of transfers that
# last about a second each, one after the other, on a shared 2-CPU machine.
MIN_RATIO = 0.9
# Through the router the ratio compared is of the servers' median
# transfers (ROUTER_ROUNDS each), each timed from the moment the client
# has its connection. At 3% loss a lost SYN-ACK (3% of transfers, for
# either server) costs the 1 s initial RTO before the first byte, longer
# than the 0.7 s transfer itself: timed whole, the ratio swung between
# 0.73 and 1.43 while every transfer that kept its SYN-ACK ran at
# 167-192 Mbit/s on both servers. A retransmission timeout during the
# data costs 0.1-0.3 s; the median ignores up to two of five.
HANDSHAKE_RTO_S = 0.5
# The counters that prove Linux's SACK blocks drove woshou's recovery
# (SACK scoreboard recoveries, RACK loss detections). Read with .get(): a
# stack without them counts nothing and fails.
SACK_COUNTERS = ("sack_recoveries", "rack_lost")
SHOWN = ("retransmits", "fast_retransmits", "rto_expired", "dupacks_rx",
         "sack_recoveries", "rack_lost", "tlp_probes", "undos",
         "spurious_retransmits")


class WlNamespace(Namespace):
    """A namespace of this file's own, named wl<tag>-<pid>-<n>."""

    def __init__(self, tag):
        self.name = f"wl{tag}-{os.getpid()}-{next(_seq)}"
        run(["ip", "netns", "add", self.name])
        run(["ip", "-n", self.name, "link", "set", "lo", "up"])
        self.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
                "net.ipv6.conf.default.disable_ipv6=1", check=False)


def veth(ns_a, name_a, ns_b, name_b):
    """A veth pair between two namespaces, both ends up, offloads off."""
    run(["ip", "-n", ns_a.name, "link", "add", name_a, "type", "veth",
         "peer", "name", name_b, "netns", ns_b.name])
    for ns, name in ((ns_a, name_a), (ns_b, name_b)):
        ns.sh(f"ethtool -K {name} {NO_OFFLOADS} >/dev/null 2>&1 || true")
        ns.sh(f"ip link set {name} up")


def curl_get(ns, url, out="/dev/null", max_time=20):
    """GET url from ns: (bytes received, seconds, curl's exit status,
    seconds the handshake took)."""
    res = ns.exec(["curl", "-s", "-o", str(out), "--max-time", str(max_time),
                   "-w", "%{size_download} %{time_total} %{time_connect}", url],
                  check=False, timeout=max_time + 30)
    size, secs, connect = res.stdout.split()
    return int(size), float(secs), res.returncode, float(connect)


def mbit(nbytes, secs):
    return nbytes * 8 / secs / 1e6 if secs > 0 else 0.0


def kernel_counters(ns):
    """The namespace's TCP MIB counters (/proc/net/netstat, snmp) as
    {'TcpExtTCPSackRecovery': n, ...}."""
    out = {}
    for f in ("/proc/net/netstat", "/proc/net/snmp"):
        lines = ns.exec(["cat", f]).stdout.splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            pre, names = names.split(":", 1)
            for k, v in zip(names.split(), values.split(":", 1)[1].split()):
                out[pre + k] = int(v)
    return out


def table(title, header, rows):
    """Print one table of figures (pytest -s shows it)."""
    cols = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    print(f"\n{title}")
    for r in cols:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))


class LinuxServer:
    """linux_peer.py serving 'path' in 'ns'."""

    def __init__(self, ns, path, seconds=120, port=80, cc=LINUX_CC):
        self.proc = ns.popen([PYTHON, PEER, str(path), "--seconds", str(seconds),
                              "--port", str(port), "--cc", cc],
                             stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


def route_big(path):
    return f"http.route3=/big application/octet-stream file:{path}"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("wan") / "big.bin"
    path.write_bytes(os.urandom(BIG))
    return path


class Namespaces:
    """Namespaces and the woshou made for one test (or module), all gone
    at the end: woshou stopped by its PID, the namespaces deleted."""

    def __init__(self):
        self.made, self.woshous = [], []

    def ns(self, tag):
        ns = WlNamespace(tag)
        self.made.append(ns)
        return ns

    def woshou(self, ns, *sets, kernel_side=True):
        w = Woshou(ns, sets=sets)
        self.woshous.append(w)
        if kernel_side:
            w.start_and_configure_kernel_side()
        else:
            w.mac = w.wait_for_tap(ns)
        return w

    def close(self):
        for w in self.woshous:
            w.stop(drain_wait=0.25)
        for ns in self.made:
            ns.delete()


@pytest.fixture
def spaces():
    s = Namespaces()
    yield s
    s.close()


class RelayPath:
    """The relay path of the header; woshou's tap joins the bridge once
    woshou runs (join_woshou)."""

    def __init__(self, spaces, seconds=150, **impair):
        self.ns = spaces.ns("w")
        self.client = spaces.ns("c")
        self.server = spaces.ns("s")
        veth(self.ns, "wlr1", self.client, "wlc0")
        veth(self.ns, "wlr2", self.server, "wls0")
        veth(self.ns, "wlb0", self.ns, "wlb1")
        self.client.sh("ip addr add 198.18.0.1/24 dev wlc0")
        self.server.sh("ip addr add 198.18.0.3/24 dev wls0")
        self.ns.sh("ip link add wlbr0 type bridge stp_state 0 forward_delay 0 && "
                   "ip link set wlb0 master wlbr0 && ip link set wlr2 master wlbr0 && "
                   "ip link set wlbr0 up && "
                   "ip link set wlr1 promisc on && ip link set wlb1 promisc on")
        argv = [PYTHON, RELAY, "wlr1", "wlb1", "--seconds", str(seconds), "--seed", "1"]
        for k, v in impair.items():
            argv += [f"--{k.replace('_', '-')}", str(v)]
        self.proc = self.ns.popen(argv, stdout=subprocess.PIPE, text=True)
        self.report = None
        assert self.proc.stdout.readline().strip() == "ready"

    def join_woshou(self):
        # net_tap gives the kernel side of the tap woshou's own MAC; a
        # bridge port with it would take woshou's frames for the bridge.
        self.ns.sh(f"ip link set {IFACE} address 02:00:c6:12:00:fe && "
                   f"ip link set {IFACE} master wlbr0 && ip link set {IFACE} up")

    def stop(self):
        """Stop the relay (once) and return its per-direction counts."""
        if self.report is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            self.report, _ = self.proc.communicate(timeout=30)
        return self.report

    def close(self):
        self.stop()


class RouterPath:
    """The router path of the header, W forwarding; woshou's side (wsh0,
    198.18.0.1/24) is configured by start_and_configure_kernel_side."""

    def __init__(self, spaces):
        self.router = spaces.ns("r")
        self.client = spaces.ns("c")
        self.server = spaces.ns("s")
        veth(self.router, "wlr1", self.client, "wlc0")
        veth(self.router, "wlr2", self.server, "wls0")
        self.router.sh("ip addr add 198.18.1.1/24 dev wlr1 && "
                       "ip addr add 198.18.2.1/24 dev wlr2 && "
                       "sysctl -qw net.ipv4.ip_forward=1")
        self.client.sh("ip addr add 198.18.1.2/24 dev wlc0 && "
                       "ip route add default via 198.18.1.1")
        self.server.sh("ip addr add 198.18.2.2/24 dev wls0 && "
                       "ip route add default via 198.18.2.1")

    def shape(self, rate_mbit, loss_permille):
        # burst: 64 KB of tokens (more than rate / HZ); latency bounds the
        # queue, and so the RTT a sender filling it sees.
        self.router.sh(f"tc qdisc add dev wlr1 root tbf rate {rate_mbit}mbit "
                       "burst 64kb latency 10ms")
        rules = ("table ip wl {\n chain data {\n"
                 "  type filter hook forward priority 0; policy accept;\n"
                 f"  oifname \"wlr1\" numgen random mod 1000 < {loss_permille} "
                 "counter drop\n }\n}\n")
        self.router.exec(["nft", "-f", "-"], input=rules)

    def dropped(self):
        """Packets the nftables rule has dropped so far."""
        words = self.router.exec(["nft", "list", "chain", "ip", "wl", "data"]).stdout.split()
        return int(words[words.index("packets") + 1])


# -- relay path: one run measured by three tests ----------------------------

# Downloads per server over the relay, alternating. The relay is a Python
# process on the same two CPUs as both servers and curl: one transfer's
# figure swings by 3x from run to run (woshou/Linux ratios of 0.2 and 2.2
# were both seen on the same code), so the goodput compared is each
# server's median.
RELAY_ROUNDS = 3


@pytest.fixture(scope="module")
def relay_download(big_file, tmp_path_factory):
    """Over the relay path: the 16 MB file from woshou, then from Linux,
    RELAY_ROUNDS times, each into a file; each bounded at 45 s (the bytes
    must all come to be compared). Returns the figures and what came."""
    spaces = Namespaces()
    runs = dict(woshou=[], linux=[])
    files = []
    try:
        path = RelayPath(spaces, **RELAY_IMPAIR)
        w = spaces.woshou(path.ns, route_big(big_file), kernel_side=False)
        path.join_woshou()
        servers = [LinuxServer(path.server, big_file)]
        urls = [("woshou", f"http://{WOSHOU_IP}/big"),
                ("linux", "http://198.18.0.3/big")]
        if "bbr" in path.server.exec(
                ["cat", "/proc/sys/net/ipv4/tcp_available_congestion_control"]).stdout.split():
            servers.append(LinuxServer(path.server, big_file, port=8080, cc="bbr"))
            urls.append(("linux-bbr", "http://198.18.0.3:8080/big"))
            runs["linux-bbr"] = []
        out = tmp_path_factory.mktemp("relay")
        for i in range(RELAY_ROUNDS):
            for who, url in urls:
                f = out / f"{who}{i}.bin"
                runs[who].append(curl_get(path.client, url, f, max_time=45))
                files.append((who, f))
        res = dict(runs=runs, files=files)
        res["counters"] = w.snapshot_after("/woshou/tcp/stats")
        for srv in servers:
            srv.stop()
        res["relay"] = path.stop()
    finally:
        # Everything stops before the next test starts a woshou of its own.
        spaces.close()
    c = res["counters"]
    res["mbit"] = {who: statistics.median(mbit(n, t) for n, t, *_ in r)
                   for who, r in runs.items()}
    table(f"relay path {RELAY_IMPAIR}, 16 MB downloads by curl, "
          f"{RELAY_ROUNDS} per server alternating (counters: woshou's, all rounds)",
          ["server", "Mbit/s each", "median"] + list(SHOWN),
          [[who, " ".join(f"{mbit(n, t):.1f}" for n, t, *_ in r),
            f"{res['mbit'][who]:.1f}"] +
           ([c.get(k, 0) for k in SHOWN] if who == "woshou" else [""] * len(SHOWN))
           for who, r in runs.items()])
    print(f"  ratio of medians woshou/linux ({LINUX_CC}) "
          f"{res['mbit']['woshou'] / max(res['mbit']['linux'], 1e-9):.2f}")
    if "linux-bbr" in runs:
        print("  linux-bbr: for information only, not compared: BBR does not "
              "take random loss for congestion")
    print("  relay: " + res["relay"].replace("\n", "; "))
    return res


def test_relay_download_byte_exact(relay_download, big_file):
    src = big_file.read_bytes()
    for who, runs in relay_download["runs"].items():
        for r in runs:
            assert r[2] == 0, f"curl from {who}: {r}"
    for who, f in relay_download["files"]:
        assert f.read_bytes() == src, f"{who}'s download {f.name} differs"
    # The path really lost and reordered, both ways.
    for line in relay_download["relay"].splitlines():
        counts = dict(kv.split("=") for kv in line.split()[1:])
        assert int(counts["lost"]) > 0 and int(counts["reordered"]) > 0, line


def test_relay_linux_sack_drives_woshou_recovery(relay_download):
    c = relay_download["counters"]
    assert c.get("dupacks_rx", 0) > 0, c
    # Strict: the recovery must have been driven by Linux's SACK blocks
    # (scoreboard or RACK), not by NewReno's duplicate-ACK counting.
    assert sum(c.get(k, 0) for k in SACK_COUNTERS) > 0, \
        {k: c.get(k, 0) for k in SHOWN}


def test_relay_goodput_against_linux(relay_download):
    g = relay_download["mbit"]
    ratio = g["woshou"] / max(g["linux"], 1e-9)
    print(f"  relay goodput ratio {ratio:.2f} (issue 17's goal {MIN_RATIO})")
    assert ratio >= MIN_RATIO, \
        f"woshou {g['woshou']:.1f} Mbit/s, Linux {g['linux']:.1f} (medians): ratio {ratio:.2f}"


# -- relay path: a Linux client sends into woshou ---------------------------

def test_relay_upload_echo_byte_exact(spaces, tmp_path):
    """8 MB from nc through the relay into woshou's echo service and back:
    the bytes come back exactly, and woshou's SACK blocks drove Linux's
    recovery of what the relay lost on the way in (the client's own
    TcpExtTCPSackRecovery)."""
    path = RelayPath(spaces, **RELAY_IMPAIR)
    w = spaces.woshou(path.ns, kernel_side=False)
    path.join_woshou()
    src, out = tmp_path / "src.bin", tmp_path / "out.bin"
    src.write_bytes(os.urandom(8 << 20))
    before = kernel_counters(path.client)
    t0 = time.monotonic()
    rc = path.client.sh(f"nc -N -w 30 {WOSHOU_IP} 7 < {src} > {out}",
                        check=False, timeout=120).returncode
    secs = time.monotonic() - t0
    after = kernel_counters(path.client)
    c = w.snapshot_after("/woshou/tcp/stats")
    report = path.stop()
    k = {n: after.get(n, 0) - before.get(n, 0) for n in
         ("TcpExtTCPSackRecovery", "TcpExtTCPSACKReorder", "TcpRetransSegs")}
    got = out.stat().st_size
    table(f"relay path {RELAY_IMPAIR}, 8 MB echoed (nc -> woshou -> nc)",
          ["bytes back", "seconds", "Mbit/s each way", "linux sack_recovery",
           "linux retrans_segs", "woshou ooo_queued", "woshou dupacks_tx"]
          + [f"woshou {n}" for n in SHOWN],
          [[got, f"{secs:.2f}", f"{mbit(got, secs):.1f}",
            k["TcpExtTCPSackRecovery"], k["TcpRetransSegs"],
            c.get("ooo_queued", 0), c.get("dupacks_tx", 0)]
           + [c.get(n, 0) for n in SHOWN]])
    print("  relay: " + report.replace("\n", "; "))
    assert rc == 0 and got == 8 << 20, (rc, got, report)
    assert out.read_bytes() == src.read_bytes()
    assert c.get("data_bytes_rx", 0) >= 8 << 20, c
    assert k["TcpExtTCPSackRecovery"] > 0, k


# -- router path: tbf bottleneck and nftables loss --------------------------

ROUTER_MAX_TIME = 5             # seconds per transfer; Linux needs < 1
# Transfers per server, alternating (see HANDSHAKE_RTO_S).
ROUTER_ROUNDS = 5


@pytest.mark.parametrize("loss_permille", [1, 10, 30],
                         ids=["loss0.1%", "loss1%", "loss3%"])
def test_router_goodput_vs_linux(spaces, big_file, loss_permille):
    path = RouterPath(spaces)
    path.shape(RATE_MBIT, loss_permille)
    w = spaces.woshou(path.router, route_big(big_file), "ip.gateway=198.18.0.1")
    srv = LinuxServer(path.server, big_file)
    got = dict(linux=[0, 0.0], woshou=[0, 0.0])
    drops = dict(linux=0, woshou=0)
    fails = []
    each = dict(linux=[], woshou=[])
    each_mbit = dict(linux=[], woshou=[])
    rto = dict(linux=0, woshou=0)
    handshakes = dict(linux=0, woshou=0)

    def timeouts(who):
        """The server's RTOs so far (Linux: TCPTimeouts, woshou: rto_expired)."""
        if who == "linux":
            return kernel_counters(path.server)["TcpExtTCPTimeouts"]
        return w.snapshot_after("/woshou/tcp/stats").get("rto_expired", 0)

    for _ in range(ROUTER_ROUNDS):
        for who, url in (("linux", "http://198.18.2.2/big"),
                         ("woshou", f"http://{WOSHOU_IP}/big")):
            d0 = path.dropped()
            r0 = timeouts(who)
            n, s, rc, connect = curl_get(path.client, url, max_time=ROUTER_MAX_TIME)
            r1 = timeouts(who)
            drops[who] += path.dropped() - d0
            rto[who] += r1 - r0
            got[who][0] += n
            got[who][1] += s
            # A lost SYN-ACK costs either stack the initial RTO, 1 s
            # (RFC 6298), before the first byte: luck, and not the
            # loss recovery compared here. The transfer's own time
            # starts when the client has its connection.
            slow_handshake = connect > HANDSHAKE_RTO_S
            handshakes[who] += slow_handshake
            each[who].append(f"{mbit(n, s - connect):.0f}" + ("*" * (r1 - r0))
                             + ("h" if slow_handshake else ""))
            each_mbit[who].append(mbit(n, s - connect))
            if rc not in (0, 28):           # 28: --max-time, a partial transfer
                fails.append((who, rc))
    srv.stop()
    c = w.snapshot_after("/woshou/tcp/stats")
    g = {who: mbit(*v) for who, v in got.items()}
    ratio = g["woshou"] / max(g["linux"], 1e-9)
    table(f"router path: tbf {RATE_MBIT} Mbit/s, {loss_permille / 10}% loss on the data "
          f"direction, {ROUTER_ROUNDS} x 16 MB each (at most {ROUTER_MAX_TIME} s each)",
          ["server", "bytes", "seconds", "Mbit/s", "nft drops", "ratio"]
          + list(SHOWN),
          [["woshou", got["woshou"][0], f"{got['woshou'][1]:.2f}", f"{g['woshou']:.1f}",
            drops["woshou"], f"{ratio:.2f}"] + [c.get(k, 0) for k in SHOWN],
           ["linux", got["linux"][0], f"{got['linux'][1]:.2f}", f"{g['linux']:.1f}",
            drops["linux"], ""] + [""] * len(SHOWN)])
    print(f"  per transfer after the handshake (Mbit/s, * per RTO, h: SYN-ACK resent): "
          f"woshou {' '.join(each['woshou'])}; linux {' '.join(each['linux'])}; "
          f"RTOs woshou {rto['woshou']} linux {rto['linux']} (woshou's count "
          f"SYN-ACK timeouts, Linux's do not); SYN-ACKs resent woshou "
          f"{handshakes['woshou']} linux {handshakes['linux']}")
    assert not fails, fails
    assert drops["woshou"] > 0 and drops["linux"] > 0, drops
    med = {who: statistics.median(v) for who, v in each_mbit.items()}
    med_ratio = med["woshou"] / max(med["linux"], 1e-9)
    print(f"  median transfer: woshou {med['woshou']:.1f} Mbit/s, linux {med['linux']:.1f}: "
          f"ratio {med_ratio:.2f}")
    assert med_ratio >= MIN_RATIO, \
        f"median woshou {med['woshou']:.1f} Mbit/s, Linux {med['linux']:.1f}: " \
        f"ratio {med_ratio:.2f}"
