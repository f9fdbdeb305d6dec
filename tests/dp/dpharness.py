# SPDX-License-Identifier: BSD-3-Clause
"""
The `dpdk` suite's harness: pcap in, pcap out, through the real mip6ha-dp.

One *run* is one network namespace with one mip6ha-cp and one mip6ha-dp whose
two data ports are net_pcap devices (home = port 0, core = port 1). The cases of
a run add input frames (tagged with a unique string), the counters they expect
and a verify function; the run starts everything, waits until the dataplane
has read every input frame, stops it, and hands the verify functions what came
out: the tx pcaps, what the dataplane wrote into the kernel's taps and the
signalling tap (an AF_PACKET socket in the namespace), what the kernel sent,
and the final counters.

Expected packets are built here with Scapy from RFC fields and compared field
by field with the re-dissected output (checksums included). Every check prints
"ok - ..." or "FAIL - ..."; the program exits 1 on any failure, 77 (meson:
skipped) when it cannot run here. With --mutate every expected value is
perturbed, so every check must FAIL: it shows no check is vacuous.

The taps are created before mip6ha-dp starts (persistent multi-queue taps that
DPDK's net_tap attaches to) so that the kernel side (addresses, routes,
sysctls) is in place before the first packet: the kernel answers punted
packets (Time Exceeded, Destination Unreachable) and those answers are part of
some checks.
"""
import collections
import ctypes
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77

try:
    from scapy.all import (Ether, IPv6, NoPayload, Packet, Raw, raw, ICMPv6ND_NS,
                           ICMPv6NDOptSrcLLAddr, in6_getnsma, in6_getnsmac)
    from scapy.utils import inet_pton
except ImportError:
    # Imported before the test's own Scapy imports: skip, do not fail.
    print("SKIP: Scapy is not importable by %s (apt-get install python3-scapy; "
          "use /usr/bin/python3)" % sys.executable)
    sys.exit(SKIP)

# The topology every run shares (addresses from RFC 3849).
HA = "2001:db8::1"                   # home_agent.addresses[0]: every binding's HA address
HA2 = "2001:db8::2"                  # another local HA address, no binding uses it
HOME, CORE = 0, 1
PORT_NAME = {HOME: "home", CORE: "core"}
TAP = {HOME: "t-home", CORE: "t-core"}
SIG = "mip6ha-sig"
MAC = {HOME: "02:70:63:61:70:00", CORE: "02:70:63:61:70:01"}  # net_pcap port i
R, R_MAC = "2001:db8:ff::2", "02:00:00:00:ff:02"   # core router
K_CORE = "2001:db8:ff::1"                          # the kernel's address on t-core
HGW, HGW_MAC = "2001:db8::fe", "02:00:00:00:00:fe"  # a router on the home link
HN, HN_MAC = "2001:db8::50", "02:00:00:00:00:50"    # a node on the home link
CN, CN2 = "2001:db8:5::9", "2001:db8:5::10"        # correspondents behind R
HOA1, COA1 = "2001:db8::100", "2001:db8:7::2"      # CoA via R (core)
HOA2, COA2 = "2001:db8::200", "2001:db8:8::2"      # CoA via HGW (home)
HOA3, COA3 = "2001:db8::300", "2001:db8:9::2"      # on-link route, no neighbour in the fib
COA3_MAC = "02:00:00:00:09:02"
HOA4, COA4 = "2001:db8::400", "2001:db8:dead::2"   # no route at all
MN_MAC = "02:00:00:00:01:00"

BINDINGS = [(HOA1, COA1), (HOA2, COA2), (HOA3, COA3), (HOA4, COA4)]
ROUTES = [
    "2001:db8:5::/48 via %s dev t-core" % R,
    "2001:db8:7::/48 via %s dev t-core" % R,
    "2001:db8:8::/48 via %s dev t-home" % HGW,
    "2001:db8:9::/48 dev t-core",
    "2001:db8::/64 dev t-home",
    "2001:db8:bad::/48 blackhole",
]
NEIGHS = [(R, R_MAC, "t-core"), (HGW, HGW_MAC, "t-home"), (HN, HN_MAC, "t-home")]

# The kernel side of the namespace. Neighbour entries do not survive
# mip6ha-dp taking the taps over (it sets their MAC), so runs that need the
# kernel to answer teach it neighbours with a Neighbor Solicitation at the head
# of the input (Run(kernel_neigh=...)).
KERNEL_SETUP = """
set -e
ip link set lo up
sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.keep_addr_on_down=1 \
	net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.accept_dad=0 net.ipv6.icmp.ratelimit=0
for t in t-home t-core; do
	ip tuntap add dev $t mode tap multi_queue
	# Address resolution fails in ~0.1 s, so the kernel's DU3 comes quickly.
	sysctl -qw net.ipv6.neigh.$t.retrans_time_ms=50 net.ipv6.neigh.$t.mcast_solicit=1 \
		net.ipv6.neigh.$t.ucast_solicit=1
done
ip tuntap add dev mip6ha-sig mode tap multi_queue
sysctl -qw net.ipv6.conf.mip6ha-sig.disable_ipv6=1
ip link set t-home address 02:70:63:61:70:00
ip link set t-core address 02:70:63:61:70:01
ip addr add 2001:db8::1/64 dev t-home nodad
ip addr add 2001:db8::2/64 dev t-home nodad
ip addr add 2001:db8:ff::1/64 dev t-core nodad
ip link set t-home up
ip link set t-core up
ip route add default via 2001:db8:ff::2 dev t-core onlink
ip route add 2001:db8:9::/48 dev t-core
# What mip6ha-cp will do for a binding (RFC 6275 §10.4.1): proxy ND for the HoA.
sysctl -qw net.ipv6.conf.all.proxy_ndp=1 net.ipv6.conf.t-home.proxy_ndp=1
ip neigh add proxy 2001:db8::100 dev t-home
# Scaffolding: any next hop will do for the kernel's own packets to a HoA;
# mip6ha-dp tunnels whatever the kernel sends to a bound HoA (dp_rx_tap).
ip route add 2001:db8::100/128 via 2001:db8:ff::2 dev t-core onlink
"""

TAG_PREFIX = b"@dpt:"

PACKET_OUTGOING = 4
ETH_P_ALL = 0x0003
CLONE_NEWNET = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if hasattr(os, "setns"):
        os.setns(fd, CLONE_NEWNET)
    elif _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def in_netns(ns, fn):
    """fn() with this thread in namespace ns; sockets it opens stay there."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        _setns(fd)
        try:
            return fn()
        finally:
            _setns(home)
    finally:
        os.close(fd)
        os.close(home)


# --- pcap files (written and read here, so nothing rewrites the frames) -----

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, b in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(b), len(b)))
            f.write(b)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return out


# --- frame helpers ------------------------------------------------------------

def upper_layer(frame):
    """(next header, offset) of the first non-extension header of an IPv6 frame."""
    if len(frame) < 54 or frame[12:14] != b"\x86\xdd":
        return None, None
    nh, off = frame[20], 54
    for _ in range(16):
        if nh not in (0, 43, 60) and nh != 44:
            return nh, off
        if off + 8 > len(frame):
            return None, None
        hlen = 8 if nh == 44 else (frame[off + 1] + 1) * 8
        nh, off = frame[off], off + hlen
    return None, None


def is_kernel_noise(frame):
    """Frames the kernel sends on its own: ND, MLD, router discovery, from :: or fe80::/10.
    (A Redirect quotes a test frame, cut short: a tag does not make it ours.)"""
    if frame[12:14] != b"\x86\xdd" or len(frame) < 54:
        return False
    nh, off = upper_layer(frame)
    if nh == 58 and off < len(frame) and 130 <= frame[off] <= 143:
        return True
    src = frame[22:38]
    link_local = src[0] == 0xFE and src[1] & 0xC0 == 0x80
    return TAG_PREFIX not in frame and (src == bytes(16) or link_local)


def solicit(src, src_mac, target):
    """A Neighbor Solicitation that leaves the kernel a STALE entry src -> src_mac."""
    snma = socket.inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, target)))
    return (Ether(dst=in6_getnsmac(inet_pton(socket.AF_INET6, snma)), src=src_mac) /
            IPv6(src=src, dst=snma, hlim=255) / ICMPv6ND_NS(tgt=target) /
            ICMPv6NDOptSrcLLAddr(lladdr=src_mac))


def _short(v):
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def layer_diff(a, e, ignore=()):
    """Field-by-field differences between two dissected packets. Layers are named
    by class, the second of a kind "IPv6#2"; ignore holds "Layer.field" names."""
    diffs, seen = [], collections.Counter()
    while True:
        na, ne = isinstance(a, NoPayload), isinstance(e, NoPayload)
        if na or ne:
            if not (na and ne):
                diffs.append("extra layer %s" % type(a).__name__ if ne else
                             "missing layer %s" % type(e).__name__)
            return diffs
        name = type(e).__name__
        seen[name] += 1
        lname = name if seen[name] == 1 else "%s#%d" % (name, seen[name])
        if type(a) is not type(e):
            diffs.append("%s: got layer %s" % (lname, type(a).__name__))
            return diffs
        for f in e.fields_desc:
            key = "%s.%s" % (lname, f.name)
            if key in ignore:
                continue
            va, ve = a.getfieldval(f.name), e.getfieldval(f.name)
            if va != ve:
                diffs.append("%s got %s want %s" % (key, _short(va), _short(ve)))
        a, e = a.payload, e.payload


# --- checks ---------------------------------------------------------------------

class Report:
    def __init__(self, mutate=False):
        self.n = self.fails = 0
        self.mutate = mutate

    def check(self, ok, what, detail=""):
        self.n += 1
        if ok:
            print("ok - " + what)
        else:
            self.fails += 1
            print("FAIL - " + what + (": " + detail if detail else ""))
        sys.stdout.flush()
        return ok

    def perturb(self, v):
        if not self.mutate:
            return v
        if isinstance(v, bool):
            return not v
        if isinstance(v, int):
            return v + 1
        if isinstance(v, str):
            return v + "~"
        if isinstance(v, bytes):
            return v + b"~"
        if isinstance(v, (list, tuple)):
            return list(v) + ["~"]
        return "~"

    def eq(self, what, got, want):
        want = self.perturb(want)
        return self.check(got == want, what, "got %s want %s" % (_short(got), _short(want)))

    def true(self, what, cond, detail=""):
        return self.check(cond != self.mutate, what, detail)

    def match(self, what, frame, expected, ignore=()):
        """frame (bytes or None) against a Scapy packet built from the RFC fields."""
        if frame is None:
            return self.check(False, what, "no such frame")
        exp = raw(expected)
        if self.mutate:
            exp = exp[:-1] + bytes([exp[-1] ^ 1])
        diffs = layer_diff(Ether(frame), Ether(exp), ignore)
        if not diffs and not ignore and frame != exp:
            diffs = ["bytes differ"]
        return self.check(not diffs, what, "; ".join(diffs[:5]))


# --- runs and cases -----------------------------------------------------------------

class Case:
    def __init__(self, run, title):
        self.run, self.title = run, title
        self.id = "%s.%d" % (run.name, len(run.cases))
        self.drops, self.events = collections.Counter(), collections.Counter()
        self.bindings = {}
        self.loose_drops, self.loose_events = set(), set()
        self.verify = None
        self.waits = []

    def tag(self, i=0):
        return TAG_PREFIX + ("%s.%d;" % (self.id, i)).encode()

    def send(self, port, pkt):
        """Queue a frame on port's rx pcap; returns it as bytes."""
        b = raw(pkt) if isinstance(pkt, Packet) else bytes(pkt)
        self.run.inputs[port].append(b)
        return b

    def inject(self, ifname, pkt):
        """A frame written on a tap once mip6ha-dp runs (as the kernel or mip6ha-cp would)."""
        b = raw(pkt) if isinstance(pkt, Packet) else bytes(pkt)
        self.run.injects.append((ifname, b))
        return b

    def expect(self, drops=None, events=None, bindings=None):
        self.drops.update(drops or {})
        self.events.update(events or {})
        for hoa, d in (bindings or {}).items():
            self.bindings.setdefault(hoa, collections.Counter()).update(d)

    def loose(self, drops=(), events=()):
        """Counters the case checks itself (a range): left out of "no other counter moved"."""
        self.loose_drops.update(drops)
        self.loose_events.update(events)

    def wait_for(self, fn):
        """Before stopping, wait (bounded) until fn(result) is true: the kernel's answers."""
        self.waits.append(fn)


class Result:
    """What came out of one run; take() hands frames to a case and removes them."""

    def __init__(self):
        self.out = {HOME: [], CORE: []}      # tx pcaps, kernel noise removed
        self.noise = {HOME: [], CORE: []}
        self.tap = collections.defaultdict(list)   # frames mip6ha-dp wrote into a tap
        self.kern = collections.defaultdict(list)  # frames the kernel sent on a tap
        self.stats = None

    def _pool(self, where, noise=False):
        if isinstance(where, int):
            return self.noise[where] if noise else self.out[where]
        return self.tap[where]

    def take(self, where, tag, pred=None, noise=False):
        """Frames on a tx pcap (port number) or delivered to a tap (name) that carry tag;
        noise: among the ND/MLD frames instead (ND frames sent by a test carry a tag)."""
        pool = self._pool(where, noise)
        got = [f for f in pool if tag in f and (pred is None or pred(Ether(f)))]
        for f in got:
            pool.remove(f)
        return got

    def take_one(self, where, tag, pred=None, noise=False):
        got = self.take(where, tag, pred, noise)
        return got[0] if len(got) == 1 else None

    def sent_by_kernel(self, ifname, tag, pred=None):
        return [f for f in self.kern[ifname] if tag in f and (pred is None or pred(Ether(f)))]


class Harness:
    def __init__(self, argv):
        args = [a for a in argv[1:] if not a.startswith("--")]
        flags = {a for a in argv[1:] if a.startswith("--")}
        if len(args) != 3:
            print("usage: %s MIP6HA_CP MIP6HA MIP6HA_DP [--mutate] [--keep]" % argv[0])
            sys.exit(2)
        self.cp, self.cli, self.dp = [os.path.abspath(a) for a in args]
        self.keep = "--keep" in flags
        self.report = Report("--mutate" in flags)
        self.runs = []
        self.t0 = time.monotonic()

    def skip_unless_possible(self):
        why = None
        if os.geteuid() != 0:
            why = "needs root (network namespaces, taps)"
        elif shutil.which("ip") is None:
            why = "needs iproute2"
        elif not os.path.exists("/dev/net/tun"):
            why = "needs /dev/net/tun"
        elif len(os.sched_getaffinity(0)) < 2:
            why = "needs 2 CPUs (dataplane.lcores 0-1: a main lcore and a worker)"
        else:
            for p in (self.cp, self.cli, self.dp):
                if not os.access(p, os.X_OK):
                    why = "%s is not built" % p
        if why:
            print("SKIP: " + why)
            sys.exit(SKIP)

    def run(self, name, **kw):
        r = Run(self, name, **kw)
        self.runs.append(r)
        return r

    def main(self):
        self.skip_unless_possible()
        for r in self.runs:
            r.execute()
        rep = self.report
        print("# %d checks, %d failed, %.1f s" % (rep.n, rep.fails, time.monotonic() - self.t0))
        if rep.mutate:
            # Under --mutate a passing check is a vacuous one.
            print("# mutate: %d of %d checks still passed" % (rep.n - rep.fails, rep.n))
            return 1 if rep.fails != rep.n else 0
        return 1 if rep.fails else 0


class Run:
    def __init__(self, h, name, kernel_neigh=(), settle=0.25):
        self.h, self.name = h, name
        self.cases = []
        self.inputs = {HOME: [], CORE: []}
        self.injects = []
        self.kernel_neigh = kernel_neigh
        self.settle = settle
        self.uid = "dpt%d%s" % (os.getpid(), name.replace("-", "")[:10])

    def case(self, title):
        c = Case(self, title)
        self.cases.append(c)
        return c

    # -- plumbing --

    def _sh(self, cmd, ns=True, check=True):
        full = (["ip", "netns", "exec", self.uid] if ns else []) + cmd
        p = subprocess.run(full, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd)[:40], (p.stderr or p.stdout).strip()))
        return p

    def _config(self):
        d = self.dir
        ports = "".join(
            '    - {name: %s, device: "vdev:net_pcap%d,rx_pcap=%s/in%d.pcap,tx_pcap=%s/out%d.pcap",'
            ' tap: %s}\n' % (PORT_NAME[i], i, d, i, d, i, TAP[i]) for i in (HOME, CORE))
        cfg = ("node: {role: ha, name: %s}\n"
               "shm: {name: %s, max_bindings: 1024}\n"
               "control: {socket: %s/ctl.sock}\n"
               "dataplane:\n"
               '  lcores: "0-1"\n'
               '  eal_args: ["--no-huge", "-m", "256", "--no-telemetry"]\n'
               # The cases set the fib by hand.
               "  mirror_kernel: false\n"
               "  ports:\n%s"
               "home_agent:\n"
               "  interface: t-home\n"
               "  ra: {enabled: false}\n"
               "  addresses: [%s/64, %s/64]\n"
               "  home_prefixes: [2001:db8::/64]\n") % (self.uid, self.uid, d, ports, HA, HA2)
        self.cfg = os.path.join(d, "ha.yaml")
        with open(self.cfg, "w") as f:
            f.write(cfg)
        # mip6ha-cp here only keeps the tables: without a dataplane of its
        # own, its Mobility Header socket and home link sit on lo, where no
        # case's frame goes, so every case sees the dataplane alone (the
        # kernel setup above plays the home link's part).
        self.cp_cfg = os.path.join(d, "cp.yaml")
        with open(self.cp_cfg, "w") as f:
            f.write(cfg.replace("dataplane:\n", "dataplane:\n  enabled: false\n")
                    .replace("interface: t-home", "interface: lo"))

    def _cli(self, *words):
        p = subprocess.run([self.h.cli, "-c", self.cfg] + list(words), capture_output=True,
                           text=True)
        if p.returncode != 0:
            raise RuntimeError("mip6ha %s: %s" % (" ".join(words), p.stdout + p.stderr))

    def _stats(self):
        p = subprocess.run([self.h.dp, "-c", self.cfg, "--stats", "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return None
        try:
            return json.loads(p.stdout)
        except ValueError:
            return None

    @staticmethod
    def _port(st, name):
        for p in st["dataplane"]["ports"]:
            if p["name"] == name:
                return p
        return {"rx_pkts": 0, "tx_pkts": 0}

    def _drain(self, res):
        while True:
            try:
                data, addr = self.sock.recvfrom(65535)
            except BlockingIOError:
                return
            ifname, pkttype = addr[0], addr[2]
            if ifname == "lo":
                continue
            if pkttype == PACKET_OUTGOING:
                if (ifname, data) not in self.injected:
                    res.kern[ifname].append(data)
            else:
                res.tap[ifname].append(data)

    def _wait(self, cond, res, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._drain(res)
            if cond():
                return True
            time.sleep(0.02)
        self._drain(res)
        return cond()

    def _start(self, res):
        self._sh(["ip", "netns", "add", self.uid], ns=False)
        self._sh(["sh", "-c", KERNEL_SETUP])

        def opensock():
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
            s.setblocking(False)
            return s
        self.sock = in_netns(self.uid, opensock)
        self.tx = in_netns(self.uid, opensock)
        self.cp_log = open(os.path.join(self.dir, "cp.log"), "w")
        self.cp_proc = subprocess.Popen(["ip", "netns", "exec", self.uid, self.h.cp,
                                         "-c", self.cp_cfg],
                                        stdout=self.cp_log, stderr=subprocess.STDOUT)
        sockpath = os.path.join(self.dir, "ctl.sock")
        if not self._wait(lambda: os.path.exists(sockpath), res, 10):
            raise RuntimeError("mip6ha-cp did not create %s" % sockpath)
        for hoa, coa in BINDINGS:
            self._cli("bc", "add", hoa, coa)
        for rt in ROUTES:
            self._cli("fib", "route", "add", *rt.split())
        for addr, mac, dev in NEIGHS:
            self._cli("fib", "neigh", "add", addr, "lladdr", mac, "dev", dev)
        for port, addr, mac, target in self.kernel_neigh:
            self.inputs[port].insert(0, raw(solicit(addr, mac, target)))
        for i in (HOME, CORE):
            write_pcap(os.path.join(self.dir, "in%d.pcap" % i), self.inputs[i])
        self.dp_log = open(os.path.join(self.dir, "dp.log"), "w")
        self.dp_proc = subprocess.Popen(["ip", "netns", "exec", self.uid, self.h.dp,
                                         "-c", self.cfg],
                                        stdout=self.dp_log, stderr=subprocess.STDOUT)

    def _traffic(self, res):
        """Wait for every input frame, write the injected frames, wait for the kernel."""
        want = {PORT_NAME[i]: len(self.inputs[i]) for i in (HOME, CORE)}
        st = {}

        def rx_done():
            st["s"] = self._stats()
            return st["s"] is not None and all(
                self._port(st["s"], n)["rx_pkts"] >= k for n, k in want.items())
        if not self._wait(rx_done, res, 15):
            raise RuntimeError("mip6ha-dp did not read its input (%s)" % self._tail(self.dp_log))
        if self.injects:
            base = {n: self._port(st["s"], n)["rx_pkts"]
                    for n in ("sig", "tap:t-home", "tap:t-core")}
            more = collections.Counter("sig" if i == SIG else "tap:" + i for i, _ in self.injects)
            for ifname, b in self.injects:
                self.injected.add((ifname, b))
                self.tx.sendto(b, (ifname, 0))

            def inj_done():
                s = self._stats()
                return s is not None and all(
                    self._port(s, n)["rx_pkts"] >= base[n] + k for n, k in more.items())
            if not self._wait(inj_done, res, 5):
                raise RuntimeError("mip6ha-dp did not read the injected frames")
        waits = [w for c in self.cases for w in c.waits]
        if waits:
            self._wait(lambda: all(w(res) for w in waits), res, 4)
        self._wait(lambda: False, res, self.settle)

    def _stop(self, res):
        self.dp_proc.terminate()
        try:
            rc = self.dp_proc.wait(10)
        except subprocess.TimeoutExpired:
            self.dp_proc.kill()
            rc = self.dp_proc.wait()
        self._drain(res)
        self.h.report.eq("%s: mip6ha-dp exits 0 on SIGTERM" % self.name, rc, 0)
        res.stats = self._stats()
        if res.stats is None:
            raise RuntimeError("no stats after the run")
        for i in (HOME, CORE):
            for f in read_pcap(os.path.join(self.dir, "out%d.pcap" % i)):
                (res.noise if is_kernel_noise(f) else res.out)[i].append(f)

    @staticmethod
    def _tail(logf):
        logf.flush()
        with open(logf.name) as f:
            return " | ".join(f.read().strip().splitlines()[-3:])

    def _cleanup(self):
        for p in (getattr(self, "dp_proc", None), getattr(self, "cp_proc", None)):
            if p is not None and p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for f in (getattr(self, "sock", None), getattr(self, "tx", None),
                  getattr(self, "cp_log", None), getattr(self, "dp_log", None)):
            if f is not None:
                f.close()
        subprocess.run(["ip", "netns", "del", self.uid], capture_output=True)
        for d in ("/dev/shm", "/dev/hugepages"):
            if os.path.isdir(d):
                for n in os.listdir(d):
                    if n.startswith(self.uid + "-"):
                        os.unlink(os.path.join(d, n))
        shutil.rmtree("/var/run/dpdk/mip6ha-dp-" + self.uid, ignore_errors=True)
        if self.h.keep:
            print("# %s: kept %s" % (self.name, self.dir))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- the run --

    def execute(self):
        rep = self.h.report
        self.dir = tempfile.mkdtemp(prefix="mip6ha-dp-%s-" % self.name)
        self.injected = set()
        res = Result()
        print("# run %s: %d cases" % (self.name, len(self.cases)))
        try:
            self._config()
            self._start(res)
            self._traffic(res)
            self._stop(res)
        except Exception as e:  # noqa: BLE001 - one failed run must not stop the suite
            rep.check(False, "%s: run completes" % self.name, str(e))
            self._cleanup()
            return
        try:
            self._verify(res)
        finally:
            self._cleanup()

    def _verify(self, res):
        rep = self.h.report
        dpst = res.stats["dataplane"]
        for i in (HOME, CORE):
            rep.eq("%s: %s port read all %d input frames" % (self.name, PORT_NAME[i],
                                                            len(self.inputs[i])),
                   self._port(res.stats, PORT_NAME[i])["rx_pkts"], len(self.inputs[i]))
        for port, addr, mac, target in self.kernel_neigh:
            f = raw(solicit(addr, mac, target))
            if f in res.tap[TAP[port]]:
                res.tap[TAP[port]].remove(f)
        for c in self.cases:
            try:
                c.verify(res)
            except Exception as e:  # noqa: BLE001
                rep.check(False, "%s: verify" % c.title, "%s: %s" % (type(e).__name__, e))
        self._verify_counters(res, dpst)
        for where, what in ((HOME, "home tx pcap"), (CORE, "core tx pcap"),
                            (TAP[HOME], "tap t-home"), (TAP[CORE], "tap t-core"), (SIG, SIG)):
            left = res.out[where] if isinstance(where, int) else res.tap[where]
            rep.true("%s: nothing unexpected on %s" % (self.name, what), not left,
                     "%d frame(s), first: %s" % (len(left), Ether(left[0]).summary())
                     if left else "")

    def _verify_counters(self, res, dpst):
        rep = self.h.report
        drops, events = collections.Counter(), collections.Counter()
        binds = collections.defaultdict(collections.Counter)
        events["punt_tap"] += len(self.kernel_neigh)  # the solicitations above
        for c in self.cases:
            drops.update(c.drops)
            events.update(c.events)
            for hoa, d in c.bindings.items():
                binds[hoa].update(d)
        bst = {b["hoa"]: b for b in res.stats.get("bindings", [])}
        for c in self.cases:
            for kind, want, got in (("drop", c.drops, dpst["drops"]),
                                    ("event", c.events, dpst["events"])):
                for k, n in want.items():
                    tot = (drops if kind == "drop" else events)[k]
                    note = "" if tot == n else " (run total; %d from this case)" % n
                    rep.eq("%s: %s %s = %d%s" % (c.title, kind, k, tot, note), got.get(k), tot)
            for hoa, d in c.bindings.items():
                for k, n in d.items():
                    tot = binds[hoa][k]
                    note = "" if tot == n else " (run total; %d from this case)" % n
                    rep.eq("%s: binding %s %s = %d%s" % (c.title, hoa, k, tot, note),
                           bst.get(hoa, {}).get(k), tot)
        loose_d = set().union(*(c.loose_drops for c in self.cases))
        loose_e = set().union(*(c.loose_events for c in self.cases))
        loose_e.add("from_tap")  # also counts the kernel's own frames (MLD, ND)
        loose_e.add("cache_miss")  # how often depends on the worker's cache
        other = {k: v for k, v in dpst["drops"].items()
                 if k not in drops and k not in loose_d and v != 0}
        rep.eq("%s: no other drop counter moved" % self.name, other, {})
        other = {k: v for k, v in dpst["events"].items()
                 if k not in events and k not in loose_e and v != 0}
        rep.eq("%s: no other event counter moved" % self.name, other, {})
        other = {h: {k: v for k, v in b.items() if k != "id" and k != "hoa" and v != 0
                     and binds[h][k] == 0} for h, b in bst.items()}
        other = {h: d for h, d in other.items() if d}
        rep.eq("%s: no other binding counter moved" % self.name, other, {})


# --- packets as RFCs spell them ------------------------------------------------------

def case(run, title):
    """Decorator: fn(c) queues the case's frames and returns its verify(result)."""
    def deco(fn):
        c = run.case(title)
        c.verify = fn(c)
        return c
    return deco


def eth_in(port, src_mac=None):
    """Ether header of a frame arriving on port from its usual neighbour."""
    return Ether(dst=MAC[port], src=src_mac or (R_MAC if port == CORE else HN_MAC))


def payload(tag, size=0):
    """UDP payload: the tag first, so a truncated quote still carries it."""
    return Raw(tag + b"." * max(0, size - len(tag)))


def tunnelled(port, dst_mac, coa, inner, tc=None, fl=None, tel=None, src=HA, hlim=64):
    """RFC 2473 §3/§4.1.1 with RFC 6040 normal mode: the frame that leaves port.
    inner: the IPv6 packet as it arrived (bytes or Scapy)."""
    ib = bytearray(raw(inner) if isinstance(inner, Packet) else inner)
    ib[7] -= 1  # the entry point is a router: hop limit - 1 (RFC 2473 §3.1)
    i = IPv6(bytes(ib))
    outer = IPv6(src=src, dst=coa, hlim=hlim, tc=i.tc if tc is None else tc,
                 fl=i.fl if fl is None else fl)
    if tel is None:
        return Ether(dst=dst_mac, src=MAC[port]) / outer / i
    # RFC 2473 §5.1: Tunnel Encapsulation Limit option (type 4, length 1) + PadN.
    outer.nh = 60
    return (Ether(dst=dst_mac, src=MAC[port]) / outer /
            Raw(bytes([41, 0, 4, 1, tel, 1, 1, 0])) / i)


def ipv6_of(frame):
    """The IPv6 packet of an Ethernet frame, as bytes."""
    return bytes(frame[14:])
