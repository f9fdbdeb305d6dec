#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A mobile node's signalling, for lab tests: Scapy builds what it sends and
what it expects, so nothing here comes from mip6ha's own encoders.

  mn.py bu IFACE --coa A --ha A --hoa A --seq N --lifetime UNITS [--flags AHL]
        [--want STATUS SEQ LIFETIME REFRESH] [--timeout S]
      Send a Binding Update (Home Address option, RFC 6275 §6.1.7) from the
      CoA and print the answer: "BA status S seq N lifetime L refresh R rh2 HOA"
      or "BE status S hoa H" or "ICMP6 type T code C ptr P" or "none". With
      --want, also "bytes match" when the BA equals, byte for byte, the one
      Scapy builds from those values (RH2 with the HoA, BRA when REFRESH > 0),
      else "bytes differ" and both in hex.
  mn.py raw IFACE --hex HEX [--timeout S]
      Send an IPv6 packet given in hex (Scapy-built by the caller) and print
      the answer as above.
  mn.py dhaad IFACE --src A --dst ANYCAST [--id N]
      Send a DHAAD Request (ICMPv6 144) and print "DHAAD id N src S addrs A,B".
  mn.py mps IFACE --coa A --ha A --hoa A [--id N] [--res N] [--no-hao]
      Send a Mobile Prefix Solicitation (ICMPv6 146, with the Home Address
      option unless --no-hao) and print "MPA id N src S dst D rh2 H flags F"
      then one line per prefix, or "none"; then "bytes match" when the MPA
      equals, byte for byte (checksum included), the one Scapy builds for the
      HA's /64 prefix with L, A, R and lifetimes 86400/14400, else "bytes
      differ" and both in hex.
  mn.py ns IFACE --target A --src A
      Send a Neighbor Solicitation to the target's solicited-node group and
      print the first answer as "na" does.
  mn.py rs IFACE
      Send a Router Solicitation and print the RA as "ra" prints it.
  mn.py ra IFACE [--timeout S]
      Wait for a Router Advertisement and print its fields:
      "RA src S hlim H flags F lifetime L" then one line per option.
  mn.py na IFACE --target A [--timeout S]
      Wait for a Neighbor Advertisement for the target and print it.
"""
import argparse
import select
import socket
import sys
import time

from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, ICMPv6HAADReply, ICMPv6HAADRequest,
                                ICMPv6MPAdv, ICMPv6MPSol,
                                ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                                ICMPv6NDOptAdvInterval, ICMPv6NDOptHAInfo, ICMPv6NDOptPrefixInfo,
                                ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6ParamProblem,
                                IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE,
                                MIP6MH_BU, MIP6OptBRAdvice, in6_getnsma, in6_getnsmac)
from scapy.layers.l2 import Ether

ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4


def rx_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, ETH_P_IPV6))
    return s


def frames(sock, timeout):
    """Yield incoming IPv6 packets (Scapy) until the timeout."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            return
        data, addr = sock.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        yield Ether(data)


def send_l2(iface, pkt, dst_mac=None):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = open(f"/sys/class/net/{iface}/address").read().strip()
    s.send(bytes(Ether(src=src, dst=dst_mac or "ff:ff:ff:ff:ff:ff") / pkt))
    s.close()


def send_l3(pkt):
    """Through the kernel's routing (the namespace's default route)."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(bytes(pkt), (pkt[IPv6].dst, 0))
    s.close()


def describe_mh(ip):
    if MIP6MH_BA in ip:
        ba = ip[MIP6MH_BA]
        rh2 = ip[IPv6ExtHdrRouting].addresses[0] if IPv6ExtHdrRouting in ip else "none"
        refresh = ba[MIP6OptBRAdvice].rinter if MIP6OptBRAdvice in ba else 0
        return (f"BA status {ba.status} seq {ba.seq} lifetime {ba.mhtime} refresh {refresh} "
                f"rh2 {rh2} src {ip.src} dst {ip.dst} flags {int(ba.flags)}")
    if MIP6MH_BE in ip:
        be = ip[MIP6MH_BE]
        return f"BE status {be.status} hoa {be.ha} src {ip.src} dst {ip.dst}"
    if ICMPv6ParamProblem in ip:
        pp = ip[ICMPv6ParamProblem]
        return f"ICMP6 type 4 code {pp.code} ptr {pp.ptr} src {ip.src} dst {ip.dst}"
    return None


def await_answer(sock, args, sent_to):
    for f in frames(sock, args.timeout):
        if IPv6 not in f:
            continue
        ip = f[IPv6]
        line = describe_mh(ip)
        if line is not None and ip.src == sent_to:
            return ip, line
    return None, "none"


def expected_ba(args):
    status, seq, lifetime, refresh = args.want
    opts = [MIP6OptBRAdvice(rinter=refresh)] if refresh else []
    return (IPv6(src=args.ha, dst=args.coa, hlim=64) /
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[args.hoa]) /
            MIP6MH_BA(status=status, flags=0, seq=seq, mhtime=lifetime, options=opts))


def cmd_bu(args):
    bu = (IPv6(src=args.coa, dst=args.ha, hlim=64) /
          IPv6ExtHdrDestOpt(options=[HAO(hoa=args.hoa)]) /
          MIP6MH_BU(seq=args.seq, flags=args.flags, mhtime=args.lifetime))
    sock = rx_socket(args.iface)
    send_l3(bu)
    ip, line = await_answer(sock, args, args.ha)
    print(line)
    if args.want and ip is not None:
        want = bytes(expected_ba(args))
        got = bytes(ip)
        if got == want:
            print("bytes match")
        else:
            print(f"bytes differ\n got  {got.hex()}\n want {want.hex()}")


def cmd_mps(args):
    ext = [] if args.no_hao else [IPv6ExtHdrDestOpt(options=[HAO(hoa=args.hoa)])]
    pkt = IPv6(src=args.coa, dst=args.ha, hlim=64)
    for e in ext:
        pkt = pkt / e
    pkt = pkt / ICMPv6MPSol(id=args.id, res=args.res)
    sock = rx_socket(args.iface)
    send_l3(pkt)
    for f in frames(sock, args.timeout):
        if ICMPv6MPAdv not in f:
            continue
        ip = f[IPv6]
        mpa = ip[ICMPv6MPAdv]
        rh2 = ip[IPv6ExtHdrRouting].addresses[0] if IPv6ExtHdrRouting in ip else "none"
        print(f"MPA id {mpa.id} src {ip.src} dst {ip.dst} rh2 {rh2} flags {int(mpa.flags)}")
        o = mpa.payload
        while isinstance(o, ICMPv6NDOptPrefixInfo):
            print(f"prefix {o.prefix}/{o.prefixlen} L {o.L} A {o.A} R {o.R} "
                  f"valid {o.validlifetime} preferred {o.preferredlifetime}")
            o = o.payload
        want = bytes(IPv6(src=args.ha, dst=args.coa, hlim=64) /
                     IPv6ExtHdrRouting(type=2, segleft=1, addresses=[args.hoa]) /
                     ICMPv6MPAdv(id=args.id, flags=0) /
                     ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=1, validlifetime=86400,
                                           preferredlifetime=14400, prefix=args.ha))
        got = bytes(ip)
        print("bytes match" if got == want else f"bytes differ\n got  {got.hex()}\n want {want.hex()}")
        return
    print("none")


def cmd_raw(args):
    pkt = IPv6(bytes.fromhex(args.hex))
    sock = rx_socket(args.iface)
    send_l3(pkt)
    _, line = await_answer(sock, args, pkt.dst)
    print(line)


def cmd_dhaad(args):
    sock = rx_socket(args.iface)
    send_l3(IPv6(src=args.src, dst=args.dst) / ICMPv6HAADRequest(id=args.id, R=0))
    for f in frames(sock, args.timeout):
        if ICMPv6HAADReply in f:
            rep = f[ICMPv6HAADReply]
            print(f"DHAAD id {rep.id} src {f[IPv6].src} dst {f[IPv6].dst} "
                  f"addrs {','.join(rep.addresses)}")
            return
    print("none")


def describe_ra(ip):
    ra = ip[ICMPv6ND_RA]
    lines = [f"RA src {ip.src} dst {ip.dst} hlim {ip.hlim} H {ra.H} M {ra.M} O {ra.O} "
             f"routerlifetime {ra.routerlifetime}"]
    o = ra.payload
    while o is not None and len(o) and not isinstance(o, bytes):
        if isinstance(o, ICMPv6NDOptPrefixInfo):
            lines.append(f"prefix {o.prefix}/{o.prefixlen} L {o.L} A {o.A} R {o.R} "
                         f"valid {o.validlifetime} preferred {o.preferredlifetime}")
        elif isinstance(o, ICMPv6NDOptHAInfo):
            lines.append(f"hainfo preference {o.pref} lifetime {o.lifetime}")
        elif isinstance(o, ICMPv6NDOptAdvInterval):
            lines.append(f"advinterval {o.advint}")
        elif isinstance(o, ICMPv6NDOptSrcLLAddr):
            lines.append(f"sllao {o.lladdr}")
        else:
            lines.append(f"option {o.name}")
        o = o.payload if o.payload else None
    return "\n".join(lines)


def cmd_ra(args):
    sock = rx_socket(args.iface)
    if args.cmd == "rs" and args.src:
        # From a link-local address with its link-layer address: the RA
        # comes back unicast (RFC 4861 §6.2.6).
        mac = open(f"/sys/class/net/{args.iface}/address").read().strip()
        send_l2(args.iface, IPv6(src=args.src, dst="ff02::2", hlim=255) / ICMPv6ND_RS() /
                ICMPv6NDOptSrcLLAddr(lladdr=mac), "33:33:00:00:00:02")
    elif args.cmd == "rs":
        send_l2(args.iface, IPv6(src="::", dst="ff02::2", hlim=255) / ICMPv6ND_RS(),
                "33:33:00:00:00:02")
    for f in frames(sock, args.timeout):
        if ICMPv6ND_RA in f:
            print(describe_ra(f[IPv6]))
            return
    print("none")


def cmd_ns(args):
    sock = rx_socket(args.iface)
    src_mac = open(f"/sys/class/net/{args.iface}/address").read().strip()
    group = in6_getnsma(socket.inet_pton(socket.AF_INET6, args.target))
    group = socket.inet_ntop(socket.AF_INET6, group)
    ns = (IPv6(src=args.src, dst=group, hlim=255) / ICMPv6ND_NS(tgt=args.target) /
          ICMPv6NDOptSrcLLAddr(lladdr=src_mac))
    send_l2(args.iface, ns, in6_getnsmac(socket.inet_pton(socket.AF_INET6, group)))
    cmd_na(args, sock)


def cmd_na(args, sock=None):
    sock = sock or rx_socket(args.iface)
    for f in frames(sock, args.timeout):
        if ICMPv6ND_NA in f and f[ICMPv6ND_NA].tgt == args.target:
            na = f[ICMPv6ND_NA]
            mac = f[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in f else "none"
            print(f"NA target {na.tgt} tllao {mac} R {na.R} S {na.S} O {na.O} "
                  f"src {f[IPv6].src} dst {f[IPv6].dst} hlim {f[IPv6].hlim}")
            return
    print("none")


def command(sub, name, timeout=3, addrs=()):
    """A subcommand taking IFACE, --timeout and the required addresses named."""
    c = sub.add_parser(name)
    c.add_argument("iface")
    c.add_argument("--timeout", type=float, default=timeout)
    for a in addrs:
        c.add_argument("--" + a, required=True)
    return c


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    b = command(sub, "bu", addrs=("coa", "ha", "hoa"))
    b.add_argument("--seq", type=int, required=True)
    b.add_argument("--lifetime", type=int, required=True)
    b.add_argument("--flags", default="AH")
    b.add_argument("--want", type=int, nargs=4)
    command(sub, "raw", addrs=("hex",))
    command(sub, "dhaad", addrs=("src", "dst")).add_argument("--id", type=int, default=4242)
    m = command(sub, "mps", addrs=("coa", "ha", "hoa"))
    m.add_argument("--id", type=int, default=4243)
    m.add_argument("--res", type=int, default=0)
    m.add_argument("--no-hao", action="store_true")
    command(sub, "ra", timeout=15)
    command(sub, "rs", timeout=15).add_argument("--src")
    command(sub, "ns", addrs=("target", "src"))
    command(sub, "na", timeout=5, addrs=("target",))
    args = p.parse_args()
    {"bu": cmd_bu, "raw": cmd_raw, "dhaad": cmd_dhaad, "mps": cmd_mps, "ra": cmd_ra, "rs": cmd_ra,
     "ns": cmd_ns, "na": cmd_na}[args.cmd](args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
