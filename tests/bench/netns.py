# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Helpers for the benchmarks that run on a wire or beside another process.

  sh()          run a command (optionally inside a namespace), raise on failure
  cpu_stat()    one CPU's jiffies from /proc/stat (CpuStat)
  Wire          two namespaces joined by a veth pair; close() removes them
  netstat()     one TcpExt/Tcp counter of a namespace
  Proc          a process this module started, stopped by its own PID
  Telemetry     a client of a DPDK telemetry socket (woshou's /woshou/...)
  WoshouSample  consistent snapshot of a woshou instance's worker counters

Everything that is made here is also removed here: Wire.close() deletes
only the namespaces it created, Proc.stop() signals only the process it
started (and the process group that process leads, which it created with
start_new_session).  Use both with try/finally or as context managers.
Addresses are the caller's, and must be in 198.18.0.0/15.
"""

import collections
import ipaddress
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

USER_HZ = os.sysconf("SC_CLK_TCK")
BENCH_NET = ipaddress.ip_network("198.18.0.0/15")


def sh(*argv, check=True, ns=None, timeout=30):
    """Run argv (inside namespace ns if given); its stdout as text."""
    if ns:
        argv = ("ip", "netns", "exec", ns) + tuple(argv)
    r = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


# The first three fields keep the order of wire_syn.py's old tuple
# (softirq, busy, total), so cpu_stat(c)[0..2] still reads the same.
CpuStat = collections.namedtuple(
    "CpuStat", "softirq busy total user nice system idle iowait irq steal")


def cpu_stat(cpu):
    """One CPU's jiffies from /proc/stat.  busy = user + nice + system +
    irq + softirq (the work done on this CPU; steal and idle/iowait left
    out); total = all eight first fields."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                v = [int(x) for x in line.split()[1:9]]
                user, nice, system, idle, iowait, irq, softirq, steal = v
                busy = user + nice + system + irq + softirq
                return CpuStat(softirq, busy, sum(v), user, nice, system, idle,
                               iowait, irq, steal)
    raise RuntimeError(f"cpu{cpu} not in /proc/stat")


def softnet_processed(cpu):
    """Packets the kernel's receive path (net_rx_action) has taken on this
    CPU, all namespaces together (/proc/net/softnet_stat)."""
    with open("/proc/net/softnet_stat") as f:
        for line in f:
            v = line.split()
            # column 13 is the CPU number since Linux 5.x; else the row
            if len(v) >= 13 and int(v[12], 16) == cpu:
                return int(v[0], 16)
    with open("/proc/net/softnet_stat") as f:
        return int(f.readlines()[cpu].split()[0], 16)


def cpu_seconds(a, b, field="busy"):
    """Seconds of CPU between two CpuStat samples, for one field."""
    return (getattr(b, field) - getattr(a, field)) / USER_HZ


def check_bench_addr(*addrs):
    for a in addrs:
        if ipaddress.ip_address(a.split("/")[0]) not in BENCH_NET:
            raise ValueError(f"{a} is outside {BENCH_NET}")


class Wire:
    """Two namespaces (a client side and a server side) joined by a veth
    pair: gen_dev (gen_ip/plen) in the first, srv_dev (srv_ip/plen) in
    the second.  The namespace names carry tag and our PID, so runs side
    by side do not collide.  close() deletes them (and with them the veth
    pair); it is safe to call twice."""

    def __init__(self, gen_ip, srv_ip, plen=24, tag="ws", gen_dev="veth0",
                 srv_dev="veth1"):
        check_bench_addr(gen_ip, srv_ip)
        pid = os.getpid()
        self.gen, self.srv = f"{tag}gen{pid}", f"{tag}srv{pid}"
        self.gen_dev, self.srv_dev = gen_dev, srv_dev
        self.gen_ip, self.srv_ip = gen_ip, srv_ip
        self.made = []
        try:
            for ns in (self.gen, self.srv):
                sh("ip", "netns", "add", ns)
                self.made.append(ns)
            sh("ip", "link", "add", gen_dev, "netns", self.gen, "type", "veth",
               "peer", "name", srv_dev, "netns", self.srv)
            sh("ip", "-n", self.gen, "addr", "add", f"{gen_ip}/{plen}", "dev", gen_dev)
            sh("ip", "-n", self.srv, "addr", "add", f"{srv_ip}/{plen}", "dev", srv_dev)
            for ns, dev in ((self.gen, gen_dev), (self.srv, srv_dev)):
                sh("ip", "-n", ns, "link", "set", "lo", "up")
                sh("ip", "-n", ns, "link", "set", dev, "up")
            self.gen_mac = self.read(self.gen, gen_dev, "address")
            self.srv_mac = self.read(self.srv, srv_dev, "address")
        except BaseException:
            self.close()
            raise

    def read(self, ns, dev, name):
        return sh("cat", f"/sys/class/net/{dev}/{name}", ns=ns).strip()

    def set_rps(self, srv_mask, gen_mask):
        """Receive packet steering: the CPUs (bit masks) that do the
        kernel's receive work of each end."""
        sh("sh", "-c", f"echo {srv_mask:x} > /sys/class/net/{self.srv_dev}/queues/rx-0/rps_cpus",
           ns=self.srv)
        sh("sh", "-c", f"echo {gen_mask:x} > /sys/class/net/{self.gen_dev}/queues/rx-0/rps_cpus",
           ns=self.gen)

    def tx_checksum(self, on):
        """Checksum offload on both ends.  Off for AF_XDP peers: a veth
        hands the kernel's packets over with the checksum still to do
        (CHECKSUM_PARTIAL), and an AF_XDP socket receives them so."""
        for ns, dev in ((self.gen, self.gen_dev), (self.srv, self.srv_dev)):
            sh("ethtool", "-K", dev, "tx", "on" if on else "off", ns=ns)

    def counter(self, ns, dev, name):
        """A counter of /sys/class/net/DEV/statistics/."""
        return int(self.read(ns, dev, f"statistics/{name}"))

    def close(self):
        for ns in self.made:
            sh("ip", "netns", "del", ns, check=False)
        self.made = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def netstat(ns, name):
    """One TcpExt (or Tcp) counter of a namespace, from /proc/net/netstat
    and /proc/net/snmp; 0 when absent."""
    for path in ("/proc/net/netstat", "/proc/net/snmp"):
        text = sh("cat", path, ns=ns).splitlines()
        for i in range(0, len(text) - 1, 2):
            keys, vals = text[i].split(), text[i + 1].split()
            if keys[0] in ("TcpExt:", "Tcp:") and name in keys:
                return int(vals[keys.index(name)])
    return 0


class Proc:
    """A process started here, in a session (and process group) of its
    own, its output in a temporary file.  stop() signals that PID (and,
    if it forked, the group it leads) only; it never looks processes up
    by name."""

    def __init__(self, argv, ns=None, cpus=None, name=None):
        if cpus is not None:
            argv = ["taskset", "-c", str(cpus)] + list(argv)
        if ns:
            # ip netns exec and taskset exec: the PID is the program's.
            argv = ["ip", "netns", "exec", ns] + list(argv)
        self.name = name or os.path.basename(argv[-1])
        self.argv = argv
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid

    def alive(self):
        # WNOWAIT: the PID stays ours (a zombie) until stop() reaps it,
        # so signalling it can never reach another process.
        return os.waitid(os.P_PID, self.pid,
                         os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def output(self, tail=4000):
        self.out.seek(0)
        return self.out.read()[-tail:]

    def wait(self, timeout):
        """Wait up to timeout s for the process to end by itself; its
        exit status, or None if it is still running."""
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        return self.proc.wait()

    def stop(self, sig=signal.SIGINT, timeout=10):
        if self.proc.returncode is None:
            if self.alive():
                os.kill(self.pid, sig)
                deadline = time.monotonic() + timeout
                while self.alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
            try:        # what it forked, if anything is left of its group
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait(timeout=10)
        return self.proc.returncode

    def close(self):
        self.stop()
        self.out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def threads(pid):
    """{tid: comm} of a process's threads."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                out[int(tid)] = f.read().strip()
        except OSError:
            pass
    return out


def find_thread(pid, comm, timeout=5):
    """The TID of pid's thread named comm (e.g. DPDK's rte-worker-1)."""
    deadline = time.monotonic() + timeout
    while True:
        for tid, name in threads(pid).items():
            if name == comm:
                return tid
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pid} has no thread {comm!r}: {threads(pid)}")
        time.sleep(0.1)


def children(pid):
    """PIDs of a process's children (its main thread's)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


def schedstat(tid):
    """(ns on a CPU, ns runnable but waiting for one) of a thread: the
    waiting is the time something else held its CPU."""
    with open(f"/proc/{tid}/schedstat") as f:
        run, wait, _ = f.read().split()
    return int(run), int(wait)


def task_ticks():
    """{tid: (comm, last CPU, user + system ticks)} of every thread."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    st = f.read()
            except OSError:
                continue
            comm = st[st.index("(") + 1:st.rindex(")")]
            v = st[st.rindex(")") + 2:].split()
            # fields 14, 15 (utime, stime) and 39 (processor), 1-based
            out[int(tid)] = (comm, int(v[36]), int(v[11]) + int(v[12]))
    return out


def others_on_cpu(a, b, cpu, mine):
    """CPU seconds that threads other than the TIDs in 'mine' (and the
    CPU's own ksoftirqd, whose work is the network's) spent between two
    task_ticks() samples, counting threads found on 'cpu' in either;
    and the busiest of them, as (seconds, [(comm, tid, seconds)...])."""
    busy = []
    for tid, (comm, last, ticks) in b.items():
        if tid in mine or comm == f"ksoftirqd/{cpu}":
            continue
        before = a.get(tid)
        if last != cpu and (before is None or before[1] != cpu):
            continue
        d = ticks - (before[2] if before else 0)
        if d > 0 and before is not None:
            busy.append((comm, tid, d / USER_HZ))
    busy.sort(key=lambda x: -x[2])
    return sum(x[2] for x in busy), busy[:3]


def telemetry_path(prefix):
    return f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"


def remove_runtime_dir(prefix):
    """The EAL's runtime directory of a file prefix this run used."""
    if prefix and "/" not in prefix:
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)


class Telemetry:
    """One connection to a DPDK telemetry socket (SOCK_SEQPACKET)."""

    def __init__(self, prefix, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.sock.connect(telemetry_path(prefix))
            self.sock.settimeout(timeout)
            hello = self.sock.recv(16384)
            if not hello:
                raise RuntimeError("telemetry: no greeting")
            self.max_len = json.loads(hello).get("max_output_len", 16384)
        except BaseException:
            self.sock.close()
            raise

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = self.sock.recv(self.max_len)
        if not reply:
            raise RuntimeError(f"telemetry: {cmd}: connection closed")
        return json.loads(reply).get(cmd.split(",", 1)[0])

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_telemetry(prefix, proc, timeout=20):
    """Wait until woshou (started as proc, a Proc) answers on its telemetry
    socket with a first snapshot; a Telemetry connection to it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            tel = Telemetry(prefix)
            try:
                if tel.query("/woshou/info").get("snapshot", 0) >= 1:
                    return tel
            except Exception:
                pass
            tel.close()
        except (OSError, RuntimeError, ValueError):
            pass
        if not proc.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{proc.name} did not start:\n{proc.output()}")
        time.sleep(0.2)


class WoshouSample(collections.namedtuple(
        "WoshouSample", "snapshot uptime_ms worker tcp")):
    """One telemetry snapshot of a woshou instance: the snapshot sequence,
    its time (ms since start), worker 'worker' of /woshou/workers and
    /woshou/tcp/stats, all from the same snapshot."""

    @classmethod
    def take(cls, tel, worker=0, tries=20):
        for _ in range(tries):
            w = tel.query("/woshou/workers")
            info = tel.query("/woshou/info")
            tcp = tel.query("/woshou/tcp/stats")
            w2 = tel.query("/woshou/workers")
            if w["snapshot"] == info["snapshot"] == w2["snapshot"]:
                return cls(info["snapshot"], info["uptime_ms"],
                           w[f"worker_{worker}"], tcp)
        raise RuntimeError("telemetry: no consistent snapshot")

    @staticmethod
    def delta(a, b):
        """Deltas between two samples: 'seconds' (snapshot time), 'busy',
        'idle' (worker cycles), 'hz' (busy + idle over the time: the TSC
        rate, as the worker spins), and every worker and TCP counter."""
        if b.snapshot <= a.snapshot:
            raise RuntimeError("woshou's snapshot did not advance")
        d = {"seconds": (b.uptime_ms - a.uptime_ms) / 1000}
        for k, v in b.worker.items():
            if isinstance(v, int) and k in a.worker:
                d["w_" + k] = v - a.worker[k]
        for k, v in b.tcp.items():
            if isinstance(v, int) and k in a.tcp:
                d["tcp_" + k] = v - a.tcp[k]
        d["busy"] = d["w_busy_cycles"]
        d["idle"] = d["w_idle_cycles"]
        d["hz"] = (d["busy"] + d["idle"]) / d["seconds"] if d["seconds"] > 0 else None
        return d


def median_of(runs, key):
    """The median of runs' values for key, those that have one; None if
    none does."""
    v = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(v) if v else None
