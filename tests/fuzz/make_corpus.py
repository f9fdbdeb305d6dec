#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the fuzzers' seed corpora (tests/fuzz/corpus/NAME/), every packet
built by Scapy: run from the repository root after changing a parser.

  /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import hashlib
import hmac
import os
import shutil
import socket

from scapy.all import raw
from scapy.layers.inet6 import (HAO, ICMPv6DestUnreach, ICMPv6EchoRequest, ICMPv6HAADRequest,
                                ICMPv6MPSol, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6NDOptHAInfo,
                                ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr,
                                ICMPv6NDOptAdvInterval, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                                MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU, MIP6MH_HoTI,
                                MIP6OptAltCoA, MIP6OptBRAdvice, MIP6OptMsgAuth,
                                MIP6OptNonceIndices, MIP6OptReplayProtection, Pad1, PadN, UDP)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
HA, HOA, COA = "2001:db8::1", "2001:db8::beef", "2001:db8:2::5"
a6 = lambda x: socket.inet_pton(socket.AF_INET6, x)  # noqa: E731


def put(name, items):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, b in enumerate(items):
        with open(os.path.join(d, f"seed-{i:03d}"), "wb") as f:
            f.write(bytes(b))


def signed_bu(seq):
    key = bytes(range(1, 21))
    mh = MIP6MH_BU(seq=seq, flags="AH", mhtime=100, cksum=0,
                   options=[PadN(optdata=b""), MIP6OptAltCoA(acoa=COA), PadN(optdata=b""),
                            MIP6OptReplayProtection(timestamp=0xe9a1b2c312345678), Pad1(),
                            MIP6OptMsgAuth(subtype=1, mspi=300, authdata=b"\0" * 12)])
    b = bytearray(raw(mh))
    b[-12:] = hmac.new(key, a6(COA) + a6(HOA) + bytes(b[:-12]), hashlib.sha1).digest()[:12]
    p = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / MIP6MH_BU(bytes(b))
    p[MIP6MH_BU].cksum = None
    return raw(p)


def mh():
    hao = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])
    return [
        raw(hao / MIP6MH_BU(seq=1, flags="AH", mhtime=100, options=[MIP6OptAltCoA(acoa=COA)])),
        raw(IPv6(src=HOA, dst=HA) / MIP6MH_BU(seq=2, flags="AH", mhtime=0)),
        raw(hao / MIP6MH_BU(seq=3, flags="AHL", mhtime=5,
                            options=[MIP6OptNonceIndices(), MIP6OptBRAdvice(rinter=4)])),
        signed_bu(4),
        raw(IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, addresses=[HOA], segleft=1) /
            MIP6MH_BA(status=0, seq=1, mhtime=100, options=[MIP6OptBRAdvice(rinter=50)])),
        raw(IPv6(src=HA, dst=COA) / MIP6MH_BE(status=1, ha=HOA)),
        raw(IPv6(src=HA, dst=HOA) / MIP6MH_BRR()),
        raw(IPv6(src=COA, dst=HA) / MIP6MH_HoTI()),
        raw(hao / ICMPv6MPSol(id=7)),
        raw(hao / ICMPv6EchoRequest(id=1, seq=1)),
        raw(IPv6(src=COA, dst=HA) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt(
            options=[HAO(hoa=HOA)]) / MIP6MH_BU(seq=5, flags="AH", mhtime=10)),
    ]


def nd():
    ra = ICMPv6ND_RA(H=1, routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01") \
        / ICMPv6NDOptAdvInterval(advint=1000) / ICMPv6NDOptHAInfo(pref=10, lifetime=1800) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8::1", prefixlen=64, R=1) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, L=1, A=1)
    return [raw(ra), raw(ICMPv6ND_RA()), raw(ICMPv6ND_NS(tgt=HOA)),
            raw(ICMPv6HAADRequest(id=5))]


def dp():
    inner = IPv6(src=HOA, dst="2001:db8:f::99") / UDP(sport=1, dport=2) / (b"x" * 8)
    return [
        raw(IPv6(src="2001:db8:f::99", dst=HOA) / UDP() / b"data"),
        raw(IPv6(src=COA, dst=HA) / inner),
        raw(IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[]) / inner),
        raw(IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(m=1) / inner),
        raw(IPv6(src=COA, dst=HA) / IPv6(src=HOA, dst=HA) / inner),
        raw(IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, addresses=[HOA], segleft=1) /
            UDP()),
        raw(IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
            ICMPv6EchoRequest()),
        raw(IPv6(src="2001:db8:f::99", dst=HOA) / ICMPv6DestUnreach() / inner),
        raw(IPv6(src="fe80::1", dst="ff02::1", hlim=255) / ICMPv6ND_NS(tgt=HOA)),
    ]


def cli():
    return [s.encode() for s in (
        "bc\n", "bc --json\n", "bc add 2001:db8::beef 2001:db8:2::5 600\n",
        "bc del 2001:db8::beef\n", "fib\n", "fib route add 2001:db8:f::/64 dev ha-core\n",
        "fib route add 2001:db8:9::/48 via fe80::1 dev ha-core\n",
        "fib neigh add 2001:db8:f::99 lladdr 02:00:00:00:00:99 dev ha-core\n",
        "fib route del 2001:db8:f::/64\n", "fib neigh del 2001:db8:f::99 dev ha-core\n",
        "stats --json\n", "ha-list\n", "bul\n", "help\n", "bc add :: :: 0\n")]


def conf():
    here = os.path.dirname(ROOT)
    top = os.path.dirname(os.path.dirname(here))
    out = [open(os.path.join(top, "config", "mip6ha.yaml"), "rb").read()]
    lab = os.path.join(top, "config", "lab")
    for f in sorted(os.listdir(lab)):
        out.append(open(os.path.join(lab, f), "rb").read())
    out.append(b"node: {role: mn}\nmobile_node: {interface: eth0, home_address: 2001:db8::5/64,"
               b" auth: {spi: 256, key_file: /k}}\n")
    return out


if __name__ == "__main__":
    put("mh", mh())
    put("nd", nd())
    put("dp", dp())
    put("cli", cli())
    put("conf", conf())
