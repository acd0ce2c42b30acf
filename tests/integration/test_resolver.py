# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""The stub resolver against dnsmasq: ws_lookup (tests/tools/ws_lookup.c)
runs the stack on net_tap in the test's namespace and looks names up with
ws_resolve() on worker 0; dnsmasq answers on the kernel side of the tap,
198.18.0.1, for the zone ws.test (RFC 6761) only. Each ws_lookup run is a
fresh stack with an empty cache.
"""

import os
import re
import signal
import subprocess
import time

from conftest import KERNEL_IP, WOSHOU, Collected, dpdk_argv

LOOKUP = os.environ.get(
    "WS_LOOKUP_BIN",
    os.path.join(os.path.dirname(os.path.dirname(WOSHOU)), "tests", "ws_lookup"))
TIMEOUT_MS = 400
ATTEMPTS = 2


class Dnsmasq(Collected):
    """dnsmasq in the namespace, ended by its PID; queries it logs."""

    def __init__(self, ns, *records):
        # ip netns exec execs dnsmasq itself, so this PID is dnsmasq's.
        argv = ["ip", "netns", "exec", ns.name, "dnsmasq", "--no-daemon",
                "--no-resolv", "--no-hosts", "--pid-file=",
                f"--listen-address={KERNEL_IP}", "--bind-interfaces",
                # Names under ws.test are answered from the records alone:
                # the others in it are NXDOMAIN, the rest REFUSED.
                "--local=/ws.test/", "--local-ttl=60", "--log-queries"]
        argv += [f"--host-record={r}" for r in records]
        super().__init__(argv)
        self.wait_for("started", timeout=10)

    def queries(self):
        return [line for line in self.output.splitlines() if "query[" in line]


class Lookup(Collected):
    """One ws_lookup run: started, the kernel side of its tap configured,
    then released with a line on its stdin (--wait)."""

    def __init__(self, ns, args, sets=()):
        self.ns = ns
        argv = dpdk_argv(ns, LOOKUP, (f"resolver.servers={KERNEL_IP}",
                                      f"resolver.timeout_ms={TIMEOUT_MS}",
                                      f"resolver.attempts={ATTEMPTS}") + tuple(sets))
        super().__init__(argv + ["--wait"] + list(args), stdin=subprocess.PIPE)
        self.released = None

    def ready(self, timeout=60):
        """Wait for the tap, and give the kernel side its address."""
        self.wait_for(r"(?m)^ready$", timeout)
        self.ns.configure_kernel_side()

    def go(self):
        self.released = time.monotonic()
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def finish(self, timeout=60):
        """Wait for the exit; returns (exit status, seconds since go)."""
        try:
            self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            self.reader.join(5)
        return self.proc.returncode, time.monotonic() - self.released

    def results(self):
        """The answer lines, in order (everything after 'ready' that is
        not a counter)."""
        lines = self.lines[self.lines.index("ready") + 1:]
        return [line for line in lines if not line.startswith("dns.")]

    def counters(self):
        return {k: int(v) for k, v in re.findall(r"^dns\.(res_\w+) (\d+)$",
                                                  self.output, re.M)}


def lookup(ns, args, sets=(), dns=None, records=(), before_go=None):
    """Run ws_lookup with dnsmasq (records, unless dns is given or records
    is None) up; returns (Lookup, exit status, seconds, Dnsmasq)."""
    lk = Lookup(ns, args, sets)
    own = None
    try:
        lk.ready()
        if dns is None and records is not None:
            dns = own = Dnsmasq(ns, *records)
        if before_go is not None:
            before_go()
        lk.go()
        rc, secs = lk.finish()
    finally:
        lk.stop()
        if own is not None:
            own.stop()
    return lk, rc, secs, dns


RECORDS = ("www.ws.test,198.18.0.10", "www.ws.test,198.18.0.11",
           "peer.ws.test,198.18.0.1",
           # IPv6 only (a documentation address): NODATA for A.
           "v6.ws.test,2001:db8::1")


def test_answers_nxdomain_nodata_refused_and_cache(netns):
    names = ["www.ws.test", "nx.ws.test=nxdomain", "V6.ws.test.=nodata",
             "elsewhere.test=error", "198.18.0.7"]
    lk, rc, _, dns = lookup(netns, ["--repeat"] + names, records=RECORDS)
    expected = ["www.ws.test 198.18.0.10 198.18.0.11",
                "nx.ws.test NXDOMAIN",
                "V6.ws.test. NODATA",
                "elsewhere.test ERROR",
                "198.18.0.7 198.18.0.7"]
    # The second round comes from the cache, but for the failure.
    assert lk.results() == expected + expected, lk.output
    assert rc == 0, lk.output
    c = lk.counters()
    assert c["res_queries"] == 10
    assert c["res_literal"] == 2
    assert c["res_answers"] == 1
    assert c["res_nxdomain"] == 1
    assert c["res_nodata"] == 1
    assert c["res_hits"] == 1
    assert c["res_neg_hits"] == 2
    # REFUSED is an error: asked again, twice per run, never cached.
    assert c["res_errors"] == 2 * ATTEMPTS
    assert c["res_misses"] == 5
    assert c["res_sent"] == 3 + 2 * ATTEMPTS
    assert c["res_bad_reply"] == 0
    assert c["res_timeouts"] == 0
    assert len(dns.queries()) == c["res_sent"], dns.output


def test_timeout_when_dnsmasq_stopped(netns):
    # Up: answered.
    lk, rc, _, _ = lookup(netns, ["www.ws.test"], records=RECORDS)
    assert rc == 0, lk.output
    assert lk.results() == ["www.ws.test 198.18.0.10 198.18.0.11"]

    # Stopped: the kernel answers port unreachable, which skips the wait.
    lk, rc, secs, _ = lookup(netns, ["www.ws.test=timeout"], records=None)
    assert rc == 0, lk.output
    assert lk.results() == ["www.ws.test TIMEOUT"], lk.output
    c = lk.counters()
    assert c["res_timeouts"] == 1
    assert c["res_sent"] == ATTEMPTS
    assert c["res_unreachable"] >= 1
    assert c["res_answers"] == 0
    assert secs < ATTEMPTS * TIMEOUT_MS / 1000, lk.output


def test_timeout_when_queries_vanish(netns):
    # Dropped on the way in, without ICMP: every attempt waits its timeout.
    def drop_dns():
        netns.sh("nft add table inet wsres && "
                 "nft add chain inet wsres input "
                 "'{ type filter hook input priority 0; }' && "
                 "nft add rule inet wsres input udp dport 53 drop")

    lk, rc, secs, dns = lookup(netns, ["www.ws.test=timeout",
                                       "198.18.0.9"],
                               records=RECORDS, before_go=drop_dns)
    assert rc == 0, lk.output
    assert lk.results() == ["www.ws.test TIMEOUT", "198.18.0.9 198.18.0.9"]
    c = lk.counters()
    assert c["res_sent"] == ATTEMPTS
    assert c["res_retries"] == ATTEMPTS - 1
    assert c["res_timeouts"] == 1
    assert c["res_unreachable"] == 0
    assert secs >= ATTEMPTS * TIMEOUT_MS / 1000
    assert dns.queries() == []


def test_connect_by_name_to_nc(netns, tmp_path):
    sent = "hello nc, from woshou by name\n\tline two\r\n"
    reply = "pong from the kernel\n"
    (tmp_path / "reply").write_text(reply)
    received = tmp_path / "received"
    nc = []

    def start_nc():
        # Once the tap has its address. -N: shut down after the reply, so
        # that woshou sees the end of it.
        nc.append(netns.popen(["sh", "-c", f"exec nc -l -N -w 30 {KERNEL_IP} 7000 "
                                           f"< {tmp_path / 'reply'} > {received}"]))
        netns.wait_listening(7000, nc[0])

    try:
        lk, rc, _, dns = lookup(netns, ["--connect", "peer.ws.test:7000",
                                        "--send", sent],
                                records=RECORDS, before_go=start_nc)
        assert nc[0].wait(30) == 0
    finally:
        if nc and nc[0].poll() is None:
            nc[0].send_signal(signal.SIGTERM)
            nc[0].wait(10)
    assert rc == 0, lk.output
    assert lk.results() == [
        "peer.ws.test:7000 REPLY pong from the kernel\\x0a",
        "peer.ws.test:7000 CLOSED NORMAL"], lk.output
    assert received.read_bytes() == sent.encode()
    c = lk.counters()
    assert c["res_answers"] == 1
    assert c["res_sent"] == 1
    assert len(dns.queries()) == 1


def test_connect_by_name_nxdomain(netns):
    lk, rc, _, _ = lookup(netns, ["--connect", "nobody.ws.test:7000",
                                  "--send", "x"], records=RECORDS)
    assert lk.results() == ["nobody.ws.test:7000 FAILED NXDOMAIN"], lk.output
    assert rc == 1
