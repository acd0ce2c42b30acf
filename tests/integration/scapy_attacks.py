#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Hand-made attacks for the adversarial suite (test_adversarial.py), run
inside the test namespace from the kernel side of the tap. The test drops
the kernel's own RSTs for the source ports used (40000-40999) first.

Usage: scapy_attacks.py IFACE WOSHOU_MAC ATTACK
Each attack prints one JSON line of what it saw.
"""

import json
import random
import sys
import threading
import time

from scapy.all import IP, TCP, AsyncSniffer, Raw, sendp

from scapy_tcp import WOSHOU_IP, Probe


def _sniff_to(p, timeout, count=0, into=None):
    """A started sniffer of woshou's segments to probe p's port; with
    'into', each is also appended there as it arrives."""
    started = threading.Event()
    s = AsyncSniffer(iface=p.iface, count=count, timeout=timeout,
                     lfilter=lambda x: TCP in x and x[IP].src == WOSHOU_IP and
                     x[TCP].dport == p.sport,
                     prn=None if into is None else into.append, store=into is None,
                     started_callback=started.set)
    s.start()
    started.wait(2)
    return s


def challenge_two(iface, mac):
    """CVE-2016-5696: an attacker exhausts the challenge-ACK budget with
    in-window RSTs on connection A (its own) for two seconds; meanwhile the
    victim's connection B must still get its challenge ACK, and A may get
    only a few (the per-connection limit), so counting them reveals
    nothing."""
    a, b = Probe(iface, mac), Probe(iface, mac)
    while b.sport == a.sport:
        b.sport = random.randint(40000, 40999)
    a.handshake()
    b.handshake()
    # In-window, not RCV.NXT: each one asks for a challenge ACK.
    flood = [a.pkt("R", seq=a.seq + 10 + i) for i in range(200)]
    sniff_a = _sniff_to(a, timeout=3.5)
    stop = time.monotonic() + 3
    sent = 0

    def attack():
        nonlocal sent
        while time.monotonic() < stop:
            sendp(flood, iface=iface)
            sent += len(flood)

    t = threading.Thread(target=attack)
    t.start()
    time.sleep(0.5)
    # B's own probes are 0.6 s apart: over its per-connection interval.
    b_answers = []
    for i in range(3):
        t0 = time.monotonic()
        r = b.ask(b.pkt("R", seq=b.seq + 10 + i), timeout=0.6)
        b_answers.append(r is not None and r.flags == "A" and r.ack == b.seq)
        time.sleep(max(0.0, 0.6 - (time.monotonic() - t0)))
    t.join()
    sniff_a.join()
    a_acks = sum(1 for x in sniff_a.results if x[TCP].flags == "A")
    # Both connections survived the inexact RSTs.
    r = b.ask(b.pkt("PA", data=b"b"), timeout=2)
    b_alive = r is not None and r[TCP].ack == b.seq + 1
    for p in (a, b):
        p.send(p.pkt("R", seq=p.seq + (1 if p is b and b_alive else 0)))
    return {"sent": sent, "a_challenge_acks": a_acks, "b_answers": b_answers,
            "b_alive": b_alive}


def tiny_mss_sack(iface, mac):
    """The SACK-panic shape (CVE-2019-11477): MSS 8 with timestamps and
    SACK, a request for a large response, then ACKs that SACK every other
    segment, for a few seconds; then a RST. Reports the payload sizes."""
    p = Probe(iface, mac, dport=80)
    ts = 1000
    opts = [("MSS", 8), ("SAckOK", b""), ("Timestamp", (ts, 0))]
    syn = p.pkt("S")
    syn[TCP].options = opts
    sa = p.ask(syn)
    if sa is None or sa.flags != "SA":
        return {"error": f"no SYN-ACK: {sa!r}"}
    tsecr = dict((k, v) for k, v in sa.options if k == "Timestamp").get(
        "Timestamp", (0, 0))[0]
    p.seq += 1
    p.ack = sa.seq + 1

    def seg(flags, data=b"", sack=None):
        nonlocal ts
        ts += 1
        s = p.pkt(flags, data=data)
        o = [("NOP", None), ("NOP", None), ("Timestamp", (ts, tsecr))]
        if sack:
            o += [("NOP", None), ("NOP", None), ("SAck", tuple(sack))]
        s[TCP].options = o
        return s

    req = b"GET /big HTTP/1.1\r\nHost: w\r\n\r\n"
    arrived = []
    sniffer = _sniff_to(p, timeout=8, into=arrived)
    sendp(seg("PA", req), iface=iface)
    p.seq += len(req)
    sizes = []
    have = {}           # seq -> length of the segments taken
    ignored = set()     # seqs "lost" once on purpose
    base = p.ack
    taken = 0
    end = time.monotonic() + 3
    while time.monotonic() < end:
        time.sleep(0.1)
        batch = [x for x in arrived[taken:] if Raw in x]
        taken = len(arrived)
        if not batch:
            continue
        for x in batch:
            q, n = x[TCP].seq, len(x[Raw].load)
            sizes.append(n)
            for k, v in x[TCP].options:
                if k == "Timestamp":
                    tsecr = v[0]
            # Every other segment is lost the first time it comes: the
            # sender must fill hole after hole of tiny segments.
            if ((q - base) // max(n, 1)) % 2 == 1 and q not in ignored:
                ignored.add(q)
                continue
            have[q] = n
        while p.ack in have:
            p.ack += have[p.ack]
        above = sorted((q for q in have if q > p.ack), reverse=True)[:3]
        blocks = []
        for q in above:
            blocks += [q, q + have[q]]
        sendp(seg("A", sack=blocks), iface=iface)
    if sniffer.running:
        sniffer.stop()
    sendp(seg("R"), iface=iface)
    return {"segments": len(sizes), "min_payload": min(sizes, default=0),
            "max_payload": max(sizes, default=0)}


ATTACKS = {f.__name__: f for f in (challenge_two, tiny_mss_sack)}


def main():
    iface, mac, name = sys.argv[1:4]
    print(json.dumps(ATTACKS[name](iface, mac)))


if __name__ == "__main__":
    main()
