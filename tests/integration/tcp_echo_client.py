#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""A kernel TCP client of woshou's echo service, run inside the test
namespace: sends SIZE random bytes, reads everything back, and watches the
kernel's view of the connection (getsockopt TCP_INFO) while it runs.

Usage: tcp_echo_client.py HOST PORT SIZE
Prints 'connected SPORT' once connected, then one JSON line:
  sent, received, sha_sent, sha_received, seconds,
  options (tcpi_options: 1 timestamps, 2 SACK, 4 window scaling),
  snd_wscale, rcv_wscale (tcpi_*_wscale), max_snd_wnd (tcpi_snd_wnd,
  the peer's window after scaling), max_snd_mss, samples.
"""

import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time

TCP_INFO_LEN = 232          # through tcpi_snd_wnd (Linux 5.4+)
TCPI_OPTIONS = 5            # __u8 tcpi_options
TCPI_WSCALE = 6             # __u8 tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4
TCPI_SND_MSS = 16           # __u32
TCPI_SND_WND = 228          # __u32


def tcp_info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    if len(b) < TCP_INFO_LEN:
        raise SystemExit(f"TCP_INFO too short ({len(b)} bytes): no tcpi_snd_wnd")
    ws = b[TCPI_WSCALE]
    return {"options": b[TCPI_OPTIONS],
            # Bit-fields of one byte, first declared = low bits (x86).
            "snd_wscale": ws & 0xf, "rcv_wscale": ws >> 4,
            "snd_mss": struct.unpack_from("=I", b, TCPI_SND_MSS)[0],
            "snd_wnd": struct.unpack_from("=I", b, TCPI_SND_WND)[0]}


def main():
    host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = os.urandom(size)
    s = socket.create_connection((host, port), timeout=30)
    print(f"connected {s.getsockname()[1]}", flush=True)
    first = tcp_info(s)
    err = []
    done = threading.Event()
    info = {"max_snd_wnd": 0, "max_snd_mss": 0, "samples": 0}

    def sender():
        try:
            view = memoryview(data)
            for off in range(0, size, 65536):
                s.sendall(view[off:off + 65536])
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(f"send: {e!r}")

    def watcher():
        while not done.is_set():
            try:
                t = tcp_info(s)
            except OSError:
                break
            info["max_snd_wnd"] = max(info["max_snd_wnd"], t["snd_wnd"])
            info["max_snd_mss"] = max(info["max_snd_mss"], t["snd_mss"])
            info["samples"] += 1
            time.sleep(0.002)

    t0 = time.monotonic()
    threads = [threading.Thread(target=sender), threading.Thread(target=watcher)]
    for t in threads:
        t.start()
    h, got = hashlib.sha256(), 0
    try:
        while True:
            d = s.recv(1 << 20)
            if not d:
                break
            h.update(d)
            got += len(d)
    except OSError as e:
        err.append(f"recv: {e!r}")
    elapsed = time.monotonic() - t0
    done.set()
    for t in threads:
        t.join(30)
    s.close()
    print(json.dumps({
        "sent": size, "received": got, "seconds": round(elapsed, 3),
        "sha_sent": hashlib.sha256(data).hexdigest(), "sha_received": h.hexdigest(),
        "options": first["options"], "snd_wscale": first["snd_wscale"],
        "rcv_wscale": first["rcv_wscale"], "errors": err, **info}), flush=True)


if __name__ == "__main__":
    main()
