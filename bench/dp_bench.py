#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Dataplane benchmark: mip6ha-dp against dpdk-testpmd --forward-mode=io.

Both run on the same device, a net_pcap vdev replaying a Scapy-made pcap with
infinite_rx=1 (tx dropped by the PMD), with one forwarding lcore, alternating
baseline and ours ROUNDS times per scenario; medians are reported. The
bindings and fib come from bench_dp_ctl, which plays mip6ha-cp.

usage: dp_bench.py BUILD_DIR RESULTS_DIR EAL_MEM_ARGS...
Ends with one line:
RESULT dp encap_ratio_1k=.. encap_ratio_1m=.. decap_ratio_1m=.. extra_ns_64k=.. burst_p99_us=..
bind_to_fwd_us=.. cost_1m_vs_1k=.. ceiling_ratio=.. encap_ratio_4m=.. encap_ratio_4m_64k=..
"""
import collections
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

from scapy.all import IPv6, UDP, Ether, PcapWriter, Raw

ROUNDS = int(os.environ.get("MIP6HA_BENCH_ROUNDS", "5"))
SECS = float(os.environ.get("MIP6HA_BENCH_SECS", "2"))
# For development: only these scenarios (comma-separated); the RESULT line then
# reports nan for what did not run.
ONLY = [x for x in os.environ.get("MIP6HA_BENCH_ONLY", "").split(",") if x]
NS = "mip6ha-bench"
HA = "2001:db8::1"
CN = "2001:db8:99::1"
PORT_MAC = "02:70:63:61:70:00"
PEER_MAC = "02:00:00:00:00:01"
TAP = "bench-core"
BIG = 1 << 20
PROBE = 900000  # a HoA index no scenario binds


def spread(i):
    """The i-th HoA of a working set: scattered over the 1M bindings by an odd
    multiplier (a permutation mod 2^20), as real HoAs are. A fixed stride would
    put every binding's lines in the same few cache sets and measure that."""
    return (i * 0x9E3779B1) & (BIG - 1)


def hoa(i):
    return "2001:db8::1:%x:%x" % (i >> 16, i & 0xFFFF)


def coa(i):
    return "2001:db8:c::1:%x:%x" % (i >> 16, i & 0xFFFF)


def encap_pkt(i):
    # 64-byte frame: Ethernet 14 + IPv6 40 + UDP 8 + 2 bytes.
    return (Ether(dst=PORT_MAC, src=PEER_MAC) / IPv6(src=CN, dst=hoa(i), hlim=64)
            / UDP(sport=1024 + i % 4096, dport=9) / Raw(b"\0\0"))


def decap_pkt(i, spoof=False):
    return (Ether(dst=PORT_MAC, src=PEER_MAC)
            / IPv6(src=coa(i + 1 if spoof else i), dst=HA, nh=41, hlim=64)
            / IPv6(src=hoa(i), dst=CN, hlim=64) / UDP(sport=1024 + i % 4096, dport=9)
            / Raw(b"\0\0"))


def write_pcap(path, pkts):
    if os.path.exists(path):
        return
    w = PcapWriter(path + ".tmp", linktype=1, sync=False)
    n = 0
    for p in pkts:
        w.write(p)
        n += 1
    w.close()
    os.rename(path + ".tmp", path)
    print("  pcap %s: %d packets" % (os.path.basename(path), n), flush=True)


def make_pcaps(d):
    os.makedirs(d, exist_ok=True)
    # Cached pcaps are reused only when this generator made them.
    stamp = os.path.join(d, "generator")
    me = open(__file__, "rb").read()
    if not os.path.exists(stamp) or open(stamp, "rb").read() != me:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        open(stamp, "wb").write(me)
    spec = {
        "encap_1k": lambda: (encap_pkt(i % 1000) for i in range(1024)),
        "encap_4k": lambda: (encap_pkt(spread(i)) for i in range(4096)),
        "encap_64k": lambda: (encap_pkt(spread(i)) for i in range(65536)),
        "decap_4k": lambda: (decap_pkt(spread(i)) for i in range(4096)),
        "spoof_4k": lambda: (decap_pkt(spread(i), spoof=True) for i in range(4096)),
        "mix_4k": lambda: (decap_pkt(spread(i // 2)) if i % 2 else encap_pkt(spread(i // 2))
                           for i in range(8192)),
        # Every 16th packet is for the probe HoA, bound and unbound by bench_dp_ctl.
        "probe": lambda: (encap_pkt(PROBE) if i % 16 == 0 else encap_pkt(i % 1000)
                          for i in range(1024)),
    }
    paths = {}
    for name, gen in spec.items():
        paths[name] = os.path.join(d, name + ".pcap")
        write_pcap(paths[name], gen())
    return paths


def pcap_count(path):
    # 24-byte file header, then 16-byte record headers.
    n, size = 0, os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(24)
        off = 24
        while off < size:
            hdr = f.read(16)
            caplen = int.from_bytes(hdr[8:12], "little")
            f.seek(caplen, 1)
            off += 16 + caplen
            n += 1
    return n


def netns(cmd):
    return ["ip", "netns", "exec", NS] + cmd


def run_testpmd(eal, pcap, npkts):
    cmd = netns(["dpdk-testpmd", "-l", "0-1", "--no-pci", "--no-telemetry",
                 "--file-prefix=mip6ha-bench-tp", "--log-level=error"] + eal +
                (["--huge-unlink"] if "--no-huge" not in eal else []) +
                ["--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--",
                 "--forward-mode=io", "--port-topology=loop", "--nb-cores=1",
                 "--total-num-mbufs=%d" % (npkts + 20000), "--stats-period=1",
                 "--rxd=1024", "--txd=1024", "--burst=32"])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True)
    rates, t_end = [], time.time() + SECS + 3
    for line in p.stdout:
        m = re.search(r"Rx-pps:\s+(\d+)", line)
        if m:
            rates.append(int(m.group(1)))
        if time.time() > t_end:
            break
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    # The first sample includes start-up.
    good = [r for r in rates[1:] if r > 0]
    if not good:
        raise RuntimeError("testpmd reported no rate")
    return statistics.median(good) / 1e6


def dp_config(path, name, cap, eal, pcap, npkts):
    with open(path, "w") as f:
        f.write("""node: {role: ha, name: bench}
shm: {name: %s, max_bindings: %d}
dataplane:
  lcores: "0-1"
  eal_args: [%s]
  poll_mode: busy
  mbufs: %d
  ports:
    - {name: core, device: "vdev:net_pcap0,rx_pcap=%s,infinite_rx=1", tap: %s}
home_agent:
  interface: %s
  addresses: [%s/64]
  home_prefixes: [2001:db8::/64]
""" % (name, cap, ", ".join('"%s"' % a for a in eal + ["--no-telemetry", "--log-level=error"]),
       npkts + 20000, pcap, TAP, TAP, HA))


def dp_stats(build, conf):
    out = subprocess.run(netns([build + "/dataplane/mip6ha-dp", "-c", conf, "--stats",
                                "--json"]), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["dataplane"]


def p99_us(h0, h1):
    d = [b - a for a, b in zip(h0["counts"], h1["counts"])]
    total = sum(d)
    if total == 0:
        return 0.0
    acc = 0
    for i, n in enumerate(d):
        acc += n
        if acc >= 0.99 * total:
            return (i + 1) * h1["bucket_ns"] / 1000.0
    return len(d) * h1["bucket_ns"] / 1000.0


class Dataplane:
    def __init__(self, build, conf, binary="mip6ha-dp"):
        self.build, self.conf = build, conf
        self.log = open(conf + ".log", "w")
        self.p = subprocess.Popen(netns([build + "/dataplane/" + binary, "-c", conf]),
                                  stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("mip6ha-dp exited: see " + conf + ".log")
            try:
                s = dp_stats(build, conf)
                # The stats object outlives a dataplane: this one's, not the last's.
                if (s["pid"] == self.p.pid and s["heartbeat_age_ms"] >= 0
                        and s["ports"][0]["rx_pkts"] > 0):
                    return
            except (subprocess.CalledProcessError, ValueError, KeyError, IndexError):
                pass
            time.sleep(0.2)
        raise RuntimeError("mip6ha-dp did not start forwarding")

    def measure(self):
        s0, t0 = dp_stats(self.build, self.conf), time.time()
        time.sleep(SECS)
        s1, t1 = dp_stats(self.build, self.conf), time.time()
        rx = s1["ports"][0]["rx_pkts"] - s0["ports"][0]["rx_pkts"]
        delta = {k: s1["events"][k] - s0["events"][k] for k in s1["events"]}
        drops = {k: s1["drops"][k] - s0["drops"][k] for k in s1["drops"]}
        return rx / (t1 - t0) / 1e6, p99_us(s0["burst_hist_ns"], s1["burst_hist_ns"]), rx, \
            delta, drops

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.log.close()
        if rc != 0:
            raise RuntimeError("mip6ha-dp exited %d on SIGTERM" % rc)


class Writer:
    """bench_dp_ctl: the binding table and fib writer."""

    def __init__(self, build, name, cap, n):
        self.p = subprocess.Popen(netns([build + "/bench/bench_dp_ctl", name, str(cap), str(n),
                                         TAP]), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        line = self.p.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError("bench_dp_ctl: " + line)
        self.load_s = float(re.search(r"load_s=([\d.]+)", line).group(1))

    def probe(self, idx, count):
        self.p.stdin.write("probe %d %d\n" % (idx, count))
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.flush()
        self.p.wait(timeout=10)


def check(name, rx, ev, drops):
    """Every packet must have gone the way the scenario says."""
    if rx == 0:
        return "no packets"
    if name.startswith("ceiling"):
        # No per-packet counters in that build: nothing may have been dropped.
        return "ok" if not any(drops.values()) else "drops %s" % drops
    want = {"encap": ("encap", rx), "decap": ("decap", rx), "spoof": (None, rx),
            "mix": ("encap", rx // 2)}[name.split("_")[0]]
    if name.startswith("spoof"):
        if drops["spoofed"] < rx * 0.99 or ev["decap"] != 0:
            return "spoofed %d of %d, decap %d" % (drops["spoofed"], rx, ev["decap"])
        return "ok"
    got = ev[want[0]]
    if got < want[1] * 0.98:
        return "%s %d of %d" % (want[0], got, want[1])
    bad = {k: v for k, v in drops.items() if v}
    return "ok" if not bad else "drops %s" % bad


def main():
    build, results = sys.argv[1], sys.argv[2]
    eal = sys.argv[3:]
    os.makedirs(results, exist_ok=True)
    print("building pcaps (Scapy; cached in %s/pcap)" % results, flush=True)
    pcaps = make_pcaps(os.path.join(results, "pcap"))
    counts = {k: pcap_count(v) for k, v in pcaps.items()}
    name = "mip6ha-bench-%d" % os.getpid()
    conf = os.path.join(results, "dp-bench.yaml")
    # encap_1m_1k: the same 1k working set as encap_1k with 1M bindings installed,
    # so the two differ only in the table's size.
    # encap_10k_1k .. encap_4m_1k: the same again at every table size, for the
    # plot of Mpps against bindings (bench/plots.sh); encap_4m_64k the 64k set.
    scen = [("encap_1k", "encap_1k", 1000), ("encap_10k_1k", "encap_1k", 10000),
            ("encap_100k_1k", "encap_1k", 100000), ("encap_1m_1k", "encap_1k", BIG),
            ("encap_1m_4k", "encap_4k", BIG),
            ("encap_1m_64k", "encap_64k", BIG), ("decap_1m", "decap_4k", BIG),
            ("spoof_1m", "spoof_4k", BIG), ("mix_1m", "mix_4k", BIG),
            ("encap_4m_1k", "encap_1k", 4 * BIG), ("encap_4m_64k", "encap_64k", 4 * BIG),
            # The speed of light: the same worker loop prepending a fixed header,
            # with no parse, lookup or check (bench/ build mip6ha-dp-ceiling).
            ("ceiling_encap", "encap_1k", 1000)]
    if ONLY:
        scen = [x for x in scen if x[0] in ONLY]
    rows, probe = [], None
    writer, wn = None, None
    try:
        for label, pc, n in scen:
            if wn != n:
                if writer:
                    writer.close()
                writer = Writer(build, name, max(n * 10 // 9, 1024), n)
                wn = n
                print("loaded %d bindings in %.3f s" % (n, writer.load_s), flush=True)
            tp, ours, p99s, status = [], [], [], "ok"
            for r in range(ROUNDS):
                tp.append(run_testpmd(eal, pcaps[pc], counts[pc]))
                dp_config(conf, name, max(n * 10 // 9, 1024), eal, pcaps[pc], counts[pc])
                d = Dataplane(build, conf, "mip6ha-dp-ceiling" if label.startswith("ceiling")
                              else "mip6ha-dp")
                try:
                    mpps, p99, rx, ev, drops = d.measure()
                finally:
                    d.stop()
                ours.append(mpps)
                p99s.append(p99)
                st = check(label, rx, ev, drops)
                if st != "ok":
                    status = st
                print("  %-13s round %d: testpmd %.2f Mpps, mip6ha-dp %.2f Mpps, burst p99 "
                      "%.2f us, cache misses %.1f%%, %s" % (
                          label, r + 1, tp[-1], mpps, p99,
                          100.0 * ev.get("cache_miss", 0) / max(rx, 1), st), flush=True)
            t, o = statistics.median(tp), statistics.median(ours)
            rows.append((label, n, t, o, o / t, 1e3 / o - 1e3 / t, statistics.median(p99s),
                         status))
            if label == "encap_1k":
                dp_config(conf, name, max(n * 10 // 9, 1024), eal, pcaps["probe"],
                          counts["probe"])
                d = Dataplane(build, conf)
                try:
                    # On a dataplane past its start-up; 1000 binds, so the p99 is
                    # not the second-slowest of a few (this machine is shared).
                    time.sleep(1)
                    probe = writer.probe(PROBE, 1000)
                finally:
                    d.stop()
                print("  bind -> first encapsulated packet: " + probe, flush=True)
    finally:
        if writer:
            writer.close()
        for f in os.listdir("/dev/shm"):
            if f.startswith(name):
                os.unlink(os.path.join("/dev/shm", f))
        if os.path.isdir("/dev/hugepages"):
            for f in os.listdir("/dev/hugepages"):
                if f.startswith(name):
                    os.unlink(os.path.join("/dev/hugepages", f))
    report(rows, probe, results)


def report(rows, probe, results):
    hdr = ("| scenario | bindings | testpmd io Mpps | mip6ha-dp Mpps | ratio | extra ns/pkt "
           "| burst p99 us | check |")
    lines = [hdr, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append("| %s | %d | %.2f | %.2f | %.3f | %.1f | %.2f | %s |" % r)
    print("\n".join(lines))
    with open(os.path.join(results, "dp.csv"), "w") as f:
        f.write("scenario,bindings,testpmd_mpps,dp_mpps,ratio,extra_ns,burst_p99_us,check\n")
        for r in rows:
            f.write("%s,%d,%.3f,%.3f,%.4f,%.2f,%.2f,%s\n" % r)
    nan = float("nan")
    by = collections.defaultdict(lambda: (None, 0, nan, nan, nan, nan, nan, None),
                                 {r[0]: r for r in rows})
    # The ceiling build is no dataplane: its bursts do not count.
    p99_max = max([r[6] for r in rows if not r[0].startswith("ceiling")] or [nan])
    m = re.search(r"p99=([\d.]+)", probe or "")
    bind = float(m.group(1)) if m else -1
    result = ("RESULT dp encap_ratio_1k=%.3f encap_ratio_1m=%.3f decap_ratio_1m=%.3f "
              "extra_ns_64k=%.1f burst_p99_us=%.2f bind_to_fwd_us=%.2f "
              "cost_1m_vs_1k=%.3f ceiling_ratio=%.3f encap_ratio_4m=%.3f "
              "encap_ratio_4m_64k=%.3f" % (
                  by["encap_1k"][4], by["encap_1m_4k"][4], by["decap_1m"][4],
                  by["encap_1m_64k"][5], p99_max, bind,
                  1 - by["encap_1m_1k"][3] / by["encap_1k"][3], by["ceiling_encap"][4],
                  by["encap_4m_1k"][4], by["encap_4m_64k"][4]))
    with open(os.path.join(results, "dp.md"), "w") as f:
        f.write("\n".join(lines) + "\n\nbind -> first encapsulated packet: %s\n\n%s\n" %
                (probe, result))
    print("bind -> first encapsulated packet: %s" % probe)
    print(result)


if __name__ == "__main__":
    main()
