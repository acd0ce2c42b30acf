# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Regression tests for what the sanitizer stage of scripts/test found in
woshou itself (AddressSanitizer, LeakSanitizer, UBSan on build-san). They
pass on any build; on a sanitizer build (WOSHOU_BIN=build-san/app/woshou)
Collected.stop also fails on any report in woshou's output."""

import signal
import time

from conftest import WOSHOU_IP


def test_signal_storm_during_stop_no_use_after_free(start, netns):
    """A second SIGTERM used to reach the stack after stop_stack() had
    destroyed it (ws_stack_drain_abort on freed memory: ASan's SEGV on a
    WRITE, the test fixtures' second signal found it). Signals every few
    milliseconds from the first to woshou's exit must leave it clean."""
    w = start()
    res = netns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                      f"http://{WOSHOU_IP}/hello"], timeout=30)
    assert res.stdout == "200"
    deadline = time.monotonic() + 30
    while w.proc.poll() is None and time.monotonic() < deadline:
        w.proc.send_signal(signal.SIGTERM)
        time.sleep(0.002)
    assert w.proc.poll() is not None, "woshou did not stop within 30 s"
    assert w.stop() == 0, w.output
    assert "final counters:" in w.output


def test_eal_argv_not_leaked(start):
    """The EAL argument array built by ws_app_start_eal was unreachable
    once rte_eal_init() returned (LeakSanitizer: 512 bytes from calloc);
    it now stays referenced for the life of the process. A clean start
    and stop, checked by Collected.stop on a sanitizer build."""
    w = start()
    assert w.stop() == 0, w.output
