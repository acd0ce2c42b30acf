# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Fixtures: woshou on net_tap in a network namespace the test creates.

Each test gets its own namespace (wst-<pid>-<n>) with woshou inside it on
the default net_tap config; the kernel side of the tap, wsh0, is 198.18.0.1/24
and woshou is 198.18.0.2/24. Nothing leaves the namespace. At the end woshou
is stopped by its PID (SIGTERM, then SIGKILL if it hangs) and the namespace
is deleted.
"""

import itertools
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WOSHOU = os.environ.get("WOSHOU_BIN", os.path.join(ROOT, "build", "app", "woshou"))
CONFIG = os.path.join(ROOT, "drivers-config", "net_tap.ini")
MEM_SET = os.environ.get("WOSHOU_MEM_SET", "eal.huge=no")
# DPDK file-prefix of the woshou under test; distinct prefixes let two test
# runs (two build trees) share the machine.
PREFIX = os.environ.get("WOSHOU_TEST_PREFIX", "woshou_test")
IFACE = "wsh0"
KERNEL_IP = "198.18.0.1"
WOSHOU_IP = "198.18.0.2"
START_TIMEOUT = 60

_seq = itertools.count()


def run(cmd, check=True, timeout=60, **kw):
    """Run a command, return CompletedProcess with text output."""
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and res.returncode != 0:
        raise AssertionError(f"{cmd} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    return res


class Namespace:
    def __init__(self):
        self.name = f"wst-{os.getpid()}-{next(_seq)}"
        run(["ip", "netns", "add", self.name])
        run(["ip", "-n", self.name, "link", "set", "lo", "up"])
        # Keep the kernel's IPv6 chatter out of woshou's counters.
        self.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
                "net.ipv6.conf.default.disable_ipv6=1", check=False)

    def exec(self, argv, **kw):
        return run(["ip", "netns", "exec", self.name] + argv, **kw)

    def sh(self, script, **kw):
        return self.exec(["sh", "-c", script], **kw)

    def delete(self):
        run(["ip", "netns", "del", self.name], check=False)


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    """Signal a process this test started (its own Popen: by its PID,
    never by name) and wait; kill it if it overstays. Its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


class Collected:
    """A process this test started, its stdout and stderr read line by
    line into .lines (and .output) while it runs."""

    def __init__(self, argv, **popen):
        self.lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     **popen)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    @property
    def output(self):
        with self.lock:
            return "\n".join(self.lines)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop it (stop_process) and read the rest; its exit status."""
        rc = stop_process(self.proc, sig, timeout)
        self.reader.join(5)
        return rc


class Woshou(Collected):
    """One woshou process inside a namespace, with its output collected."""

    def __init__(self, ns, config=CONFIG, sets=(), prefix=PREFIX):
        """ns=None runs woshou in the test's own namespace (net_null)."""
        self.ns = ns
        self.prefix = prefix
        argv = [] if ns is None else ["ip", "netns", "exec", ns.name]
        argv += [WOSHOU, "--config", config,
                 "--set", MEM_SET, "--set", f"eal.file_prefix={prefix}"]
        for s in sets:
            argv += ["--set", s]
        # ip netns exec execs woshou itself, so this PID is woshou's.
        super().__init__(argv)
        self.returncode = None
        self.mac = None

    def wait_for(self, pattern, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            m = rx.search(self.output)
            if m:
                return m
            if self.proc.poll() is not None:
                self.reader.join(5)
                m = rx.search(self.output)
                if m:
                    return m
                raise AssertionError(
                    f"woshou exited {self.proc.returncode} before /{pattern}/:\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"no /{pattern}/ within {timeout}s:\n{self.output}")

    def start_and_configure_kernel_side(self):
        m = self.wait_for(r"mac ([0-9A-Fa-f:]{17}) on port")
        self.mac = m.group(1).lower()
        deadline = time.monotonic() + START_TIMEOUT
        while run(["ip", "-n", self.ns.name, "link", "show", IFACE],
                  check=False).returncode != 0:
            assert time.monotonic() < deadline, f"{IFACE} never appeared"
            time.sleep(0.05)
        run(["ip", "-n", self.ns.name, "addr", "add", f"{KERNEL_IP}/24", "dev", IFACE])
        run(["ip", "-n", self.ns.name, "link", "set", IFACE, "up"])

    def telemetry(self, cmd):
        """One telemetry command's reply (None for a null reply)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.connect(f"/var/run/dpdk/{self.prefix}/dpdk_telemetry.v2")
            s.settimeout(10)
            max_len = json.loads(s.recv(16384))["max_output_len"]
            s.send(cmd.encode())
            return json.loads(s.recv(max_len))[cmd.split(",", 1)[0]]
        finally:
            s.close()

    def wait_tcp_idle(self, timeout=10):
        """Until no connection is open (peers' FINs processed), by the
        TCP state gauges of a snapshot taken after this call."""
        seq = self.telemetry("/woshou/info")["snapshot"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.telemetry("/woshou/tcp/states")
            busy = sum(st[s]["total"] for s in ("SYN_SENT", "SYN_RECEIVED",
                       "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING",
                       "LAST_ACK", "FIN_WAIT_2"))
            if st["snapshot"] > seq and busy == 0:
                return
            time.sleep(0.05)
        raise AssertionError(f"connections still open after {timeout}s: {st}")

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.returncode = super().stop(sig, timeout)
        # Runs against a sanitizer build (WOSHOU_BIN) fail on any report.
        out = self.output
        assert "runtime error:" not in out and "Sanitizer" not in out, out
        return self.returncode

    def counters(self):
        """Final counters printed at exit, as {'module.name': value}."""
        out = self.output
        assert "final counters:" in out, out
        tail = out.split("final counters:", 1)[1]
        return {k: int(v) for k, v in re.findall(r"^\s+(\w+\.\w+) (\d+)$", tail, re.M)}


@pytest.fixture
def netns():
    ns = Namespace()
    yield ns
    ns.delete()


@pytest.fixture
def woshou(netns):
    """woshou running on net_tap with the kernel side configured."""
    w = Woshou(netns)
    try:
        w.start_and_configure_kernel_side()
        yield w
    finally:
        w.stop()


RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "impair.py")


class ImpairedPath:
    """The kernel client on a veth (vc0, 198.18.0.1/24), relayed to woshou's
    tap by impair.py with the given impairments; wsh0 itself has no address.
    """

    def __init__(self, ns, woshou_proc, seconds=240, **impair):
        self.ns = ns
        sh = ns.sh
        sh(f"ip link set {IFACE} up && ip link set {IFACE} promisc on")
        sh("ip link add vc0 type veth peer name vc1")
        # Offloads would hand the relay GSO super-frames and frames with
        # unfinished checksums; a wire carries neither.
        for dev in ("vc0", "vc1"):
            sh(f"ethtool -K {dev} tx off rx off tso off gso off gro off >/dev/null 2>&1 || true")
        sh(f"ip addr add {KERNEL_IP}/24 dev vc0 && ip link set vc0 up")
        sh("ip link set vc1 up && ip link set vc1 promisc on")
        argv = ["ip", "netns", "exec", ns.name, "/usr/bin/python3", RELAY,
                IFACE, "vc1", "--seconds", str(seconds), "--seed", "1"]
        for k, v in impair.items():
            argv += [f"--{k.replace('_', '-')}", str(v)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        self.report = None
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self):
        """Stop the relay (once) and return its per-direction counts."""
        if self.report is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            self.report, _ = self.proc.communicate(timeout=30)
        return self.report


@pytest.fixture
def impaired(netns, request):
    """woshou behind impair.py; parametrise with a dict of impairments."""
    w = Woshou(netns)
    path = None
    try:
        w.wait_for(r"mac ([0-9A-Fa-f:]{17}) on port")
        w.mac = re.search(r"mac ([0-9A-Fa-f:]{17}) on port", w.output).group(1).lower()
        deadline = time.monotonic() + START_TIMEOUT
        while run(["ip", "-n", netns.name, "link", "show", IFACE],
                  check=False).returncode != 0:
            assert time.monotonic() < deadline, f"{IFACE} never appeared"
            time.sleep(0.05)
        path = ImpairedPath(netns, w, **getattr(request, "param", {}))
        yield w, path
    finally:
        if path is not None:
            print(path.stop())
        w.stop()
