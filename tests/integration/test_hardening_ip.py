# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""IP identity on net_tap (issue 16, item 9): TCP segments carry DF, IDs are
not one counter a third party can watch (idle scans, nmap's TI=I), and a
real TCP transfer still works with DF on. Probes are scapy frames from the
kernel side (scapy_ipid.py); nmap's OS scan, if nmap is installed, must not
report TI=I."""

import json
import os
import re

from conftest import IFACE, KERNEL_IP, WOSHOU_IP, run

HERE = os.path.dirname(os.path.abspath(__file__))
SCAPY_IPID = os.path.join(HERE, "scapy_ipid.py")
URL = f"http://{WOSHOU_IP}/hello"
# A second kernel-side address: replies to it need ARP, so the kernel owns it.
SRC2 = "198.18.0.3"
NMAP_TIMEOUT = 120


def probe(netns, w, *args, timeout=60):
    res = netns.python(SCAPY_IPID, IFACE, w.mac, *args, timeout=timeout)
    return json.loads(res.stdout.strip().splitlines()[-1])


def curl_ok(netns):
    res = netns.exec(["curl", "-s", "-m", "5", URL], check=False)
    return res.returncode == 0 and res.stdout != ""


def test_tcp_df_and_zero_ids(woshou, netns):
    """SYN-ACKs and RSTs outside a connection: DF, ID 0 (as Linux)."""
    answers = probe(netns, woshou, "syns")
    synacks, rsts = answers[:6], answers[6:]
    assert all(a["flags"] == "SA" for a in synacks), answers
    assert all(a["flags"] is not None and "R" in a["flags"] for a in rsts), answers
    assert all(a["df"] and a["id"] == 0 for a in answers), answers


def test_ids_not_one_counter(woshou, netns):
    """Echo replies to A and B, interleaved: each address has a sequence of
    its own; one global counter would make the merged list count by one."""
    run(["ip", "-n", netns.name, "addr", "add", f"{SRC2}/24", "dev", IFACE])
    replies = probe(netns, woshou, "pings", SRC2)
    assert all(r["id"] is not None for r in replies), replies
    # Echo replies may be fragmented: no DF, a hashed per-destination ID.
    assert not any(r["df"] for r in replies), replies
    ids = [r["id"] for r in replies]
    diffs = [(b - a) & 0xffff for a, b in zip(ids, ids[1:])]
    print("echo reply IDs in the order sent (A B B B ...):", ids)
    # nmap's "I": every step below 10. A global counter steps by 1 here.
    assert not all(1 <= d < 10 for d in diffs), (ids, diffs)
    a_ids = [r["id"] for r in replies if r["src"] == KERNEL_IP]
    b_ids = [r["id"] for r in replies if r["src"] == SRC2]
    # Each one's own sequence moves forward (plus Linux-style idle jumps
    # below the milliseconds between two uses), never by the other's count.
    for seq in (a_ids, b_ids):
        steps = [(y - x) & 0xffff for x, y in zip(seq, seq[1:])]
        assert all(1 <= s < 5000 for s in steps), (seq, steps)


def test_transfer_with_df(woshou, netns):
    """A 256 KiB echo over the kernel's TCP: every segment woshou sends has
    DF, full-sized ones fit the MTU, and curl still works."""
    res = probe(netns, woshou, "transfer", timeout=120)
    print("echo transfer:", res)
    assert res["ok"], res
    # The capture may miss some under load; those it has all have DF.
    assert res["segments"] > 50 and res["no_df"] == 0, res
    assert res["max_len"] == 1500, res
    assert curl_ok(netns)


def test_nmap_ti_not_incremental(woshou, netns):
    """nmap -O's TI test (IDs of the SYN-ACKs to its SEQ probes) must not
    see one incrementing sequence; woshou keeps serving meanwhile."""
    cmd = ["timeout", str(NMAP_TIMEOUT), "nmap", "-O", "-sS", "-p", "80,81", "-v",
           "-d", "--osscan-guess", "--max-retries", "1", "-n", WOSHOU_IP]
    res = netns.exec(cmd, check=False, timeout=NMAP_TIMEOUT + 30)
    out = res.stdout + res.stderr
    lines = [l for l in out.splitlines() if "SEQ(" in l or "TI=" in l or
             "OS details" in l or "Aggressive OS" in l or "Running" in l or
             "No exact OS" in l or "IP ID Sequence" in l]
    print("nmap exit", res.returncode)
    print("\n".join(lines))
    assert res.returncode == 0, out[-4000:]
    m = re.search(r"SEQ\([^)]*?%TI=([A-Z0-9]+)", out.replace("\nOS:", ""))
    assert m is not None, out[-4000:]
    assert m.group(1) != "I", m.group(0)
    assert curl_ok(netns)
