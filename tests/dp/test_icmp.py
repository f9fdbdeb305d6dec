#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
ICMPv6 errors about tunnel packets (bad-input matrix 5.8, RFC 2473 §8): a
router between the HA and a care-of address reports a problem with a tunnel
packet; the HA relays what RFC 2473 §8 says to the inner packet's source,
quoting the inner packet, and discards errors about packets it never sent.
    test_icmp.py MIP6HA_CP MIP6HA MIP6HA_DP [--mutate] [--keep]
"""
import sys

# dpharness first: it skips (77) where Scapy is missing.
from dpharness import (Harness, case, eth_in, payload, CORE, MAC, TAP, HA, R_MAC, CN, HOA1,
                       COA1, COA2)
from scapy.all import (Ether, IPv6, UDP, Raw, raw, ICMPv6DestUnreach, ICMPv6PacketTooBig,
                       ICMPv6ParamProblem, ICMPv6TimeExceeded, ICMPv6EchoRequest)

RT = "2001:db8:7::fe"  # a router on the path to COA1

h = Harness(sys.argv)
rep = h.report
run = h.run("icmp")


def inner_udp(tag, size=0, src=CN, dst=HOA1):
    return IPv6(src=src, dst=dst, hlim=29, fl=0x3131) / UDP(sport=4300, dport=5000) / payload(
        tag, size)


def sent(inner, src=HA, coa=COA1, tel=None):
    """A tunnel packet as the HA sends it (RFC 2473 §3, §5.1)."""
    outer = IPv6(src=src, dst=coa, hlim=64, fl=0x3131, nh=41)
    if tel is None:
        return raw(outer / inner)
    outer.nh = 60
    return raw(outer / Raw(bytes([41, 0, 4, 1, tel, 1, 1, 0])) / inner)


def error(icmp, quote):
    """The router's error to the HA, quoting as much as fits in 1280 bytes (RFC 4443 §2.4(c))."""
    return eth_in(CORE) / IPv6(src=RT, dst=HA, hlim=61) / icmp / Raw(quote[:1280 - 48])


def relayed(icmp, inner, qlen=1280 - 48):
    """What RFC 2473 §8 sends the original source: from the HA, quoting the inner packet."""
    return (Ether(dst=R_MAC, src=MAC[CORE]) / IPv6(src=HA, dst=CN, hlim=64) / icmp /
            Raw(raw(inner)[:qlen]))


@case(run, "I1 Time Exceeded about a tunnel packet: Destination Unreachable code 3 to the source")
def _(c):
    inner = inner_udp(c.tag())
    c.send(CORE, error(ICMPv6TimeExceeded(code=0), sent(inner)))
    c.expect(events={"icmp_relayed": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               relayed(ICMPv6DestUnreach(code=3), inner))


@case(run, "I2 Destination Unreachable (codes 1 and 4): Destination Unreachable code 3")
def _(c):
    inner = [inner_udp(c.tag(i)) for i in (0, 1)]
    for i, code in enumerate((1, 4)):
        c.send(CORE, error(ICMPv6DestUnreach(code=code), sent(inner[i])))
    c.expect(events={"icmp_relayed": 2})

    def verify(r):
        for i in (0, 1):
            rep.match("%s: code %d" % (c.title, (1, 4)[i]), r.take_one(CORE, c.tag(i)),
                      relayed(ICMPv6DestUnreach(code=3), inner[i]))
    return verify


@case(run, "I3 Packet Too Big 1400 about a 1400-byte inner packet: Packet Too Big 1360")
def _(c):
    inner = inner_udp(c.tag(), 1352)
    assert len(inner) == 1400
    c.send(CORE, error(ICMPv6PacketTooBig(mtu=1400), sent(inner)))
    c.expect(events={"icmp_relayed": 1})
    # The router's quote held 1232 bytes of the tunnel packet: 1192 of the inner one.
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               relayed(ICMPv6PacketTooBig(mtu=1360), inner, 1192))


@case(run, "I3 Packet Too Big 1300 about a 1300-byte inner packet: Packet Too Big 1280 (minimum)")
def _(c):
    inner = inner_udp(c.tag(), 1252)
    c.send(CORE, error(ICMPv6PacketTooBig(mtu=1300), sent(inner)))
    c.expect(events={"icmp_relayed": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               relayed(ICMPv6PacketTooBig(mtu=1280), inner, 1192))


@case(run, "I3 Packet Too Big 1400 about a 500-byte inner packet: nothing to relay")
def _(c):
    c.send(CORE, error(ICMPv6PacketTooBig(mtu=1400), sent(inner_udp(c.tag(), 452))))
    c.expect(drops={"icmp_no_relay": 1})
    return lambda r: None


@case(run, "I4 Parameter Problem at our encapsulation limit 0 (pointer 44): Destination "
      "Unreachable code 3")
def _(c):
    inner = inner_udp(c.tag())
    c.send(CORE, error(ICMPv6ParamProblem(code=0, ptr=44), sent(inner, tel=0)))
    c.expect(events={"icmp_relayed": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()),
                               relayed(ICMPv6DestUnreach(code=3), inner))


@case(run, "I5 other Parameter Problems (pointer 6; pointer 44 without our option): not relayed")
def _(c):
    c.send(CORE, error(ICMPv6ParamProblem(code=0, ptr=6), sent(inner_udp(c.tag(0)))))
    c.send(CORE, error(ICMPv6ParamProblem(code=0, ptr=44), sent(inner_udp(c.tag(1)))))
    c.expect(drops={"icmp_no_relay": 2})
    return lambda r: None


@case(run, "I6 quote cut inside the outer header, inside the inner header, empty: discarded")
def _(c):
    q = sent(inner_udp(c.tag()))
    for n in (20, 60, 0):
        c.send(CORE, error(ICMPv6TimeExceeded(code=0), q[:n]))
    c.expect(drops={"icmp_bad_quote": 3})
    return lambda r: None


@case(run, "I7 quoted tunnel packet the HA never sent (other source, CoA not bound to that HoA, "
      "HoA not bound): discarded")
def _(c):
    c.send(CORE, error(ICMPv6TimeExceeded(), sent(inner_udp(c.tag(0)), src="2001:db8::5")))
    c.send(CORE, error(ICMPv6TimeExceeded(), sent(inner_udp(c.tag(1)), coa=COA2)))
    c.send(CORE, error(ICMPv6TimeExceeded(), sent(inner_udp(c.tag(2), dst="2001:db8::999"))))
    c.expect(drops={"icmp_bad_quote": 3})
    return lambda r: None


@case(run, "I7 quoted outer Dest-Opt not followed by an inner packet: discarded")
def _(c):
    q = raw(IPv6(src=HA, dst=COA1, nh=60) / Raw(bytes([17, 0, 4, 1, 3, 1, 1, 0])) /
            UDP(sport=4301, dport=5000) / payload(c.tag()))
    c.send(CORE, error(ICMPv6TimeExceeded(), q))
    c.expect(drops={"icmp_bad_quote": 1})
    return lambda r: None


@case(run, "errors not about a tunnel packet (quoting ICMPv6, UDP): to the kernel, unchanged")
def _(c):
    fs = [c.send(CORE, error(ICMPv6TimeExceeded(),
                             raw(IPv6(src=HA, dst=COA1) / ICMPv6EchoRequest(data=c.tag(0))))),
          c.send(CORE, error(ICMPv6DestUnreach(code=4),
                             raw(IPv6(src=HA, dst=COA1) / UDP() / payload(c.tag(1)))))]
    c.expect(events={"punt_tap": 2})

    def verify(r):
        for i, f in enumerate(fs):
            rep.eq("%s: error %d on t-core" % (c.title, i), r.take(TAP[CORE], c.tag(i)), [raw(f)])
    return verify


@case(run, "RFC 4443 §2.4(e): an error about a tunnelled ICMPv6 error is not relayed")
def _(c):
    inner = (IPv6(src=CN, dst=HOA1, hlim=29) / ICMPv6DestUnreach(code=1) /
             IPv6(src=HOA1, dst=CN) / UDP() / payload(c.tag()))
    c.send(CORE, error(ICMPv6TimeExceeded(code=0), sent(inner)))
    c.expect(drops={"icmp_no_relay": 1})
    return lambda r: None


flood = h.run("icmp-flood")


@case(flood, "I8 15 errors at once: 10 relayed (token bucket burst), the rest rate-limited")
def _(c):
    for i in range(15):
        c.send(CORE, error(ICMPv6TimeExceeded(), sent(inner_udp(c.tag(i)))))
    c.loose(drops=["rate_limited"], events=["icmp_relayed"])

    def verify(r):
        st = r.stats["dataplane"]
        n, lim = st["events"]["icmp_relayed"], st["drops"]["rate_limited"]
        # 100 tokens/s: another one may have dripped in while the burst was read.
        rep.true(c.title + ": 10 or 11 relayed", n in (10, 11), "%d relayed" % n)
        rep.eq(c.title + ": the others counted rate_limited", lim, 15 - n)
        out = [f for i in range(15) for f in r.take(CORE, c.tag(i))]
        rep.eq(c.title + ": as many relayed errors on the wire", len(out), n)
    return verify


sys.exit(h.main())
