# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""TCP against real Linux peers: curl, nc, ab and wrk in the namespace talk
to woshou's HTTP (80), echo (7) and discard (9) services over net_tap."""

import hashlib
import os
import re

import pytest

from conftest import IFACE, WOSHOU_IP, ab_counts

URL = f"http://{WOSHOU_IP}"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def test_curl_get_head_and_404(woshou, netns):
    res = netns.exec(["curl", "-sS", "-i", "--max-time", "10", f"{URL}/hello"])
    # Text mode has already turned each CRLF into a newline.
    head, _, body = res.stdout.partition("\n\n")
    assert head.startswith("HTTP/1.1 200 OK"), res.stdout
    assert re.search(r"(?mi)^Content-Type: text/plain$", head), head
    assert re.search(r"(?mi)^Content-Length: 18$", head), head
    assert re.search(r"(?mi)^Server: woshou/", head), head
    assert body == "hello from woshou\n"

    res = netns.exec(["curl", "-sS", "-I", "--max-time", "10", f"{URL}/hello"])
    assert res.stdout.startswith("HTTP/1.1 200 OK"), res.stdout
    assert re.search(r"(?mi)^Content-Length: 18$", res.stdout)

    res = netns.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                      "--max-time", "10", f"{URL}/no/such/page"])
    assert res.stdout == "404"
    # curl's FIN may still be on its way when it exits.
    woshou.wait_tcp_idle()
    assert woshou.stop() == 0
    c = woshou.counters()
    assert c.get("tcp.st_established", 0) == 0, c


def test_echo_20mb_byte_exact(woshou, netns, tmp_path):
    src, out = tmp_path / "src.bin", tmp_path / "out.bin"
    src.write_bytes(os.urandom(20 << 20))
    # -N: shut down our write side at EOF; echo then finishes and closes.
    netns.sh(f"nc -N -w 30 {WOSHOU_IP} 7 < {src} > {out}", timeout=120)
    assert out.stat().st_size == 20 << 20
    assert sha256(out) == sha256(src)


def test_half_close_echo_keeps_sending(woshou, netns):
    # The client closes its write half first; woshou (CLOSE_WAIT) must
    # still send back everything it got.
    res = netns.sh(f"printf 'half-close works\\n' | nc -N -w 10 {WOSHOU_IP} 7",
                   timeout=30)
    assert res.stdout == "half-close works\n"


def test_discard_100mb(woshou, netns):
    netns.sh(f"head -c 100M /dev/zero | nc -N -w 30 {WOSHOU_IP} 9", timeout=180)
    assert woshou.stop() == 0
    c = woshou.counters()
    assert c.get("loop.rx_bytes", 0) > 100 << 20, c


def test_ab_2000_requests_with_and_without_keepalive(woshou, netns):
    for extra in ([], ["-k"]):
        res = netns.exec(["ab", "-q", "-n", "2000", "-c", "50", "-s", "10"] + extra +
                         [f"{URL}/hello"], timeout=120)
        assert ab_counts(res.stdout) == (2000, 0, 0), res.stdout


def test_wrk_5s_no_errors(woshou, netns):
    res = netns.exec(["wrk", "-t", "1", "-c", "20", "-d", "5s", "--timeout", "5s",
                      f"{URL}/hello"], timeout=60)
    assert "Socket errors" not in res.stdout, res.stdout
    assert "Non-2xx" not in res.stdout, res.stdout
    assert re.search(r"\d+ requests in", res.stdout), res.stdout


SCAPY_TCP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scapy_tcp.py")
PROBES = ["rst-closed-port", "challenge-ack-syn", "challenge-ack-rst",
          "ack-out-of-window", "fin-in-syn-received", "simultaneous-close"]


def scapy_probe(woshou, netns, probe):
    netns.drop_kernel_rsts()
    res = netns.python(SCAPY_TCP, IFACE, woshou.mac, probe, timeout=60)
    assert res.stdout.strip().splitlines()[-1] == "OK", res.stdout + res.stderr


@pytest.mark.parametrize("probe", PROBES)
def test_scapy_probe(woshou, netns, probe):
    scapy_probe(woshou, netns, probe)


def test_scapy_data_beyond_window_trimmed(start, netns):
    w = start("tcp.rcvbuf=4096", "tcp.window_scaling=no")
    scapy_probe(w, netns, "data-beyond-window-trimmed")
    assert w.stop() == 0


# One keep-alive request, then silence: how long until woshou closes?
KEEPALIVE_CLIENT = f"""
import socket, sys, time
s = socket.create_connection(("{WOSHOU_IP}", 80), timeout=10)
s.sendall(b"GET /hello HTTP/1.1\\r\\nHost: {WOSHOU_IP}\\r\\n\\r\\n")
buf = b""
while b"hello from woshou" not in buf:
    d = s.recv(4096)
    if not d:
        sys.exit("closed before the response: %r" % buf)
    buf += d
t0 = time.monotonic()
while True:
    d = s.recv(4096)
    if not d:
        break
    sys.exit("unexpected bytes: %r" % d)
print("%.3f" % (time.monotonic() - t0))
"""


def test_http_keepalive_ms_closes_idle_connection(start, netns):
    w = start("http.keepalive_ms=500")
    res = netns.python("-c", KEEPALIVE_CLIENT, timeout=30)
    elapsed = float(res.stdout.strip().splitlines()[-1])
    assert 0.4 <= elapsed <= 3.0, res.stdout
    assert w.stop() == 0
    c = w.counters()
    assert c.get("tcp.idle_timeouts", 0) >= 1, c
