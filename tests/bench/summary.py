#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""One table of the headline figures that scripts/bench's programs wrote.

Usage: summary.py DIR NAME...   (reads DIR/NAME.json for each NAME)
"""

import json
import os
import sys


def shard(d):
    rows = []
    for c in d["configs"]:
        rows.append((f"short connections, server {c['name']}",
                     f"{c['b_cycles_per_conn']:.0f} cycles/conn",
                     f"{c['core_conns_per_s'] / 1e6:.2f} M conn/s per core",
                     f"{c['b_handoffs_per_conn']:.1f} hand-offs/conn"))
    return rows


def syn(d):
    labels = {
        "stack": "cookie SYN-ACK, one worker",
        "io_ceiling": "ring I/O ceiling (rx -> tx)",
        "stack_cost": "stack cost on top of I/O",
        "syncookie_make": "  cookie hash alone",
        "ts_off_hash": "  TSval offset hash alone",
    }
    rows = []
    for f in d["figures"]:
        if f["name"] not in labels:
            continue
        rows.append((labels[f["name"]],
                     f"{f['median_cycles']:.0f} cycles/SYN",
                     f"{f['median_ns']:.0f} ns",
                     f"{f['median_mpps_per_core']:.2f} Mpps per core"))
    return rows


def conn(d):
    rows = []
    for c in d.get("bulk", {}).get("configs", []):
        rows.append((f"one connection, {c['name']}",
                     f"{c['wall_gbps']:.1f} Gbps in process",
                     f"receiver {c['core_b_gbps']:.1f} Gbps per core",
                     f"sender {c['core_a_gbps']:.1f} Gbps per core"))
    mem = d.get("mem", [])
    if len(mem) >= 2:
        lo, hi = mem[0], mem[-1]
        per_conn = ((hi["heap_after_a"] - hi["heap_base"]) -
                    (lo["heap_after_a"] - lo["heap_base"])) / \
            (hi["max_connections"] - lo["max_connections"])
        rows.append(("memory per connection (allocated with max_connections)",
                     f"{per_conn:.0f} B of heap per side",
                     f"TCB {hi['tcb_size']} B", ""))
    for m in mem:
        rows.append((f"{m['conns']} idle connections established",
                     f"+{m['rss_bytes_per_conn']:.0f} B RSS per connection",
                     f"connected in {m['connect_s']:.2f} s", ""))
    return rows


def wire(d):
    rows = []
    for c in d["cases"]:
        us = c.get("median_us_per_syn")
        ratio = c.get("ratio_cpu_per_syn_vs_linux")
        rate = "max rate" if c["rate"] == "max" else f"{c['rate'] / 1e3:.0f}k/s offered"
        rows.append((f"SYN flood over veth, {c['server']}, {rate}",
                     f"{c['median_synack_pps'] / 1e3:.0f}k SYN-ACK/s",
                     "n/a" if us is None else f"{us:.2f} us CPU per SYN on the server core",
                     f"{ratio:.2f}x Linux" if ratio else ""))
    return rows


def profile(d):
    if "skipped" in d:
        return [("profile (callgrind)", "skipped: " + d["skipped"], "", "")]
    labels = {"syn": "profile: cookie SYN-ACK",
              "shard_server": "profile: short connection, server side",
              "shard_client": "profile: short connection, client side"}
    rows = []
    for p in d["paths"]:
        big = p["modules"][0] if p["modules"] else None
        rows.append((labels.get(p["name"], "profile: " + p["name"]),
                     f"{p['ir_per_unit']:.0f} instructions/{p['unit']}",
                     f"top: {p['top'][0]['function'].split(' ')[0]} "
                     f"{p['top'][0]['pct']:.0f}%" if p["top"] else "",
                     f"{big['module']} {big['pct']:.0f}%" if big else ""))
    return rows


def http(d):
    rows = []
    for c in d["cases"]:
        rps = c.get("median_requests_per_server_cpu_s")
        us = c.get("median_server_cpu_us_per_request")
        ratio = c.get("ratio_vs_nginx")
        mode = "short connections" if c["mode"] == "close" else "keep-alive"
        flag = " (all runs contended)" if c.get("all_contended") else ""
        rows.append((f"HTTP {mode}, {c['server']} over {c['wire']}",
                     f"{c['median_requests_per_s'] / 1e3:.1f}k req/s",
                     "n/a" if not rps else
                     f"{rps / 1e3:.0f}k req/s of server-core CPU, {us:.2f} us/req{flag}",
                     f"{ratio:.2f}x nginx" if ratio else ""))
    return rows


def wan(d):
    rows = []
    for r in d["rows"]:
        met = {True: "met", False: "NOT met", None: ""}[r["met"]]
        rows.append((f"WAN {r['scenario']}, {r['cc']}",
                     f"{r['goodput_bps'] / 1e6:.1f} Mbit/s",
                     f"{r['result']} (goal {r['goal']})",
                     f"{met}, {r['rto_count']} RTO"))
    return rows


def gen(d):
    rows = []
    for v in d["variants"]:
        ir = v.get("profile", {}).get("ir_per_syn")
        rows.append((f"woshou-gen SYNs into a sink, {v['name'].replace('_', ' ')}",
                     f"{v['median_pps'] / 1e6:.2f} Mpps per core",
                     f"{100 * v['of_line_rate']:.0f}% of 10 GbE line rate",
                     f"{ir:.0f} instructions/SYN" if ir else ""))
    return rows


def resist(d):
    def pps(v):
        return "none" if v is None else f"{v / 1e3:.0f}k pps"
    rows = []
    for r in d["servers"]:
        hold = r.get("hold_success")
        rows.append((f"resist, {r['label']}",
                     f"<99% at {pps(r['below_99_pps'])}",
                     f"<50% at {pps(r['below_50_pps'])}",
                     "" if hold is None else f"{100 * hold:.1f}% at the top rate"))
    return rows


SUMMARIES = {"shard": shard, "syn": syn, "conn": conn, "wire": wire,
             "profile": profile, "http": http, "wan": wan, "gen": gen,
             "resist": resist}


def main():
    out, names = sys.argv[1], sys.argv[2:]
    rows = []
    for n in names:
        path = os.path.join(out, n + ".json")
        with open(path) as f:
            d = json.load(f)
        fn = SUMMARIES.get(n)
        if fn is None:
            rows.append((n, "see " + path, "", ""))
            continue
        rows.extend(fn(d))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    print("summary (medians; JSON in %s)" % out)
    for r in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
