#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""The Linux side of a goodput comparison: a minimal HTTP server that
answers every GET with one file, sent with sendfile(2) so that the kernel
TCP, not this script, sets the pace.

    linux_peer.py FILE [--addr A] [--port 80] [--seconds 120] [--cc NAME]

One connection at a time (the tests measure one transfer at a time):
read the request head (at most 64 KiB), send a 200 with Content-Length,
the file, then close. Prints "ready" once listening; exits after
--seconds or on SIGTERM.

--cc sets the congestion control of the listening socket, which its
connections inherit (TCP_CONGESTION; root may pick one outside
net.ipv4.tcp_allowed_congestion_control). A namespace's default comes
from the host's, and hosts differ (BBR on some), so a comparison names
the algorithm. Each connection's is checked: a mismatch exits 3.
"""

import argparse
import os
import signal
import socket
import sys
import time

HEAD_MAX = 65536


def serve_one(conn, path, size, cc):
    if cc is not None:
        got = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16)
        got = got.split(b"\0", 1)[0].decode()
        if got != cc:
            print(f"connection has congestion control {got}, not {cc}",
                  file=sys.stderr, flush=True)
            sys.exit(3)
    conn.settimeout(30)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(4096)
        if not chunk or len(head) > HEAD_MAX:
            return
        head += chunk
    hdr = (f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
           f"Content-Length: {size}\r\nConnection: close\r\n\r\n").encode()
    conn.sendall(hdr)
    if head.startswith(b"GET "):
        with open(path, "rb") as f:
            conn.sendfile(f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--addr", default="0.0.0.0")
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--cc", help="congestion control (cubic, reno, bbr, ...)")
    a = p.parse_args()
    size = os.path.getsize(a.file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.cc is not None:
        try:
            ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
        except OSError as e:
            print(f"--cc {a.cc}: {e.strerror}", file=sys.stderr)
            return 2
    ls.bind((a.addr, a.port))
    ls.listen(16)
    print("ready", flush=True)
    deadline = time.monotonic() + a.seconds
    while time.monotonic() < deadline:
        ls.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            break
        try:
            serve_one(conn, a.file, size, a.cc)
        except OSError:
            pass                # the client gave up (curl --max-time)
        finally:
            conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
