# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Graceful stop (issue 16, item 11): on SIGTERM woshou stops accepting
(new SYNs get RST), lets the responses in progress finish, closes every
connection with FIN, resets what is left after [control] drain_ms, and
exits 0 as soon as nothing is left, with its counters.

Each test drives real Linux clients in the namespace (curl, python
sockets) against woshou on net_tap and times the stop."""

import hashlib
import os
import signal
import subprocess
import time

from conftest import PYTHON, WOSHOU_IP, wait_until

URL = f"http://{WOSHOU_IP}"
BIG = 8 << 20


def big_file(tmp_path):
    """An 8 MiB file of random bytes and its SHA-256."""
    path = tmp_path / "big.bin"
    data = os.urandom(BIG)
    path.write_bytes(data)
    return str(path), hashlib.sha256(data).hexdigest()


def sigterm_and_time(w, timeout=30):
    """SIGTERM woshou, wait for it; (exit status, seconds it took)."""
    t0 = time.monotonic()
    w.proc.send_signal(signal.SIGTERM)
    w.proc.wait(timeout)
    return w.stop(), time.monotonic() - t0


def drain_line(w):
    lines = [l for l in w.output.splitlines() if "drained in" in l]
    assert len(lines) == 1, w.output
    return lines[0]


# Connects, prints 'refused' if the SYN gets RST.
CONNECT = f"""
import socket, sys
try:
    socket.create_connection(("{WOSHOU_IP}", 80), timeout=5).close()
    print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error", e)
"""


def test_download_in_progress_completes(start, netns, tmp_path):
    """(a) A download under way when SIGTERM comes completes byte-exact:
    woshou keeps sending (its HTTP service refilling the send buffer)
    until the last byte and its FIN are acknowledged; meanwhile a new
    connection is refused; then woshou exits 0."""
    path, digest = big_file(tmp_path)
    # A small receive buffer, so the rest cannot all be in the client's
    # kernel at the signal: woshou must go on sending, at curl's pace.
    netns.sh("sysctl -qw net.ipv4.tcp_rmem='4096 131072 262144'")
    w = start(f"http.route3=/big application/octet-stream file:{path}",
              "control.drain_ms=15000")
    out = tmp_path / "out.bin"
    # About 4 s at 2 MB/s: well under way, far from done, at the signal.
    curl = netns.popen(["curl", "-sS", "--limit-rate", "2M", "--max-time", "60",
                        "-o", str(out), f"{URL}/big"])
    t_woshou = t_curl = None
    try:
        wait_until(lambda: out.exists() and out.stat().st_size > (1 << 20),
                   timeout=20, what="the download never started")
        t0 = time.monotonic()
        w.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        res = netns.python("-c", CONNECT, timeout=20)
        assert res.stdout.strip() == "refused", (res.stdout, w.output[-3000:])
        while time.monotonic() - t0 < 60 and (t_woshou is None or t_curl is None):
            if t_woshou is None and w.proc.poll() is not None:
                t_woshou = time.monotonic() - t0
            if t_curl is None and curl.poll() is not None:
                t_curl = time.monotonic() - t0
            time.sleep(0.02)
        assert curl.wait(1) == 0
    finally:
        if curl.poll() is None:
            curl.kill()
            curl.wait()
    assert out.stat().st_size == BIG
    with open(out, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digest
    assert w.stop() == 0
    c = w.counters()
    # It waited for the download (about 3 s more), not for drain_ms, and
    # stopped once the client had it all.
    assert 1.5 <= t_woshou <= t_curl + 1.0, (t_woshou, t_curl)
    elapsed = t_woshou
    assert c.get("tcp.drain_fin", 0) >= 1, c
    assert c.get("tcp.drain_rst", 0) == 0, c
    assert c.get("tcp.drain_refused", 0) >= 1, c
    print(f"stop with a download under way: {elapsed:.2f} s; {drain_line(w)}")


# An idle keep-alive connection: one request answered, then waiting.
IDLE_CLIENT = f"""
import socket, sys, time
s = socket.create_connection(("{WOSHOU_IP}", 80), timeout=10)
s.sendall(b"GET /hello HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
buf = b""
while b"hello from woshou" not in buf:
    d = s.recv(4096)
    if not d:
        sys.exit("closed early")
    buf += d
print("ready", flush=True)
t0 = time.monotonic()
try:
    d = s.recv(4096)
    print("eof" if d == b"" else "data %r" % d, "%.3f" % (time.monotonic() - t0))
except ConnectionResetError:
    print("reset")
except socket.timeout:
    print("timeout")
"""


def test_idle_keepalive_gets_fin(start, netns):
    """(b) An idle keep-alive connection hears FIN (recv returns 0) at
    once, and woshou exits without waiting for drain_ms."""
    w = start("control.drain_ms=10000")
    client = netns.popen([PYTHON, "-c", IDLE_CLIENT], stdout=subprocess.PIPE,
                         text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        rc, elapsed = sigterm_and_time(w)
        out, _ = client.communicate(timeout=15)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    assert out.split()[0] == "eof", out
    assert rc == 0
    assert elapsed < 3.0, elapsed
    c = w.counters()
    assert c.get("tcp.drain_fin", 0) == 1, c
    assert c.get("tcp.drain_rst", 0) == 0, c
    print(f"stop with an idle keep-alive connection: {elapsed:.2f} s; "
          f"{drain_line(w)}")


# Asks for the big file with a small receive buffer and never reads, until
# told to (a line on stdin); then reads to the end: 'reset' or 'eof'.
STALLED_CLIENT = f"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.settimeout(20)
s.connect(("{WOSHOU_IP}", 80))
s.sendall(b"GET /big HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
print("ready", flush=True)
sys.stdin.readline()
n = 0
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("eof", n)
            break
        n += len(d)
except ConnectionResetError:
    print("reset", n)
except socket.timeout:
    print("timeout", n)
"""


def test_stalled_reader_reset_after_drain_ms(start, netns, tmp_path):
    """(c) A client that never reads (zero window) is reset once
    drain_ms is over; (d) woshou exits 0 just after, with its counters."""
    path, _ = big_file(tmp_path)
    w = start(f"http.route3=/big application/octet-stream file:{path}",
              "control.drain_ms=1500")
    client = netns.popen([PYTHON, "-c", STALLED_CLIENT], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        # Until the client's window is shut and woshou holds the rest.
        time.sleep(1.0)
        rc, elapsed = sigterm_and_time(w)
        out, _ = client.communicate("go\n", timeout=30)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    assert rc == 0
    assert 1.4 <= elapsed <= 1.5 + 2.0, elapsed
    assert out.split()[0] == "reset", out
    assert int(out.split()[1]) < BIG, out
    c = w.counters()
    assert c.get("tcp.drain_rst", 0) == 1, c
    # Its response never ended, so its FIN was never queued.
    assert c.get("tcp.drain_fin", 0) == 0, c
    print(f"stop with a stalled reader, drain_ms 1500: {elapsed:.2f} s; "
          f"{drain_line(w)}")


def test_no_connections_stops_at_once(start):
    """(d) With no connection the default drain_ms (5 s) costs nothing."""
    w = start()
    rc, elapsed = sigterm_and_time(w)
    assert rc == 0
    assert elapsed < 1.5, elapsed
    c = w.counters()
    assert c.get("tcp.drain_fin", 0) == 0 and c.get("tcp.drain_rst", 0) == 0, c
    print(f"stop with no connection: {elapsed:.2f} s; {drain_line(w)}")


def test_drain_ms_zero_resets_and_second_signal(start, netns, tmp_path):
    """drain_ms 0 resets every connection at once; with a long drain a
    second SIGTERM does the same."""
    path, _ = big_file(tmp_path)
    for sets, second in ((("control.drain_ms=0",), False),
                         (("control.drain_ms=60000",), True)):
        w = start(f"http.route3=/big application/octet-stream file:{path}",
                  *sets)
        client = netns.popen([PYTHON, "-c", STALLED_CLIENT],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
        try:
            assert client.stdout.readline().strip() == "ready"
            time.sleep(1.0)
            t0 = time.monotonic()
            w.proc.send_signal(signal.SIGTERM)
            if second:
                time.sleep(0.5)
                assert w.proc.poll() is None, "stopped before drain_ms"
                w.proc.send_signal(signal.SIGTERM)
            w.proc.wait(20)
            elapsed = time.monotonic() - t0
            out, _ = client.communicate("go\n", timeout=30)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
        assert w.stop() == 0
        assert elapsed < 2.5, elapsed
        assert out.split()[0] == "reset", out
        c = w.counters()
        assert c.get("tcp.drain_rst", 0) == 1, c
        print(f"{sets[0]}{' + second SIGTERM' if second else ''}: "
              f"{elapsed:.2f} s; {drain_line(w)}")
