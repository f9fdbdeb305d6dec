#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The mobile node's foreign side, for lab tests: run in the CoA namespace.

Prints one line per IPv6-in-IPv6 packet that arrives on IFACE, as captured on
the wire (AF_PACKET), then "ready" once listening:

  tunnel OSRC > ODST nh 41 hlim H inner ISRC > IDST hlim H icmp6 TYPE seq N

With --answer it plays the mobile node behind that care-of address: it
answers each tunnelled echo request with an echo reply from the Home Address
through the reverse tunnel (RFC 6275 §10.4.5: outer CoA -> HA, inner HoA ->
correspondent). The raw IPPROTO_IPV6 socket it sends on also stops the
kernel, which has no ip6_tunnel here, from answering the tunnel packets with
a Parameter Problem.
"""
import argparse
import select
import socket
import struct
import sys

from scapy.layers.inet6 import IPv6, ICMPv6EchoReply, ICMPv6EchoRequest
from scapy.layers.l2 import Ether

ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
NH_IPV6 = 41


def describe(outer, inner):
    icmp = inner[ICMPv6EchoRequest] if ICMPv6EchoRequest in inner else None
    if icmp is None and ICMPv6EchoReply in inner:
        icmp = inner[ICMPv6EchoReply]
    tail = f" icmp6 {icmp.type} seq {icmp.seq}" if icmp is not None else f" nh {inner.nh}"
    return (f"tunnel {outer.src} > {outer.dst} nh {outer.nh} hlim {outer.hlim} "
            f"inner {inner.src} > {inner.dst} hlim {inner.hlim}{tail}")


def answer(tun, outer, inner):
    req = inner[ICMPv6EchoRequest]
    reply = (IPv6(src=inner.dst, dst=inner.src, hlim=64) /
             ICMPv6EchoReply(id=req.id, seq=req.seq, data=req.data))
    # The kernel adds the outer header; the source is pinned to the CoA.
    pktinfo = struct.pack("16sI", socket.inet_pton(socket.AF_INET6, outer.dst), 0)
    tun.sendmsg([bytes(reply)], [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, pktinfo)], 0,
                (outer.src, 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("iface")
    ap.add_argument("--answer", action="store_true", help="answer tunnelled echo requests")
    args = ap.parse_args()

    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    cap.bind((args.iface, 0))
    tun = socket.socket(socket.AF_INET6, socket.SOCK_RAW, NH_IPV6)
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([cap, tun], [], [])
        if tun in ready:
            tun.recv(65535)  # the kernel's copy; the frame from cap is the one we read
        if cap not in ready:
            continue
        frame, addr = cap.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        outer = Ether(frame)[IPv6]
        if outer.nh != NH_IPV6 or IPv6 not in outer.payload:
            continue
        inner = outer.payload[IPv6]
        print(describe(outer, inner), flush=True)
        if args.answer and ICMPv6EchoRequest in inner:
            answer(tun, outer, inner)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
