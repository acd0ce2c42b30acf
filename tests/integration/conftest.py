# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Fixtures and helpers: woshou on net_tap in a network namespace the test
creates.

Each test gets its own namespace (wst-<pid>-<n>) with woshou inside it on
the default net_tap config; the kernel side of the tap, wsh0, is 198.18.0.1/24
and woshou is 198.18.0.2/24. Nothing leaves the namespace. At the end woshou
is stopped by its PID (SIGTERM, then SIGKILL if it hangs) and the namespace
is deleted.

The repeated moves of the tests live here once: start woshou with some
settings and wait for its tap (the start fixture), wait until something
holds (wait_until), read telemetry from a snapshot taken after now
(Woshou.snapshot_after), wait for a listener or a tap in the namespace,
run a program or a python script there (Namespace.popen, .python).
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
PYTHON = "/usr/bin/python3"
# What woshou, woshou-gen and ws_lookup print once their port is up.
BANNER = r"mac ([0-9A-Fa-f:]{17}) on port"

_seq = itertools.count()


def run(cmd, check=True, timeout=60, **kw):
    """Run a command, return CompletedProcess with text output."""
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and res.returncode != 0:
        raise AssertionError(f"{cmd} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    return res


def wait_until(probe, done=bool, timeout=10, interval=0.05, what="", fail=True):
    """Call probe() every 'interval' s until done(its value) and return
    that value. After 'timeout' s fail, saying 'what' and the last value;
    with fail=False return the last value instead."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() >= deadline:
            if not fail:
                return value
            raise AssertionError(f"not within {timeout}s: {what} (last: {value!r})")
        time.sleep(interval)


def ab_counts(out):
    """ab's complete, failed and non-2xx request counts, from its report."""
    complete = int(re.search(r"Complete requests:\s+(\d+)", out).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    m = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return complete, failed, int(m.group(1)) if m else 0


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

    def python(self, *args, **kw):
        """python3 with these arguments (a script, or -c and its text)."""
        return self.exec([PYTHON] + [str(a) for a in args], **kw)

    def popen(self, argv, **popen):
        """A process started in here; ip netns exec execs argv itself, so
        the Popen's PID is the program's (stop it with stop_process)."""
        return subprocess.Popen(["ip", "netns", "exec", self.name] + argv, **popen)

    def wait_for_tap(self, timeout=START_TIMEOUT):
        """Until the tap a DPDK program started in here (IFACE) exists."""
        wait_until(lambda: run(["ip", "-n", self.name, "link", "show", IFACE],
                               check=False).returncode == 0,
                   timeout=timeout, what=f"{IFACE} never appeared")

    def configure_kernel_side(self):
        """The kernel's side of the tap: KERNEL_IP/24 on IFACE, up."""
        run(["ip", "-n", self.name, "addr", "add", f"{KERNEL_IP}/24", "dev", IFACE])
        run(["ip", "-n", self.name, "link", "set", IFACE, "up"])

    def wait_listening(self, port, proc=None, timeout=10):
        """Until a TCP socket listens on 'port' in here; 'proc', the
        listener's process if given, must not exit meanwhile."""
        def listening():
            assert proc is None or proc.poll() is None, f"the listener on {port} exited"
            return f":{port} " in self.exec(["ss", "-ltnH"]).stdout

        wait_until(listening, timeout=timeout, what=f"nothing listens on {port}")

    def drop_kernel_rsts(self, sports="40000-40999"):
        """The kernel knows nothing of scapy's connections (source ports
        'sports') and would reset them: drop its RSTs for those."""
        self.sh("nft add table ip probe && "
                "nft add chain ip probe out '{ type filter hook output priority 0; }' && "
                f"nft add rule ip probe out tcp sport {sports} tcp flags rst drop")

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


# The first line of an AddressSanitizer, LeakSanitizer or
# UndefinedBehaviorSanitizer report ("==PID==ERROR: AddressSanitizer: ...",
# "AddressSanitizer:DEADLYSIGNAL", "file.c:12:3: runtime error: ...").
SANITIZER_LINE = re.compile(r"(Sanitizer|runtime error:)")


def sanitizer_report(out):
    """The sanitizer report in a program's output, from its first line
    (at most 80 lines), or None when there is none."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if SANITIZER_LINE.search(line):
            return "\n".join(lines[max(i - 1, 0):i + 80])
    return None


class Collected:
    """A process this test started, its stdout and stderr read line by
    line into .lines (and .output) while it runs."""

    def __init__(self, argv, **popen):
        # The program's name, for messages (ip netns exec runs argv[4]).
        self.name = os.path.basename(argv[4] if argv[:3] == ["ip", "netns", "exec"]
                                     else argv[0])
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

    def wait_for(self, pattern, timeout=START_TIMEOUT):
        """The first match of 'pattern' in the output; fails if the
        process exits first or nothing matches within 'timeout' s."""
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
                    f"{self.name} exited {self.proc.returncode} before "
                    f"/{pattern}/:\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"no /{pattern}/ within {timeout}s:\n{self.output}")

    def wait_for_tap(self, ns):
        """Until the program's port is up (its MAC, returned, in lower
        case) and its tap exists in namespace 'ns'."""
        mac = self.wait_for(BANNER).group(1).lower()
        ns.wait_for_tap()
        return mac

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop it (stop_process) and read the rest; its exit status.
        Runs against a sanitizer build (WOSHOU_BIN, WOSHOU_GEN_BIN) fail
        on any report in the output."""
        rc = stop_process(self.proc, sig, timeout)
        self.reader.join(5)
        report = sanitizer_report(self.output)
        assert report is None, f"{self.name}: sanitizer report:\n{report}"
        return rc


def dpdk_argv(ns, binary, sets=(), config=CONFIG, prefix=PREFIX):
    """argv of one of the project's DPDK programs (woshou, woshou-gen,
    ws_lookup) on 'config' with the tests' memory setting and file prefix,
    then 'sets', inside namespace 'ns' (None: this one). ip netns exec
    execs the program itself, so the PID is the program's."""
    argv = [] if ns is None else ["ip", "netns", "exec", ns.name]
    argv += [binary, "--config", config,
             "--set", MEM_SET, "--set", f"eal.file_prefix={prefix}"]
    for s in sets:
        argv += ["--set", s]
    return argv


class Woshou(Collected):
    """One woshou process inside a namespace, with its output collected."""

    def __init__(self, ns, config=CONFIG, sets=(), prefix=PREFIX):
        """ns=None runs woshou in the test's own namespace (net_null)."""
        self.ns = ns
        self.prefix = prefix
        super().__init__(dpdk_argv(ns, WOSHOU, sets, config, prefix))
        self.returncode = None
        self.mac = None

    def start_and_configure_kernel_side(self):
        self.mac = self.wait_for_tap(self.ns)
        self.ns.configure_kernel_side()

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

    def snapshot(self):
        """The number of the control thread's latest snapshot."""
        return self.telemetry("/woshou/info")["snapshot"]

    def snapshot_after(self, cmd, seq=None, timeout=10):
        """cmd's reply from a snapshot begun after this call (or after
        snapshot 'seq')."""
        if seq is None:
            seq = self.snapshot()
        wait_until(self.snapshot, lambda s: s > seq, timeout=timeout, interval=0.02,
                   what=f"no snapshot after {seq}")
        return self.telemetry(cmd)

    def wait_tcp_idle(self, timeout=10):
        """Until no connection is open (peers' FINs processed), by the
        TCP state gauges of a snapshot taken after this call."""
        seq = self.snapshot()

        def idle(st):
            busy = sum(st[s]["total"] for s in ("SYN_SENT", "SYN_RECEIVED",
                       "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING",
                       "LAST_ACK", "FIN_WAIT_2"))
            return st["snapshot"] > seq and busy == 0

        wait_until(lambda: self.telemetry("/woshou/tcp/states"), idle, timeout=timeout,
                   what="connections still open")

    def stop(self, sig=signal.SIGTERM, timeout=30, drain_wait=None):
        """Stop woshou; its exit status. With 'drain_wait' (seconds), a
        second signal cuts its graceful stop short after that long: the
        connections a test leaves with no peer to answer their FIN (raw
        scapy ones) are then reset at once instead of after drain_ms."""
        if drain_wait is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(drain_wait)
            except subprocess.TimeoutExpired:
                pass
        # Collected.stop fails on a sanitizer report.
        self.returncode = super().stop(sig, timeout)
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
def start(netns):
    """start(*sets, kernel_side=True, **kw): a Woshou (kw: its other
    arguments) on net_tap in the test's namespace with those settings,
    once its tap is up and, with kernel_side, has the kernel's address.
    Every woshou it started is stopped when the test ends."""
    started = []

    def _start(*sets, kernel_side=True, **kw):
        w = Woshou(netns, sets=sets, **kw)
        started.append(w)
        if kernel_side:
            w.start_and_configure_kernel_side()
        else:
            w.mac = w.wait_for_tap(netns)
        return w

    yield _start
    for w in started:
        w.stop(drain_wait=0.25)


@pytest.fixture
def woshou(start):
    """woshou running on net_tap with the kernel side configured."""
    return start()


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
        argv = [PYTHON, RELAY, IFACE, "vc1", "--seconds", str(seconds), "--seed", "1"]
        for k, v in impair.items():
            argv += [f"--{k.replace('_', '-')}", str(v)]
        self.proc = ns.popen(argv, stdout=subprocess.PIPE, text=True)
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
def impaired(start, netns, request):
    """woshou behind impair.py; parametrise with a dict of impairments."""
    w = start(kernel_side=False)
    path = ImpairedPath(netns, w, **getattr(request, "param", {}))
    yield w, path
    print(path.stop())
