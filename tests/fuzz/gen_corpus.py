#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/.

Each seed is a small valid input that reaches one path far past the
checks (a handshake, a DNS answer the resolver accepts, a reassembled
ping), so the fuzzer starts from there. The input formats are described
at the top of each tests/fuzz/fuzz_<target>.c. Run it again after
changing a format; the files are committed.
"""

import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- stack

FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32
T_RAW, T_IP, T_TCP, T_UDP, T_ICMP, T_ARP, T_APP, T_CLOCK = range(8)
FIX_SEQ, FIX_ACK, FIX_UNA, FIX_TS, FIX_BADCK, FIX_URG = 1, 2, 4, 8, 16, 32
SEL_A = 0                       # peer 40000 -> our HTTP port 80
SEL_B = 0x80                    # our connection to the peer's 5001
TS_OPT = b"\x01\x01\x08\x0a" + bytes(8)


def rec(rtype, body, q=0, adv=0):
    assert len(body) < 256
    return bytes([rtype | q << 3 | adv << 4, len(body)]) + body


def tcp(sel, flags, fix=FIX_SEQ | FIX_ACK | FIX_TS, seq=0, ack=0,
        win=65535, opts=TS_OPT, payload=b"", pad=0, adv=0, q=0):
    body = struct.pack(">BBBIIHBB", sel, flags, fix, seq & 0xffffffff,
                       ack & 0xffffffff, win, len(opts), pad)
    return rec(T_TCP, body + opts + payload, q=q, adv=adv)


def tuple_sel(peer=0, local=0, addr=0):
    """peer: 40000 + n; local: 0 http, 1 echo, 2 discard, 3 closed."""
    return peer | local << 3 | addr << 5


def syn_opts(mss=1460, ts=True):
    o = struct.pack(">BBH", 2, 4, mss) + b"\x04\x02"
    o += b"\x08\x0a" + bytes(8) if ts else b"\x01\x01"
    return o + b"\x01\x03\x03\x07"


def handshake(sel, ts=True):
    """SYN, then the ACK of our SYN-ACK (relative to what we sent)."""
    return (tcp(sel, SYN, fix=FIX_TS if ts else 0, seq=5000, ack=0,
                opts=syn_opts(ts=ts)) +
            tcp(sel, ACK, fix=FIX_SEQ | FIX_ACK | (FIX_TS if ts else 0),
                opts=TS_OPT if ts else b""))


def udp(sel, payload, adv=0, q=0):
    return rec(T_UDP, bytes([sel]) + payload, q=q, adv=adv)


def dns_name(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def dns_query(name, qtype=1, qid=0x1234, edns=False):
    m = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    m += dns_name(name) + struct.pack(">HH", qtype, 1)
    if edns:
        m += b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 0)
    return m


def clock(ms10):
    return rec(T_CLOCK, struct.pack(">H", ms10))


def app(what, arg=0):
    return rec(T_APP, bytes([what, arg]))


def icmp(itype, code, sel=0, rest=0, fix=1, seq=0, body=b""):
    return rec(T_ICMP, struct.pack(">BBBHBI", itype, code, sel, rest, fix,
                                   seq) + body)


def arp(op, s=0, t=0, m=0):
    return rec(T_ARP, bytes([op, s, t, m]))


def ipv4_raw(fix, pkt):
    return rec(T_IP, bytes([fix]) + pkt)


def ip_hdr(proto, payload_len, ident=0x4242, frag=0, src=0xc6120001,
           dst=0xc6120002, ttl=64):
    return struct.pack(">BBHHHBBHII", 0x45, 0, 20 + payload_len, ident, frag,
                       ttl, proto, 0, src, dst)


def cksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def icmp_echo(data, ident=1, seq=1):
    msg = struct.pack(">BBHHH", 8, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack(">H", cksum(msg)) + msg[4:]


def stack_seeds():
    get = b"GET / HTTP/1.1\r\nHost: woshou.test\r\n\r\n"
    s = {}
    s["http_get"] = tcp(SEL_A, PSH | ACK, payload=get) + \
        tcp(SEL_A, ACK, adv=3)
    s["http_pipelined"] = tcp(SEL_A, PSH | ACK, payload=get * 3 +
                              b"HEAD /missing HTTP/1.0\r\n\r\n")
    s["http_bad_then_fin"] = tcp(SEL_A, PSH | ACK,
                                 payload=b"GET / HTTP/2.0\r\n\r\n") + \
        tcp(SEL_A, FIN | ACK, adv=2)
    s["http_split"] = tcp(SEL_A, PSH | ACK, payload=get[:10]) + \
        tcp(SEL_A, PSH | ACK, seq=10, payload=get[10:])
    s["a_out_of_order"] = tcp(SEL_A, PSH | ACK, seq=10, payload=get[10:]) + \
        tcp(SEL_A, PSH | ACK, payload=get[:10])
    s["a_fin_both"] = tcp(SEL_A, FIN | ACK) + tcp(SEL_A, ACK, adv=5) + \
        clock(300)
    s["a_rst_in_window"] = tcp(SEL_A, RST, fix=FIX_SEQ | FIX_TS)
    s["a_rst_challenge"] = tcp(SEL_A, RST, fix=FIX_SEQ | FIX_TS, seq=100)
    s["a_syn_on_established"] = tcp(SEL_A, SYN, fix=FIX_SEQ | FIX_TS,
                                    opts=syn_opts())
    s["a_zero_window"] = tcp(SEL_A, PSH | ACK, win=0, payload=get) + \
        clock(100) + clock(500)
    s["a_old_ts"] = tcp(SEL_A, PSH | ACK, opts=b"\x01\x01\x08\x0a" +
                        struct.pack(">II", 0xf0000000, 0), payload=b"x")
    s["b_ack_data"] = tcp(SEL_B, ACK) + app(0, 20)
    s["b_partial_ack"] = tcp(SEL_B, ACK, fix=FIX_SEQ | FIX_ACK | FIX_UNA |
                             FIX_TS, ack=1000)
    s["b_dupacks"] = b"".join(
        tcp(SEL_B, ACK, fix=FIX_SEQ | FIX_ACK | FIX_UNA | FIX_TS)
        for _ in range(4))
    s["b_rto"] = clock(150) + clock(300) + clock(600)
    s["b_data_in"] = tcp(SEL_B, PSH | ACK, payload=b"hello world" * 20)
    s["b_fin_in"] = tcp(SEL_B, FIN | ACK) + tcp(SEL_B, ACK, adv=4)
    s["b_close_then_fin"] = app(1) + tcp(SEL_B, ACK, adv=2) + \
        tcp(SEL_B, FIN | ACK) + clock(300)
    s["b_abort"] = app(3) + tcp(SEL_B, ACK)
    s["b_keepalive"] = tcp(SEL_B, ACK) + app(5) + clock(150) + clock(150) + \
        clock(150)
    s["b_window_update"] = tcp(SEL_B, ACK, win=0) + clock(200) + \
        tcp(SEL_B, ACK, win=65535)
    s["b_sack"] = tcp(SEL_B, ACK, fix=FIX_SEQ | FIX_ACK | FIX_UNA | FIX_TS,
                      opts=b"\x01\x01\x08\x0a" + bytes(8) +
                      b"\x01\x01\x05\x0a" + bytes(8))
    s["b_urgent"] = tcp(SEL_B, URG | ACK, fix=FIX_SEQ | FIX_ACK | FIX_TS |
                        FIX_URG, win=5, payload=b"!!")
    s["echo_conn"] = handshake(tuple_sel(1, 1)) + \
        tcp(tuple_sel(1, 1), PSH | ACK, payload=b"echo me\n") + \
        tcp(tuple_sel(1, 1), FIN | ACK, adv=3)
    s["discard_conn"] = handshake(tuple_sel(2, 2)) + \
        tcp(tuple_sel(2, 2), PSH | ACK, payload=b"x" * 200, pad=100)
    s["closed_port_syn"] = tcp(tuple_sel(3, 3), SYN, fix=0, opts=syn_opts())
    s["syn_flood"] = b"".join(tcp(tuple_sel(i, 0), SYN, fix=0, seq=i,
                                  opts=syn_opts()) for i in range(1, 8))
    s["new_http_conn"] = handshake(tuple_sel(4, 0)) + \
        tcp(tuple_sel(4, 0), PSH | ACK, payload=get)
    s["second_addr"] = handshake(tuple_sel(5, 0, 1)) + \
        tcp(tuple_sel(5, 0, 1), PSH | ACK, payload=get)
    s["no_ts_syn"] = handshake(tuple_sel(6, 1), ts=False)
    answer = struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)[0:10]
    rr = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + \
        bytes([198, 18, 0, 9])
    # Header (its ID is replaced), the question copied, then the answer.
    s["resolver_answer"] = udp(3 | 0x20, b"\x00\x00" + answer + rr)
    s["resolver_nxdomain"] = udp(3 | 0x20, b"\x00\x00" + struct.pack(
        ">HHHHH", 0x8183, 1, 0, 0, 0))
    cname = b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 60, 4) + \
        b"\x01x\xc0\x0c"
    s["resolver_cname"] = udp(3 | 0x20, b"\x00\x00" + struct.pack(
        ">HHHHH", 0x8180, 1, 1, 0, 0) + cname)
    s["resolver_timeout"] = clock(60) + clock(60) + clock(60)
    s["resolver_more"] = app(6, 1) + app(6, 2) + app(6, 3) + app(6, 4)
    s["dns_query_a"] = udp(0 | 1 << 2, dns_query("www.woshou.test"))
    s["dns_query_edns"] = udp(0 | 1 << 2, dns_query("woshou.test", 255,
                                                    edns=True))
    s["dns_query_txt"] = udp(0 | 1 << 2, dns_query("long.woshou.test", 16))
    s["dns_query_outside"] = udp(0 | 1 << 2, dns_query("example.org"))
    s["udp_echo"] = udp(1 | 1 << 2, b"ping") + udp(1 | 3 << 2, b"loop?")
    s["udp_discard"] = udp(2 | 1 << 2, b"x" * 100)
    s["icmp_echo"] = icmp(8, 0, fix=0, rest=0x0001, body=b"abcdefgh")
    s["icmp_frag_needed_b"] = tcp(SEL_B, ACK) + app(0, 40) + \
        icmp(3, 4, sel=SEL_B, rest=576)
    s["icmp_port_unreach_resolver"] = icmp(3, 3, sel=0xff)
    s["icmp_unreach_a"] = icmp(3, 1, sel=SEL_A)
    s["arp_request"] = arp(1, 0, 0, 1)
    s["arp_reply_changed_mac"] = arp(2, 0, 0, 1) + tcp(SEL_B, ACK)
    s["arp_conflict"] = arp(1, 1, 0, 1)
    payload = icmp_echo(bytes(range(48)))
    s["ping_fragments"] = \
        ipv4_raw(2 | 4, ip_hdr(1, 24, frag=0x2000) + payload[:24]) + \
        ipv4_raw(2, ip_hdr(1, len(payload) - 24, frag=3) + payload[24:])
    s["ip_options"] = ipv4_raw(1 | 2 | 4, bytes([0x46]) + ip_hdr(
        1, 12)[1:] + b"\x01\x01\x01\x00" + b"\x08\x00\x00\x00\x00\x02\x00\x02")
    s["ip_bad_version"] = ipv4_raw(1 | 2, b"\x65" + ip_hdr(17, 8)[1:] +
                                   bytes(8))
    s["raw_short"] = rec(T_RAW, b"\x02\x00\x00\x00\x00\x02" * 2 + b"\x08")
    s["connect_new"] = app(7, 1) + clock(10)
    s["mixed"] = tcp(SEL_A, PSH | ACK, payload=get) + tcp(SEL_B, ACK) + \
        udp(3 | 0x20, b"\x00\x00" + answer + rr) + clock(50) + \
        tcp(SEL_A, ACK) + app(1)
    s["two_queues"] = tcp(SEL_A, PSH | ACK, payload=get, q=1) + \
        tcp(SEL_B, ACK, q=1) + udp(0 | 1 << 2, dns_query("woshou.test"), q=1)
    for name, data in s.items():
        write("stack", name, data)


# ------------------------------------------------------------- tcp_opts

def tcp_opts_seeds():
    s = {
        "syn": syn_opts(),
        "syn_nots": syn_opts(ts=False),
        "ts_fast": b"\x01\x01\x08\x0a" + struct.pack(">II", 1, 2),
        "sack4": b"\x01\x01\x05\x22" + bytes(range(32)),
        "ts_sack": b"\x01\x01\x08\x0a" + bytes(8) + b"\x01\x01\x05\x12" +
        bytes(range(16)),
        "mss0": b"\x02\x04\x00\x00",
        "ws_big": b"\x03\x03\x0f\x00",
        "bad_len": b"\x02\x01\x00\x00",
        "unknown": b"\x1e\x06abcd\x00",
        "eol_first": b"\x00\x02\x04\x05\xb4",
    }
    for name, data in s.items():
        write("tcp_opts", name, data)


# ------------------------------------------------------------------ dns

def dns_seeds():
    q = dns_query("www.woshou.test")
    s = {
        "resp_a": b"\x00" + struct.pack(">HHHHHH", 1, 0x8180, 1, 1, 0, 0) +
        dns_name("peer.example.test") + b"\x00\x01\x00\x01" +
        b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + b"\xc6\x12\x00\x01",
        "resp_cname_chain": b"\x00" + struct.pack(">HHHHHH", 2, 0x8180, 1, 2,
                                                  0, 0) +
        dns_name("a.test") + b"\x00\x01\x00\x01" +
        b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 60, 4) + b"\x01b\xc0\x0e" +
        b"\xc0\x1c" + struct.pack(">HHIH", 1, 1, 30, 4) + b"\x0a\x00\x00\x01",
        "resp_nxdomain_soa": b"\x00" + struct.pack(">HHHHHH", 3, 0x8183, 1,
                                                   0, 1, 0) +
        dns_name("no.test") + b"\x00\x01\x00\x01" + b"\xc0\x0f" +
        struct.pack(">HHIH", 6, 1, 300, 22) + b"\x02ns\xc0\x0f" +
        b"\x02hm\xc0\x0f" + struct.pack(">IIIII", 1, 2, 3, 4, 5)[:10],
        "resp_ptr_loop": b"\x00" + struct.pack(">HHHHHH", 4, 0x8180, 1, 0, 0,
                                               0) + b"\xc0\x0c",
        "query_a": b"\x01" + q,
        "query_any_edns": b"\x01" + dns_query("woshou.test", 255, edns=True),
        "query_txt": b"\x01" + dns_query("long.woshou.test", 16),
        "query_loop": b"\x01" + dns_query("loop.woshou.test"),
        "query_out": b"\x01" + dns_query("out.woshou.test"),
        "query_ns": b"\x01" + dns_query("woshou.test", 2),
        "query_axfr": b"\x01" + dns_query("woshou.test", 252),
        "walk": b"\x02" + q,
        "text_name": b"\x03www.woshou.test.",
        "text_escape": b"\x03a\\.b\\065c.test",
        "text_record": b"\x03www 60 A 198.18.0.5",
        "text_txt": b'\x03"a b" "c\\"d" \\255',
    }
    for name, data in s.items():
        write("dns", name, data)


# ----------------------------------------------------------------- http

def http_seeds():
    s = {
        "get": b"\x02\x05GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "head_10": b"\x02\x01HEAD /index.html HTTP/1.0\r\n\r\n",
        "pipelined": b"\x02\x20GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /empty HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "body": b"\x06\x07POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5"
        b"\r\n\r\nhelloGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "chunked": b"\x02\x03GET / HTTP/1.1\r\nHost: a\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
        "absolute": b"\x02\x09GET http://a/x?y HTTP/1.1\r\nHost: a\r\n\r\n",
        "expect": b"\x06\x02PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1"
        b"\r\nExpect: 100-continue\r\n\r\nx",
        "bare_lf": b"\x02\x04GET / HTTP/1.1\nHost: a\n\n",
        "long_header": b"\x00\x10GET / HTTP/1.1\r\nHost: a\r\nX: " +
        b"y" * 300 + b"\r\n\r\n",
        "keepalive_10": b"\x02\x11\r\n\r\nGET / HTTP/1.0\r\n"
        b"Connection: keep-alive\r\n\r\n",
    }
    for name, data in s.items():
        write("http", name, data)


# --------------------------------------------------------------- config

def config_seeds():
    for ini in ("net_null.ini", "net_tap.ini"):
        src = os.path.join(ROOT, "drivers-config", ini)
        if os.path.exists(src):
            with open(src, "rb") as f:
                write("config", ini.replace(".ini", ""), f.read())
    s = {
        "minimal": b"[ip]\naddr = 198.18.0.2/24\n",
        "with_sets": b"[ip]\naddr = 198.18.0.2/24\n\x00tcp.rcvbuf=65536\n"
        b"workers.lcores=1-3,5\nhttp.route1=/ text/plain inline:hi\\n\n",
        "dns": b"[ip]\naddr = 198.18.0.2/24\n[dns]\nzone = a.test\n"
        b"record1 = @ A 198.18.0.2\nrecord2 = www CNAME @\n"
        b"record3 = t TXT \"x y\" z\n",
        "resolver": b"[ip]\naddr=198.18.0.2/24\ngateway=198.18.0.1\n"
        b"[resolver]\nservers = 198.18.0.1 198.18.0.53\n",
        "bad_section": b"[nope]\nkey = 1\n",
        "comments": b"; c\n# d\n[ip]\n  addr =198.18.0.2/24 \n\n",
    }
    for name, data in s.items():
        write("config", name, data)


# ----------------------------------------------------------- ipv4_reasm

def reasm_seeds():
    def raw(ctl, ident, frag, payload, proto=None):
        out = bytes([ctl])
        if proto is not None:
            out += bytes([proto])
        return out + struct.pack(">HHH", ident, frag, len(payload)) + payload

    def cut(ctl, ident, length, cuts, order):
        return bytes([0x80 | ctl]) + struct.pack(">HH", ident, length) + \
            bytes([len(cuts)]) + bytes(cuts) + bytes([order])

    ping = b"\x08\x00\xf7\xff\x00\x00\x00\x00"
    s = {
        "two_raw": raw(0, 1, 0x2000, ping + bytes(8)) + raw(0, 1, 2,
                                                              bytes(8)),
        "overlap": raw(4, 2, 0x2000, bytes(24)) + raw(4, 2, 1, bytes(24)),
        "expire": raw(4, 3, 0x2000, bytes(16)) + bytes([0x70]) +
        raw(4, 3, 2, bytes(8))[1:],
        "ping_cut": cut(0, 7, 3000, [50, 150, 250], 0),
        "ping_cut_rev": cut(0, 8, 2000, [40, 120], 2),
        "udp_cut_dup": cut(4, 9, 1600, [100], 0x81),
        "table_full": b"".join(raw(4 | (i & 3), 100 + i, 0x2000, bytes(8))
                               for i in range(12)),
        "other_proto": raw(12, 5, 0x2000, bytes(8), proto=99),
    }
    for name, data in s.items():
        write("ipv4_reasm", name, data)


def main():
    shutil.rmtree(os.path.join(HERE, "corpus"), ignore_errors=True)
    stack_seeds()
    tcp_opts_seeds()
    dns_seeds()
    http_seeds()
    config_seeds()
    reasm_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
