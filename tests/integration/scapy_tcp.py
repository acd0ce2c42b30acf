#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Hand-made TCP segments for what normal clients never send, run inside the
test namespace. The test installs an nftables rule first so the kernel does
not reset these hand-made connections (source ports 40000-40999).

Usage: scapy_tcp.py IFACE WOSHOU_MAC PROBE
Each probe prints one line: 'OK' or what went wrong.
"""

import random
import sys
import threading

from scapy.all import (IP, TCP, AsyncSniffer, Ether, Raw, conf, fragment,
                       get_if_hwaddr, sendp)

KERNEL_IP = "198.18.0.1"
WOSHOU_IP = "198.18.0.2"
conf.verb = 0


class Probe:
    def __init__(self, iface, mac, dport=7):
        self.iface, self.mac, self.dport = iface, mac, dport
        self.eth = Ether(dst=mac, src=get_if_hwaddr(iface))
        self.sport = random.randint(40000, 40999)
        self.seq = random.randint(1, 2**31)
        self.ack = 0

    def pkt(self, flags, seq=None, ack=None, data=b"", window=65535):
        p = (self.eth / IP(src=KERNEL_IP, dst=WOSHOU_IP) /
             TCP(sport=self.sport, dport=self.dport, flags=flags,
                 seq=self.seq if seq is None else seq,
                 ack=self.ack if ack is None else ack, window=window))
        return p / Raw(data) if data else p

    def ask(self, p, timeout=2):
        """Send p; return the next segment woshou sends to our port.

        Not srp1: scapy pairs replies by sequence numbers, and a challenge
        ACK by design does not acknowledge what provoked it."""
        started = threading.Event()
        sniffer = AsyncSniffer(
            iface=self.iface, count=1, timeout=timeout,
            lfilter=lambda x: TCP in x and x[IP].src == WOSHOU_IP and
            x[TCP].dport == self.sport,
            started_callback=started.set)
        sniffer.start()
        started.wait(2)
        sendp(p, iface=self.iface)
        sniffer.join()
        got = sniffer.results
        return got[0][TCP] if got else None

    def send(self, p):
        sendp(p, iface=self.iface)

    def handshake(self):
        sa = self.ask(self.pkt("S"))
        if sa is None or sa.flags != "SA":
            raise SystemExit(f"no SYN-ACK: {sa!r}")
        self.seq += 1
        self.ack = sa.seq + 1
        self.send(self.pkt("A"))
        return sa


def rst_closed_port(p):
    # RFC 9293 3.10.7, CLOSED state, ACK off:
    # <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    p.dport = 1
    r = p.ask(p.pkt("S"))
    if r is None:
        return "no reply"
    if r.flags != "RA" or r.seq != 0 or r.ack != p.seq + 1:
        return f"got {r.flags} seq={r.seq} ack={r.ack}"
    # ACK on: <SEQ=SEG.ACK><CTL=RST>
    r = p.ask(p.pkt("A", seq=p.seq, ack=12345))
    if r is None or r.flags != "R" or r.seq != 12345:
        return f"ack case: {r!r}"
    return "OK"


def challenge_ack_syn(p):
    # RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK.
    sa = p.handshake()
    r = p.ask(p.pkt("S", seq=p.seq + 100))
    if r is None or r.flags != "A" or r.seq != sa.seq + 1 or r.ack != p.seq:
        return f"got {r!r}"
    return "OK"


def challenge_ack_rst(p):
    # RFC 5961 3.2: in-window RST whose SEQ != RCV.NXT gets a challenge ACK
    # and does not reset; the exact one does.
    sa = p.handshake()
    r = p.ask(p.pkt("R", seq=p.seq + 10))
    if r is None or r.flags != "A" or r.ack != p.seq:
        return f"inexact RST: {r!r}"
    r = p.ask(p.pkt("A", data=b"x"))
    if r is None or r.ack != p.seq + 1:
        return f"connection did not survive: {r!r}"
    p.seq += 1
    p.send(p.pkt("R"))
    r = p.ask(p.pkt("A", data=b"y"))
    if r is None or r.flags != "R":
        return f"exact RST did not reset: {r!r}"
    return "OK"


def ack_out_of_window(p):
    # RFC 9293 3.10.7, other states: an unacceptable segment gets
    # <SEQ=SND.NXT><ACK=RCV.NXT>
    sa = p.handshake()
    r = p.ask(p.pkt("A", seq=p.seq + 10_000_000, data=b"far away"))
    if r is None or r.flags != "A" or r.ack != p.seq or r.seq != sa.seq + 1:
        return f"got {r!r}"
    return "OK"


def fin_in_syn_received(p):
    # A FIN acknowledging the SYN-ACK completes the open and closes our side.
    sa = p.ask(p.pkt("S"))
    if sa is None or sa.flags != "SA":
        return f"no SYN-ACK: {sa!r}"
    p.seq += 1
    p.ack = sa.seq + 1
    r = p.ask(p.pkt("FA"))
    if r is None or "A" not in str(r.flags) or r.ack != p.seq + 1:
        return f"FIN not acknowledged: {r!r}"
    return "OK"


def data_beyond_window_trimmed(p):
    # Run with tcp.rcvbuf=4096 and no window scaling: one 6000-byte segment
    # (sent as IP fragments, reassembled by woshou) overruns the window;
    # only the 4096 bytes inside it may be acknowledged (RFC 9293 3.10.7, other states).
    p.dport = 9
    sa = p.handshake()
    if sa.window != 4096:
        return f"window {sa.window}, test expects 4096"
    seg = p.pkt("PA", data=bytes(6000))
    frags = fragment(seg[IP], fragsize=1400)
    started = threading.Event()
    sniffer = AsyncSniffer(
        iface=p.iface, count=1, timeout=3,
        lfilter=lambda x: TCP in x and x[IP].src == WOSHOU_IP and
        x[TCP].dport == p.sport, started_callback=started.set)
    sniffer.start()
    started.wait(2)
    for f in frags:
        sendp(p.eth / f, iface=p.iface)
    sniffer.join()
    if not sniffer.results:
        return "no ACK"
    r = sniffer.results[0][TCP]
    if r.ack != p.seq + 4096:
        return f"acked {r.ack - p.seq} bytes, not 4096"
    return "OK"


def simultaneous_close(p):
    # woshou's FIN and ours cross: it must go FIN_WAIT_1 -> CLOSING and
    # acknowledge our FIN with its own FIN counted (RFC 9293 3.6, case 2).
    p.dport = 80
    p.handshake()
    req = b"GET /hello HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n"
    started = threading.Event()
    sniffer = AsyncSniffer(
        iface=p.iface, timeout=3, started_callback=started.set,
        lfilter=lambda x: TCP in x and x[IP].src == WOSHOU_IP and
        x[TCP].dport == p.sport,
        stop_filter=lambda x: "F" in str(x[TCP].flags))
    sniffer.start()
    started.wait(2)
    p.send(p.pkt("PA", data=req))
    sniffer.join()
    fins = [x[TCP] for x in sniffer.results if "F" in str(x[TCP].flags)]
    if not fins:
        return "woshou sent no FIN"
    fin = fins[0]
    their_fin_seq = fin.seq + len(fin.payload)
    p.seq += len(req)
    # Our FIN crosses theirs: it does not acknowledge their FIN.
    r = p.ask(p.pkt("FA", ack=their_fin_seq))
    if r is None or r.ack != p.seq + 1 or r.seq != their_fin_seq + 1:
        return f"crossing FIN answered with {r!r}"
    p.send(p.pkt("A", seq=p.seq + 1, ack=their_fin_seq + 1))
    return "OK"


PROBES = {f.__name__.replace("_", "-"): f for f in (
    rst_closed_port, challenge_ack_syn, challenge_ack_rst, ack_out_of_window,
    fin_in_syn_received, data_beyond_window_trimmed, simultaneous_close)}


def main():
    iface, mac, name = sys.argv[1:4]
    print(PROBES[name](Probe(iface, mac)))


if __name__ == "__main__":
    main()
