#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Packets to a bound Home Address (bad-input matrix 5.6, RFC 2473, RFC 6040,
RFC 6275 §10.4.1): the tunnel header, the inner hop limit, the Tunnel
Encapsulation Limit, Packet Too Big, hop-limit expiry, link-scoped and
multicast destinations, loops, unresolved next hops.
    test_encap.py MIP6HA_CP MIP6HA MIP6HA_DP [--mutate] [--keep]
"""
import sys

# dpharness first: it skips (77) where Scapy is missing.
from dpharness import (Harness, case, eth_in, payload, tunnelled, ipv6_of, HOME, CORE, MAC, TAP,
                       HA, R, R_MAC, K_CORE, HGW_MAC, HN, HN_MAC, CN, CN2, HOA1, COA1, HOA2,
                       COA2, HOA3, COA3, COA3_MAC, HOA4)
from scapy.all import (Ether, IPv6, UDP, raw, ICMPv6TimeExceeded, ICMPv6DestUnreach,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrHopByHop, HBHOptUnknown, Pad1, RouterAlert, Jumbo)

h = Harness(sys.argv)
rep = h.report
# The kernel answers some of these: teach it the core router, a home node and
# the next hop of COA3 (which the fib lacks).
run = h.run("encap", kernel_neigh=[(CORE, R, R_MAC, K_CORE), (HOME, HN, HN_MAC, HA),
                                   (CORE, COA3, COA3_MAC, K_CORE)])


def hop_limit_masked(b):
    return b[:7] + b"\0" + b[8:]


def tel_opt(v):
    return HBHOptUnknown(otype=4, optlen=1, optdata=bytes([v]))


@case(run, "encap: outer header (RFC 2473 §3) with DSCP+ECN and flow label copied")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, tc=0xB9, fl=0x12345, hlim=30) /
             UDP(sport=4000, dport=5000) / payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner))
    return verify


@case(run, "encap: inner flow label 0 gives a nonzero outer label, stable per flow (RFC 6438)")
def _(c):
    inner = [IPv6(src=CN2, dst=HOA1, hlim=64) / UDP(sport=4001, dport=5000) / payload(c.tag(i))
             for i in (0, 1)]
    for p in inner:
        c.send(CORE, eth_in(CORE) / p)
    c.expect(events={"encap": 2},
             bindings={HOA1: {"encap_pkts": 2, "encap_bytes": sum(len(p) for p in inner)}})

    def verify(r):
        fl = []
        for i, p in enumerate(inner):
            f = r.take_one(CORE, c.tag(i))
            rep.match("%s: packet %d fields" % (c.title, i), f,
                      tunnelled(CORE, R_MAC, COA1, p), ignore={"IPv6.fl"})
            fl.append(Ether(f)[IPv6].fl if f else None)
        rep.true(c.title + ": outer flow label nonzero", fl[0] not in (None, 0), "got %s" % fl)
        rep.eq(c.title + ": same label for the same flow", fl[1], fl[0])
    return verify


@case(run, "encap: out of the port the route to the CoA names (CoA via the home link)")
def _(c):
    inner = (IPv6(src=CN, dst=HOA2, hlim=9, tc=0x22, fl=0xABCDE) / UDP(sport=4002, dport=5000) /
             payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA2: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(HOME, c.tag()), tunnelled(HOME, HGW_MAC, COA2, inner))
    return verify


@case(run, "encap: a packet arriving on the home port is tunnelled too")
def _(c):
    inner = (IPv6(src=HN, dst=HOA1, hlim=64, fl=0x00001) / UDP(sport=4003, dport=5000) /
             payload(c.tag()))
    c.send(HOME, eth_in(HOME) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner))
    return verify


@case(run, "encap: inner Tunnel Encapsulation Limit 3 -> outer Dest-Opt with limit 2 "
      "(RFC 2473 §5.1)")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, hlim=40, tc=0x03, fl=0xFFFFF) /
             IPv6ExtHdrDestOpt(options=[tel_opt(3)]) /
             UDP(sport=4004, dport=5000) / payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner, tel=2))
    return verify


@case(run, "E4 inner Tunnel Encapsulation Limit 0: Parameter Problem at the value, not tunnelled")
def _(c):
    # Pad1 Pad1 TEL: the value sits at 40 + 2 + 1 + 1 + 2 = 46.
    inner = (IPv6(src=CN, dst=HOA1, hlim=40) /
             IPv6ExtHdrDestOpt(options=[Pad1(), Pad1(), tel_opt(0)]) /
             UDP(sport=4005, dport=5000) / payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(drops={"encap_limit": 1}, events={"pp_sent": 1})

    def verify(r):
        want = (Ether(dst=R_MAC, src=MAC[CORE]) / IPv6(src=HA, dst=CN, hlim=64) /
                ICMPv6ParamProblem(code=0, ptr=46) / raw(inner))
        rep.match(c.title, r.take_one(CORE, c.tag()), want)
    return verify


@case(run, "E7 source is the binding's CoA: not tunnelled (loop)")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HOA1) / UDP(sport=4006, dport=5000) /
           payload(c.tag()))
    c.expect(drops={"encap_loop": 1})
    return lambda r: None  # nothing out: the leftover checks of the run


@case(run, "E1 inner hop limit 1 and 0: not tunnelled, to the kernel, which sends Time Exceeded")
def _(c):
    frames = [c.send(CORE, eth_in(CORE) / IPv6(src=CN, dst=HOA1, hlim=hl) /
                     UDP(sport=4007, dport=5000) / payload(c.tag(hl))) for hl in (1, 0)]
    c.expect(events={"punt_hoplimit": 2})

    def te(p):
        return ICMPv6TimeExceeded in p
    c.wait_for(lambda r: all(r.sent_by_kernel(TAP[CORE], c.tag(hl), te) for hl in (1, 0)))

    def verify(r):
        for f, hl in zip(frames, (1, 0)):
            rep.eq("%s: hop limit %d delivered to t-core unchanged" % (c.title, hl),
                   r.take(TAP[CORE], c.tag(hl)), [f])
            t = r.take_one(CORE, c.tag(hl), te)
            p = Ether(t) if t else None
            rep.eq("%s: hop limit %d: Time Exceeded code 0 to the source via R, quoting it" %
                   (c.title, hl),
                   p and (p.dst, p[IPv6].dst, p[ICMPv6TimeExceeded].code,
                          raw(p[ICMPv6TimeExceeded].payload)),
                   (R_MAC, CN, 0, ipv6_of(f)))
    return verify


@case(run, "E2 destination is the MN's link-local address: to the kernel, which sends DU3")
def _(c):
    f = c.send(HOME, eth_in(HOME) / IPv6(src=HN, dst="fe80::100") /
               UDP(sport=4008, dport=5000) / payload(c.tag()))
    c.expect(events={"punt_tap": 1})

    def du(p):
        return ICMPv6DestUnreach in p
    c.wait_for(lambda r: r.sent_by_kernel(TAP[HOME], c.tag(), du))

    def verify(r):
        rep.eq(c.title + ": delivered to t-home unchanged", r.take(TAP[HOME], c.tag()), [f])
        t = r.take_one(HOME, c.tag(), du)
        p = Ether(t) if t else None
        # The kernel quotes the packet as it forwarded it: hop limit - 1.
        rep.eq(c.title + ": Destination Unreachable code 3 to the source, quoting it",
               p and (p.dst, p[IPv6].dst, p[ICMPv6DestUnreach].code,
                      hop_limit_masked(raw(p[ICMPv6DestUnreach].payload))),
               (HN_MAC, HN, 3, hop_limit_masked(ipv6_of(f))))
    return verify


@case(run, "E3 multicast destinations (link and global scope): to the kernel, never tunnelled")
def _(c):
    frames = [c.send(HOME, Ether(dst=mac, src=HN_MAC) / IPv6(src=HN, dst=grp) /
                     UDP(sport=4009, dport=5000) / payload(c.tag(i)))
              for i, (grp, mac) in enumerate((("ff02::1:ff00:100", "33:33:ff:00:01:00"),
                                              ("ff0e::101", "33:33:00:00:01:01")))]
    c.expect(events={"punt_tap": 2})

    def verify(r):
        for i, f in enumerate(frames):
            rep.eq("%s: group %d delivered to t-home unchanged" % (c.title, i),
                   r.take(TAP[HOME], c.tag(i)), [f])
    return verify


@case(run, "E5 inner 1461 bytes > tunnel MTU 1460: Packet Too Big MTU 1460, quote cut at 1280")
def _(c):
    inner = IPv6(src=CN, dst=HOA1, hlim=50) / UDP(sport=4010, dport=5000) / payload(c.tag(), 1413)
    assert len(inner) == 1461
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(drops={"too_big": 1}, events={"ptb_sent": 1})

    def verify(r):
        want = (Ether(dst=R_MAC, src=MAC[CORE]) / IPv6(src=HA, dst=CN, hlim=64) /
                ICMPv6PacketTooBig(mtu=1460) / raw(inner)[:1280 - 48])
        rep.match(c.title, r.take_one(CORE, c.tag()), want)
    return verify


@case(run, "E5 boundary: inner 1460 bytes fits the 1500-byte link exactly and is tunnelled")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, hlim=50, fl=0x11) / UDP(sport=4011, dport=5000) /
             payload(c.tag(), 1412))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": 1460}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner))
    return verify


@case(run, "E5 with the 8-byte encapsulation-limit header: Packet Too Big MTU 1452")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, hlim=50) / IPv6ExtHdrDestOpt(options=[tel_opt(5)]) /
             UDP(sport=4012, dport=5000) / payload(c.tag(), 1405))
    assert len(inner) == 1461
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(drops={"too_big": 1}, events={"ptb_sent": 1})

    def verify(r):
        want = (Ether(dst=R_MAC, src=MAC[CORE]) / IPv6(src=HA, dst=CN, hlim=64) /
                ICMPv6PacketTooBig(mtu=1452) / raw(inner)[:1280 - 48])
        rep.match(c.title, r.take_one(CORE, c.tag()), want)
    return verify


@case(run, "E9 jumbogram (Payload Length 0 + Jumbo option): discarded, no link here carries one")
def _(c):
    c.send(CORE, eth_in(CORE) / IPv6(src=CN, dst=HOA1, plen=0) /
           IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=70000)]) / UDP(sport=4013, dport=5000) /
           payload(c.tag()))
    c.expect(drops={"malformed": 1})
    return lambda r: None


@case(run, "E9 Hop-by-Hop Router Alert to a HoA: tunnelled with the option intact")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, hlim=7, fl=0x77) / IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
             UDP(sport=4014, dport=5000) / payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1}, bindings={HOA1: {"encap_pkts": 1, "encap_bytes": len(inner)}})

    def verify(r):
        rep.match(c.title, r.take_one(CORE, c.tag()), tunnelled(CORE, R_MAC, COA1, inner))
    return verify


@case(run, "encap: no route to the CoA: to the ingress port's kernel, unchanged")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=CN, dst=HOA4, hlim=20) /
               UDP(sport=4015, dport=5000) / payload(c.tag()))
    c.expect(events={"punt_no_route": 1})

    def verify(r):
        rep.eq(c.title, r.take(TAP[CORE], c.tag()), [f])
        r.take(CORE, c.tag())  # whatever the kernel makes of it is the kernel's business
    return verify


@case(run, "encap: CoA next hop not in the fib: the tunnel packet goes to the egress port's "
      "kernel, which resolves and forwards it")
def _(c):
    inner = (IPv6(src=CN, dst=HOA3, hlim=20, fl=0x300) / UDP(sport=4016, dport=5000) /
             payload(c.tag()))
    c.send(CORE, eth_in(CORE) / inner)
    c.expect(events={"encap": 1, "punt_no_neigh": 1},
             bindings={HOA3: {"encap_pkts": 1, "encap_bytes": len(inner)}})
    c.wait_for(lambda r: r.sent_by_kernel(TAP[CORE], c.tag()))

    def verify(r):
        # Outer hop limit 65: the kernel's forward takes one.
        rep.match(c.title + ": on t-core, to the port's own MAC", r.take_one(TAP[CORE], c.tag()),
                  tunnelled(CORE, MAC[CORE], COA3, inner, hlim=65))
        rep.match(c.title + ": the kernel's forward leaves by the core port",
                  r.take_one(CORE, c.tag()), tunnelled(CORE, COA3_MAC, COA3, inner))
    return verify


sys.exit(h.main())
