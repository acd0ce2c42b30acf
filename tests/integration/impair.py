#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""A transparent Ethernet relay with netem-like impairments, for kernels
built without sch_netem (this project's CI kernel has none).

    impair.py IFACE_A IFACE_B --loss 3 --reorder 10 --duplicate 1 --delay-ms 5
              --seconds 120

Frames received on one interface are sent out of the other through AF_PACKET
sockets, each direction impaired independently: dropped with probability
loss%, sent twice with probability duplicate%, held back behind the next
frame with probability reorder%, and delayed by delay-ms. It runs inside the
test's namespace, touches only the two interfaces it is given, and exits by
itself after --seconds (or on SIGTERM). Counts go to stdout at exit.
"""

import argparse
import heapq
import os
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Direction:
    def __init__(self, name, out_sock, args, rng):
        self.name = name
        self.out = out_sock
        self.args = args
        self.rng = rng
        self.held = None          # a frame waiting to be reordered
        self.counts = dict(rx=0, tx=0, lost=0, dup=0, reordered=0)

    def frame_in(self, frame, now, queue, seq):
        self.counts["rx"] += 1
        a, r = self.args, self.rng
        if r.random() * 100 < a.loss:
            self.counts["lost"] += 1
            return seq
        copies = 2 if r.random() * 100 < a.duplicate else 1
        self.counts["dup"] += copies - 1
        due = now + a.delay_ms / 1000.0
        if self.held is None and r.random() * 100 < a.reorder:
            # Hold this one; it leaves right after the next frame.
            self.held = (frame, copies, due)
            self.counts["reordered"] += 1
            return seq
        for _ in range(copies):
            heapq.heappush(queue, (due, seq, self, frame))
            seq += 1
        if self.held is not None:
            held, held_copies, _ = self.held
            self.held = None
            for _ in range(held_copies):
                heapq.heappush(queue, (due, seq, self, held))
                seq += 1
        return seq

    def held_due(self):
        return self.held[2] if self.held is not None else None

    def release_held(self, now, queue, seq):
        """A held frame whose next frame has not come by its own due time
        leaves at that time, in its place: reordering of depth 1, never
        more. (Sending it at once would put it ahead of every frame still
        in the delay line, a reordering as deep as delay-ms.)"""
        if self.held is not None and self.held[2] <= now:
            held, held_copies, due = self.held
            self.held = None
            for _ in range(held_copies):
                heapq.heappush(queue, (due, seq, self, held))
                seq += 1
        return seq

    def send(self, frame):
        try:
            self.out.send(frame)
            self.counts["tx"] += 1
        except OSError:
            self.counts["lost"] += 1


SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33
# A window's burst (a sender without pacing, megabytes at once) must wait
# in the socket for this relay to take it, not be dropped there: a path
# with a deep queue, not a lossy one.
RELAY_RCVBUF = 32 << 20


def open_iface(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RELAY_RCVBUF)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RELAY_RCVBUF)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def socket_drops(s):
    """Frames the kernel dropped because the socket was full, since the
    last call (struct tpacket_stats: packets, drops)."""
    raw = s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
    return int.from_bytes(raw[4:8], sys.byteorder)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("iface_a")
    p.add_argument("iface_b")
    p.add_argument("--loss", type=float, default=0)
    p.add_argument("--reorder", type=float, default=0)
    p.add_argument("--duplicate", type=float, default=0)
    p.add_argument("--delay-ms", type=float, default=0)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args()

    rng = random.Random(a.seed)
    sa, sb = open_iface(a.iface_a), open_iface(a.iface_b)
    dirs = {sa.fileno(): Direction("a->b", sb, a, rng),
            sb.fileno(): Direction("b->a", sa, a, rng)}
    socks = {sa.fileno(): sa, sb.fileno(): sb}
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    print("ready", flush=True)

    queue, seq = [], 0
    deadline = time.monotonic() + a.seconds
    while not stop[0] and time.monotonic() < deadline:
        now = time.monotonic()
        timeout = 0.05
        if queue:
            timeout = max(0.0, min(timeout, queue[0][0] - now))
        for d in dirs.values():
            if d.held_due() is not None:
                timeout = max(0.0, min(timeout, d.held_due() - now))
        ready, _, _ = select.select(list(socks), [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            for _ in range(256):
                try:
                    frame, addr = socks[fd].recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue        # our own transmission, seen again
                seq = dirs[fd].frame_in(frame, now, queue, seq)
        for d in dirs.values():
            seq = d.release_held(now, queue, seq)
        while queue and queue[0][0] <= now:
            _, _, d, frame = heapq.heappop(queue)
            d.send(frame)

    # What the kernel dropped before the relay saw it, by direction.
    dirs[sa.fileno()].counts["sockdrop"] = socket_drops(sa)
    dirs[sb.fileno()].counts["sockdrop"] = socket_drops(sb)
    for d in dirs.values():
        print(d.name, " ".join(f"{k}={v}" for k, v in d.counts.items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
