# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Traffic through impair.py, this project's stand-in for tc netem (the CI
kernel has no sch_netem): the relay itself first, then TCP over a lossy,
reordering, duplicating, delaying path."""

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
