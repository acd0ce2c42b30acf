# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""The authoritative DNS responder against real clients: dig for every kind
of answer, raw UDP datagrams for malformed queries, dnsperf for load, all
in the test's namespace against the example zone of net_tap.ini
(woshou.test). After each run woshou's final counters must show what was
sent, reason by reason.

Only 198.18.0.1 (the kernel) and 198.18.0.2 (woshou) appear. The AAAA
records hold 2001:2::/48 (RFC 5180's benchmarking range): data, never a
destination.
"""

import re

import pytest

from conftest import KERNEL_IP, WOSHOU_IP
ZONE = "woshou.test"
SOA = "ns1.woshou.test. hostmaster.woshou.test. 1 3600 900 604800 300"

# Three TXT records of 240 octets: too much for 512, fine for 1232.
BIG = ["x" * 240, "y" * 240, "z" * 240]
EXTRA = [f"dns.record{20 + i}=big TXT {t}" for i, t in enumerate(BIG)] + [
    "dns.record30=far CNAME target.example.",
    "dns.record31=a.b.deep A 198.18.0.5",
]


class Reply:
    """dig's output, parsed: status, flags, counts, EDNS size, sections."""

    def __init__(self, out):
        self.out = out
        self.status = None
        self.flags = set()
        self.counts = {}
        self.udp = None
        self.sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
        current = None
        for line in out.splitlines():
            m = re.search(r"->>HEADER<<- opcode: \w+, status: (\w+)", line)
            if m:
                self.status = m.group(1)
            m = re.match(r";; flags:([^;]*);(.*)", line)
            if m:
                self.flags = set(m.group(1).split())
                self.counts = {k: int(v) for k, v in
                               re.findall(r"(\w+): (\d+)", m.group(2))}
            m = re.search(r"; EDNS: version: \d+, flags:[^;]*; udp: (\d+)", line)
            if m:
                self.udp = int(m.group(1))
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                current = m.group(1)
                continue
            if not line.strip():
                current = None
            elif not line.startswith(";") and current in self.sections:
                name, ttl, cls, rtype, rdata = line.split(None, 4)
                self.sections[current].append(
                    (name, int(ttl), cls, rtype, rdata))

    @property
    def answer(self):
        return self.sections["ANSWER"]

    @property
    def authority(self):
        return self.sections["AUTHORITY"]

    @property
    def additional(self):
        return self.sections["ADDITIONAL"]


def dig(ns, *args):
    res = ns.exec(["dig", f"@{WOSHOU_IP}", "+time=2", "+tries=1", "+nocmd",
                   "+nostats"] + list(args), check=False, timeout=30)
    reply = Reply(res.stdout)
    assert reply.status is not None, res.stdout + res.stderr
    return reply


# Send each hex datagram from 198.18.0.1 to woshou's port 53 and print
# each reply in hex, or "none" after a second.
RAW = f"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("{KERNEL_IP}", 0))
s.settimeout(1)
for h in sys.argv[1:]:
    s.sendto(bytes.fromhex(h), ("{WOSHOU_IP}", 53))
    try:
        print(s.recv(4096).hex())
    except socket.timeout:
        print("none")
"""

# Send 'count' copies of each hex datagram, all at once, then collect
# replies until none came for a second: prints the rcodes seen per id.
BURST = f"""
import collections, socket, sys
count = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("{KERNEL_IP}", 0))
for _ in range(count):
    for h in sys.argv[2:]:
        s.sendto(bytes.fromhex(h), ("{WOSHOU_IP}", 53))
s.settimeout(1)
seen = collections.Counter()
try:
    while True:
        r = s.recv(4096)
        seen["%04x/%d" % (int.from_bytes(r[:2], "big"), r[3] & 15)] += 1
except socket.timeout:
    pass
print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))
"""


def raw(ns, *hexes):
    res = ns.python("-c", RAW, *hexes, timeout=60)
    return res.stdout.split()


def header(qid, flags, qd=1, an=0, ns=0, ar=0):
    return "%04x%04x%04x%04x%04x%04x" % (qid, flags, qd, an, ns, ar)


def wire(name):
    return "".join("%02x%s" % (len(label), label.encode().hex())
                   for label in name.split(".")) + "00"


APEX = wire(ZONE)
OPT = "00" "0029" "04d0" "00000000" "0000"


@pytest.fixture
def dns_woshou(start):
    """woshou with the example zone, three big TXT records and more."""
    return start(*EXTRA, "dns.edns_size=4096")


def test_dig_answers(dns_woshou, netns):
    r = dig(netns, "www.woshou.test", "A")
    assert r.status == "NOERROR"
    assert r.flags == {"qr", "aa", "rd"}
    assert r.answer == [("www.woshou.test.", 3600, "IN", "CNAME", "woshou.test."),
                        ("woshou.test.", 3600, "IN", "A", "198.18.0.2")]
    assert r.udp == 4096

    # +norec: RD stays clear in the reply; names match in any case and
    # the answer keeps the question's.
    r = dig(netns, "WoShOu.TEST", "AAAA", "+norec")
    assert r.flags == {"qr", "aa"}
    assert r.answer == [("WoShOu.TEST.", 3600, "IN", "AAAA", "2001:2::2")]

    r = dig(netns, "peer.woshou.test", "A")
    assert r.answer == [("peer.woshou.test.", 60, "IN", "A", "198.18.0.1")]

    r = dig(netns, ZONE, "TXT")
    assert r.answer == [(ZONE + ".", 3600, "IN", "TXT",
                         '"woshou, a kernel-bypass TCP/IP stack on DPDK"')]

    r = dig(netns, ZONE, "NS")
    assert r.answer == [(ZONE + ".", 3600, "IN", "NS", "ns1.woshou.test.")]
    assert r.additional == [("ns1.woshou.test.", 3600, "IN", "A", "198.18.0.2")]

    r = dig(netns, ZONE, "SOA")
    assert r.answer == [(ZONE + ".", 3600, "IN", "SOA", SOA)]

    # Out of the zone the CNAME is all there is.
    r = dig(netns, "far.woshou.test", "A")
    assert r.status == "NOERROR"
    assert r.answer == [("far.woshou.test.", 3600, "IN", "CNAME", "target.example.")]

    assert dns_woshou.stop() == 0
    c = dns_woshou.counters()
    assert c["dns.queries"] == 7, c
    assert c["dns.answers"] == 7, c
    assert c["dns.rcode_noerror"] == 7, c
    assert c["dns.q_a"] == 3 and c["dns.q_aaaa"] == 1 and c["dns.q_txt"] == 1, c
    assert c["dns.edns"] == 7, c
    assert c["dns.compressed_names"] > 7, c


def test_dig_negative_answers(dns_woshou, netns):
    # NXDOMAIN with the SOA at min(TTL, MINIMUM) = 300 (RFC 2308).
    r = dig(netns, "nope.woshou.test", "A")
    assert r.status == "NXDOMAIN"
    assert "aa" in r.flags
    assert r.answer == []
    assert r.authority == [(ZONE + ".", 300, "IN", "SOA", SOA)]

    # NODATA: the name is there, the type is not; an empty non-terminal too.
    for name in ("ns1.woshou.test", "deep.woshou.test"):
        r = dig(netns, name, "TXT")
        assert r.status == "NOERROR", name
        assert r.answer == [], name
        assert r.authority == [(ZONE + ".", 300, "IN", "SOA", SOA)], name

    # Not ours: REFUSED, not authoritative.
    r = dig(netns, "example.net", "A")
    assert r.status == "REFUSED"
    assert "aa" not in r.flags
    assert r.answer == [] and r.authority == []

    # EDNS version 1: BADVERS, with our OPT at version 0.
    r = dig(netns, ZONE, "A", "+edns=1", "+noednsneg")
    assert r.status == "BADVERS"
    assert r.answer == []

    assert dns_woshou.stop() == 0
    c = dns_woshou.counters()
    assert c["dns.rcode_nxdomain"] == 1, c
    assert c["dns.rcode_noerror"] == 2, c
    assert c["dns.rcode_refused"] == 1, c
    assert c["dns.rcode_badvers"] == 1, c


def test_dig_bufsize_and_truncation(dns_woshou, netns):
    # 3 x 253 octets of TXT: over 512, so TC=1 and no records.
    for args in (["+bufsize=512"], ["+noedns"]):
        r = dig(netns, "big.woshou.test", "TXT", "+ignore", *args)
        assert r.status == "NOERROR", args
        assert "tc" in r.flags, args
        assert r.answer == [], args
    r = dig(netns, "big.woshou.test", "TXT", "+bufsize=1232")
    assert "tc" not in r.flags
    assert sorted(a[4] for a in r.answer) == ['"%s"' % t for t in BIG]

    # 4096 (our edns_size too) takes more than the received buffer
    # holds: the reply is built in a new one.
    r = dig(netns, "big.woshou.test", "TXT", "+bufsize=4096")
    assert len(r.answer) == 3
    assert r.udp == 4096

    assert dns_woshou.stop() == 0
    c = dns_woshou.counters()
    assert c["dns.truncated"] == 2, c
    assert c["dns.reply_copied"] == 1, c


def test_raw_formerr_and_notimp(dns_woshou, netns):
    query = header(0x4001, 0x0100) + APEX + "00010001"
    replies = raw(
        netns,
        # No question at all: FORMERR, the header only.
        header(0x4002, 0x0100, qd=0),
        # Two OPT records (RFC 6891 6.1.1): FORMERR with the question.
        header(0x4003, 0, ar=2) + APEX + "00010001" + OPT + OPT,
        # A compression pointer to itself.
        header(0x4004, 0) + "c00c00010001",
        # Opcode 2 (STATUS): NOTIMP.
        header(0x4005, 0x1000, qd=0),
        # A response: never answered.
        header(0x4006, 0x8000) + APEX + "00010001",
        # And a good one still works.
        query,
    )
    assert replies == [
        header(0x4002, 0x8101, qd=0),
        header(0x4003, 0x8001) + APEX + "00010001",
        header(0x4004, 0x8001, qd=0),
        header(0x4005, 0x9004, qd=0),
        "none",
        header(0x4001, 0x8500, an=1) + APEX + "00010001" +
        "c00c" "0001" "0001" "00000e10" "0004" "c6120002",
    ]


def test_malformed_burst_counted(dns_woshou, netns):
    q = "00010001"
    cases = {
        "drop_short": ["0102030405"],
        "drop_response": [header(0x5001, 0x8000) + APEX + q],
        "drop_counts": [header(0x5002, 0, qd=0), header(0x5003, 0, an=0xffff)],
        "drop_label_long": [header(0x5004, 0) + "40" + "61" * 64 + "00" + q],
        "drop_name_long": [header(0x5005, 0) + ("3f" + "61" * 63) * 3 +
                           "3e" + "61" * 62 + "00" + q],
        "drop_ptr_loop": [header(0x5006, 0) + "c00c" + q],
        "drop_ptr_bad": [header(0x5007, 0) + "c0ff" + q,
                         header(0x5008, 0) + "c005" + q],
        "drop_truncated": [header(0x5009, 0) + "03777777" + "06776f73"],
        "drop_label_type": [header(0x500a, 0) + "80" + q],
        "drop_opt": [header(0x500b, 0, ar=2) + APEX + q + OPT + OPT],
    }
    count = 20
    hexes = [h for hs in cases.values() for h in hs]
    res = netns.python("-c", BURST, count, *hexes, timeout=120)
    seen = dict(kv.split("=") for kv in res.stdout.split())
    # Every malformed query with a header is answered FORMERR; the short
    # one and the response are not answered at all.
    answered = {"%04x/1" % int(h[:4], 16): str(count) for h in hexes
                if h[:4] not in ("0102", "5001")}
    assert seen == answered, res.stdout

    # Still serving.
    r = dig(netns, "www.woshou.test", "A")
    assert r.status == "NOERROR" and len(r.answer) == 2

    assert dns_woshou.stop() == 0
    c = dns_woshou.counters()
    for reason, hs in cases.items():
        assert c.get("dns." + reason, 0) == count * len(hs), (reason, c)
    assert c["dns.rcode_formerr"] == count * (len(hexes) - 2), c
    assert c["dns.queries"] == count * len(hexes) + 1, c


def test_dnsperf_10s(dns_woshou, netns, tmp_path):
    names = tmp_path / "queries.txt"
    names.write_text("\n".join([
        "www.woshou.test A", "woshou.test AAAA", "woshou.test TXT",
        "woshou.test NS", "WOSHOU.test SOA", "peer.woshou.test A",
        "nope.woshou.test A", "ns1.woshou.test TXT", "example.net A",
        "far.woshou.test A",
    ]) + "\n")
    # Bounded: at most 2000 queries a second for 10 seconds.
    res = netns.exec(["dnsperf", "-s", WOSHOU_IP, "-d", str(names),
                      "-l", "10", "-Q", "2000", "-t", "2"], timeout=60)
    out = res.stdout
    sent = int(re.search(r"Queries sent:\s+(\d+)", out).group(1))
    completed = int(re.search(r"Queries completed:\s+(\d+)", out).group(1))
    lost = int(re.search(r"Queries lost:\s+(\d+)", out).group(1))
    assert sent >= 10000, out
    assert completed == sent and lost == 0, out
    codes = dict((k, int(v)) for k, v in
                 re.findall(r"(\w+) (\d+) \(", out.split("Response codes:")[1]
                            .split("\n")[0]))
    assert set(codes) == {"NOERROR", "NXDOMAIN", "REFUSED"}, out
    assert sum(codes.values()) == sent, out

    assert dns_woshou.stop() == 0
    c = dns_woshou.counters()
    assert c["dns.queries"] == sent, c
    assert c["dns.answers"] == sent, c
    assert c["dns.rcode_nxdomain"] == codes["NXDOMAIN"], c
    assert c["dns.rcode_refused"] == codes["REFUSED"], c
    assert c.get("dns.rcode_formerr", 0) == 0, c
