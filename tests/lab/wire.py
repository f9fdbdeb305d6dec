#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Decode a capture of the foreign link for the seed lab test, with Scapy.

  wire.py PCAP tunnel HA COA CN HOA
      two numbers: echo requests CN -> HOA tunnelled HA -> COA, and echo
      replies HOA -> CN reverse-tunnelled COA -> HA (RFC 6275 §10.4.5)
  wire.py CORE_PCAP firstpkt MN_PCAP HOA
      after a registration: "WAIT_MS FWD_MS" for the first echo request to HOA
      that reached the mobile node through the tunnel. CORE_PCAP is the Home
      Agent's core link, MN_PCAP the mobile node's interface, both taken on
      this host's clock. WAIT is from the BA leaving the Home Agent to that
      request reaching it (the correspondent's timing, not ours), FWD from
      then to its arrival at the mobile node (ours). "-1 -1" when none.
  wire.py PCAP signalling HA COA HOA
      "bu SEQ" for each Binding Update COA -> HA with a Home Address option
      HOA, and "ba STATUS SEQ" for each Binding Acknowledgement HA -> COA with
      a type 2 routing header carrying HOA, in capture order
"""
import sys

from scapy.layers.inet6 import (HAO, IPv6, ICMPv6EchoReply, ICMPv6EchoRequest,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU)
from scapy.utils import rdpcap


def tunnel(pkts, ha, coa, cn, hoa):
    req = rep = 0
    for p in pkts:
        if IPv6 not in p or p[IPv6].nh != 41 or IPv6 not in p[IPv6].payload:
            continue
        o, i = p[IPv6], p[IPv6].payload
        if (o.src, o.dst, i.src, i.dst) == (ha, coa, cn, hoa) and ICMPv6EchoRequest in i:
            req += 1
        if (o.src, o.dst, i.src, i.dst) == (coa, ha, hoa, cn) and ICMPv6EchoReply in i:
            rep += 1
    print(req, rep)


def signalling(pkts, ha, coa, hoa):
    for p in pkts:
        if IPv6 not in p:
            continue
        ip = p[IPv6]
        if MIP6MH_BU in p and (ip.src, ip.dst) == (coa, ha) and HAO in p \
                and p[HAO].hoa == hoa:
            print("bu", p[MIP6MH_BU].seq)
        if MIP6MH_BA in p and (ip.src, ip.dst) == (ha, coa) and IPv6ExtHdrRouting in p \
                and p[IPv6ExtHdrRouting].type == 2 \
                and p[IPv6ExtHdrRouting].addresses == [hoa]:
            print("ba", p[MIP6MH_BA].status, p[MIP6MH_BA].seq)


def firstpkt(core, mn, hoa):
    ba = [float(p.time) for p in core if MIP6MH_BA in p]
    if not ba:
        print("-1 -1")
        return
    t_ba = ba[-1]
    to_ha = {}
    for p in core:
        ip = p[IPv6] if IPv6 in p else None
        if ip is not None and ip.nh == 58 and ip.dst == hoa and ICMPv6EchoRequest in p:
            to_ha.setdefault(p[ICMPv6EchoRequest].seq, float(p.time))
    for p in mn:
        ip = p[IPv6] if IPv6 in p else None
        if ip is None or ip.nh != 41 or ICMPv6EchoRequest not in p or float(p.time) < t_ba:
            continue
        seq = p[ICMPv6EchoRequest].seq
        if seq in to_ha:
            start = max(to_ha[seq], t_ba)
            print(f"{(start - t_ba) * 1000:.3f} {(float(p.time) - start) * 1000:.3f}")
            return
    print("-1 -1")


def main():
    pkts = rdpcap(sys.argv[1])
    if sys.argv[2] == "firstpkt":
        firstpkt(pkts, rdpcap(sys.argv[3]), sys.argv[4])
    elif sys.argv[2] == "tunnel":
        tunnel(pkts, *sys.argv[3:7])
    else:
        signalling(pkts, *sys.argv[3:6])


if __name__ == "__main__":
    main()
