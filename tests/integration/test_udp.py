# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""UDP against the Linux kernel: python sockets and scapy in the namespace
talk to woshou's UDP echo (7, RFC 862) and discard (9, RFC 863) over
net_tap, and woshou's final counters must move by exactly what was sent.

Only 198.18.0.1 (the kernel) and 198.18.0.2 (woshou) appear, inside the
test's own namespace.
"""

from conftest import IFACE, KERNEL_IP, WOSHOU_IP

# Send datagrams of the given sizes to a port, one at a time; with --echo
# each must come back byte-exact before the next goes. Prints "OK".
CLIENT = f"""
import os, socket, sys
port, echo = int(sys.argv[1]), sys.argv[2] == "echo"
sizes = [int(x) for x in sys.argv[3].split(",")]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("{KERNEL_IP}", int(sys.argv[4]) if len(sys.argv) > 4 else 0))
s.settimeout(5)
s.connect(("{WOSHOU_IP}", port))
for n in sizes:
    data = os.urandom(n)
    s.send(data)
    if not echo:
        continue
    try:
        got = s.recv(70000)
    except socket.timeout:
        sys.exit("no echo of the %d-byte datagram" % n)
    if got != data:
        sys.exit("%d bytes came back as %d different ones" % (n, len(got)))
if not echo:
    # Anything coming back would be a reply nobody asked for.
    s.settimeout(1)
    try:
        sys.exit("unexpected reply %r" % s.recv(70000)[:64])
    except socket.timeout:
        pass
print("OK")
"""

# Hand-made datagrams to echo from 198.18.0.1:40000, with checksum modes
# zero (none sent), bad (the right one with bits flipped) or good; the
# reply, if any, arrives on a kernel socket bound to that port. One line
# per datagram: "OK" (echoed byte-exact) or "no reply".
SCAPY = f"""
import socket, sys
from scapy.all import IP, UDP, Ether, Raw, conf, get_if_hwaddr, sendp
conf.verb = 0
iface, mac, modes = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("{KERNEL_IP}", 40000))
rx.settimeout(2)
for i, mode in enumerate(modes):
    payload = ("datagram %d, checksum %s" % (i, mode)).encode()
    ip = IP(src="{KERNEL_IP}", dst="{WOSHOU_IP}") / UDP(sport=40000, dport=7) / Raw(payload)
    good = IP(bytes(ip))[UDP].chksum
    ck = {{"zero": 0, "bad": good ^ 0x5a5a, "good": good}}[mode]
    assert mode != "bad" or ck not in (0, good)
    ip[UDP].chksum = ck
    sendp(Ether(dst=mac, src=get_if_hwaddr(iface)) / ip, iface=iface)
    try:
        got = rx.recv(2048)
    except socket.timeout:
        print("no reply")
        continue
    print("OK" if got == payload else "wrong reply %r" % got)
"""

# A connected socket to a port nobody holds: the port unreachable that
# comes back makes the kernel fail the next receive with ECONNREFUSED.
REFUSED = f"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect(("{WOSHOU_IP}", 4444))
s.send(b"anyone there?")
try:
    s.recv(100)
    print("a reply")
except ConnectionRefusedError:
    print("ECONNREFUSED")
except socket.timeout:
    print("timeout")
"""


def client(netns, port, mode, sizes, sport=None):
    args = ["-c", CLIENT, port, mode, ",".join(map(str, sizes))]
    if sport is not None:
        args.append(sport)
    res = netns.python(*args, check=False, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "OK", res.stdout + res.stderr


def udp_counters(woshou):
    assert woshou.stop() == 0
    return woshou.counters()


def test_echo_datagrams_byte_exact(woshou, netns):
    # 1472 fills one frame; 1473 is the first size the kernel fragments.
    sizes = [0, 1, 2, 3, 64, 100, 511, 1000, 1471, 1472, 1473, 2000]
    client(netns, 7, "echo", sizes)
    c = udp_counters(woshou)
    total = sum(sizes)
    assert c.get("udp.rx", 0) == len(sizes), c
    assert c.get("udp.delivered", 0) == len(sizes), c
    assert c.get("udp.rx_bytes", 0) == total, c
    assert c.get("udp.tx", 0) == len(sizes), c
    assert c.get("udp.tx_bytes", 0) == total, c
    # 1473 and 2000 came in two fragments each and left the same way.
    assert c.get("ip.reasm_ok", 0) == 2, c
    assert c.get("ip.frag_tx", 0) == 4, c


def test_echo_fragmented_both_ways(woshou, netns):
    # 4000 bytes: three fragments each way. 11832 bytes: eight, the most
    # DPDK's reassembly takes (RTE_LIBRTE_IP_FRAG_MAX_FRAG).
    client(netns, 7, "echo", [4000, 11832])
    c = udp_counters(woshou)
    assert c.get("udp.delivered", 0) == 2, c
    assert c.get("udp.tx_bytes", 0) == 4000 + 11832, c
    assert c.get("ip.frag_rx", 0) == 3 + 8, c
    assert c.get("ip.reasm_ok", 0) == 2, c
    assert c.get("ip.frag_tx", 0) == 3 + 8, c
    assert c.get("udp.drop_cksum", 0) == 0, c


def scapy_datagrams(woshou, netns, modes):
    res = netns.python("-c", SCAPY, IFACE, woshou.mac, ",".join(modes), timeout=60)
    return res.stdout.strip().splitlines()


def test_zero_checksum_accepted(woshou, netns):
    assert scapy_datagrams(woshou, netns, ["zero"]) == ["OK"]
    c = udp_counters(woshou)
    assert c.get("udp.delivered", 0) == 1, c
    assert c.get("udp.tx", 0) == 1, c
    assert c.get("udp.drop_cksum", 0) == 0, c


def test_bad_checksum_dropped_and_counted(woshou, netns):
    # The good one after it shows the path was there all along.
    assert scapy_datagrams(woshou, netns, ["bad", "good"]) == ["no reply", "OK"]
    c = udp_counters(woshou)
    assert c.get("udp.rx", 0) == 2, c
    assert c.get("udp.drop_cksum", 0) == 1, c
    assert c.get("udp.delivered", 0) == 1, c
    assert c.get("udp.tx", 0) == 1, c


def test_closed_port_refuses_connected_socket(woshou, netns):
    res = netns.python("-c", REFUSED, timeout=30)
    assert res.stdout.strip() == "ECONNREFUSED", res.stdout + res.stderr
    c = udp_counters(woshou)
    assert c.get("udp.no_port", 0) == 1, c
    assert c.get("udp.unreach_tx", 0) == 1, c
    assert c.get("icmp.unreach_tx", 0) == 1, c
    assert c.get("udp.delivered", 0) == 0, c


def test_echo_refuses_looping_source_port(woshou, netns):
    # From chargen's port: an echo would start an endless exchange.
    client(netns, 7, "send", [32], sport=19)
    c = udp_counters(woshou)
    assert c.get("udp.delivered", 0) == 1, c
    assert c.get("udp.tx", 0) == 0, c
    assert c.get("services.udp_echo_loops_refused", 0) == 1, c


def test_counters_move_by_exactly_what_was_sent(woshou, netns):
    echoed, discarded = [10, 20, 30], [5, 7]
    client(netns, 7, "echo", echoed)
    client(netns, 9, "send", discarded)
    res = netns.python("-c", REFUSED, timeout=30)
    assert res.stdout.strip() == "ECONNREFUSED", res.stdout + res.stderr
    c = udp_counters(woshou)
    expect = {
        "udp.rx": len(echoed) + len(discarded) + 1,
        "udp.delivered": len(echoed) + len(discarded),
        "udp.rx_bytes": sum(echoed) + sum(discarded),
        "udp.tx": len(echoed),
        "udp.tx_bytes": sum(echoed),
        "udp.no_port": 1,
        "udp.unreach_tx": 1,
    }
    got = {k: v for k, v in c.items() if k.startswith("udp.")}
    assert got == expect, c
