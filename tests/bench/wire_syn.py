#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""SYN flood on a wire, against Linux and against woshou.

Two namespaces joined by a veth pair: veth0 (generator, 198.18.1.1/24) and
veth1 (server, 198.18.1.2/24). trafgen, pinned to CPU 0, sends SYNs from
random sources in 198.19.0.0/16 to 198.18.1.2:80; the server namespace
routes 198.19.0.0/16 back via 198.18.1.1, where the SYN-ACKs are counted
(veth0 rx_packets) and dropped (the generator namespace has no address in
198.19.0.0/16 and does not forward).

The server, in turn:
  linux   a listener on 198.18.1.2:80, net.ipv4.tcp_syncookies = 2 in its
          namespace; receive processing moved to CPU 1 with RPS
          (veth1 rps_cpus = CPU 1, veth0 rps_cpus = CPU 0 so that the
          SYN-ACKs' receive work goes back to the generator's core).
          CPU per SYN: CPU 1's softirq time (/proc/stat) / SYN-ACKs.
  woshou  build/app/woshou on net_af_xdp (veth1), its one worker on CPU 1,
          syncookies = always, with WOSHOU_SETTINGS (below: replies held
          for fuller transmit bursts, receive polls spaced after short
          bursts, no busy-poll recvfrom on empty polls). CPU per SYN: the
          worker's busy cycles / TSC Hz / cookie SYN-ACKs, both from the
          same telemetry snapshots. A poll is busy if it received or sent.
  woshou-nohold
          the same without WOSHOU_SETTINGS (every poll sends what it made,
          polls back to back): the configuration before those settings.

For all, gen-core figures are CPU 0's time per SYN-ACK from /proc/stat:
its softirq time (veth1's XDP receive for woshou runs there, in the
sender's NAPI) and all its busy time (trafgen included). CPU1 other
(server_cpu_other_pct) is CPU 1's time taken by something else than the
server: Linux's busy time outside softirq, 100% less woshou's worker's
time on the CPU (worker_oncpu_pct, from schedstat). Above a few percent
the figures are noisy: woshou's us_per_syn then includes the time its
worker was off its core; us_per_syn_oncpu takes that time out.

Each measurement: a fixed window (--seconds) inside a bounded flood, at a
fixed rate (--rate) and at trafgen's maximum; medians of --runs runs.
Needs root, trafgen (netsniff-ng), two CPUs.

Usage: wire_syn.py [--json FILE] [--seconds S] [--runs N] [--rate PPS]
                   [--woshou PATH] [--servers linux,woshou,woshou-nohold]
                   [--woshou-set SECTION.KEY=VALUE]...
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import synflood  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
from netns import cpu_stat, median_of, netstat, sh  # noqa: E402

GEN_IP, SRV_IP = "198.18.1.1", "198.18.1.2"
GEN_CPU, SRV_CPU = 0, 1
USER_HZ = netns.USER_HZ
MAX_RATE = 1_000_000          # trafgen "max": far above what it reaches here

# woshou's settings for this wire (see the README's Benchmarks section):
# a reply burst waits up to 50 us to fill, so that one sendto() wake-up of
# the AF_XDP socket carries up to 32 SYN-ACKs instead of 3-4; after a
# poll that found less than a burst the next starts 50 us later, so that
# it finds more; busy_budget=0 turns off the PMD's preferred busy polling,
# whose recvfrom() on every empty poll found no work to do on veth (perf):
# without it an empty poll makes no system call.
WOSHOU_SETTINGS = ("workers.tx_hold_us=50", "workers.rx_wait_us=50",
                   "eal.vdev=net_af_xdp0,iface=veth1,busy_budget=0")


def make_wire():
    """The two namespaces and the veth pair (netns.Wire), with the spoofed
    sources routed back to the generator and RPS: SYNs arriving on veth1
    are processed on the server CPU, the SYN-ACKs arriving on veth0 on the
    generator's."""
    wire = netns.Wire(GEN_IP, SRV_IP, tag="wssyn")
    try:
        sh("ip", "-n", wire.srv, "route", "add", "198.19.0.0/16", "via", GEN_IP)
        wire.set_rps(1 << SRV_CPU, 1 << GEN_CPU)
    except BaseException:
        wire.close()
        raise
    return wire


class Flood(netns.Proc):
    """trafgen in the generator namespace, pinned to CPU 0, bounded by
    count and rate; stopped by its own PID and process group (netns.Proc:
    trafgen forks its worker)."""

    def __init__(self, wire, rate, seconds):
        fd, self.cfg = tempfile.mkstemp(prefix="wire-syn-", suffix=".cfg")
        with os.fdopen(fd, "w") as f:
            f.write(synflood.syn_config(wire.srv_mac, wire.gen_mac,
                                        options=True, dport=80, dst_ip=SRV_IP))
        count = min(int(rate * (seconds + 4)), 10_000_000)
        # "max": paced at 1M/s, far above trafgen's ~570k/s here (without
        # --rate trafgen uses its TX_RING, whose flush fails on veth).
        super().__init__(synflood.trafgen_argv("veth0", self.cfg, count, rate),
                         ns=wire.gen, cpus=GEN_CPU, name="trafgen")

    def close(self):
        super().close()
        if os.path.exists(self.cfg):
            os.unlink(self.cfg)


def start_flood(wire, rate, seconds):
    """A flood, past its warm-up and still running."""
    fl = Flood(wire, rate, seconds)
    time.sleep(WARMUP)
    if not fl.alive():
        fl.close()
        raise RuntimeError(f"trafgen exited: {fl.output(2000)}")
    return fl


WARMUP = 1.5


def measure_linux(wire, rate, seconds):
    fl = start_flood(wire, rate, seconds)
    try:
        t0 = time.monotonic()
        s0 = cpu_stat(SRV_CPU)
        g0 = cpu_stat(GEN_CPU)
        tx0 = wire.counter(wire.gen, "veth0", "tx_packets")
        rx0 = wire.counter(wire.gen, "veth0", "rx_packets")
        ck0 = netstat(wire.srv, "SyncookiesSent")
        time.sleep(seconds)
        t1 = time.monotonic()
        s1 = cpu_stat(SRV_CPU)
        g1 = cpu_stat(GEN_CPU)
        tx1 = wire.counter(wire.gen, "veth0", "tx_packets")
        rx1 = wire.counter(wire.gen, "veth0", "rx_packets")
        ck1 = netstat(wire.srv, "SyncookiesSent")
    finally:
        fl.close()
    dt = t1 - t0
    synacks = rx1 - rx0
    softirq_s = (s1[0] - s0[0]) / USER_HZ
    busy_s = (s1[1] - s0[1]) / USER_HZ
    return {
        "offered_pps": (tx1 - tx0) / dt,
        "synack_pps": synacks / dt,
        "cookies_sent_pps": (ck1 - ck0) / dt,
        "server_cpu_softirq_pct": 100 * softirq_s / dt,
        "server_cpu_busy_pct": 100 * busy_s / dt,
        # CPU 1's time not in softirq: something else ran there (a noisy figure).
        "server_cpu_other_pct": 100 * (busy_s - softirq_s) / dt,
        "gen_cpu_softirq_pct": 100 * (g1[0] - g0[0]) / USER_HZ / dt,
        "us_per_syn": 1e6 * softirq_s / synacks if synacks else None,
        "us_per_syn_all_busy": 1e6 * busy_s / synacks if synacks else None,
        "gen_cpu_softirq_us_per_syn":
            1e6 * (g1[0] - g0[0]) / USER_HZ / synacks if synacks else None,
        "gen_cpu_busy_pct": 100 * (g1[1] - g0[1]) / USER_HZ / dt,
        "gen_cpu_busy_us_per_syn":
            1e6 * (g1[1] - g0[1]) / USER_HZ / synacks if synacks else None,
        "seconds": dt,
    }


class Listener:
    """python3 listening on 198.18.1.2:80 in the server namespace."""

    CODE = ("import socket,time\n"
            "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            f"s.bind(('{SRV_IP}', 80)); s.listen(16)\n"
            "print('ok', flush=True)\n"
            "time.sleep(3600)\n")

    def __init__(self, wire):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", wire.srv, "taskset", "-c", str(GEN_CPU),
             sys.executable, "-c", self.CODE],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ok":
            self.stop()
            raise RuntimeError(f"listener: {line}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


class Woshou:
    """woshou on net_af_xdp over veth1, one worker on CPU 1."""

    def __init__(self, wire, binary, sets=()):
        self.prefix = f"wswire{os.getpid()}"
        argv = ["ip", "netns", "exec", wire.srv, binary,
                "--config", os.path.join(ROOT, "drivers-config", "net_tap.ini"),
                "--set", "eal.vdev=net_af_xdp0,iface=veth1",
                "--set", "port.device=net_af_xdp0",
                "--set", f"ip.addr={SRV_IP}/24",
                "--set", "workers.lcores=1",
                "--set", f"workers.cpus={SRV_CPU}",
                "--set", "workers.idle_sleep_us=0",
                "--set", "tcp.syncookies=always",
                "--set", f"eal.file_prefix={self.prefix}",
                "--set", "eal.huge=no",
                "--set", "control.print_stats=no"]
        # The last --set of a key is the one woshou keeps.
        for kv in sets:
            argv += ["--set", kv]
        self.proc = netns.Proc(argv, name="woshou")
        deadline = time.monotonic() + 20
        while True:
            try:
                st = self.stats()
                if st["info"].get("snapshot", 0) >= 1:
                    break
            except Exception:
                pass
            if not self.proc.alive() or time.monotonic() > deadline:
                text = self.proc.output(3000)
                self.stop()
                raise RuntimeError("woshou did not start:\n" + text)
            time.sleep(0.3)
        self.mac = st["info"]["mac"].lower()

    def worker_oncpu_ns(self):
        """The worker thread's time on a CPU so far (schedstat, ns): with
        one worker on CPU 1, how much of that core woshou had."""
        return netns.schedstat(netns.find_thread(self.proc.pid, "rte-worker-1"))[0]

    def stats(self):
        out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "woshou-stat"),
                              "--prefix", self.prefix, "--json"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode != 0:
            raise RuntimeError(out.stdout + out.stderr)
        return json.loads(out.stdout)

    def sample(self):
        """One snapshot: (snapshot seq, uptime_ms, busy, idle, cookie SYN-ACKs)."""
        st = self.stats()
        w = st["workers"]["worker_0"]
        return (st["info"]["snapshot"], st["info"]["uptime_ms"], w["busy_cycles"],
                w["idle_cycles"], st["stats"]["tcp"]["cookie_synack_tx"],
                w["rx_pkts"], w["tx_pkts"])

    def stop(self):
        self.proc.close()
        # the EAL's runtime directory of this run's own file prefix
        netns.remove_runtime_dir(self.prefix)


def measure_woshou(wire, ws, rate, seconds):
    fl = start_flood(wire, rate, seconds)
    try:
        t0 = time.monotonic()
        a = ws.sample()
        on0 = ws.worker_oncpu_ns()
        s0, g0 = cpu_stat(SRV_CPU), cpu_stat(GEN_CPU)
        tx0 = wire.counter(wire.gen, "veth0", "tx_packets")
        rx0 = wire.counter(wire.gen, "veth0", "rx_packets")
        time.sleep(seconds)
        t1 = time.monotonic()
        tx1 = wire.counter(wire.gen, "veth0", "tx_packets")
        rx1 = wire.counter(wire.gen, "veth0", "rx_packets")
        s1, g1 = cpu_stat(SRV_CPU), cpu_stat(GEN_CPU)
        on1 = ws.worker_oncpu_ns()
        b = ws.sample()
    finally:
        fl.close()
    if b[0] <= a[0]:
        raise RuntimeError("woshou's snapshot did not advance")
    dt = t1 - t0
    busy, idle = b[2] - a[2], b[3] - a[3]
    snap_s = (b[1] - a[1]) / 1000
    hz = (busy + idle) / snap_s          # the worker spins: busy + idle = wall
    synacks = b[4] - a[4]
    return {
        "offered_pps": (tx1 - tx0) / dt,
        "synack_pps": (rx1 - rx0) / dt,
        "cookie_synack_tx_pps": synacks / snap_s,
        "worker_rx_pps": (b[5] - a[5]) / snap_s,
        "worker_busy_pct": 100 * busy / (busy + idle) if busy + idle else None,
        "tsc_hz_from_counters": hz,
        "us_per_syn": 1e6 * busy / hz / synacks if synacks else None,
        "server_cpu_busy_pct": 100 * (s1[1] - s0[1]) / USER_HZ / dt,
        "server_cpu_system_softirq_pct": 100 * ((s1[0] - s0[0])) / USER_HZ / dt,
        "gen_cpu_softirq_pct": 100 * (g1[0] - g0[0]) / USER_HZ / dt,
        "gen_cpu_busy_pct": 100 * (g1[1] - g0[1]) / USER_HZ / dt,
        "gen_cpu_busy_us_per_syn":
            1e6 * (g1[1] - g0[1]) / USER_HZ / (rx1 - rx0) if rx1 > rx0 else None,
        # The worker spins: below about 97% something else ran on its
        # core and its busy cycles include that time (a noisy figure).
        "worker_oncpu_pct": 100 * (on1 - on0) / 1e9 / dt
            if on0 is not None and on1 is not None else None,
        "server_cpu_other_pct": 100 - 100 * (on1 - on0) / 1e9 / dt
            if on0 is not None and on1 is not None else None,
        # The same with the time the worker was off its core taken out:
        # a preemption lands in busy and idle polls alike, so busy% holds
        # for the time it ran.
        "us_per_syn_oncpu": 1e6 * busy / (busy + idle) * (on1 - on0) / 1e9 / synacks
            if synacks and on0 is not None and on1 is not None else None,
        # veth1's XDP (the redirect into woshou's AF_XDP socket) runs in the
        # NAPI of the sending CPU, the generator's: not on woshou's core.
        "gen_cpu_softirq_us_per_syn":
            1e6 * (g1[0] - g0[0]) / USER_HZ / (rx1 - rx0) if rx1 > rx0 else None,
        "seconds": dt,
        "snapshot_seconds": snap_s,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rate", type=int, default=300_000)
    ap.add_argument("--woshou", default=os.path.join(ROOT, "build", "app", "woshou"))
    ap.add_argument("--servers", default="linux,woshou",
                    help="any of linux, woshou, woshou-nohold")
    ap.add_argument("--woshou-set", action="append", default=[],
                    metavar="SECTION.KEY=VALUE",
                    help="on top of WOSHOU_SETTINGS for the woshou server")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("wire_syn.py: needs root (namespaces, trafgen)")
    if os.cpu_count() < 2:
        sys.exit("wire_syn.py: needs two CPUs")
    if not os.access(synflood.TRAFGEN, os.X_OK):
        sys.exit(f"wire_syn.py: {synflood.TRAFGEN} missing (apt-get install netsniff-ng)")
    servers = a.servers.split(",")
    rates = [a.rate, MAX_RATE]
    settings = {"woshou": list(WOSHOU_SETTINGS) + a.woshou_set, "woshou-nohold": []}
    results = {"seconds": a.seconds, "runs": a.runs, "gen_cpu": GEN_CPU,
               "server_cpu": SRV_CPU, "woshou_settings": settings, "cases": []}

    def record(server, rate, runs):
        c = {"server": server, "rate": "max" if rate >= MAX_RATE else rate,
             "runs": runs}
        for k in runs[0]:
            c["median_" + k] = median_of(runs, k)
        results["cases"].append(c)
        print(f"  {server:13s} {c['rate']!s:>7s}: " + ", ".join(
            f"{k} {runs[i][k]:.3g}" for i in range(len(runs))
            for k in ("synack_pps", "us_per_syn") if runs[i].get(k) is not None),
            flush=True)

    wire = make_wire()
    try:
        if "linux" in servers:
            sh("sysctl", "-qw", "net.ipv4.tcp_syncookies=2", ns=wire.srv)
            li = Listener(wire)
            try:
                for rate in rates:
                    record("linux", rate, [measure_linux(wire, rate, a.seconds)
                                           for _ in range(a.runs)])
            finally:
                li.stop()
        for name in ("woshou", "woshou-nohold"):
            if name not in servers:
                continue
            ws = Woshou(wire, a.woshou, settings[name])
            try:
                for rate in rates:
                    record(name, rate, [measure_woshou(wire, ws, rate, a.seconds)
                                        for _ in range(a.runs)])
            finally:
                ws.stop()
    finally:
        wire.close()

    print()
    print(f"SYN flood over veth, generator (trafgen) on CPU {GEN_CPU}, server on CPU "
          f"{SRV_CPU}; medians of {a.runs} run(s) of {a.seconds:g} s")
    print("CPU/SYN: server core (Linux: its softirq time; woshou: its worker's busy"
          " cycles)")
    print("gen-core: CPU 0's softirq / all busy time per SYN-ACK (woshou's XDP receive"
          " runs there)")
    print("CPU1 other: CPU 1's time taken by something other than the server (Linux: busy"
          " but not softirq;\nwoshou: its worker off the CPU); above a few %, the figures"
          " are noisy")
    for name in ("woshou", "woshou-nohold"):
        if name in servers:
            print(f"{name}: " + (" ".join(settings[name]) or "defaults"))
    hdr = ("server", "offered", "sent/s", "SYN-ACK/s", "CPU/SYN µs", "woshou/Linux",
           "gen-core µs", "CPU1 other")
    print(f"{hdr[0]:13s} {hdr[1]:>8s} {hdr[2]:>10s} {hdr[3]:>10s} {hdr[4]:>11s} "
          f"{hdr[5]:>13s} {hdr[6]:>13s} {hdr[7]:>10s}")
    lin = {c["rate"]: c for c in results["cases"] if c["server"] == "linux"}

    def num(v, fmt):
        return "-" if v is None else format(v, fmt)

    for c in results["cases"]:
        ratio = ""
        l = lin.get(c["rate"])
        if c["server"] != "linux" and l and l["median_us_per_syn"] and c["median_us_per_syn"]:
            c["ratio_cpu_per_syn_vs_linux"] = c["median_us_per_syn"] / l["median_us_per_syn"]
            ratio = f"{c['ratio_cpu_per_syn_vs_linux']:.2f}"
        gen = (f"{num(c.get('median_gen_cpu_softirq_us_per_syn'), '.2f')} / "
               f"{num(c.get('median_gen_cpu_busy_us_per_syn'), '.2f')}")
        other = c.get("median_server_cpu_other_pct")
        print(f"{c['server']:13s} {c['rate']!s:>8s} {c['median_offered_pps']:10.0f} "
              f"{c['median_synack_pps']:10.0f} {num(c['median_us_per_syn'], '.3f'):>11s} "
              f"{ratio:>13s} {gen:>13s} {'-' if other is None else f'{other:.0f}%':>10s}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
