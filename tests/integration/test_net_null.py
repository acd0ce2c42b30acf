# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""woshou on net_null, whose rx returns frames of uninitialised contents:
every one of them must be dropped safely, under a named counter."""

import os
import signal
import time

from conftest import MEM_SET, PREFIX, ROOT, WOSHOU, Woshou, run

NULL_CONFIG = os.path.join(ROOT, "drivers-config", "net_null.ini")


def test_net_null_garbage_all_accounted_for():
    w = Woshou(None, config=NULL_CONFIG, prefix=PREFIX + "_null")
    try:
        w.wait_for(r"mac [0-9A-Fa-f:]{17} on port")
        time.sleep(3)
    finally:
        rc = w.stop(signal.SIGTERM)
    assert rc == 0, w.output
    c = w.counters()
    rx = c.get("eth.rx", 0)
    assert rx >= 100000, c
    assert c.get("loop.rx_pkts") == rx
    # Each frame either reached ARP or IPv4 or was dropped by Ethernet.
    handed_on = c.get("arp.rx", 0) + c.get("ip.rx", 0)
    eth_drops = sum(v for k, v in c.items() if k.startswith("eth.drop_"))
    assert handed_on + eth_drops == rx, c


def test_missing_port_is_a_clear_runtime_error():
    # Valid config, but the named port does not exist: EAL starts, the
    # stack cannot, and woshou says why and exits 1 (not 2: the file is fine).
    res = run([WOSHOU, "--config", NULL_CONFIG, "--set", MEM_SET,
               "--set", f"eal.file_prefix={PREFIX}_null",
               "--set", "port.device=net_nope0"], check=False, timeout=60)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "no port named 'net_nope0'" in res.stderr, res.stderr
    assert "final counters" not in res.stdout
