#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Hand-made frames for the integration tests, run inside the test namespace.

Usage: scapy_tool.py IFACE WOSHOU_MAC COMMAND
  echo       one echo request with a random 200-byte payload; prints
             'OK' when the reply is byte-exact (id, seq, payload), else why
  protounr   an IP datagram of protocol 253; prints the ICMP reply fields
  hostile    a bounded burst (a few hundred frames) of malformed frames
Sources and destinations are only 198.18.0.1 and 198.18.0.2.
"""

import os
import sys

from scapy.all import (ICMP, IP, Ether, Raw, conf, fragment, get_if_hwaddr,
                       sendp, srp1)
from scapy.layers.inet import IPerror

KERNEL_IP = "198.18.0.1"
WOSHOU_IP = "198.18.0.2"
conf.verb = 0


def echo(iface, mac):
    payload = os.urandom(200)
    req = (Ether(dst=mac, src=get_if_hwaddr(iface)) /
           IP(src=KERNEL_IP, dst=WOSHOU_IP) /
           ICMP(type=8, id=0x5a5a, seq=7) / Raw(payload))
    rep = srp1(req, iface=iface, timeout=3)
    if rep is None:
        return "no reply"
    if ICMP not in rep or rep[ICMP].type != 0:
        return f"not an echo reply: {rep.summary()}"
    if (rep[ICMP].id, rep[ICMP].seq) != (0x5a5a, 7):
        return f"id/seq {rep[ICMP].id}/{rep[ICMP].seq}"
    if bytes(rep[ICMP].payload) != payload:
        return "payload differs"
    if rep[IP].src != WOSHOU_IP or rep[IP].dst != KERNEL_IP:
        return f"addresses {rep[IP].src} -> {rep[IP].dst}"
    # Let scapy recompute both checksums and compare with what came.
    ip_ck, icmp_ck = rep[IP].chksum, rep[ICMP].chksum
    fresh = IP(bytes(rep[IP]))
    del fresh.chksum
    del fresh[ICMP].chksum
    fresh = IP(bytes(fresh))
    if (fresh.chksum, fresh[ICMP].chksum) != (ip_ck, icmp_ck):
        return "bad checksum"
    return "OK"


def protounr(iface, mac):
    req = (Ether(dst=mac, src=get_if_hwaddr(iface)) /
           IP(src=KERNEL_IP, dst=WOSHOU_IP, proto=253) / Raw(b"x" * 32))
    rep = srp1(req, iface=iface, timeout=3)
    if rep is None or ICMP not in rep:
        return "no reply"
    # scapy parses the datagram quoted inside an ICMP error as IPerror.
    quoted = rep[IPerror].proto if IPerror in rep else "?"
    return (f"type={rep[ICMP].type} code={rep[ICMP].code} "
            f"quoted_proto={quoted} len={len(rep[IP])}")


def hostile(iface, mac):
    src = get_if_hwaddr(iface)
    eth = Ether(dst=mac, src=src, type=0x0800)
    good = IP(src=KERNEL_IP, dst=WOSHOU_IP) / ICMP(id=1, seq=1) / Raw(b"a" * 64)
    frames = []
    raw = bytearray(bytes(good))
    bad_ck = bytearray(raw)
    bad_ck[10] ^= 0xff                                  # IP header checksum
    frames.append(eth / Raw(bytes(bad_ck)))
    ihl3 = bytearray(raw)
    ihl3[0] = 0x43                                      # IHL < 5
    frames.append(eth / Raw(bytes(ihl3)))
    v6 = bytearray(raw)
    v6[0] = 0x65                                        # version 6
    frames.append(eth / Raw(bytes(v6)))
    frames.append(eth / IP(src=KERNEL_IP, dst=WOSHOU_IP, len=1400) /
                  ICMP() / Raw(b"b" * 10))              # length lies
    frames.append(eth / Raw(raw[:15]))                  # truncated header
    frames.append(eth / IP(src=KERNEL_IP, dst=WOSHOU_IP) /
                  ICMP(chksum=0x1234) / Raw(b"c" * 8))  # ICMP checksum
    # Overlapping fragments of one datagram.
    big = IP(src=KERNEL_IP, dst=WOSHOU_IP, id=4242) / ICMP() / Raw(b"d" * 2000)
    frags = fragment(big, fragsize=800)
    overlap = frags[1].copy()
    overlap.frag -= 8
    del overlap.chksum
    frames += [eth / frags[0], eth / overlap, eth / frags[1], eth / frags[2]]
    for _ in range(20):                                  # bounded: ~240 frames
        sendp(frames, iface=iface)
    return "sent"


def main():
    iface, mac, cmd = sys.argv[1:4]
    result = {"echo": echo, "protounr": protounr, "hostile": hostile}[cmd](iface, mac)
    print(result)


if __name__ == "__main__":
    main()
