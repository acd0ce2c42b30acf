# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""mbuf starvation (issue 16, item 8): clients that pipeline requests for a
large response and never read fill every send buffer. Before the fix that
emptied the worker's one mbuf pool, and the worker then received nothing:
no ping, no new connection, not even the clients' RSTs. Now the port
refills from a receive pool of its own and the send buffers of a worker
share a budget (tcp.sndbuf_worker_mbufs): the worker keeps answering, the
clients get back-pressure, and the mbufs come back when they go.

Also: a pool that the descriptors alone could take is refused at start."""

import os
import subprocess
import time

from conftest import (CONFIG, MEM_SET, PREFIX, PYTHON, WOSHOU, WOSHOU_IP,
                      stop_process, wait_until)

CLIENTS = 52
REQUESTS = 40                   # pipelined per client
BIG = 64 * 1024                 # bytes of the /big response
URL = f"http://{WOSHOU_IP}"

# Runs in the namespace: CLIENTS connections with a small receive buffer,
# each sends REQUESTS pipelined GETs and never reads. Prints "held" once all
# requests are out, then waits for a line on stdin and closes every
# connection with an RST (SO_LINGER 0): unread data makes Linux reset too.
CLIENT = r"""
import socket, struct, sys
n, reqs, ip = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
req = b"GET /big HTTP/1.1\r\nHost: w\r\n\r\n" * reqs
socks = []
for i in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect((ip, 80))
    s.setblocking(False)
    socks.append([s, 0])
# Send without blocking: once woshou stops reading, the rest may wait.
for _ in range(200):
    for e in socks:
        if e[1] < len(req):
            try:
                e[1] += e[0].send(req[e[1]:])
            except BlockingIOError:
                pass
    if all(e[1] == len(req) for e in socks):
        break
    import time; time.sleep(0.01)
print("held", sum(e[1] for e in socks), flush=True)
sys.stdin.readline()
for s, _ in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
print("closed", flush=True)
"""


def loop_stats(w):
    return w.snapshot_after("/woshou/loop/stats")


def refused(tcp):
    """Sends the worker's send-buffer budget cut short, for either reason."""
    return tcp.get("sndbuf_budget_full", 0) + tcp.get("sndbuf_pressure_limited", 0)


def ping(ns):
    return ns.exec(["ping", "-c", "2", "-i", "0.2", "-W", "2", WOSHOU_IP],
                   check=False, timeout=15).returncode == 0


def test_pipelining_clients_that_never_read_cannot_starve_the_worker(start, netns, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * BIG)
    os.chmod(tmp_path, 0o755)
    # A pool the clients' send buffers could empty many times over.
    w = start("port.mbufs=4095", "http.keepalive_ms=0",
              f"http.route3=/big application/octet-stream file:{big}")
    assert ping(netns)
    before = loop_stats(w)

    clients = netns.popen([PYTHON, "-c", CLIENT, str(CLIENTS), str(REQUESTS), WOSHOU_IP],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = clients.stdout.readline()
        assert line.startswith("held"), line
        # Let the send buffers fill until the budget refuses: past half of
        # it a connection queues only its peer's window (pressure), past
        # all of it only a newcomer's floor.
        tcp = wait_until(lambda: w.snapshot_after("/woshou/tcp/stats"),
                         lambda t: refused(t) > 0, timeout=10,
                         what="the send-buffer budget never refused", fail=False)
        time.sleep(1)

        # The worker still receives: ping, ARP, a new connection.
        assert ping(netns), "no ping while the clients hold"
        res = netns.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                          "--max-time", "10", f"{URL}/big"], check=False, timeout=20)
        assert res.stdout == f"200 {BIG}", f"curl while the clients hold: {res.stdout} {res.stderr}"

        during = loop_stats(w)
        tcp = w.telemetry("/woshou/tcp/stats")
        print(f"during: rx {during['rx_mbufs_in_use']}/{during['rx_mbufs']} "
              f"tx {during['tx_mbufs_in_use']}/{during['tx_mbufs']} "
              f"sndbuf {during['sndbuf_mbufs']}/{during['sndbuf_budget']} "
              f"refused: full {tcp['sndbuf_budget_full']} "
              f"pressure {tcp['sndbuf_pressure_limited']}; wakeups {tcp['sndbuf_wakeups']}")
        assert refused(tcp) > 0
        # Past the budget only the floor kept for small holders (256).
        assert during["sndbuf_mbufs"] <= during["sndbuf_budget"] + 256
        assert during["sndbuf_mbufs"] > during["sndbuf_budget"] // 2
        assert during["tx_mbufs_in_use"] < during["tx_mbufs"]
        assert during["rx_mbufs_in_use"] < during["rx_mbufs"]

        clients.stdin.write("go\n")
        clients.stdin.flush()
        assert clients.stdout.readline().startswith("closed")
    finally:
        stop_process(clients)

    # The RSTs got in; every send buffer went back.
    w.wait_tcp_idle(timeout=15)
    after = wait_until(lambda: loop_stats(w),
                       lambda s: s["sndbuf_mbufs"] == 0 and
                       s["tx_mbufs_in_use"] <= before["tx_mbufs_in_use"] + 64,
                       timeout=15, what="mbufs never came back")
    print(f"before: rx {before['rx_mbufs_in_use']} tx {before['tx_mbufs_in_use']}; "
          f"after: rx {after['rx_mbufs_in_use']} tx {after['tx_mbufs_in_use']}")
    assert after["rx_mbufs_in_use"] <= before["rx_mbufs_in_use"] + 64
    assert ping(netns)


def check_config(*sets):
    return subprocess.run([WOSHOU, "--config", CONFIG, "--set", MEM_SET,
                           "--set", f"eal.file_prefix={PREFIX}"] +
                          [a for s in sets for a in ("--set", s)] + ["--check-config"],
                          capture_output=True, text=True, timeout=30)


def test_a_pool_the_descriptors_can_take_is_refused():
    # Before: port.mbufs=1023 with 1024 descriptors started, and never
    # answered ARP. Now the config is refused, naming the keys.
    res = check_config("port.mbufs=1023")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "port.mbufs" in res.stderr or "[port] mbufs" in res.stderr, res.stderr
    assert "tx_desc" in res.stderr and "at least" in res.stderr, res.stderr
    res = check_config("port.rx_mbufs=1500")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "rx_desc" in res.stderr and "at least" in res.stderr, res.stderr
    assert check_config().returncode == 0
