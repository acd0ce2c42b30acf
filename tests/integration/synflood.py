#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""A bounded SYN flood from the kernel side of the tap, made by trafgen
(netsniff-ng), for the SYN cookie tests and benchmarks.

Every frame is one TCP SYN from a random source in 198.19.0.0/16 (inside
198.18.0.0/15, the range reserved for network benchmarking; no address of
it is on any interface, so the kernel silently drops the SYN-ACKs that come
back and no half-open entry is ever completed or reset) with a random
source port, ISN and IP ID, to woshou's MAC and address. IP and TCP
checksums are computed by trafgen for each frame (csumip/csumtcp).

A flood is bounded twice: a packet count (-n) and a rate (-b, sendto(2)
paced), so it lasts count/rate seconds; the caller also puts a wall-clock
timeout on it. One trafgen process (-P 1), which never touches the host's
socket memory sysctls (-A) nor IRQ affinities (-Q).

Usage as a program, inside the namespace:
    synflood.py IFACE WOSHOU_MAC COUNT RATE [--no-options] [--dport N]
"""

import argparse
import os
import re
import subprocess
import tempfile

TRAFGEN = "/usr/sbin/trafgen"
WOSHOU_IP = "198.18.0.2"
# Sources: 198.19.X.Y, X and Y random (198.19.0.0/16).
SRC_NET = (198, 19)

ETH_LEN = 14
IP_LEN = 20
# Options of a Linux SYN: MSS 1460, SACK-permitted, timestamps (random
# TSval, TSecr 0), NOP, window scale 7: 20 bytes.
OPTIONS = ("0x02, 0x04, c16(1460), "                 # MSS
           "0x04, 0x02, "                            # SACK-permitted
           "0x08, 0x0a, drnd(4), c32(0), "           # timestamps
           "0x01, 0x03, 0x03, 7")                    # NOP, window scale 7
OPTIONS_LEN = 20


def _mac_bytes(mac):
    parts = mac.lower().split(":")
    assert len(parts) == 6 and all(re.fullmatch(r"[0-9a-f]{2}", p) for p in parts), mac
    return ", ".join(f"0x{p}" for p in parts)


def _ip_bytes(ip):
    parts = [int(x) for x in ip.split(".")]
    assert len(parts) == 4 and all(0 <= x <= 255 for x in parts), ip
    return ", ".join(str(x) for x in parts)


# TCP flags by the names the floods use.
FLAGS = {"S": 0x002, "A": 0x010, "R": 0x004, "RA": 0x014, "F": 0x001,
         "FA": 0x011, "SA": 0x012, "PA": 0x018}


def syn_config(dst_mac, src_mac, options=True, dport=80, dst_ip=WOSHOU_IP,
               flags="S", payload=0):
    """The trafgen configuration of one TCP frame (a SYN unless 'flags'
    says otherwise, with 'payload' bytes of random data), every dynamic
    field drawn per frame. Options (a Linux SYN's) only when asked."""
    assert dst_ip.startswith(("198.18.", "198.19.")), dst_ip
    assert 0 <= payload <= 1400, payload
    opt_len = OPTIONS_LEN if options else 0
    tcp_len = 20 + opt_len
    ip_total = IP_LEN + tcp_len + payload
    ack = "c32(0)" if flags == "S" else "drnd(4)"
    ip_off, tcp_off = ETH_LEN, ETH_LEN + IP_LEN
    lines = [
        "{",
        f"  {_mac_bytes(dst_mac)},",                 # Ethernet destination
        f"  {_mac_bytes(src_mac)},",                 # Ethernet source
        "  c16(0x0800),",                            # IPv4
        "  0x45, 0x00,",                             # version 4, IHL 5, TOS 0
        f"  c16({ip_total}),",                       # total length
        "  drnd(2),",                                # identification
        "  0x40, 0x00,",                             # DF, offset 0
        "  64, 6,",                                  # TTL, TCP
        f"  csumip({ip_off}, {tcp_off - 1}),",       # header checksum
        f"  {SRC_NET[0]}, {SRC_NET[1]}, drnd(2),",   # source 198.19.x.y
        f"  {_ip_bytes(dst_ip)},",                   # destination
        # Source port: high byte 1..255 (never port 0), low byte random.
        "  dinc(1, 255, 1), drnd(1),",
        f"  c16({dport}),",                          # destination port
        "  drnd(4),",                                # ISN
        f"  {ack},",                                 # ACK number
        f"  c16(({tcp_len // 4} << 12) | {FLAGS[flags]:#x}),",  # offset, flags
        "  c16(64240),",                             # window
        f"  csumtcp({ip_off}, {tcp_off}),",          # TCP checksum
        "  c16(0),",                                 # urgent pointer
    ]
    if options:
        lines.append(f"  {OPTIONS},")
    if payload:
        lines.append(f"  drnd({payload}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def fragment_config(dst_mac, src_mac, dst_ip=WOSHOU_IP, payload=64):
    """The trafgen configuration of the first fragment of a UDP datagram
    that never completes: MF set, offset 0, a random IP ID and a random
    source in 198.19.0.0/16, so that every frame opens a new reassembly."""
    assert dst_ip.startswith(("198.18.", "198.19.")), dst_ip
    assert payload % 8 == 0 and 8 <= payload <= 1400, payload
    ip_off = ETH_LEN
    lines = [
        "{",
        f"  {_mac_bytes(dst_mac)},",
        f"  {_mac_bytes(src_mac)},",
        "  c16(0x0800),",
        "  0x45, 0x00,",
        f"  c16({IP_LEN + payload}),",               # total length
        "  drnd(2),",                                # identification
        "  0x20, 0x00,",                             # MF, offset 0
        "  64, 17,",                                 # TTL, UDP
        f"  csumip({ip_off}, {ip_off + IP_LEN - 1}),",
        f"  {SRC_NET[0]}, {SRC_NET[1]}, drnd(2),",   # source 198.19.x.y
        f"  {_ip_bytes(dst_ip)},",
        # A UDP header for port 9 (discard), length of the whole datagram
        # it pretends to start, then random bytes.
        "  drnd(2), c16(9), c16(4000), c16(0),",
        f"  drnd({payload - 8}),",
        "}",
    ]
    return "\n".join(lines) + "\n"


def iface_mac(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        return f.read().strip()


def trafgen_argv(iface, cfg_path, count, rate):
    """trafgen bounded by count and rate: one process, paced by sendto."""
    assert 0 < count <= 10_000_000 and 0 < rate <= 1_000_000, (count, rate)
    return [TRAFGEN, "--dev", iface, "--conf", cfg_path, "--num", str(count),
            "--rate", f"{rate}pps", "--cpus", "1", "--no-sock-mem",
            "--notouch-irq", "--no-cpu-stats"]


def parse_sent(output):
    """Frames trafgen reports as sent, or None."""
    m = re.search(r"(\d+)\s+packets outgoing", output)
    return int(m.group(1)) if m else None


class Flood:
    """A running flood inside namespace 'ns_name' (None: here), bounded by
    count, rate and a wall-clock limit; wait() returns frames sent."""

    def __init__(self, ns_name, iface, dst_mac, count, rate, options=True,
                 dport=80, src_mac=None, flags="S", payload=0, config=None):
        """'config': a trafgen configuration of one's own (fragment_config),
        instead of the TCP frame the other arguments describe."""
        if src_mac is None:
            argv = ["cat", f"/sys/class/net/{iface}/address"]
            if ns_name:
                argv = ["ip", "netns", "exec", ns_name] + argv
            src_mac = subprocess.run(argv, capture_output=True, text=True,
                                     check=True).stdout.strip()
        fd, self.cfg = tempfile.mkstemp(prefix="synflood-", suffix=".cfg")
        with os.fdopen(fd, "w") as f:
            f.write(config(dst_mac, src_mac) if config is not None else
                    syn_config(dst_mac, src_mac, options=options, dport=dport,
                               flags=flags, payload=payload))
        self.count, self.rate = count, rate
        self.limit = count / rate * 3 + 10
        argv = trafgen_argv(iface, self.cfg, count, rate)
        if ns_name:
            argv = ["ip", "netns", "exec", ns_name] + argv
        # ip netns exec execs trafgen: this PID is trafgen's.
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.output = None

    def wait(self, timeout=None):
        try:
            self.output, _ = self.proc.communicate(
                timeout=self.limit if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        finally:
            self._cleanup()
        if self.proc.returncode != 0:
            raise AssertionError(f"trafgen exited {self.proc.returncode}:\n{self.output}")
        return parse_sent(self.output)

    def stop(self):
        """Kill this flood's own trafgen (by its PID), if still running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.output, _ = self.proc.communicate(timeout=10)
        self._cleanup()

    def _cleanup(self):
        if self.cfg and os.path.exists(self.cfg):
            os.unlink(self.cfg)
        self.cfg = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("iface")
    ap.add_argument("mac", help="woshou's MAC address")
    ap.add_argument("count", type=int)
    ap.add_argument("rate", type=int, help="SYNs per second")
    ap.add_argument("--no-options", action="store_true")
    ap.add_argument("--dport", type=int, default=80)
    ap.add_argument("--print-config", action="store_true")
    a = ap.parse_args()
    if a.print_config:
        print(syn_config(a.mac, iface_mac(a.iface), not a.no_options, a.dport), end="")
        return
    fl = Flood(None, a.iface, a.mac, a.count, a.rate, not a.no_options, a.dport)
    print(f"sent {fl.wait()}")


if __name__ == "__main__":
    main()
