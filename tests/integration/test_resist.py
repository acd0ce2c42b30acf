# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""woshou-gen resist against the kernel: the attack and the legitimate
clients of one run, both from woshou-gen on net_tap in a namespace the test
creates (198.18.0.2), the kernel side of the tap (198.18.0.1) the target.
Every run is bounded (at most 10 s, at most 200k pps); the spoofed sources
are 198.19.0.0/16, routed back to woshou-gen inside the namespace.
"""

import json
import os
import signal
import subprocess
import time

from conftest import CONFIG, KERNEL_IP, PYTHON, run, wait_until
from test_gen import GEN, SOURCES, Gen, gen, target  # noqa: F401 (fixture)

import pytest

# A listener that accepts and closes at once: the backlog is all that
# limits it. argv: backlog.
ACCEPTOR = ("import socket, sys\n"
            "s = socket.socket()\n"
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            f"s.bind(('{KERNEL_IP}', 8080))\n"
            "s.listen(int(sys.argv[1]))\n"
            "while True:\n"
            "    c, _ = s.accept()\n"
            "    c.close()\n")

COUNTERS = ("attack_offered", "attack_sent", "target_synacks", "target_rsts",
            "legit_attempts", "legit_ok", "legit_failed", "legit_unfinished")
REASONS = ("refused", "reset", "timeout", "bad_status", "short_response", "other")


def acceptor(ns, backlog=128, syncookies=1, max_syn_backlog=None):
    ns.sh(f"sysctl -qw net.ipv4.tcp_syncookies={syncookies}")
    if max_syn_backlog is not None:
        ns.sh(f"sysctl -qw net.ipv4.tcp_max_syn_backlog={max_syn_backlog}")
    ns.serve([PYTHON, "-c", ACCEPTOR, str(backlog)], 8080)


def resist(ns, tmp_path, *extra, sets=()):
    return gen(ns, tmp_path, ["resist", "--target", KERNEL_IP, "--port", "8080",
                              "--sources", SOURCES] + list(extra), sets=sets)


def check_sums(res):
    """The series adds up to the totals, for every counter."""
    series, totals = res["series"], res["totals"]
    for key in COUNTERS:
        assert sum(s[key] for s in series) == totals[key], key
    for why in REASONS:
        assert (sum(s["legit_fail_reasons"][why] for s in series) ==
                totals["legit_fail_reasons"][why]), why
    for s in series + [totals]:
        assert s["legit_failed"] == sum(s["legit_fail_reasons"].values()), s
        assert (s["legit_ok"] + s["legit_failed"] + s["legit_unfinished"] ==
                s["legit_attempts"]), s
    assert [s["t"] for s in series] == list(range(1, len(series) + 1))


PLAN = ["--phase", "ramp:0-20000:3", "--phase", "hold:20000:2", "--phase", "stop:2"]


def test_resist_cookies(target, tmp_path):
    acceptor(target)
    rc, res, out = resist(target, tmp_path, *PLAN, "--legit-rate", "200")
    print(out)
    assert rc == 0, out
    check_sums(res)


def test_resist_no_cookies(target, tmp_path):
    acceptor(target, backlog=2, syncookies=0, max_syn_backlog=16)
    rc, res, out = resist(target, tmp_path, *PLAN, "--legit-rate", "200",
                          "--timeout", "1500")
    print(out)
    check_sums(res)
    assert res["success_rate"] < 0.9, res["success_rate"]
