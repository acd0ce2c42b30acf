#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Where the instructions go: the SYN-cookie path and the short-connection
path under valgrind's callgrind.

bench_syn --profile and bench_shard --profile run under
valgrind --tool=callgrind --collect-atstart=no and switch collection on
only around the measured worker polls (CALLGRIND_TOGGLE_COLLECT in
tests/bench/bench_util.h), dumping each measured span to a file of its
own: "syn" (the cookie path, one worker), "server" (bench_shard's server
stack B, its polls only) and "client" (stack A's polls and its
ws_tcp_connect() calls). This script reads those dumps itself (callgrind's
file format: self cost per object, file and function, inlined code under
the header it came from) and prints, per path, the top functions by self
cost and the cost by module, in instructions per SYN or per connection,
and writes them as JSON.

Callgrind counts instructions (Ir), not cycles, and cannot see the cache;
its figures are exact and repeatable, which the VM's cycle counts are not.
Timers run on the TSC, which goes on ticking at native speed while the
program runs some 50x slower, so the timer figures are an upper bound.

Usage: profile.py [--build DIR] [--json FILE] [--syns N] [--conns N]
                  [--top K] [--keep DIR]
Without valgrind it says so, writes {"skipped": ...} and exits 0.
"""

import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MODULES = [
    "ethernet/ARP", "IPv4", "TCP input", "TCP output",
    "TCP lookup + TCB", "SYN cookie + SipHash", "checksum", "timers + clock",
    "mbuf/mempool", "ring/driver I/O", "worker loop", "bench callbacks",
    "other",
]

# Functions of ws_tcp.c (and a few others) by module; the rest of a file
# goes by FILE_MODULE below.
FN_MODULE = {
    "ws_tcp_lookup": "TCP lookup + TCB",
    "ws_tcp_find_listener": "TCP lookup + TCB",
    "ws_tcp_conn_alloc": "TCP lookup + TCB",
    "ws_tcp_conn_insert": "TCP lookup + TCB",
    "ws_tcp_conn_drop": "TCP lookup + TCB",
    "ws_tcp_conn_hold": "TCP lookup + TCB",
    "ws_tcp_conn_release": "TCP lookup + TCB",
    "conn_unhook": "TCP lookup + TCB",
    "conn_free_buffers": "TCP lookup + TCB",
    "conn_release_memory": "TCP lookup + TCB",
    "ooo_free_all": "TCP lookup + TCB",
    "ws_tcp_set_state": "TCP lookup + TCB",
    "ws_tcp_state_gauge": "TCP lookup + TCB",
    "tw_list_remove": "TCP lookup + TCB",
    "tw_list_append": "TCP lookup + TCB",
    "ws_tcp_enter_time_wait": "TCP lookup + TCB",
    "isn_hash": "SYN cookie + SipHash",
    "ws_tcp_ts_off": "SYN cookie + SipHash",
    "ws_tcp_isn": "SYN cookie + SipHash",
    "ws_tcp_now_ms": "timers + clock",
    "ws_tcp_tsval": "timers + clock",
    "ws_tcp_timer_arm_ms": "timers + clock",
    "ws_tcp_timer_stop": "timers + clock",
    "ws_tcp_timer": "timers + clock",
    "ws_tcp_rtx_restart": "timers + clock",
    "rtx_update": "timers + clock",
    "rtx_restart_on_ack": "timers + clock",
    "rto_clamp": "timers + clock",
    "rto_backed_off": "timers + clock",
    "rto_expired": "timers + clock",
    "idle_arm": "timers + clock",
    "ws_tcp_rtt_sample": "TCP input",
    "ws_worker_timers": "timers + clock",
    "ws_tcp_input": "TCP input",
    "ws_tcp_deliver": "TCP input",
    "rb_consume": "TCP input",
    "ws_tcp_after_input": "TCP input",
    "ws_tcp_rcv_shift_for": "TCP input",
    "ws_tcp_challenge_ack_allowed": "TCP input",
    "ws_tcp_flush": "TCP output",
    "ws_tcp_connect": "TCP output",
    "port_in_use": "TCP output",
    "dst_invalid": "TCP output",
    "ws_tcp_send": "TCP output",
    "ws_tcp_send_mbuf": "TCP output",
    "ws_tcp_send_space": "TCP output",
    "sb_tail_writable": "TCP output",
    "sb_append_seg": "TCP output",
    "send_check": "TCP output",
    "can_send_state": "TCP output",
    "has_unsent": "TCP output",
    "ws_tcp_shutdown": "TCP output",
    "ws_tcp_close": "TCP output",
    "close_now": "TCP output",
    "port_tx": "ring/driver I/O",
    "ws_tx": "ring/driver I/O",
    "ws_tx_flush": "ring/driver I/O",
    "ws_tx_flush_due": "ring/driver I/O",
}

# By the file the instructions came from (a header for inlined code).
FILE_MODULE = {
    "ws_eth.c": "ethernet/ARP", "ws_eth.h": "ethernet/ARP",
    "ws_arp.c": "ethernet/ARP", "ws_arp.h": "ethernet/ARP",
    "rte_ether.h": "ethernet/ARP",
    "ws_ipv4.c": "IPv4", "ws_ipv4.h": "IPv4",
    "ws_tcp_in.c": "TCP input", "ws_tcp_opts.c": "TCP input",
    "ws_tcp_listen.c": "TCP input",
    "ws_tcp_out.c": "TCP output", "ws_tcp_cc.c": "TCP output",
    "ws_tcp.c": "TCP lookup + TCB",
    "rte_hash_crc.h": "TCP lookup + TCB", "rte_crc_x86.h": "TCP lookup + TCB",
    "rte_jhash.h": "TCP lookup + TCB", "rte_hash.h": "TCP lookup + TCB",
    "ws_syncookie.c": "SYN cookie + SipHash",
    "ws_syncookie.h": "SYN cookie + SipHash",
    "ws_cksum.h": "checksum", "rte_ip.h": "checksum",
    "ws_timer.c": "timers + clock", "ws_timer.h": "timers + clock",
    "ws_clock.c": "timers + clock", "ws_clock.h": "timers + clock",
    "rte_cycles.h": "timers + clock", "rte_cycles_x86.h": "timers + clock",
    "rte_mbuf.h": "mbuf/mempool", "rte_mbuf_core.h": "mbuf/mempool",
    "rte_mempool.h": "mbuf/mempool", "ws_mbuf.h": "mbuf/mempool",
    "rte_ring.h": "ring/driver I/O", "rte_ring_elem.h": "ring/driver I/O",
    "rte_ring_elem_pvt.h": "ring/driver I/O",
    "rte_ring_generic_pvt.h": "ring/driver I/O",
    "rte_ring_c11_pvt.h": "ring/driver I/O",
    "rte_ethdev.h": "ring/driver I/O",
    "ws_worker.c": "worker loop", "ws_worker.h": "worker loop",
    "ws_steer.c": "worker loop", "ws_steer.h": "worker loop",
}

# Libraries by their file name's start.
OBJECT_MODULE = [
    ("libsodium", "SYN cookie + SipHash"),
    ("librte_hash", "TCP lookup + TCB"),
    ("librte_mempool", "mbuf/mempool"),
    ("librte_mbuf", "mbuf/mempool"),
    ("librte_net_ring", "ring/driver I/O"),
    ("librte_ring", "ring/driver I/O"),
    ("librte_ethdev", "ring/driver I/O"),
]

# Headers whose inlined code belongs to the function they are inlined in.
NEUTRAL_HEADERS = {
    "rte_byteorder.h", "rte_common.h", "rte_branch_prediction.h",
    "string_fortified.h", "string.h", "stdlib.h", "rte_memcpy.h",
    "rte_prefetch.h", "rte_atomic.h", "rte_debug.h", "rte_per_lcore.h",
    "rte_lcore.h", "???",
}


def classify(ob, fl, fi, fn):
    base_ob = os.path.basename(ob)
    base_fi = os.path.basename(fi)
    base_fl = os.path.basename(fl)
    if "cksum" in fn:
        return "checksum"
    if base_fi in FILE_MODULE and base_fi != base_fl:
        return FILE_MODULE[base_fi]	# inlined from a module's header
    if fn in FN_MODULE:
        return FN_MODULE[fn]
    if fn.endswith("_timer_cb") or fn.endswith("_timer"):
        return "timers + clock"
    for prefix, mod in OBJECT_MODULE:
        if base_ob.startswith(prefix):
            return mod
    if "/tests/bench/" in fl:
        return "bench callbacks"
    for f in (base_fi, base_fl):
        if f in FILE_MODULE:
            return FILE_MODULE[f]
    return "other"


NAME_RE = re.compile(r"^\((\d+)\)(?: (.*))?$")


class Dump:
    """One callgrind dump: self cost per (object, fn file, cost file, fn)."""

    def __init__(self, path):
        self.path = path
        self.trigger = ""
        self.events = []
        self.self_cost = collections.Counter()
        self.callers = collections.defaultdict(collections.Counter)
        # Ir per instruction address, for the entries: the Ir of a
        # function's first instruction counts only while collection is
        # on (callgrind's calls= counts go on while it is off, so a
        # warm-up would inflate them).
        self.addr_ir = collections.defaultdict(collections.Counter)
        self.total = 0
        self._parse()

    def _parse(self):
        names = {"ob": {}, "fl": {}, "fn": {}}
        space = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl",
                 "fe": "fl", "cfi": "fl", "cfl": "fl", "fn": "fn",
                 "cfn": "fn"}

        def name(kind, v):
            m = NAME_RE.match(v)
            if m is None:
                return v
            table = names[space[kind]]
            if m.group(2) is not None:
                table[m.group(1)] = m.group(2)
            return table.get(m.group(1), "?")

        ob = fl = fi = fn = cfn = ""
        skip_next = False
        npos = 1
        last = [0, 0]

        def position(tokens):
            for i in range(npos):
                t = tokens[i]
                if t == "*":
                    continue
                if t[0] in "+-":
                    last[i] += int(t)
                elif t.startswith("0x"):
                    last[i] = int(t, 16)
                else:
                    last[i] = int(t)
            return last[0]
        with open(self.path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line[0] == "#":
                    continue
                c = line[0]
                if c.isdigit() or c in "+-*":
                    parts = line.split()
                    addr = position(parts)
                    ir = int(parts[npos]) if len(parts) > npos else 0
                    if skip_next:
                        # A call's inclusive cost: who called whom.
                        skip_next = False
                        self.callers[cfn][fn] += ir
                        continue
                    self.self_cost[(ob, fl, fi, fn)] += ir
                    if npos == 2 and ir != 0:
                        self.addr_ir[(ob, fn)][addr] += ir
                    continue
                key, _, val = line.partition("=")
                if key == "ob":
                    ob = name(key, val)
                elif key == "fl":
                    fl = fi = name(key, val)
                elif key in ("fi", "fe"):
                    fi = name(key, val)
                elif key == "fn":
                    fn = name(key, val)
                    fi = fl
                elif key in ("cob", "cfi", "cfl"):
                    name(key, val)
                elif key == "cfn":
                    cfn = name(key, val)
                elif key == "calls":
                    skip_next = True
                elif line.startswith("desc: Trigger:"):
                    self.trigger = line.split(":", 2)[2].strip()
                elif line.startswith("positions:"):
                    npos = len(line.split()) - 1
                elif line.startswith("events:"):
                    self.events = line.split()[1:]
                elif key in ("jump", "jcnd"):
                    pass
        self.total = sum(self.self_cost.values())


_SYMBOLS = {}


def symbols(ob):
    """Function name -> start addresses in object 'ob' (nm), or {}."""
    if ob not in _SYMBOLS:
        table = collections.defaultdict(set)
        for extra in ([], ["-D"]):
            try:
                out = subprocess.run(["nm", "--defined-only"] + extra + [ob],
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True,
                                     timeout=60).stdout
            except (OSError, subprocess.TimeoutExpired):
                out = ""
            for line in out.splitlines():
                f = line.split()
                if len(f) == 3 and f[1] in "tTwWiI":
                    table[f[2].split("@")[0]].add(int(f[0], 16))
        _SYMBOLS[ob] = table
    return _SYMBOLS[ob]


def entries(dump, ob, fn):
    """How often fn was entered while collecting: the Ir at its start
    addresses (every static copy of an inline function has one), else at
    its lowest address."""
    irs = dump.addr_ir.get((ob, fn))
    if not irs:
        return 0
    starts = symbols(ob).get(fn)
    if fn.startswith("0x"):
        starts = {int(fn, 16)}
    if starts:
        n = sum(irs.get(a, 0) for a in starts)
        if n:
            return n
    return irs[min(irs)]


def fn_label(ob, fn, callers):
    """A function's name; a stripped library's by its callers."""
    lib = os.path.basename(ob).split(".so")[0]
    if not fn.startswith("0x"):
        return fn if not lib.startswith("lib") else f"{fn} ({lib})"
    who = [c for c, _ in callers.get(fn, collections.Counter()).most_common(2)]
    return f"{lib}@{fn[-5:]} (from {', '.join(who) or '?'})"


def analyse(dump, units, top_k):
    per_fn = collections.Counter()
    fn_ob = {}
    inl = collections.defaultdict(collections.Counter)
    own = collections.defaultdict(collections.Counter)
    own_file = collections.defaultdict(collections.Counter)
    per_mod = collections.Counter()
    mod_fns = collections.defaultdict(collections.Counter)
    label = {}
    for (ob, fl, fi, fn), ir in dump.self_cost.items():
        per_fn[(ob, fn)] += ir
        fn_ob[(ob, fn)] = fl
        mod = classify(ob, fl, fi, fn)
        per_mod[mod] += ir
        label[fn] = fn_label(ob, fn, dump.callers).split(" (lib")[0]
        mod_fns[mod][label[fn]] += ir
        # Lines from a header are inlined code; the rest say what the
        # function itself is (callgrind's fl= may name a header).
        if fi.endswith(".h"):
            inl[(ob, fn)][os.path.basename(fi)] += ir
        else:
            own[(ob, fn)][mod] += ir
            own_file[(ob, fn)][os.path.basename(fi)] += ir
    total = dump.total or 1
    top = []
    for (ob, fn), ir in per_fn.most_common(top_k):
        parts = {h: v for h, v in inl[(ob, fn)].most_common()
                 if v >= 0.1 * ir and h != "???"}
        top.append({
            "function": fn_label(ob, fn, dump.callers),
            "object": os.path.basename(ob),
            "file": (own_file[(ob, fn)].most_common(1)[0][0]
                     if own_file[(ob, fn)]
                     else os.path.basename(fn_ob[(ob, fn)])),
            "ir": ir, "per_unit": ir / units, "pct": 100.0 * ir / total,
            "calls_per_unit": entries(dump, ob, fn) / units,
            "module": (own[(ob, fn)].most_common(1)[0][0] if own[(ob, fn)]
                       else classify(ob, fn_ob[(ob, fn)], fn_ob[(ob, fn)],
                                     fn)),
            "inlined_headers": {h: v / units for h, v in parts.items()},
        })
    modules = []
    for m in MODULES:
        if per_mod[m] == 0:
            continue
        modules.append({
            "module": m, "ir": per_mod[m], "per_unit": per_mod[m] / units,
            "pct": 100.0 * per_mod[m] / total,
            "top_functions": [f for f, _ in mod_fns[m].most_common(4)],
        })
    modules.sort(key=lambda x: -x["ir"])
    return top, modules


def print_path(p):
    u = p["unit"]
    print(f"\n{p['title']}\n  {p['note']}")
    print(f"  {p['ir_per_unit']:,.0f} instructions per {u} "
          f"({p['total_ir']:,} in all)")
    w = max(len(t["function"]) for t in p["top"])
    w = min(max(w, 30), 60)
    print(f"  {'top functions by self cost':<{w}} {'instr/' + u:>11} "
          f"{'%':>6} {'calls/' + u:>10}  module")
    for t in p["top"]:
        inl = ", ".join(f"{h} {v:.0f}" for h, v in
                        t["inlined_headers"].items())
        print(f"  {t['function'][:w]:<{w}} {t['per_unit']:11.1f} "
              f"{t['pct']:6.1f} {t['calls_per_unit']:10.2f}  {t['module']}"
              + (f" (inlined: {inl})" if inl else ""))
    print(f"  {'by module':<{w}} {'instr/' + u:>11} {'%':>6} {'':>10}  "
          "biggest")
    for m in p["modules"]:
        print(f"  {m['module']:<{w}} {m['per_unit']:11.1f} {m['pct']:6.1f}"
              f" {'':>10}  {', '.join(m['top_functions'][:3])}")


def run_one(valgrind, binary, args, out_base, env):
    cmd = [valgrind, "--tool=callgrind", "--collect-atstart=no",
           "--dump-instr=yes", f"--callgrind-out-file={out_base}", binary,
           "--profile"] + args
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=env, timeout=600)
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).splitlines()[-15:])
        raise RuntimeError(f"{os.path.basename(binary)} --profile failed "
                           f"(exit {r.returncode}):\n{tail}")
    dumps = {}
    for path in glob.glob(out_base + ".*"):
        d = Dump(path)
        if d.trigger.startswith("Client Request:"):
            dumps[d.trigger.split(":", 1)[1].strip()] = d
    lines = [l for l in r.stdout.splitlines() if l.startswith("profile:")]
    return dumps, lines, time.monotonic() - t0, " ".join(cmd[6:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--json")
    ap.add_argument("--syns", type=int, default=32768)
    ap.add_argument("--conns", type=int, default=10000)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--keep", help="keep callgrind's files in this folder")
    a = ap.parse_args()

    def finish(doc):
        if a.json:
            os.makedirs(os.path.dirname(os.path.abspath(a.json)),
                        exist_ok=True)
            with open(a.json, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
        return 0

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        msg = "valgrind is not installed (apt-get install valgrind)"
        print(f"profile: skipped: {msg}")
        return finish({"benchmark": "profile", "skipped": msg})
    bins = {n: os.path.join(a.build, "tests", "bench_" + n)
            for n in ("syn", "shard")}
    for b in bins.values():
        if not os.access(b, os.X_OK):
            sys.exit(f"profile.py: {b} was not built")
    # The EAL's own prefixes (ws_prof_*) keep clear of other runs; its
    # files go under a runtime folder of ours when not root.
    env = dict(os.environ)
    work = a.keep or tempfile.mkdtemp(prefix="ws_prof_")
    os.makedirs(work, exist_ok=True)
    if os.getuid() != 0 and "XDG_RUNTIME_DIR" not in env:
        env["XDG_RUNTIME_DIR"] = work
    try:
        return profile(a, valgrind, bins, work, env, finish)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        if os.getuid() == 0:
            for prefix in ("ws_prof_syn", "ws_prof_shard"):
                shutil.rmtree(os.path.join("/var/run/dpdk", prefix),
                              ignore_errors=True)


def profile(a, valgrind, bins, work, env, finish):
    """Both programs under callgrind, then the tables."""
    t0 = time.monotonic()
    doc = {"benchmark": "profile", "tool": "valgrind --tool=callgrind",
           "event": "Ir (instructions executed)",
           "collected": "only inside the measured worker polls", "paths": []}
    try:
        dumps, lines, secs, cmd = run_one(
            valgrind, bins["syn"], ["--syns", str(a.syns)],
            os.path.join(work, "callgrind.syn"), env)
        if "syn" not in dumps:
            raise RuntimeError("bench_syn left no 'syn' dump")
        plan = [("syn", "SYN cookie path (bench_syn, syncookies = always, "
                 "one worker)", "SYN", a.syns, dumps["syn"], cmd, lines, secs)]
        dumps, lines, secs, cmd = run_one(
            valgrind, bins["shard"], ["--conns", str(a.conns)],
            os.path.join(work, "callgrind.shard"), env)
        for side, who in (("server", "server stack B's polls"),
                          ("client", "client stack A's polls and connects")):
            if side not in dumps:
                raise RuntimeError(f"bench_shard left no '{side}' dump")
            plan.append(("shard_" + side, "short connections, " + who +
                         " (bench_shard, 1 worker)", "conn", a.conns,
                         dumps[side], cmd,
                         [l for l in lines if f" {side}:" in l], secs))
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        if "valgrind/callgrind.h" in str(e) or "needs valgrind" in str(e):
            msg = ("the benches were built without valgrind/callgrind.h "
                   "(meson setup --reconfigure BUILD)")
            print(f"profile: skipped: {msg}")
            return finish({"benchmark": "profile", "skipped": msg})
        sys.exit(f"profile.py: {e}")

    print("profile: callgrind instruction counts (Ir), collected only "
          "inside the measured worker polls")
    for key, title, unit, units, dump, cmd, lines, secs in plan:
        top, modules = analyse(dump, units, a.top)
        p = {"name": key, "title": title, "unit": unit, "units": units,
             "command": cmd, "bench_says": lines,
             "note": "; ".join(l.split(":", 1)[1].strip() for l in lines),
             "total_ir": dump.total, "ir_per_unit": dump.total / units,
             "top": top, "modules": modules, "seconds": round(secs, 1)}
        doc["paths"].append(p)
        print_path(p)
    doc["seconds"] = round(time.monotonic() - t0, 1)
    print(f"\n({doc['seconds']:.0f} s under callgrind; "
          f"files in {work if a.keep else 'a temporary folder'})")
    return finish(doc)


if __name__ == "__main__":
    sys.exit(main())
