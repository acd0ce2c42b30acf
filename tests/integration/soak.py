#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Soak: mixed load on woshou (two workers) through impair.py for a given
time, then a check that nothing leaked. Run by scripts/soak (root), which
builds woshou and chooses the memory mode; not part of CI.

In a namespace of its own: woshou on net_tap, the kernel client on a veth
relayed to woshou's tap by impair.py (loss, reordering, duplication,
delay). Concurrently, until the time is up:
  - HTTP short connections: ab, one request a connection;
  - HTTP keep-alive: ab -k;
  - bulk upload and back: 4 MiB of random bytes through echo (port 7),
    compared byte for byte;
  - bulk download: a 4 MiB random file served on /big, compared by SHA-256;
  - a bounded SYN flood (synflood.py: trafgen from 198.19.0.0/16, within
    198.18.0.0/15) for 10 s of every minute at --flood-rate SYNs a second;
  - DNS queries (dig, three tries) to woshou's zone.
At the end, with the load stopped: every transfer byte-exact, no load
failure beyond what is stated below, connections other than LISTEN and
TIME_WAIT back to the baseline, the mbufs in use (loop.rx_mbufs_in_use,
tx_mbufs_in_use) back to the baseline, and woshou's RSS grown by no more
than --rss-max-mb since the end of the warm-up. Prints one screen; exit
status 1 on any failure.
"""

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import (ImpairedPath, Namespace, Woshou, WOSHOU_IP,  # noqa: E402
                      ab_counts, wait_until)
import synflood  # noqa: E402

TWO_WORKERS = ("workers.lcores=1,2", "workers.cpus=1,0", "workers.idle_sleep_us=20")
BULK = 4 << 20
# DNS answers may be lost three times in a row on a lossy path; a soak
# fails on more than this share of unanswered queries.
DNS_MAX_UNANSWERED = 0.01


class Load(threading.Thread):
    """One kind of load, in a loop until 'stop' is set; counts runs, what
    went right (ok) and what failed, with the first few failures' text."""

    def __init__(self, name, stop, fn):
        super().__init__(daemon=True, name=name)
        self.stop, self.fn = stop, fn
        self.runs = self.ok = self.failed = 0
        self.units = 0          # requests, bytes, queries: what fn counts
        self.failures = []
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.runs += 1
                ok, units, why = self.fn()
                self.units += units
                if ok:
                    self.ok += 1
                else:
                    self.failed += 1
                    if len(self.failures) < 3:
                        self.failures.append(why)
        except Exception as e:  # a bug in the soak itself: report it
            self.error = repr(e)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


def busy(states):
    return states["total"] - states["LISTEN"]["total"] - states["TIME_WAIT"]["total"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--loss", type=float, default=1)
    ap.add_argument("--reorder", type=float, default=5)
    ap.add_argument("--duplicate", type=float, default=1)
    ap.add_argument("--delay-ms", type=float, default=2)
    ap.add_argument("--flood-rate", type=int, default=2000,
                    help="SYNs a second during a flood (10 s of each minute); 0: no flood")
    ap.add_argument("--rss-max-mb", type=float, default=16,
                    help="allowed RSS growth after the warm-up, MiB")
    ap.add_argument("--pcap", metavar="FILE",
                    help="capture the handshakes, closes and small segments on port 80 "
                         "(both sides of the relay) into FILE, to see why a client failed")
    ap.add_argument("--prefix", default=os.environ.get("WOSHOU_TEST_PREFIX", "ws_soak"))
    a = ap.parse_args()

    duration = a.minutes * 60
    warmup = min(60.0, duration / 5)
    tmp = tempfile.mkdtemp(prefix="ws-soak-")
    big = os.path.join(tmp, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(BULK))
    big_sum = sha256(big)
    src = os.path.join(tmp, "echo-src.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(BULK))

    ns = Namespace()
    w = path = pcap = None
    loads = []
    stop = threading.Event()
    failures = []
    try:
        w = Woshou(ns, prefix=a.prefix, sets=TWO_WORKERS + (
            f"http.route3=/big application/octet-stream file:{big}",))
        w.mac = w.wait_for_tap(ns)
        path = ImpairedPath(ns, w, seconds=int(duration + 600), loss=a.loss,
                            reorder=a.reorder, duplicate=a.duplicate,
                            delay_ms=a.delay_ms)
        if a.pcap:
            # Control segments and anything small: what a failed handshake
            # or a reset needs, without the bulk transfers' data.
            pcap = ns.popen(["tcpdump", "-i", "any", "-s", "128", "-U", "-w", a.pcap,
                             "tcp port 80 and (tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) "
                             "!= 0 or less 200)"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: ns.exec(["ping", "-c", "1", "-W", "1", WOSHOU_IP],
                                   check=False).returncode == 0,
                   timeout=30, what="woshou never answered ping")
        base_loop = w.snapshot_after("/woshou/loop/stats")
        base_states = w.snapshot_after("/woshou/tcp/states")
        url = f"http://{WOSHOU_IP}"

        def ab(keepalive):
            def fn():
                argv = ["ab", "-q", "-n", "500" if keepalive else "100",
                        "-c", "4", "-s", "30"] + (["-k"] if keepalive else []) + \
                    [f"{url}/hello"]
                r = ns.exec(argv, check=False, timeout=300)
                if r.returncode != 0 or "Complete requests" not in r.stdout:
                    return False, 0, (r.stderr or r.stdout).strip()[-200:]
                done, bad, non2xx = ab_counts(r.stdout)
                return bad == 0 and non2xx == 0, done, \
                    f"{done} complete, {bad} failed, {non2xx} non-2xx"
            return fn

        def echo():
            out = os.path.join(tmp, f"echo-out-{threading.get_ident()}.bin")
            r = ns.sh(f"nc -N -w 30 {WOSHOU_IP} 7 < {src} > {out}",
                      check=False, timeout=300)
            size = os.path.getsize(out) if os.path.exists(out) else 0
            same = size == BULK and sha256(out) == sha256(src)
            return same, size, f"nc exit {r.returncode}, {size} bytes back, " + \
                ("same" if same else "different")

        def download():
            out = os.path.join(tmp, "big-out.bin")
            r = ns.exec(["curl", "-sS", "--max-time", "120", "-o", out, f"{url}/big"],
                        check=False, timeout=300)
            size = os.path.getsize(out) if os.path.exists(out) else 0
            same = r.returncode == 0 and size == BULK and sha256(out) == big_sum
            return same, size, f"curl exit {r.returncode} {r.stderr.strip()}, " \
                f"{size} bytes, " + ("same" if same else "different")

        def dns():
            r = ns.exec(["dig", "+tries=3", "+time=2", "+short", f"@{WOSHOU_IP}",
                         "woshou.test", "A"], check=False, timeout=60)
            ok = r.returncode == 0 and r.stdout.strip() != ""
            return ok, 1, f"dig exit {r.returncode}: {r.stdout.strip()[-100:]}"

        flood_sent = [0]

        def flood():
            # 10 s of SYNs at the start of every minute, then rest.
            start = time.monotonic()
            fl = synflood.Flood(ns.name, "vc0", w.mac, a.flood_rate * 10, a.flood_rate)
            try:
                sent = fl.wait() or 0
            except AssertionError as e:
                return False, 0, str(e)[-200:]
            flood_sent[0] += sent
            stop.wait(max(0.0, 60 - (time.monotonic() - start)))
            return True, sent, ""

        for name, fn in (("http short (ab)", ab(False)),
                         ("http keep-alive (ab -k)", ab(True)),
                         ("bulk echo 4 MiB", echo),
                         ("bulk GET /big 4 MiB", download),
                         ("syn flood", flood if a.flood_rate > 0 else None),
                         ("dns (dig)", dns)):
            if fn is not None:
                loads.append(Load(name, stop, fn))
        t0 = time.monotonic()
        for ld in loads:
            ld.start()

        rss = []
        rss_base = None
        while time.monotonic() - t0 < duration:
            time.sleep(5)
            r = rss_kib(w.proc.pid)
            rss.append(r)
            if rss_base is None and time.monotonic() - t0 >= warmup:
                rss_base = r
            if w.proc.poll() is not None:
                failures.append(f"woshou exited {w.proc.returncode} during the soak")
                break
        stop.set()
        for ld in loads:
            ld.join(600)
        elapsed = time.monotonic() - t0

        # Everything closed but TIME_WAIT; the pools back where they began.
        states = wait_until(lambda: w.snapshot_after("/woshou/tcp/states"),
                            lambda st: busy(st) <= busy(base_states), timeout=120,
                            fail=False)
        loop = wait_until(
            lambda: w.snapshot_after("/woshou/loop/stats"),
            lambda ls: ls["rx_mbufs_in_use"] <= base_loop["rx_mbufs_in_use"] and
            ls["tx_mbufs_in_use"] <= base_loop["tx_mbufs_in_use"],
            timeout=60, fail=False)
        tcp = w.telemetry("/woshou/tcp/stats")
        rss_end = rss_kib(w.proc.pid)
        if rss_base is None:
            rss_base = rss[0] if rss else rss_end
        relay = path.stop()
        rc = w.stop(drain_wait=1)

        # The report.
        print(f"woshou soak: {elapsed / 60:.1f} min, 2 workers, impaired path: "
              f"loss {a.loss}% reorder {a.reorder}% duplicate {a.duplicate}% "
              f"delay {a.delay_ms} ms")
        print(f"{'load':<26}{'runs':>7}{'ok':>7}{'failed':>8}  amount")
        amounts = {"http short (ab)": "{} requests",
                   "http keep-alive (ab -k)": "{} requests",
                   "bulk echo 4 MiB": "{} bytes back, byte-exact",
                   "bulk GET /big 4 MiB": "{} bytes, SHA-256 checked",
                   "syn flood": "{} SYNs" + f" at {a.flood_rate}/s",
                   "dns (dig)": "{} queries"}
        for ld in loads:
            print(f"{ld.name:<26}{ld.runs:>7}{ld.ok:>7}{ld.failed:>8}  "
                  + amounts[ld.name].format(ld.units))
            for why in ld.failures:
                print(f"    failure: {why}")
            if ld.error:
                failures.append(f"{ld.name}: soak error {ld.error}")
            if ld.name == "dns (dig)":
                if ld.failed > DNS_MAX_UNANSWERED * max(ld.runs, 1):
                    failures.append(f"dns: {ld.failed} of {ld.runs} unanswered "
                                    f"(more than {DNS_MAX_UNANSWERED:.0%})")
            elif ld.failed:
                failures.append(f"{ld.name}: {ld.failed} failed")
            if ld.ok == 0:
                failures.append(f"{ld.name}: never succeeded")
        print(f"tcp: {tcp.get('passive_opens', 0)} accepted, "
              f"{tcp.get('retransmits', 0)} retransmits, "
              f"{tcp.get('cookie_synack_tx', 0)} cookie SYN-ACKs, "
              f"{tcp.get('cookie_validated', 0)} cookies validated, "
              f"{tcp.get('rst_tx', 0)} RSTs sent")
        # Why woshou reset anything: the counters that answer with RST.
        causes = ["rst_no_conn", "drop_listen_ack", "cookie_bad_hash", "cookie_too_old",
                  "cookie_bad_index", "cookie_ack_unchecked", "conn_refused_by_app",
                  "drain_rst", "drain_refused", "drop_backlog", "drop_half_open",
                  "accept_overflow", "challenge_ack_tx"]
        print("resets and drops at the listener: " + (", ".join(f"{k} {tcp[k]}" for k in causes
                                            if tcp.get(k)) or "nothing"))
        print(f"connections (not LISTEN/TIME_WAIT): {busy(states)} "
              f"(baseline {busy(base_states)}); TIME_WAIT {states['TIME_WAIT']['total']}")
        print(f"mbufs in use: rx {loop['rx_mbufs_in_use']} "
              f"(baseline {base_loop['rx_mbufs_in_use']}), tx {loop['tx_mbufs_in_use']} "
              f"(baseline {base_loop['tx_mbufs_in_use']})")
        growth = (rss_end - rss_base) / 1024
        print(f"RSS: {rss_base / 1024:.1f} MiB after {warmup:.0f} s warm-up, "
              f"{rss_end / 1024:.1f} MiB at the end, peak {max(rss + [rss_end]) / 1024:.1f} MiB; "
              f"growth {growth:+.1f} MiB (bound {a.rss_max_mb:g} MiB)")
        for line in relay.strip().splitlines():
            print(f"relay: {line}")
        print(f"woshou exit status {rc}")
        if busy(states) > busy(base_states):
            failures.append("connections not back to the baseline")
        if loop["rx_mbufs_in_use"] > base_loop["rx_mbufs_in_use"] or \
                loop["tx_mbufs_in_use"] > base_loop["tx_mbufs_in_use"]:
            failures.append("mbufs in use not back to the baseline")
        if growth > a.rss_max_mb:
            failures.append(f"RSS grew {growth:.1f} MiB, more than {a.rss_max_mb:g}")
        if rc != 0:
            failures.append(f"woshou exited {rc}")
    except Exception as e:
        failures.append(f"soak aborted: {e!r}"[:2000])
    finally:
        stop.set()
        if pcap is not None:
            pcap.terminate()
            pcap.wait(30)
        if path is not None:
            path.stop()
        if w is not None and w.proc.poll() is None:
            try:
                w.stop(drain_wait=1)
            except AssertionError as e:
                failures.append(str(e)[:2000])
        ns.delete()
        shutil.rmtree(tmp, ignore_errors=True)
    print("RESULT: " + ("PASS" if not failures else "FAIL"))
    for f in failures:
        print(f"  {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
