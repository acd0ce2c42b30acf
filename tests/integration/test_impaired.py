# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Traffic through impair.py, this project's stand-in for tc netem (the CI
kernel has no sch_netem): the relay itself first, then TCP over a lossy,
reordering, duplicating, delaying path."""

import os
import re

import pytest

from conftest import WOSHOU_IP


def test_relay_is_transparent(impaired, netns):
    w, path = impaired
    res = netns.exec(["ping", "-c", "10", "-i", "0.2", "-W", "2", "-s", "3000",
                      WOSHOU_IP], check=False)
    assert "10 received" in res.stdout, res.stdout + path.stop()


@pytest.mark.parametrize("impaired", [dict(loss=30)], indirect=True)
def test_relay_loses_what_it_is_told(impaired, netns):
    w, path = impaired
    res = netns.exec(["ping", "-c", "40", "-i", "0.05", "-W", "1", WOSHOU_IP],
                     check=False)
    got = int(re.search(r"(\d+) received", res.stdout).group(1))
    # 30% each way: about half the round trips survive.
    assert 5 < got < 35, res.stdout


NETEM_LIKE = dict(loss=3, reorder=10, duplicate=1, delay_ms=5)


@pytest.mark.parametrize("impaired", [NETEM_LIKE], indirect=True)
def test_echo_20mb_byte_exact_over_impaired_path(impaired, netns, tmp_path):
    w, path = impaired
    src, out = tmp_path / "src.bin", tmp_path / "out.bin"
    src.write_bytes(os.urandom(20 << 20))
    netns.sh(f"nc -N -w 60 {WOSHOU_IP} 7 < {src} > {out}", timeout=600)
    report = path.stop()
    assert out.stat().st_size == 20 << 20, report
    assert out.read_bytes() == src.read_bytes(), report
    # The path really was impaired, both ways.
    for line in report.splitlines():
        counts = dict(kv.split("=") for kv in line.split()[1:])
        assert int(counts["lost"]) > 0 and int(counts["reordered"]) > 0, report


@pytest.mark.parametrize("impaired", [NETEM_LIKE], indirect=True)
def test_discard_half_close_and_http_over_impaired_path(impaired, netns):
    w, path = impaired
    netns.sh(f"head -c 100M /dev/zero | nc -N -w 60 {WOSHOU_IP} 9", timeout=600)
    res = netns.sh(f"printf 'half-close works\\n' | nc -N -w 30 {WOSHOU_IP} 7",
                   timeout=120)
    assert res.stdout == "half-close works\n"
    res = netns.exec(["ab", "-q", "-n", "200", "-c", "10", "-k", "-s", "30",
                      f"http://{WOSHOU_IP}/hello"], timeout=300)
    assert "Complete requests:      200" in res.stdout, res.stdout
    assert "Failed requests:        0" in res.stdout, res.stdout
    assert "Non-2xx responses" not in res.stdout, res.stdout
    report = path.stop()
    assert w.stop() == 0
    assert w.counters().get("tcp.data_bytes_rx", 0) >= 100 << 20, report
