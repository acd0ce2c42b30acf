#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Hand-made handshakes with woshou's SYN cookies, run inside the test
namespace from 198.18.0.1 (source ports 40000-40999, whose RSTs the test
has nftables drop so the kernel does not reset these connections).

Usage: scapy_cookie.py IFACE WOSHOU_MAC COMMAND
  bad-acks    learn the cookie counter from one SYN-ACK, then send 8 ACKs
              to port 80 with no SYN before them: ISN bits 31..30 each of
              the 4 values, MSS index 0 and 7, a random MAC; collect what
              comes back. One JSON line.
  handshake-ts / handshake-nots
              a SYN to port 80 with MSS 1460, SACK-permitted, window scale
              7, with or without timestamps; print the SYN-ACK (JSON), then
              complete the handshake and print 'established SPORT'; wait
              for a line on stdin, then send a GET /hello and print the
              response (JSON).
  tampered-tsecr
              a SYN with timestamps, window scale 7 and SACK-permitted; the
              ACK echoes the SYN-ACK's TSval with the SACK bit (4) flipped,
              as a peer rewriting the options it was given would. Prints
              the SYN-ACK and what came back (JSON).
"""

import json
import random
import sys
import threading

from scapy.all import (IP, TCP, AsyncSniffer, Ether, Raw, conf,
                       get_if_hwaddr, sendp)

KERNEL_IP = "198.18.0.1"
WOSHOU_IP = "198.18.0.2"
conf.verb = 0


class Peer:
    def __init__(self, iface, mac):
        self.iface, self.mac = iface, mac
        self.eth = Ether(dst=mac, src=get_if_hwaddr(iface))
        self.ports = random.sample(range(40000, 41000), 40)

    def seg(self, sport, flags, seq, ack=0, options=(), data=b"", dport=80):
        p = (self.eth / IP(src=KERNEL_IP, dst=WOSHOU_IP) /
             TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                 window=64240, options=list(options)))
        return p / Raw(data) if data else p

    def sniffer(self, sports, timeout, count=0, stop_filter=None):
        started = threading.Event()
        s = AsyncSniffer(
            iface=self.iface, count=count, timeout=timeout,
            lfilter=lambda x: TCP in x and x[IP].src == WOSHOU_IP and
            x[TCP].dport in sports,
            stop_filter=stop_filter, started_callback=started.set)
        s.start()
        started.wait(2)
        return s

    def ask(self, p, timeout=2):
        """Send p; the first segment woshou sends to its source port."""
        s = self.sniffer({p[TCP].sport}, timeout, count=1)
        sendp(p, iface=self.iface)
        s.join()
        return s.results[0] if s.results else None

    def synack(self, sport, seq, options):
        r = self.ask(self.seg(sport, "S", seq, options=options))
        if r is None or str(r[TCP].flags) != "SA":
            raise SystemExit(f"no SYN-ACK: {r!r}")
        return r[TCP]


def opts_json(tcp):
    out = {}
    for name, val in tcp.options:
        if name == "NOP" or name == "EOL":
            continue
        out[name] = list(val) if isinstance(val, tuple) else (
            val.hex() if isinstance(val, bytes) else val)
    return out


def bad_acks(peer):
    def counter():
        sa = peer.synack(peer.ports.pop(), random.randint(1, 2**31),
                         [("MSS", 1460)])
        return sa.seq >> 30

    before = counter()
    acks = []
    for top in range(4):
        for idx in (0, 7):
            # +1 below never carries into the index bits.
            cookie = (top << 30) | (idx << 27) | random.randint(0, (1 << 27) - 2)
            acks.append({"sport": peer.ports.pop(), "top": top, "idx": idx,
                         "seq": random.randint(1, 2**31), "ack": cookie + 1})
    sn = peer.sniffer({a["sport"] for a in acks}, timeout=2)
    for a in acks:
        sendp(peer.seg(a["sport"], "A", a["seq"], a["ack"]), iface=peer.iface)
    sn.join()
    after = counter()
    replies = [{"sport": r[TCP].dport, "flags": str(r[TCP].flags),
                "seq": r[TCP].seq, "ack": r[TCP].ack} for r in sn.results]
    return {"counter_before": before, "counter_after": after, "acks": acks,
            "replies": replies}


REQ = b"GET /hello HTTP/1.1\r\nHost: woshou\r\n\r\n"


def handshake(peer, with_ts):
    sport = peer.ports.pop()
    isn = random.randint(1, 2**31)
    tsval = random.randint(1, 2**30)
    opts = [("MSS", 1460), ("SAckOK", b"")]
    if with_ts:
        opts.append(("Timestamp", (tsval, 0)))
    opts += [("NOP", None), ("WScale", 7)]
    sa = peer.synack(sport, isn, opts)
    print(json.dumps({"sport": sport, "seq": sa.seq, "ack": sa.ack, "tsval": tsval,
                      "window": sa.window, "options": opts_json(sa)}), flush=True)
    ts = dict(sa.options).get("Timestamp")
    tsopt = lambda: [("NOP", None), ("NOP", None),
                     ("Timestamp", (tsval + 1, ts[0]))] if ts else []
    seq, ack = isn + 1, (sa.seq + 1) & 0xffffffff
    sendp(peer.seg(sport, "A", seq, ack, tsopt()), iface=peer.iface)
    print(f"established {sport}", flush=True)
    sys.stdin.readline()
    got = b""
    sn = peer.sniffer({sport}, timeout=3,
                      stop_filter=lambda x: b"hello from woshou" in bytes(x[TCP].payload))
    sendp(peer.seg(sport, "PA", seq, ack, tsopt(), data=REQ), iface=peer.iface)
    sn.join()
    for r in sn.results:
        got += bytes(r[TCP].payload)
    # Leave nothing behind: reset the connection.
    sendp(peer.seg(sport, "R", seq + len(REQ), 0), iface=peer.iface)
    return {"response": got.decode(errors="replace"), "segments": len(sn.results),
            "acked_request": any(r[TCP].ack == seq + len(REQ) for r in sn.results)}


def tampered_tsecr(peer):
    sport = peer.ports.pop()
    isn = random.randint(1, 2**31)
    tsval = random.randint(1, 2**30)
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (tsval, 0)),
            ("NOP", None), ("WScale", 7)]
    sa = peer.synack(sport, isn, opts)
    ts = dict(sa.options)["Timestamp"]
    ack = peer.seg(sport, "A", isn + 1, (sa.seq + 1) & 0xffffffff,
                   [("NOP", None), ("NOP", None),
                    ("Timestamp", (tsval + 1, ts[0] ^ (1 << 4)))])
    r = peer.ask(ack)
    return {"sport": sport, "synack_tsval": ts[0], "options": opts_json(sa),
            "reply": None if r is None else {"flags": str(r[TCP].flags),
                                             "seq": r[TCP].seq, "ack": r[TCP].ack},
            "ack_sent": (sa.seq + 1) & 0xffffffff}


def main():
    iface, mac, cmd = sys.argv[1:4]
    peer = Peer(iface, mac)
    if cmd == "bad-acks":
        print(json.dumps(bad_acks(peer)))
    elif cmd == "tampered-tsecr":
        print(json.dumps(tampered_tsecr(peer)))
    elif cmd in ("handshake-ts", "handshake-nots"):
        print(json.dumps(handshake(peer, cmd == "handshake-ts")))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
