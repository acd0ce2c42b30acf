#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""SYN-flood resistance: woshou-gen resist against Linux and against woshou.

The wire of wire_syn.py: namespaces joined by a veth pair, veth0
(generator, 198.18.1.1/24) and veth1 (server, 198.18.1.2/24), the spoofed
sources 198.19.0.0/16 routed back to the generator, the server's receive
work on CPU 1 (RPS), checksum offload off (AF_XDP ends). woshou-gen runs
on net_af_xdp over veth0, its one worker on CPU 0, and in one run ramps a
SYN flood (Linux-like options) from 0 to --max-pps, holds it, stops, while
legitimate clients make HTTP GETs at --legit-rate per second; it records
every second (the resist JSON result, README's woshou-gen section).

The servers, one after the other, each on a fresh wire:
  linux-cookies1   a Python HTTP server (accept, read, answer, close) on
  linux-cookies2   198.18.1.2:80, listen backlog --linux-backlog, with
                   net.ipv4.tcp_syncookies = 1 (cookies once the SYN queue
                   overflows) or 2 (always) in its namespace
  woshou-auto      build/app/woshou on net_af_xdp over veth1, one worker on
  woshou-always    CPU 1, its own HTTP server on port 80, wire_syn.py's
                   settings for veth (WOSHOU_SETTINGS), tcp.syncookies =
                   auto or always

For each: the breaking points (the attack rate of the first second whose
legitimate success fell below 99% and below 50%), the success during the
hold at the top rate, overall, and the recovery after the attack stopped.
A table, every server's result (DIR/resist-SERVER.json, with a "label"),
their summary (--json) and one chart of the four curves of success against
attack rate (--svg, scripts/woshou-plot --curve).

Bounded: --max-pps at most 2,000,000 (default 200,000), the plan (ramp,
hold, stop) at most 20 s per server, sources only in 198.18.0.0/15.

  resist.py [--json FILE] [--svg FILE] [--servers a,b] [--max-pps N]
            [--legit-rate R] [--ramp S] [--hold S] [--stop S] [--dry-run]
  resist.py --table RESULT.json...   table (and --svg chart) of saved results

--dry-run prints what would run (namespaces, servers, woshou-gen, the
chart) and runs nothing; it needs no root.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
PLOT = os.path.join(ROOT, "scripts", "woshou-plot")
GEN_IP, SRV_IP = "198.18.1.1", "198.18.1.2"
GEN_CPU, SRV_CPU = 0, 1
SOURCES = "198.19.0.0/16"
SERVERS = ("linux-cookies1", "linux-cookies2", "woshou-auto", "woshou-always")
MAX_PPS_LIMIT = 2_000_000
PLAN_LIMIT_S = 20.0
GEN_PREFIX = "ws_resist_gen"

# The Linux side: accept, read the request, answer, close; one thread is
# plenty for a few hundred clients a second.
HTTP_SERVER = (
    "import socket,sys\n"
    "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind((sys.argv[1], 80)); s.listen(int(sys.argv[2]))\n"
    "print('ok', flush=True)\n"
    "body=b'hello from linux\\n'\n"
    "resp=b'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: '"
    "+str(len(body)).encode()+b'\\r\\nConnection: close\\r\\n\\r\\n'+body\n"
    "while True:\n"
    "    c,_=s.accept(); c.settimeout(2)\n"
    "    try:\n"
    "        d=b''\n"
    "        while b'\\r\\n\\r\\n' not in d:\n"
    "            x=c.recv(4096)\n"
    "            if not x: break\n"
    "            d+=x\n"
    "        if d: c.sendall(resp)\n"
    "    except OSError: pass\n"
    "    c.close()\n")


def plan_args(a):
    return ["--phase", f"ramp:0-{a.max_pps}:{a.ramp:g}",
            "--phase", f"hold:{a.max_pps}:{a.hold:g}",
            "--phase", f"stop:{a.stop:g}"]


def gen_argv(a, json_path):
    """woshou-gen resist on net_af_xdp over veth0 (run in the generator's
    namespace)."""
    return ([a.gen, "--config", os.path.join(ROOT, "drivers-config", "net_tap.ini"),
             "--set", "eal.vdev=net_af_xdp0,iface=veth0,busy_budget=0",
             "--set", "port.device=net_af_xdp0",
             "--set", f"ip.addr={GEN_IP}/24",
             "--set", "workers.lcores=1", "--set", f"workers.cpus={GEN_CPU}",
             "--set", f"eal.file_prefix={GEN_PREFIX}", "--set", "eal.huge=no",
             "--set", "control.telemetry=no",
             "resist", "--target", SRV_IP, "--port", "80",
             "--attack", "syn", "--syn-options", "linux", "--sources", SOURCES]
            + plan_args(a)
            + ["--legit", "http", "--path", "/", "--legit-rate", str(a.legit_rate),
               "--timeout", str(a.timeout_ms), f"--json={json_path}"])


def woshou_sets(server):
    """wire_syn.py's settings for woshou on this wire (fuller bursts, no
    busy-poll system calls on empty polls), and the server's cookies."""
    import wire_syn
    return list(wire_syn.WOSHOU_SETTINGS) + ["tcp.syncookies=" + server.split("-", 1)[1]]


def syncookies(server):
    return int(server[-1])


def setup_commands(wire_gen, wire_srv):
    """What make_wire (wire_syn.py) and this script do to the wire, for
    --dry-run."""
    return [
        ["ip", "netns", "add", wire_gen], ["ip", "netns", "add", wire_srv],
        ["ip", "link", "add", "veth0", "netns", wire_gen, "type", "veth", "peer",
         "name", "veth1", "netns", wire_srv],
        ["ip", "-n", wire_gen, "addr", "add", f"{GEN_IP}/24", "dev", "veth0"],
        ["ip", "-n", wire_srv, "addr", "add", f"{SRV_IP}/24", "dev", "veth1"],
        ["ip", "-n", wire_gen, "link", "set", "veth0", "up"],
        ["ip", "-n", wire_srv, "link", "set", "veth1", "up"],
        ["ip", "-n", wire_srv, "route", "add", SOURCES, "via", GEN_IP],
        ["ip", "netns", "exec", wire_srv, "sh", "-c",
         f"echo {1 << SRV_CPU:x} > /sys/class/net/veth1/queues/rx-0/rps_cpus"],
        ["ip", "netns", "exec", wire_gen, "sh", "-c",
         f"echo {1 << GEN_CPU:x} > /sys/class/net/veth0/queues/rx-0/rps_cpus"],
        ["ip", "netns", "exec", wire_gen, "ethtool", "-K", "veth0", "tx", "off"],
        ["ip", "netns", "exec", wire_srv, "ethtool", "-K", "veth1", "tx", "off"],
    ]


# ---- the table and the chart: from results, however they were made ----

def hold_success(res):
    """Legitimate success while the attack held its top rate: the hold
    phase's, else the last attacked second's; None when unknown."""
    for p in res.get("phases") or []:
        if p.get("type") == "hold" and p.get("success_rate") is not None:
            return p["success_rate"]
    attacked = [s for s in res.get("series") or []
                if s.get("attack_offered", 0) > 0 and
                s.get("legit_ok", 0) + s.get("legit_failed", 0) > 0]
    if not attacked:
        return None
    s = attacked[-1]
    return s["legit_ok"] / (s["legit_ok"] + s["legit_failed"])


def top_sent_pps(res):
    """The highest attack rate actually sent in one second."""
    return max((s.get("attack_sent", 0) for s in res.get("series") or []), default=0)


def summarize(name, res):
    bp = res.get("breaking_points") or {}
    return {"server": name, "label": res.get("label", name),
            "below_99_pps": bp.get("below_99_pps"),
            "below_50_pps": bp.get("below_50_pps"),
            "recovery_s": bp.get("recovery_s"),
            "hold_success": hold_success(res),
            "success_rate": res.get("success_rate"),
            "top_sent_pps": top_sent_pps(res),
            "interrupted": bool(res.get("interrupted"))}


def fmt(v, kind):
    if v is None:
        return "-"
    if kind == "pps":
        return f"{v / 1e3:.0f}k" if v >= 1000 else f"{v:.0f}"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    return f"{v:g} s"


def table(rows):
    hdr = ("server", "<99% at", "<50% at", "at top rate", "overall", "recovery",
           "top sent/s")
    lines = [f"{hdr[0]:16s} {hdr[1]:>9s} {hdr[2]:>9s} {hdr[3]:>12s} {hdr[4]:>8s} "
             f"{hdr[5]:>9s} {hdr[6]:>11s}"]
    for r in rows:
        lines.append(
            f"{r['label']:16s} {fmt(r['below_99_pps'], 'pps'):>9s} "
            f"{fmt(r['below_50_pps'], 'pps'):>9s} {fmt(r['hold_success'], 'pct'):>12s} "
            f"{fmt(r['success_rate'], 'pct'):>8s} {fmt(r['recovery_s'], 's'):>9s} "
            f"{fmt(r['top_sent_pps'], 'pps'):>11s}"
            + (" (interrupted)" if r["interrupted"] else ""))
    return "\n".join(lines)


def plot_argv(files, svg):
    return ["/usr/bin/python3", PLOT, *files, "--curve", "-o", svg]


def chart(files, svg):
    r = subprocess.run(plot_argv(files, svg), capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"woshou-plot: {r.stderr.strip()}")


# ---- the runs ----

def run_server(a, server, out_dir):
    import netns
    import wire_syn
    from netns import sh

    path = os.path.join(out_dir, f"resist-{server}.json")
    wire = wire_syn.make_wire()
    stop_server = None
    try:
        wire.tx_checksum(False)
        if server.startswith("linux"):
            sh("sysctl", "-qw", f"net.ipv4.tcp_syncookies={syncookies(server)}", ns=wire.srv)
            srv = netns.Proc(["/usr/bin/python3", "-c", HTTP_SERVER, SRV_IP,
                              str(a.linux_backlog)], ns=wire.srv, cpus=SRV_CPU,
                             name="http-server")
            stop_server = srv.close
            deadline = time.monotonic() + 10
            while "ok" not in srv.output():
                if not srv.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"HTTP server: {srv.output()}")
                time.sleep(0.1)
        else:
            srv = wire_syn.Woshou(wire, a.woshou, woshou_sets(server))
            stop_server = srv.stop
        gen = netns.Proc(gen_argv(a, path), ns=wire.gen, name="woshou-gen")
        try:
            limit = a.ramp + a.hold + a.stop + a.timeout_ms / 1000 + 60
            rc = gen.wait(limit)
            if rc is None:
                raise RuntimeError(f"woshou-gen still running after {limit:.0f} s")
            if rc != 0:
                raise RuntimeError(f"woshou-gen exited {rc}:\n{gen.output(3000)}")
        finally:
            gen.close()
            netns.remove_runtime_dir(GEN_PREFIX)
    finally:
        if stop_server is not None:
            stop_server()
        wire.close()
    with open(path) as f:
        res = json.load(f)
    res["label"] = server
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    return path, res


def dry_run(a, servers):
    q = lambda argv: " ".join(shlex.quote(x) for x in argv)  # noqa: E731
    files = []
    for server in servers:
        print(f"# {server}: a fresh wire")
        for c in setup_commands("wssyngenPID", "wssynsrvPID"):
            print(q(c))
        if server.startswith("linux"):
            print(q(["ip", "netns", "exec", "wssynsrvPID", "sysctl", "-w",
                     f"net.ipv4.tcp_syncookies={syncookies(server)}"]))
            print(q(["ip", "netns", "exec", "wssynsrvPID", "taskset", "-c", str(SRV_CPU),
                     "/usr/bin/python3", "-c", "HTTP_SERVER", SRV_IP,
                     str(a.linux_backlog)]) + " &")
        else:
            sets = []
            for kv in woshou_sets(server):
                sets += ["--set", kv]
            print(q(["ip", "netns", "exec", "wssynsrvPID", a.woshou,
                     "--config", "drivers-config/net_tap.ini",
                     "--set", "eal.vdev=net_af_xdp0,iface=veth1",
                     "--set", f"ip.addr={SRV_IP}/24",
                     "--set", f"workers.cpus={SRV_CPU}"] + sets) + " &")
        path = os.path.join(a.out_dir, f"resist-{server}.json")
        files.append(path)
        print(q(["ip", "netns", "exec", "wssyngenPID"] + gen_argv(a, path)))
        print(q(["ip", "netns", "del", "wssyngenPID"]) + "; " +
              q(["ip", "netns", "del", "wssynsrvPID"]))
    print("# the chart")
    print(q(plot_argv(files, a.svg)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="the summary of every server's run")
    ap.add_argument("--svg", default=os.path.join(ROOT, "build", "bench", "resist.svg"),
                    help="the chart of the curves")
    ap.add_argument("--out-dir", help="each server's result (default: --json's directory)")
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--max-pps", type=int, default=200_000,
                    help=f"the top of the ramp, at most {MAX_PPS_LIMIT}")
    ap.add_argument("--legit-rate", type=int, default=200)
    ap.add_argument("--timeout-ms", type=int, default=2000)
    ap.add_argument("--ramp", type=float, default=12.0)
    ap.add_argument("--hold", type=float, default=3.0)
    ap.add_argument("--stop", type=float, default=3.0)
    ap.add_argument("--linux-backlog", type=int, default=128)
    ap.add_argument("--woshou", default=os.path.join(ROOT, "build", "app", "woshou"))
    ap.add_argument("--gen", default=os.path.join(ROOT, "build", "app", "woshou-gen"))
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--table", nargs="+", metavar="RESULT.json",
                    help="no runs: the table (and the --svg chart) of saved results")
    a = ap.parse_args(argv)

    if a.table:
        rows, files = [], []
        for p in a.table:
            with open(p) as f:
                res = json.load(f)
            name = res.get("label") or os.path.splitext(os.path.basename(p))[0]
            rows.append(summarize(name, res))
            files.append(p)
        print(table(rows))
        if a.svg:
            chart(files, a.svg)
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"servers": rows}, f, indent=1)
        return 0

    servers = a.servers.split(",")
    for s in servers:
        if s not in SERVERS:
            ap.error(f"unknown server '{s}' (known: {', '.join(SERVERS)})")
    if not 0 < a.max_pps <= MAX_PPS_LIMIT:
        ap.error(f"--max-pps is 1..{MAX_PPS_LIMIT}")
    if min(a.ramp, a.hold, a.stop) < 0 or a.ramp + a.hold + a.stop > PLAN_LIMIT_S \
            or a.ramp + a.hold <= 0:
        ap.error(f"--ramp, --hold and --stop: at least one second of attack, at most "
                 f"{PLAN_LIMIT_S:g} s together")
    if not 1 <= a.legit_rate <= 10_000:
        ap.error("--legit-rate is 1..10000")
    a.out_dir = a.out_dir or (os.path.dirname(os.path.abspath(a.json)) if a.json
                              else os.path.join(ROOT, "build", "bench"))
    if a.dry_run:
        dry_run(a, servers)
        return 0
    if os.geteuid() != 0:
        sys.exit("resist.py: needs root (namespaces, AF_XDP)")
    if os.cpu_count() < 2:
        sys.exit("resist.py: needs two CPUs")
    os.makedirs(a.out_dir, exist_ok=True)

    rows, files = [], []
    for server in servers:
        print(f"==> {server}", flush=True)
        path, res = run_server(a, server, a.out_dir)
        files.append(path)
        rows.append(summarize(server, res))
    print()
    print(f"woshou-gen resist over veth: SYN flood ramped 0 -> {a.max_pps} pps in "
          f"{a.ramp:g} s, held {a.hold:g} s, stopped {a.stop:g} s; HTTP clients at "
          f"{a.legit_rate}/s (timeout {a.timeout_ms} ms)")
    print(table(rows))
    if a.svg:
        chart(files, a.svg)
        print(f"chart: {a.svg}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"max_pps": a.max_pps, "ramp_s": a.ramp, "hold_s": a.hold,
                       "stop_s": a.stop, "legit_rate": a.legit_rate,
                       "linux_backlog": a.linux_backlog, "gen_cpu": GEN_CPU,
                       "server_cpu": SRV_CPU, "servers": rows,
                       "results": files}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
