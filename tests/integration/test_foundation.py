# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""The foundation against real peers: woshou on net_tap, the Linux kernel
and its tools (ping, arping, ip neigh) on the other side of the tap."""

import os
import re
import signal
import time

from conftest import CONFIG, IFACE, PREFIX, ROOT, WOSHOU, WOSHOU_IP, run, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
SCAPY_TOOL = os.path.join(HERE, "scapy_tool.py")


def scapy(ns, mac, cmd):
    res = ns.python(SCAPY_TOOL, IFACE, mac, cmd, timeout=120)
    return res.stdout.strip().splitlines()[-1]


def test_ping_20_no_loss_payload_exact(woshou, netns):
    # -p fills the payload with a pattern; iputils ping checks every byte of
    # each reply against it and reports "wrong data byte" otherwise.
    res = netns.exec(["ping", "-c", "20", "-i", "0.2", "-W", "2", "-p", "a5c3",
                      WOSHOU_IP], check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "20 packets transmitted, 20 received, 0% packet loss" in res.stdout
    assert "wrong data" not in res.stdout + res.stderr
    assert "DUP!" not in res.stdout
    assert woshou.stop() == 0
    c = woshou.counters()
    assert c.get("icmp.echo_rx") == 20
    assert c.get("icmp.echo_tx") == 20


def test_echo_reply_byte_exact_scapy(woshou, netns):
    assert scapy(netns, woshou.mac, "echo") == "OK"


def test_ping_4000_reassembly_and_fragmented_reply(woshou, netns):
    res = netns.exec(["ping", "-c", "5", "-i", "0.2", "-W", "2", "-s", "4000",
                      WOSHOU_IP], check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "5 packets transmitted, 5 received, 0% packet loss" in res.stdout
    assert "wrong data" not in res.stdout
    # 4008 bytes of ICMP in a 1500-byte MTU: three fragments each way.
    assert re.search(r"4008 bytes from 198\.18\.0\.2", res.stdout)
    assert woshou.stop() == 0
    c = woshou.counters()
    assert c.get("ip.frag_rx") == 15
    assert c.get("ip.reasm_ok") == 5
    assert c.get("ip.frag_tx") == 15
    assert c.get("icmp.echo_tx") == 5


def test_arping_gets_woshou_mac(woshou, netns):
    res = netns.exec(["arping", "-c", "3", "-w", "5", "-I", IFACE, WOSHOU_IP],
                     check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    replies = re.findall(r"reply from 198\.18\.0\.2 \[([0-9A-Fa-f:]{17})\]", res.stdout)
    assert len(replies) == 3, res.stdout
    assert {r.lower() for r in replies} == {woshou.mac}
    assert woshou.stop() == 0
    assert woshou.counters().get("arp.replies_tx", 0) >= 3


def test_kernel_neighbour_table_holds_woshou_mac(woshou, netns):
    netns.exec(["ping", "-c", "1", "-W", "2", WOSHOU_IP])
    res = netns.exec(["ip", "neigh", "show", WOSHOU_IP, "dev", IFACE])
    assert woshou.mac in res.stdout.lower(), res.stdout
    assert re.search(r"REACHABLE|STALE|DELAY|PROBE", res.stdout), res.stdout


def test_protocol_unreachable_for_unknown_protocol(woshou, netns):
    # RFC 1122 section 3.2.2: a host SHOULD send protocol unreachable.
    reply = scapy(netns, woshou.mac, "protounr")
    # 20 (IP) + 8 (ICMP) + the whole 52-byte offending datagram.
    assert reply == "type=3 code=2 quoted_proto=253 len=80", reply


def test_hostile_frames_dropped_and_counted_then_still_answers(woshou, netns):
    assert scapy(netns, woshou.mac, "hostile") == "sent"
    res = netns.exec(["ping", "-c", "3", "-i", "0.2", "-W", "2", WOSHOU_IP],
                     check=False)
    assert "3 received" in res.stdout, res.stdout
    assert woshou.stop() == 0
    c = woshou.counters()
    assert c.get("ip.drop_cksum") == 20
    assert c.get("ip.drop_ihl") == 20
    assert c.get("ip.drop_version") == 20
    assert c.get("ip.drop_len") == 20
    assert c.get("ip.drop_short") == 20
    assert c.get("icmp.drop_cksum") == 20
    # Reassembly drops count fragments: 4 per overlapping datagram.
    assert c.get("ip.frag_rx") == 80
    assert c.get("ip.drop_reasm_invalid") == 80
    assert c.get("ip.reasm_ok", 0) == 0
    assert c.get("icmp.echo_tx") == 3


def test_sigterm_exits_0_with_counters(start, netns):
    w = start()
    netns.exec(["ping", "-c", "3", "-i", "0.2", "-W", "2", WOSHOU_IP])
    rc = w.stop(signal.SIGTERM)
    assert rc == 0, w.output
    c = w.counters()
    assert c.get("icmp.echo_rx") == 3
    assert c.get("loop.rx_pkts", 0) >= 3


def test_check_config_accepts_default_and_rejects_bad(tmp_path):
    res = run([WOSHOU, "--config", CONFIG, "--check-config"], check=False)
    assert res.returncode == 0, res.stderr
    assert re.search(r"^addr = 198\.18\.0\.2/24$", res.stdout, re.M), res.stdout

    bad = tmp_path / "bad.ini"
    bad.write_text(open(CONFIG).read().replace("mtu = 1500", "mtu = 70000"))
    res = run([WOSHOU, "--config", str(bad), "--check-config"], check=False)
    assert res.returncode == 2
    assert res.stderr.strip() == f"woshou: {bad}: [port] mtu: 70000 is out of range 68..9000"

    res = run([WOSHOU, "--config", str(tmp_path / "missing.ini"), "--check-config"],
              check=False)
    assert res.returncode == 2
    assert "missing.ini: cannot read" in res.stderr

    res = run([WOSHOU, "--config", CONFIG, "--set", "ip.ttl=0", "--check-config"],
              check=False)
    assert res.returncode == 2
    assert "[ip] ttl: 0 is out of range 1..255" in res.stderr


def test_gratuitous_arp_announces_woshou(start, netns):
    # With arp_accept=1 the kernel creates a neighbour entry from an
    # unsolicited announcement. woshou announces at start and again 2 s
    # later (RFC 5227 ANNOUNCE_NUM, ANNOUNCE_INTERVAL). The kernel sends
    # woshou nothing here, so only an announcement can put woshou's MAC in
    # the table.
    netns.sh("sysctl -qw net.ipv4.conf.default.arp_accept=1")
    started = time.monotonic()
    w = start()
    entry = wait_until(lambda: netns.exec(["ip", "neigh", "show", WOSHOU_IP,
                                           "dev", IFACE]).stdout,
                       lambda entry: w.mac in entry.lower(), timeout=10, interval=0.1,
                       fail=False)
    assert w.mac in entry.lower(), entry
    time.sleep(max(0.0, started + 3.0 - time.monotonic()))
    assert w.stop() == 0
    c = w.counters()
    assert c.get("arp.gratuitous_tx") == 2
    assert c.get("arp.requests_rx", 0) == 0


def test_every_address_of_addr_count_answers_arp_ping_and_http(start, netns):
    """ip.addr_count = 4: 198.18.0.2 .. .5 are all woshou's. The kernel
    resolves each to woshou's MAC, pings each, and fetches a page from
    each (TCP accepted on every address, answered from it); .6 is not
    ours. woshou-stat shows the extra addresses."""
    w = start("ip.addr_count=4")
    assert "198.18.0.2/24 (+3) mac" in w.output, w.output
    for last in range(2, 6):
        addr = f"198.18.0.{last}"
        res = netns.exec(["arping", "-c", "1", "-w", "2", "-I", IFACE, addr],
                         check=False)
        assert res.returncode == 0, res.stdout + res.stderr
        assert w.mac in res.stdout.lower(), res.stdout
        res = netns.exec(["ping", "-c", "2", "-i", "0.2", "-W", "2", addr],
                         check=False)
        assert "2 received" in res.stdout, res.stdout
        res = netns.exec(["curl", "-sf", "--max-time", "5",
                          f"http://{addr}/hello"], check=False)
        assert res.returncode == 0 and res.stdout == "hello from woshou\n", res
    res = netns.exec(["arping", "-c", "1", "-w", "1", "-I", IFACE, "198.18.0.6"],
                     check=False)
    assert res.returncode != 0, res.stdout
    stat = run([os.path.join(ROOT, "scripts", "woshou-stat"),
                "--prefix", PREFIX]).stdout
    assert "198.18.0.2/24 (+3)" in stat, stat
    w.stop()
    c = w.counters()
    assert c.get("icmp.echo_tx") == 8
    assert c.get("tcp.passive_opens") == 4
    assert c.get("arp.replies_tx") >= 4
