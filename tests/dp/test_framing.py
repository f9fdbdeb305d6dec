#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Framing, extension headers and the exception paths (bad-input matrix 5.1 as far
as the dataplane goes): malformed frames, padding, header chains, Home Address
options, routing headers, fragments, ESP; the signalling tap in both
directions, Neighbor Discovery, the kernel's own traffic through the taps.
    test_framing.py MIP6HA_CP MIP6HA MIP6HA_DP [--mutate] [--keep]
"""
import sys

# dpharness first: it skips (77) where Scapy is missing.
from dpharness import (Harness, case, eth_in, payload, tunnelled, HOME, CORE, MAC, TAP, SIG, HA,
                       HA2, R_MAC, K_CORE, HN, HN_MAC, MN_MAC, CN, HOA1, COA1, COA3)
from scapy.all import (ARP, Ether, IP, IPv6, UDP, Raw, raw, ICMPv6EchoRequest, ICMPv6EchoReply,
                       ICMPv6MPSol, ICMPv6Unknown, PadN, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6ND_RS, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptUnknown, ICMPv6PacketTooBig, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, IPv6ExtHdrFragment, HAO,
                       MIP6MH_BU, MIP6MH_BA, MIP6MH_HoT, MIP6OptUnknown)

h = Harness(sys.argv)
rep = h.report
run = h.run("framing", kernel_neigh=[(HOME, HN, HN_MAC, HA)])


def udp_to(dst, tag, src=CN, **kw):
    return IPv6(src=src, dst=dst, fl=0x5A5A5, **kw) / UDP(sport=4100, dport=5000) / payload(tag)


def bu(tag):
    """A Binding Update as RFC 6275 §6.1.7 frames it, the tag in an unknown mobility option."""
    return MIP6MH_BU(seq=1, flags="AH", mhtime=10, options=[MIP6OptUnknown(otype=200, odata=tag)])


def nd_tag(tag):
    """An ND option of an unknown type carrying the tag (RFC 4861 §4.6: ignored)."""
    data = tag + bytes(-(len(tag) + 2) % 8)
    return ICMPv6NDOptUnknown(type=250, len=(len(data) + 2) // 8, data=data)


def dstopt(nh, body):
    """A Destination Options header of raw option bytes (no padding added)."""
    assert (len(body) + 2) % 8 == 0
    return Raw(bytes([nh, (len(body) + 2) // 8 - 1]) + body)


HAO_OPT = bytes([0xC9, 16]) + bytes.fromhex("20010db8000000000000000000000100")


def sig_ok(c, frame):
    """The frame reaches mip6ha-sig unchanged (RFC 6275 messages are mip6ha-cp's)."""
    c.expect(events={"punt_sig": 1})

    def verify(r):
        rep.eq(c.title, r.take(SIG, c.tag()), [frame])
    return verify


# --- F1, F2 ----------------------------------------------------------------------

@case(run, "F1 frames shorter than Ethernet+IPv6, not version 6, bad Payload Length: discarded")
def _(c):
    ip = raw(udp_to(HOA1, c.tag(0)))
    e = raw(Ether(dst=MAC[CORE], src=R_MAC, type=0x86DD))
    c.send(CORE, e[:10])                                   # not even an Ethernet header
    c.send(CORE, e + ip[:36])                              # 50 bytes
    c.send(CORE, e + ip[:0] + bytes([0x40]) + ip[1:])      # version 4
    c.send(CORE, e + ip[:4] + (len(ip) - 39).to_bytes(2, "big") + ip[6:])  # 1 byte past the end
    c.send(CORE, e + ip[:4] + b"\0\0" + ip[6:])            # Payload Length 0, no Jumbo option
    c.expect(drops={"malformed": 5})
    return lambda r: None


@case(run, "F1 Payload Length shorter than the extension headers: discarded")
def _(c):
    # The Dest-Opt header says 16 bytes; Payload Length says 8; the rest is "padding".
    ip = IPv6(src=CN, dst=HA, nh=60, plen=8) / dstopt(135, bytes(14)) / payload(c.tag())
    c.send(CORE, eth_in(CORE) / ip)
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "unicast frame for another MAC: discarded")
def _(c):
    c.send(CORE, Ether(dst="02:00:00:00:00:99", src=R_MAC) / udp_to(HOA1, c.tag()))
    c.expect(drops={"otherhost": 1})
    return lambda r: None


@case(run, "ARP and IPv4 frames: to the port's kernel, unchanged")
def _(c):
    frames = [c.send(HOME, Ether(dst="ff:ff:ff:ff:ff:ff", src=HN_MAC) /
                     ARP(psrc="192.0.2.50", pdst="192.0.2.1", hwsrc=HN_MAC) / payload(c.tag(0))),
              c.send(HOME, Ether(dst=MAC[HOME], src=HN_MAC) /
                     IP(src="192.0.2.50", dst="192.0.2.1") / UDP() / payload(c.tag(1)))]
    c.expect(events={"punt_tap": 2})

    def verify(r):
        for i, f in enumerate(frames):
            rep.eq("%s: frame %d on t-home" % (c.title, i), r.take(TAP[HOME], c.tag(i)), [f])
    return verify


@case(run, "F2 trailing Ethernet padding: processed by Payload Length, none in the tunnel")
def _(c):
    inner = udp_to(HOA1, c.tag(), hlim=33)
    c.send(CORE, raw(eth_in(CORE) / inner) + bytes(20))
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner))
    return verify


# --- F3, F4, F5, F11: header chains ---------------------------------------------------

@case(run, "F3 Dest-Opt Hdr Ext Len 255 runs past the packet: discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
           Raw(bytes([135, 255, 1, 4, 0, 0, 0, 0])) / bu(c.tag()))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "F3 an option running past its Dest-Opt header: discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
           dstopt(135, bytes([0x1E, 10, 0, 0, 0, 0])) / bu(c.tag()))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "F4 Home Address option twice in one Dest-Opt header: discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
           dstopt(135, bytes([1, 2, 0, 0]) + HAO_OPT + bytes([1, 4, 0, 0, 0, 0]) + HAO_OPT) /
           bu(c.tag()))
    c.expect(drops={"hao_dup": 1})
    return lambda r: None


@case(run, "F4 two Dest-Opt headers, each with a Home Address option: discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
           dstopt(60, bytes([1, 2, 0, 0]) + HAO_OPT) / dstopt(135, bytes([1, 2, 0, 0]) + HAO_OPT) /
           bu(c.tag()))
    c.expect(drops={"hao_dup": 1})
    return lambda r: None


@case(run, "F4 two Dest-Opt headers, one HAO: mip6ha-sig gets it unchanged (the daemon judges)")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
               dstopt(60, bytes([1, 4, 0, 0, 0, 0])) / dstopt(135, bytes([1, 2, 0, 0]) + HAO_OPT) /
               bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F4 HAO in a Hop-by-Hop header: mip6ha-sig gets it unchanged (the daemon judges)")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=0) /
               dstopt(135, bytes([1, 2, 0, 0]) + HAO_OPT) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F5 HAO with option length 8: mip6ha-sig gets it unchanged (the daemon judges)")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
               dstopt(135, bytes([0xC9, 8]) + HAO_OPT[2:10] + bytes([1, 2, 0, 0])) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F5 misaligned HAO (no padding before it): accepted, to mip6ha-sig unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) /
               dstopt(135, HAO_OPT + bytes([1, 2, 0, 0])) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F11 100 Dest-Opt headers: discarded after the chain cap")
def _(c):
    chain = b"".join(bytes([60, 0, 1, 4, 0, 0, 0, 0]) for _ in range(99))
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) / Raw(chain) /
           dstopt(135, bytes([1, 4, 0, 0, 0, 0])) / bu(c.tag()))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "F11 cap boundary: 9 extension headers discarded")
def _(c):
    chain = b"".join(bytes([60, 0, 1, 4, 0, 0, 0, 0]) for _ in range(8))
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) / Raw(chain) /
           dstopt(135, bytes([1, 4, 0, 0, 0, 0])) / bu(c.tag()))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "F11 cap boundary: 8 extension headers accepted, MH to mip6ha-sig")
def _(c):
    chain = b"".join(bytes([60, 0, 1, 4, 0, 0, 0, 0]) for _ in range(7))
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) / Raw(chain) /
               dstopt(135, bytes([1, 4, 0, 0, 0, 0])) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "Hop-by-Hop header not first (RFC 8200 §4.1): discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=60) / dstopt(0, bytes(6)) /
           dstopt(135, bytes(6)) / bu(c.tag()))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


# --- F8: routing headers ----------------------------------------------------------------

@case(run, "F8 Routing Header type 0 (RFC 5095), to a HoA and to the HA: discarded")
def _(c):
    for i, dst in enumerate((HOA1, HA)):
        c.send(CORE, eth_in(CORE) / IPv6(src=CN, dst=dst) /
               IPv6ExtHdrRouting(type=0, addresses=[CN], segleft=1) /
               UDP(sport=4101, dport=5000) / payload(c.tag(i)))
    c.expect(drops={"rh0": 2})
    return lambda r: None


@case(run, "F8 type 2 Routing Header with Segments Left 0 or Hdr Ext Len 4, or to the HA: "
      "discarded")
def _(c):
    for i, (n, left, dst) in enumerate(((1, 0, CN), (2, 1, CN), (1, 1, HA))):
        c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=dst) /
               IPv6ExtHdrRouting(type=2, addresses=[HOA1] * n, segleft=left) /
               UDP(sport=4102, dport=5000) / payload(c.tag(i)))
    c.expect(drops={"bad_rh2": 3})
    return lambda r: None


@case(run, "F8 valid type 2 Routing Header passing through to another node: routed")
def _(c):
    ip = (IPv6(src=COA1, dst=CN, hlim=12, fl=7) / IPv6ExtHdrRouting(type=2, addresses=[HOA1],
                                                                 segleft=1) /
          UDP(sport=4103, dport=5000) / payload(c.tag()))
    c.send(HOME, eth_in(HOME) / ip)
    c.expect(events={"forward": 1})

    def verify(r):
        want = Ether(dst=R_MAC, src=MAC[CORE]) / IPv6(raw(ip))
        want[IPv6].hlim -= 1
        rep.match(c.title, r.take_one(CORE, c.tag()), want)
    return verify


# --- F9, F10 --------------------------------------------------------------------------

@case(run, "F9 first fragment holding the whole chain up to the MH: to mip6ha-sig unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrFragment(offset=0, m=1, id=0x42) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F9 atomic fragment with an MH: to mip6ha-sig unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrFragment(offset=0, m=0, id=0x43) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "F9 first fragment whose header chain is cut (RFC 7112): discarded")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
           IPv6ExtHdrFragment(nh=60, offset=0, m=1, id=0x44) / Raw(bytes([135, 1, 1, 2])))
    c.expect(drops={"ext_chain": 1})
    return lambda r: None


@case(run, "F9 non-first fragment to the HA: to the kernel, which reassembles or drops")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrFragment(nh=135, offset=2, m=0, id=0x45) / payload(c.tag()))
    c.expect(events={"punt_tap": 1})
    return lambda r: rep.eq(c.title, r.take(TAP[CORE], c.tag()), [f])


@case(run, "F10 ESP to the HA: to the kernel (IPsec is its business), not to mip6ha-sig")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA, nh=50) /
               Raw(bytes.fromhex("0000100000000001") + c.tag() + bytes(16)))
    c.expect(events={"punt_tap": 1})
    return lambda r: rep.eq(c.title, r.take(TAP[CORE], c.tag()), [f])


# --- Mobility Header ------------------------------------------------------------------

@case(run, "MH: Binding Update with HAO to the HA: to mip6ha-sig unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA1)]) / bu(c.tag()))
    return sig_ok(c, f)


@case(run, "Mobile Prefix Solicitation with HAO to the HA (RFC 6275 §6.7): to mip6ha-sig unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA1)]) / ICMPv6MPSol(id=7) / Raw(c.tag()))
    return sig_ok(c, f)


@case(run, "Mobile Prefix Solicitation without HAO to the HA: to the kernel (matrix N9: no answer)")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) / ICMPv6MPSol(id=7) / Raw(c.tag()))
    c.expect(events={"punt_tap": 1})
    return lambda r: rep.eq(c.title, r.take(TAP[CORE], c.tag()), [f])


@case(run, "HAO to the HA from the bound CoA (RFC 6275 §9.3.1): to the kernel from the HoA, "
      "the option turned into one to skip (RFC 4727 0x1e), the checksum still right")
def _(c):
    body = ICMPv6Unknown(type=200, msgbody=c.tag())  # informational: the kernel ignores it
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
           IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA1)]) / body)
    want = raw(eth_in(CORE) / IPv6(src=HOA1, dst=HA) /
               IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0"),
                                          Raw(bytes([0x1E, 16]) + bytes(16))],
                                 autopad=0) / body)
    c.expect(events={"punt_tap": 1})
    return lambda r: rep.eq(c.title, r.take(TAP[CORE], c.tag()), [want])


@case(run, "HAO to the HA for a HoA not bound, or bound at another CoA: to mip6ha-sig "
      "(Binding Error 1)")
def _(c):
    fs = [c.send(CORE, eth_in(CORE) / IPv6(src=src, dst=HA) /
                 IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
                 ICMPv6Unknown(type=200, msgbody=c.tag(i)))
          for i, (src, hoa) in enumerate(((COA1, "2001:db8::dead"), (COA3, HOA1)))]
    c.expect(events={"punt_sig": 2})

    def verify(r):
        for i, f in enumerate(fs):
            rep.eq("%s: frame %d" % (c.title, i), r.take(SIG, c.tag(i)), [f])
    return verify


@case(run, "MH: to the second HA address and to a node not bound here: to mip6ha-sig")
def _(c):
    fs = [c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=d) / bu(c.tag(i)))
          for i, d in enumerate((HA2, CN))]
    c.expect(events={"punt_sig": 2})

    def verify(r):
        for i, f in enumerate(fs):
            rep.eq("%s: frame %d" % (c.title, i), r.take(SIG, c.tag(i)), [f])
    return verify


@case(run, "MH: Home Test to a bound HoA is tunnelled like any packet (RFC 6275 §5.2.5)")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, fl=3, hlim=60) /
             MIP6MH_HoT(index=1) /
             Raw(c.tag()))
    inner = IPv6(raw(inner))  # Payload Length and checksum as sent
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               tunnelled(CORE, R_MAC, COA1, inner))


# --- Neighbor Discovery and the HA's own traffic -------------------------------------

@case(run, "ND: Neighbor Solicitation (multicast), Advertisement and Router Solicitation: "
      "to the kernel")
def _(c):
    fs = [c.send(HOME, Ether(dst="33:33:ff:00:00:01", src=HN_MAC) /
                 IPv6(src=HN, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=HA) /
                 ICMPv6NDOptSrcLLAddr(lladdr=HN_MAC) / nd_tag(c.tag(0))),
          c.send(HOME, eth_in(HOME) / IPv6(src=HN, dst=HA, hlim=255) /
                 ICMPv6ND_NA(tgt=HN, R=0, S=0, O=1) / nd_tag(c.tag(1))),
          c.send(HOME, Ether(dst="33:33:00:00:00:02", src=HN_MAC) /
                 IPv6(src="fe80::50", dst="ff02::2", hlim=255) / ICMPv6ND_RS() / nd_tag(c.tag(2)))]
    c.expect(events={"punt_tap": 3})

    def verify(r):
        for i, f in enumerate(fs):
            rep.eq("%s: frame %d on t-home" % (c.title, i), r.take(TAP[HOME], c.tag(i)), [f])
    return verify


@case(run, "ND: unicast Neighbor Solicitation to a bound HoA (NUD after proxy ND): to the kernel, "
      "not tunnelled")
def _(c):
    f = c.send(HOME, eth_in(HOME) / IPv6(src=HN, dst=HOA1, hlim=255) / ICMPv6ND_NS(tgt=HOA1) /
               ICMPv6NDOptSrcLLAddr(lladdr=HN_MAC) / nd_tag(c.tag()))
    c.expect(events={"punt_tap": 1})

    def proxy_na(r):
        return [p for p in map(Ether, r.kern[TAP[HOME]])
                if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == HOA1 and p[IPv6].dst == HN]
    c.wait_for(proxy_na)

    def verify(r):
        rep.eq(c.title, r.take(TAP[HOME], c.tag()), [f])
        rep.true(c.title + ": the kernel's proxy answers for the HoA", len(proxy_na(r)) == 1,
                 "%d answers" % len(proxy_na(r)))
    return verify


@case(run, "Echo Request to the HA: to the kernel, whose Echo Reply leaves by the home port")
def _(c):
    f = c.send(HOME, eth_in(HOME) / IPv6(src=HN, dst=HA) / ICMPv6EchoRequest(id=7, data=c.tag()))
    c.expect(events={"punt_tap": 1})

    def reply(p):
        return ICMPv6EchoReply in p
    c.wait_for(lambda r: r.sent_by_kernel(TAP[HOME], c.tag(), reply))

    def verify(r):
        rep.eq(c.title + ": on t-home unchanged", r.take(TAP[HOME], c.tag()), [f])
        t = r.take_one(HOME, c.tag(), reply)
        p = Ether(t) if t else None
        rep.eq(c.title + ": Echo Reply to the node", p and (p.dst, p.src, p[IPv6].src, p[IPv6].dst),
               (HN_MAC, MAC[HOME], HA, HN))
    return verify


# --- frames written on the taps once mip6ha-dp runs ----------------------------------------

@case(run, "signalling tap: a BA mip6ha-cp writes is routed by its destination, unchanged")
def _(c):
    ip = IPv6(src=HA, dst=COA1, hlim=64) / MIP6MH_BA(status=0, seq=1, mhtime=10) / Raw(c.tag())
    ip = IPv6(raw(ip))
    c.inject(SIG, Ether(dst="00:00:00:00:00:00", src="02:00:00:00:00:01") / ip)
    c.expect(events={"from_sig": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               Ether(dst=R_MAC, src=MAC[CORE]) / ip)


@case(run, "signalling tap: next hop unresolved: to the egress port's kernel")
def _(c):
    ip = IPv6(raw(IPv6(src=HA, dst=COA3) / MIP6MH_BA(status=0, seq=2) / Raw(c.tag())))
    c.inject(SIG, Ether(dst="00:00:00:00:00:00", src="02:00:00:00:00:01") / ip)
    c.expect(events={"from_sig": 1, "punt_no_neigh": 1})

    def verify(r):
        rep.match(c.title, r.take_one(TAP[CORE], c.tag()),
                  Ether(dst=MAC[CORE], src=MAC[CORE]) / ip)
        r.take(CORE, c.tag())  # what the kernel then does with it is its business
    return verify


@case(run, "signalling tap: on-link and unresolved, addressed by mip6ha-cp to the BU's link-layer "
           "source: sent there at once (RFC 6275 §10.3.2), not punted")
def _(c):
    ip = IPv6(raw(IPv6(src=HA, dst=COA3) / MIP6MH_BA(status=0, seq=4) / Raw(c.tag())))
    c.inject(SIG, Ether(dst="02:00:00:00:09:02", src="02:00:00:00:00:01") / ip)
    c.expect(events={"from_sig": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               Ether(dst="02:00:00:00:09:02", src=MAC[CORE]) / ip)


@case(run, "signalling tap: no route, and a non-IPv6 frame: discarded")
def _(c):
    c.inject(SIG, Ether(dst="00:00:00:00:00:00", src="02:00:00:00:00:01") /
             IPv6(src=HA, dst="2001:db8:dead::5") /
             MIP6MH_BA(status=0, seq=3) / Raw(c.tag(0)))
    c.inject(SIG, Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:00:01") /
             ARP(psrc="192.0.2.1", pdst="192.0.2.2") / payload(c.tag(1)))
    c.expect(drops={"no_route": 1, "not_ipv6": 1}, events={"from_sig": 1})
    return lambda r: None


@case(run, "tap: the kernel's frame leaves by the tap's port unchanged")
def _(c):
    f = c.inject(TAP[CORE], Ether(dst=R_MAC, src=MAC[CORE]) / udp_to(CN, c.tag(), src=K_CORE))
    return lambda r: rep.eq(c.title, r.take(CORE, c.tag()), [f])


@case(run, "tap: the kernel's packet to a bound HoA is tunnelled")
def _(c):
    inner = udp_to(HOA1, c.tag(), src=HA, hlim=64)
    c.inject(TAP[HOME], Ether(dst=MN_MAC, src=MAC[HOME]) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               tunnelled(CORE, R_MAC, COA1, inner))


@case(run, "tap: the kernel's unicast Neighbor Solicitation to a bound HoA leaves unchanged, "
      "not tunnelled")
def _(c):
    f = c.inject(TAP[HOME], Ether(dst=MN_MAC, src=MAC[HOME]) /
                 IPv6(src=HA, dst=HOA1, hlim=255) / ICMPv6ND_NS(tgt=HOA1) /
                 ICMPv6NDOptSrcLLAddr(lladdr=MAC[HOME]) / nd_tag(c.tag()))
    return lambda r: rep.eq(c.title, r.take(HOME, c.tag(), noise=True), [f])


@case(run, "tap: the kernel's too-big packet to a bound HoA: Packet Too Big back to the kernel")
def _(c):
    inner = udp_to(HOA1, c.tag(), src=HA, hlim=64)
    inner = inner / Raw(bytes(1480 - len(inner)))
    c.inject(TAP[HOME], Ether(dst=MN_MAC, src=MAC[HOME]) / inner)
    c.expect(drops={"too_big": 1}, events={"ptb_sent": 1})
    return lambda r: rep.match(c.title, r.take_one(TAP[HOME], c.tag()),
                               Ether(dst=MAC[HOME], src=MAC[HOME]) /
                               IPv6(src=HA, dst=HA, hlim=64) / ICMPv6PacketTooBig(mtu=1460) /
                               raw(inner)[:1232])


sys.exit(h.main())
