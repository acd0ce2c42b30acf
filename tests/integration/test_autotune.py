# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Buffer autotuning over a long path: Linux downloads a file from woshou
and uploads to woshou's discard service through impair.py with 25 ms of
delay each way (a 50 ms round trip). With buffers fixed at 256 KiB one
connection cannot move more than 256 KiB per round trip (~42 Mbit/s);
autotuning must take it past that, and /woshou/conn/list,verbose shows
the buffers that grew."""

import os
import threading
import time

import pytest

from conftest import WOSHOU_IP, ImpairedPath

DELAY_MS = 25
RTT_S = 2 * DELAY_MS / 1000
FIXED = 262144
# What a window of FIXED bytes allows over this path, in bytes/s.
FIXED_BOUND = FIXED / RTT_S
BIG = 16 << 20          # the most an [http] file route serves
# The download fetches the file this often over one keep-alive connection:
# once, at about 150 Mbit/s, it ended within a second, and on a loaded
# machine conn/list,verbose was sometimes not read once while it lasted.
DOWNLOADS = 3
UPLOAD = 48 << 20


def verbose_conns(w, port):
    """This port's connections from conn/list,verbose, each a dict."""
    r = w.telemetry(f"/woshou/conn/list,verbose,port={port}")
    return [r[f"conn_{i}"] for i in range(len(r["conns"]))] if r else []


def watch(w, port, stop, seen):
    """Poll conn/list,verbose until 'stop'; keep each field's largest."""
    while not stop.is_set():
        for c in verbose_conns(w, port):
            if c["state"] == "LISTEN":
                continue
            seen["rows"] = seen.get("rows", 0) + 1
            seen["last"] = c
            for k in ("rcvbuf", "sndbuf", "cwnd", "srtt_us", "rcv_wnd",
                      "snd_wnd", "in_flight"):
                seen[k] = max(seen.get(k, 0), c[k])
            seen["cc"] = c["cc"]
            seen["ca_state"] = c["ca_state"]
        time.sleep(0.05)


def transfer(w, netns, port, cmd, timeout=60):
    """Run 'cmd' in the namespace while watching the connection; returns
    (seconds, the largest fields seen)."""
    stop, seen = threading.Event(), {}
    t = threading.Thread(target=watch, args=(w, port, stop, seen))
    t.start()
    try:
        t0 = time.monotonic()
        res = netns.sh(cmd, timeout=timeout)
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        t.join()
    return elapsed, seen, res


@pytest.mark.parametrize("mode", ["fixed", "autotune"])
def test_goodput_over_a_50ms_path(start, netns, tmp_path, mode):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(BIG))
    sets = [f"http.route3=/big application/octet-stream file:{big}"]
    if mode == "fixed":
        sets += [f"tcp.rcvbuf_max={FIXED}", f"tcp.sndbuf_max={FIXED}"]
    w = start(*sets, kernel_side=False)
    path = ImpairedPath(netns, w, seconds=120, delay_ms=DELAY_MS)
    # The kernel's own buffers must not be what limits either direction.
    netns.sh("sysctl -qw net.ipv4.tcp_rmem='4096 131072 33554432' "
             "net.ipv4.tcp_wmem='4096 16384 33554432'")
    rtt = netns.exec(["ping", "-c", "3", "-i", "0.2", WOSHOU_IP]).stdout
    print(rtt.strip().splitlines()[-1])

    # Download: woshou sends, its send buffer is the limit.
    outs = [tmp_path / f"out{i}.bin" for i in range(DOWNLOADS)]
    args = " ".join(f"-o {o} http://{WOSHOU_IP}/big" for o in outs)
    down_s, down, _ = transfer(w, netns, 80, f"curl -sS --max-time 50 {args}")
    for o in outs:
        assert o.stat().st_size == BIG
        assert o.read_bytes() == big.read_bytes()
    # Upload: woshou receives, its receive window is the limit.
    up_s, up, _ = transfer(
        w, netns, 9, f"head -c {UPLOAD} /dev/zero | nc -N -w 30 {WOSHOU_IP} 9")
    report = path.stop()
    assert w.stop() == 0
    c = w.counters()
    down_bps, up_bps = DOWNLOADS * BIG / down_s, UPLOAD / up_s
    print(f"{mode}: download {down_bps * 8 / 1e6:.1f} Mbit/s "
          f"(sndbuf up to {down.get('sndbuf')}, cwnd {down.get('cwnd')}, "
          f"srtt {down.get('srtt_us')} us, cc {down.get('cc')}); "
          f"upload {up_bps * 8 / 1e6:.1f} Mbit/s (rcvbuf up to {up.get('rcvbuf')}, "
          f"rcv_wnd {up.get('rcv_wnd')}); 256 KiB/RTT = "
          f"{FIXED_BOUND * 8 / 1e6:.1f} Mbit/s; rcvbuf_grown "
          f"{c.get('tcp.rcvbuf_grown', 0)} sndbuf_grown {c.get('tcp.sndbuf_grown', 0)} "
          f"rcvbuf_pool_limited {c.get('tcp.rcvbuf_pool_limited', 0)} "
          f"sndbuf_grow_limited {c.get('tcp.sndbuf_grow_limited', 0)} "
          f"retransmits {c.get('tcp.retransmits', 0)} "
          f"rto_expired {c.get('tcp.rto_expired', 0)}\n{report}")
    assert c.get("tcp.data_bytes_rx", 0) >= UPLOAD

    # What conn/list,verbose showed during the transfers.
    for seen in (down, up):
        assert seen.get("rows", 0) > 0, seen
        assert seen["cwnd"] > 0 and seen["srtt_us"] > 0, seen
        assert seen["cc"] and seen["cc"] != "-", seen
        assert seen["ca_state"] in ("open", "disorder", "recovery", "loss")
    # The path's delay is in woshou's RTT estimate.
    assert down["srtt_us"] >= 0.8 * RTT_S * 1e6, down

    if mode == "fixed":
        # Nothing grows, and the window caps the goodput.
        assert down["sndbuf"] == FIXED and up["rcvbuf"] == FIXED, (down, up)
        assert c.get("tcp.rcvbuf_grown", 0) == 0
        assert c.get("tcp.sndbuf_grown", 0) == 0
        assert down_bps < 1.1 * FIXED_BOUND and up_bps < 1.1 * FIXED_BOUND
    else:
        assert down["sndbuf"] > FIXED and up["rcvbuf"] > FIXED, (down, up)
        assert up["rcv_wnd"] > FIXED, up
        assert c.get("tcp.rcvbuf_grown", 0) >= 1
        assert c.get("tcp.sndbuf_grown", 0) >= 1
        assert down_bps > 1.5 * FIXED_BOUND, down_bps
        assert up_bps > 1.5 * FIXED_BOUND, up_bps
