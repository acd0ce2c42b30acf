# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""[echo] keepalive = yes: a client that vanishes without a FIN or RST is
reaped by TCP keep-alive ([tcp] keepalive_*), with no application code; a
service without the key keeps its silent connection."""

import subprocess
import time

from conftest import PYTHON, WOSHOU_IP, stop_process, wait_until

IDLE_MS, INTERVAL_MS, COUNT = 1000, 1000, 2

# One echo and one discard connection, both used once, then held open
# until stdin closes.
CLIENT = f"""
import socket, sys
e = socket.create_connection(("{WOSHOU_IP}", 7), timeout=10)
d = socket.create_connection(("{WOSHOU_IP}", 9), timeout=10)
e.sendall(b"ping")
got = b""
while len(got) < 4:
    got += e.recv(16)
assert got == b"ping", got
d.sendall(b"x")
print("ready", flush=True)
sys.stdin.read()
e.close()
d.close()
"""


def tcp_stats(w):
    return w.snapshot_after("/woshou/tcp/stats")


def test_echo_keepalive_reaps_vanished_client(start, netns):
    w = start("echo.keepalive=yes", f"tcp.keepalive_idle_ms={IDLE_MS}",
              f"tcp.keepalive_interval_ms={INTERVAL_MS}", f"tcp.keepalive_count={COUNT}")
    client = netns.popen([PYTHON, "-c", CLIENT], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        # The client vanishes for echo: nothing woshou sends from port 7
        # reaches its socket any more, so the probes go unanswered.
        netns.sh("nft add table ip ka && "
                 "nft add chain ip ka in '{ type filter hook input priority 0; }' && "
                 "nft add rule ip ka in tcp sport 7 drop")
        st = wait_until(lambda: tcp_stats(w), lambda s: s["conn_keepalive_dead"] >= 1,
                        timeout=30, what="echo connection not reaped")
        elapsed = time.monotonic() - t0
        # Idle, then COUNT probes INTERVAL_MS apart, then one more interval.
        assert elapsed >= (IDLE_MS + COUNT * INTERVAL_MS) / 1000 - 0.5, elapsed
        assert st["conn_keepalive_dead"] == 1, st
        assert st["keepalive_probes"] == COUNT, st
        # The discard connection (keepalive off by default) is still there.
        states = w.snapshot_after("/woshou/tcp/states")
        assert states["ESTABLISHED"]["total"] == 1, states
        workers = w.snapshot_after("/woshou/workers")
        assert all(v["orphans"] == 0 for k, v in workers.items()
                   if k.startswith("worker_")), workers
        # More idle time: still only the echo connection was probed.
        time.sleep((IDLE_MS + INTERVAL_MS) / 1000)
        st = tcp_stats(w)
        assert st["keepalive_probes"] == COUNT and st["conn_keepalive_dead"] == 1, st
        client.stdin.close()
        assert client.wait(timeout=10) == 0
    finally:
        if client.poll() is None:
            stop_process(client)
    # The discard connection closes normally: nothing is left.
    w.wait_tcp_idle(timeout=15)
    assert w.stop() == 0
    c = w.counters()
    print("counters:", {k: c.get(k, 0) for k in ("tcp.keepalive_probes",
                                                  "tcp.conn_keepalive_dead",
                                                  "tcp.passive_opens")})
    assert c.get("tcp.conn_keepalive_dead", 0) == 1, c
    assert c.get("tcp.keepalive_probes", 0) == COUNT, c
