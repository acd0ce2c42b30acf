#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""woshou-gen's own sending rate: SYNs per second on one core into a sink.

woshou-gen syn-flood --max runs on DPDK's net_null with no-rx=1: its
transmit frees every frame (a NIC's completion, without the wire) and it
receives nothing, so what is measured is the generator alone: build the
SYN (random source, port, sequence number, Linux's options or none, IP and
TCP checksums), allocate and free the mbuf, the stack's IPv4 and Ethernet
output and the transmit burst. The target 198.18.0.1 never answers ARP on
a sink, so it is an arp.static neighbour: the flood starts at once.

One worker on CPU --cpu (the control thread on the other), --seconds per
run, --runs runs per variant (Linux options, --no-options); the figure is
the median of the runs' sent_pps, which woshou-gen takes on the worker's
own clock, shown next to 14.88 Mpps, the line rate of 64-byte frames on
10 GbE. Each run happens in a network namespace of its own (nothing but
net_null is touched).

With valgrind, --profile-syns SYNs more under callgrind, collecting only
inside send_syns (alloc, build, output) and ws_tx_flush (the burst into
the driver, and the driver's frees): instructions per SYN, exact and
repeatable where this VM's timings are not, with the top functions.

Usage: gen_rate.py [--gen PATH] [--json FILE] [--seconds S] [--runs N]
                   [--cpu N] [--profile-syns N]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(ROOT, "drivers-config", "net_null.ini")
LINE_RATE_PPS = 14_880_952     # 10 GbE, 64-byte frames (84 bytes on the wire)
TARGET = "198.18.0.1"
PREFIX = "ws_genrate"
# woshou-gen's exit 1 with this error is the sink's silence, not a failure.
NO_ANSWER = "no SYN-ACK or RST came back"
VARIANTS = (("linux_options", []), ("no_options", ["--no-options"]))


def gen_argv(gen, cpu, extra):
    main_cpu = 0 if cpu != 0 else 1
    return [gen, "--config", CONFIG,
            "--set", f"eal.file_prefix={PREFIX}", "--set", "eal.huge=no",
            "--set", "eal.vdev=net_null0,no-rx=1",
            "--set", f"eal.main_lcore={main_cpu}",
            "--set", "workers.lcores=1", "--set", f"workers.cpus={cpu}",
            "--set", f"arp.static={TARGET}=02:00:00:00:00:01",
            "--set", "control.telemetry=no"] + extra


def in_netns(argv, timeout):
    """Run argv in a network namespace made for it; (rc, output)."""
    ns = f"wsgenrate{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True, capture_output=True)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns] + argv, capture_output=True,
                           text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def read_result(path, rc, out):
    try:
        with open(path) as f:
            res = json.load(f)
    except (OSError, ValueError):
        raise RuntimeError(f"woshou-gen exited {rc} without a result:\n{out[-3000:]}")
    if rc != 0 and res.get("error") != NO_ANSWER:
        raise RuntimeError(f"woshou-gen exited {rc}: {res.get('error')}\n{out[-3000:]}")
    if res.get("tx_drops") or res.get("nombuf"):
        raise RuntimeError(f"the sink refused frames: {res}")
    return res


def one_run(gen, cpu, seconds, flags, tmp):
    path = os.path.join(tmp, "run.json")
    argv = gen_argv(gen, cpu, ["syn-flood", "--target", TARGET, "--port", "80",
                               "--max", "--duration", str(seconds),
                               "--wait", "0.001", f"--json={path}"] + flags)
    rc, out = in_netns(argv, timeout=seconds + 60)
    res = read_result(path, rc, out)
    os.unlink(path)
    return {"sent": res["sent"], "duration_s": res["duration_s"],
            "sent_pps": res["sent_pps"]}


def parse_annotate(text, syns, top):
    """Total and top functions (self cost) per SYN from callgrind_annotate."""
    total = None
    fns = []
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(.*)$", line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        what = m.group(2).strip()
        if what.startswith("PROGRAM TOTALS"):
            total = ir
        elif ":" in what and total is not None and len(fns) < top:
            # "file:function [object]": the function and the file it came
            # from (an inlined header's name says what was inlined).
            what = re.sub(r"\s*\[.*\]$", "", what)
            f, _, fn = what.rpartition(":")
            fns.append({"function": fn, "file": os.path.basename(f),
                        "ir_per_syn": round(ir / syns, 1)})
    return total, fns


def profile(gen, cpu, syns, flags, tmp, top=12):
    out_file = os.path.join(tmp, "callgrind.out")
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
            "--collect-atstart=no", "--toggle-collect=send_syns",
            "--toggle-collect=ws_tx_flush"] + \
        gen_argv(gen, cpu, ["syn-flood", "--target", TARGET, "--port", "80",
                            "--max", "--count", str(syns), "--wait", "0.001",
                            f"--json={os.path.join(tmp, 'cg.json')}"] + flags)
    rc, out = in_netns(argv, timeout=600)
    res = read_result(os.path.join(tmp, "cg.json"), rc, out)
    ann = subprocess.run(["callgrind_annotate", "--inclusive=no", out_file],
                         capture_output=True, text=True, check=True).stdout
    total, fns = parse_annotate(ann, res["sent"], top)
    if total is None:
        raise RuntimeError("callgrind_annotate printed no total")
    return {"syns": res["sent"], "ir_per_syn": round(total / res["sent"], 1),
            "top": fns}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gen", default=os.path.join(ROOT, "build", "app", "woshou-gen"))
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=1, help="the worker's CPU")
    ap.add_argument("--profile-syns", type=int, default=200_000,
                    help="SYNs under callgrind per variant; 0 = no profile")
    args = ap.parse_args()
    if not (0 < args.seconds <= 30 and 1 <= args.runs <= 20):
        ap.error("--seconds is in (0, 30] and --runs in 1..20")
    if os.geteuid() != 0:
        sys.exit("gen_rate.py: needs root (network namespaces, DPDK)")

    result = {"line_rate_pps": LINE_RATE_PPS, "cpu": args.cpu,
              "seconds": args.seconds, "variants": []}
    with tempfile.TemporaryDirectory(prefix="ws-genrate-") as tmp:
        for name, flags in VARIANTS:
            runs = [one_run(args.gen, args.cpu, args.seconds, flags, tmp)
                    for _ in range(args.runs)]
            med = statistics.median(r["sent_pps"] for r in runs)
            v = {"name": name, "runs": runs, "median_pps": round(med),
                 "of_line_rate": round(med / LINE_RATE_PPS, 3)}
            if args.profile_syns > 0 and shutil.which("valgrind"):
                v["profile"] = profile(args.gen, args.cpu, args.profile_syns,
                                       flags, tmp)
            result["variants"].append(v)

    print(f"woshou-gen syn-flood --max, one worker on CPU {args.cpu}, into net_null "
          f"(median of {args.runs} x {args.seconds:g} s)")
    print(f"{'variant':<15} {'Mpps/core':>10} {'of 14.88':>9} {'Ir/SYN':>8}  runs (Mpps)")
    for v in result["variants"]:
        ir = v.get("profile", {}).get("ir_per_syn")
        print(f"{v['name']:<15} {v['median_pps'] / 1e6:>10.2f} "
              f"{100 * v['of_line_rate']:>8.0f}% {ir if ir else '-':>8}  "
              + " ".join(f"{r['sent_pps'] / 1e6:.2f}" for r in v["runs"]))
    for v in result["variants"]:
        if "profile" in v:
            print(f"\n{v['name']}: instructions per SYN by function (self)")
            for f in v["profile"]["top"]:
                print(f"  {f['ir_per_syn']:>7.1f}  {f['function']}  ({f['file']})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
