#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""IP identity probes for test_hardening_ip.py, run inside the test namespace.

Usage: scapy_ipid.py IFACE WOSHOU_MAC COMMAND
  syns       SYNs from 198.18.0.1 to ports 80 (open) and 81 (closed);
             prints one JSON list of the answers' {flags, id, df}
  pings SRC2 echo requests interleaved from 198.18.0.1 (A) and SRC2 (B),
             A B B B A B B B ...; prints one JSON list, in the order sent,
             of the replies' {src, id, df} (the kernel must own SRC2 on
             IFACE so that it answers woshou's ARP)
  transfer   a kernel TCP client sends 256 KiB to woshou's echo port and
             reads it back while woshou's segments are captured; prints
             one JSON object: ok, segments, df, no_df, max_len
Bounded: a few dozen frames, a few seconds each.
"""

import json
import os
import socket
import sys
import time

from scapy.all import (ICMP, IP, TCP, AsyncSniffer, Ether, Raw, conf,
                       get_if_hwaddr, srp1)

KERNEL_IP = "198.18.0.1"
WOSHOU_IP = "198.18.0.2"
DF = 0x2            # scapy's IP.flags bit for DF
conf.verb = 0


def fields(rep):
    return {"id": rep[IP].id, "df": bool(int(rep[IP].flags) & DF)}


def syns(iface, mac):
    out = []
    src_mac = get_if_hwaddr(iface)
    for i, dport in enumerate([80] * 6 + [81] * 3):
        req = (Ether(dst=mac, src=src_mac) / IP(src=KERNEL_IP, dst=WOSHOU_IP) /
               TCP(sport=43000 + i, dport=dport, flags="S", seq=1000 + i))
        rep = srp1(req, iface=iface, timeout=3)
        if rep is None or TCP not in rep:
            out.append({"flags": None})
            continue
        out.append(dict(fields(rep), flags=str(rep[TCP].flags)))
    return out


def pings(iface, mac, src2):
    out = []
    src_mac = get_if_hwaddr(iface)
    order = []
    for _ in range(4):
        order += [KERNEL_IP, src2, src2, src2]
    order.append(KERNEL_IP)
    for seq, src in enumerate(order):
        req = (Ether(dst=mac, src=src_mac) / IP(src=src, dst=WOSHOU_IP) /
               ICMP(type=8, id=0x4d4d, seq=seq) / Raw(b"ipid" * 8))
        # scapy pairs the reply by addresses, identifier and sequence.
        rep = srp1(req, iface=iface, timeout=3)
        if rep is None:
            out.append({"src": src, "id": None})
            continue
        out.append(dict(fields(rep), src=src))
    return out


def transfer(iface):
    sniffer = AsyncSniffer(iface=iface, store=True,
                           filter=f"tcp and src host {WOSHOU_IP} and src port 7")
    sniffer.start()
    time.sleep(0.5)
    data = os.urandom(256 * 1024)
    got = bytearray()
    with socket.create_connection((WOSHOU_IP, 7), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    time.sleep(0.5)
    pkts = sniffer.stop()
    segs = [p for p in pkts if IP in p]
    return {"ok": bytes(got) == data, "segments": len(segs),
            "df": sum(1 for p in segs if int(p[IP].flags) & DF),
            "no_df": sum(1 for p in segs if not int(p[IP].flags) & DF),
            "max_len": max((p[IP].len for p in segs), default=0)}


def main():
    iface, mac, cmd = sys.argv[1:4]
    if cmd == "syns":
        print(json.dumps(syns(iface, mac)))
    elif cmd == "pings":
        print(json.dumps(pings(iface, mac, sys.argv[4])))
    elif cmd == "transfer":
        print(json.dumps(transfer(iface)))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
