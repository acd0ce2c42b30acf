#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""coverage-report.py COVERAGE_JSON [MODE]: scripts/coverage's report from
gcovr's --json-summary: line and branch coverage per file of lib/, then per
layer, then the target (>= 90% of lines and >= 75% of branches in lib/tcp,
lib/net and lib/dns)."""

import json
import sys

LAYERS = ["lib/tcp", "lib/net", "lib/dns", "lib/core", "lib/control"]
TARGET = {"lib/tcp", "lib/net", "lib/dns"}
LINES_GOAL, BRANCHES_GOAL = 90.0, 75.0


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def row(name, lc, lt, bc, bt):
    return (f"{name:<34} {lc:>6}/{lt:<6} {pct(lc, lt):6.1f}%  "
            f"{bc:>6}/{bt:<6} {pct(bc, bt):6.1f}%")


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    mode = sys.argv[2] if len(sys.argv) > 2 else "all"
    source = {"all": "unit + integration tests", "unit": "unit tests",
              "fuzz": "fuzz corpora replay"}.get(mode, mode)
    files = sorted(data["files"], key=lambda x: x["filename"])
    print(f"coverage of lib/ from the {source}")
    print(f"{'file':<34} {'lines':>13} {'':7}  {'branches':>13}")
    layers = {}
    for fe in files:
        name = fe["filename"]
        if not name.startswith("lib/"):
            continue
        lc, lt = fe["line_covered"], fe["line_total"]
        bc, bt = fe["branch_covered"], fe["branch_total"]
        print(row(name, lc, lt, bc, bt))
        layer = "/".join(name.split("/")[:2])
        acc = layers.setdefault(layer, [0, 0, 0, 0])
        for i, v in enumerate((lc, lt, bc, bt)):
            acc[i] += v
    print()
    print(f"{'layer':<34} {'lines':>13} {'':7}  {'branches':>13}")
    short = []
    for layer in LAYERS + sorted(set(layers) - set(LAYERS)):
        if layer not in layers:
            continue
        lc, lt, bc, bt = layers[layer]
        mark = ""
        if layer in TARGET:
            ok = pct(lc, lt) >= LINES_GOAL and pct(bc, bt) >= BRANCHES_GOAL
            mark = "  ok" if ok else "  below target"
            if not ok:
                short.append(layer)
        print(row(layer, lc, lt, bc, bt) + mark)
    print(row("lib (all)", data["line_covered"], data["line_total"],
              data["branch_covered"], data["branch_total"]))
    print()
    print(f"target: >= {LINES_GOAL:.0f}% of lines and >= {BRANCHES_GOAL:.0f}% "
          f"of branches in {', '.join(sorted(TARGET))}: "
          + ("met" if not short else "not met in " + ", ".join(short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
