# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""DPDK-native logging: the lib.woshou.<module> log types, set with EAL's
--log-level (here through [eal] log_level), and the rate-limited debug
line that names each dropped packet's counter and the packet."""

import re
import time

from conftest import KERNEL_IP, WOSHOU_IP, wait_until

DROP_LINE = re.compile(
    r"woshou: tcp: worker 0: tcp\.rst_no_conn: "
    r"198\.18\.0\.1:(\d+) > 198\.18\.0\.2:(\d+) tcp \[S\] \d+ bytes")


def syns_to_closed_port(netns, port, count):
    """'count' connects from the kernel to a port nobody listens on; each
    SYN is answered with a RST (counted as tcp.rst_no_conn)."""
    script = (
        "import socket\n"
        f"for i in range({count}):\n"
        "    s = socket.socket()\n"
        "    s.settimeout(2)\n"
        f"    try: s.connect(('{WOSHOU_IP}', {port}))\n"
        "    except OSError: pass\n"
        "    s.close()\n")
    netns.python("-c", script, timeout=60)


def test_drop_lines_at_debug(netns, start):
    w = start("eal.log_level=lib.woshou.tcp:debug")
    try:
        syns_to_closed_port(netns, 81, 3)
        m = w.wait_for(DROP_LINE.pattern, timeout=10)
        assert m.group(2) == "81"
        # The port is the kernel's: the line names the real packet.
        assert int(m.group(1)) >= 1024
    finally:
        w.stop()
    counters = w.counters()
    assert counters["tcp.rst_no_conn"] == 3
    assert len(DROP_LINE.findall(w.output)) == 3


def test_no_drop_lines_by_default(netns, start):
    w = start()
    try:
        syns_to_closed_port(netns, 81, 3)
        wait_until(lambda: w.telemetry("/woshou/tcp/stats")["rst_no_conn"],
                   lambda n: n == 3, what="3 RSTs counted")
    finally:
        w.stop()
    assert w.counters()["tcp.rst_no_conn"] == 3
    assert "rst_no_conn:" not in w.output


def test_drop_lines_rate_limited(netns, start):
    """40 drops within a second log at most 10 lines in that second; the
    next line, in a later second, reports how many were suppressed."""
    w = start("eal.log_level=lib.woshou.tcp:debug")
    try:
        t0 = time.monotonic()
        syns_to_closed_port(netns, 82, 40)
        took = time.monotonic() - t0
        time.sleep(1.2)
        syns_to_closed_port(netns, 82, 1)
        w.wait_for(r"drop lines suppressed before this one", timeout=10)
    finally:
        w.stop()
    lines = [ln for ln in w.output.splitlines()
             if ln.startswith("woshou: tcp: worker 0: tcp.rst_no_conn:")]
    assert w.counters()["tcp.rst_no_conn"] == 41
    # At most 10 a second over the time the 40 took (plus the last one).
    assert len(lines) <= 10 * (int(took) + 2) + 1, (took, len(lines))
    assert len(lines) < 41
    m = re.search(r"\((\d+) drop lines suppressed before this one\)", w.output)
    assert int(m.group(1)) >= 1
    assert len(lines) + sum(int(n) for n in re.findall(
        r"\((\d+) drop lines suppressed", w.output)) == 41


def test_glob_level_reaches_the_ip_layer(netns, start):
    """'lib.woshou.*:debug' reaches every module's type: a frame with a
    bad IPv4 header checksum is logged by ip, with its addresses."""
    w = start("eal.log_level=lib.woshou.*:debug")
    try:
        script = (
            "from scapy.all import Ether, IP, UDP, sendp, conf\n"
            "conf.verb = 0\n"
            f"sendp(Ether(dst='{w.mac}') / IP(src='{KERNEL_IP}', "
            f"dst='{WOSHOU_IP}', chksum=0x1234) / UDP(sport=5000, "
            "dport=7) / b'x', iface='wsh0')\n")
        netns.python("-c", script, timeout=60)
        m = w.wait_for(r"woshou: ip: worker 0: ip\.drop_cksum: "
                       r"198\.18\.0\.1:5000 > 198\.18\.0\.2:7 udp "
                       r"(\d+) bytes", timeout=10)
        assert int(m.group(1)) == 14 + 20 + 8 + 1
    finally:
        w.stop()
    assert w.counters()["ip.drop_cksum"] == 1
