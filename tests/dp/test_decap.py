#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
The reverse tunnel (bad-input matrix 5.7, RFC 6275 §10.4.5, RFC 2473, RFC 6040
§4.2): accepted only from the registered care-of address to the binding's HA
address, then routed like any packet; spoofed, unknown, malformed, nested,
fragmented, looping and ECN-inconsistent tunnel packets are discarded.
    test_decap.py MIP6HA_CP MIP6HA MIP6HA_DP [--mutate] [--keep]
"""
import sys

# dpharness first: it skips (77) where Scapy is missing.
from dpharness import (Harness, case, eth_in, payload, tunnelled, HOME, CORE, MAC, TAP,
                       HA, HA2, R, R_MAC, K_CORE, HGW_MAC, HN, HN_MAC, CN, HOA1, COA1, HOA2,
                       COA2)
from scapy.all import (Ether, IP, IPv6, UDP, Raw, raw, ICMPv6TimeExceeded, ICMPv6DestUnreach,
                       IPv6ExtHdrFragment)

h = Harness(sys.argv)
rep = h.report
run = h.run("decap", kernel_neigh=[(CORE, R, R_MAC, K_CORE)])


def reverse(inner, src=COA1, dst=HA, tc=0, ext=None):
    """A reverse-tunnel frame from the MN's CoA, as it arrives on the core port."""
    outer = IPv6(src=src, dst=dst, tc=tc, hlim=60, nh=41)
    if ext is not None:
        outer.nh = ext[0][0]
        return eth_in(CORE) / outer / Raw(ext[1]) / inner
    return eth_in(CORE) / outer / inner


def inner_udp(tag, src=HOA1, dst=CN, **kw):
    kw.setdefault("hlim", 20)
    kw.setdefault("fl", 0x2468)
    return IPv6(src=src, dst=dst, **kw) / UDP(sport=4200, dport=5000) / payload(tag)


def routed(port, dst_mac, inner, tc=None):
    """The inner packet as a router forwards it: hop limit - 1, new Ethernet header."""
    i = IPv6(raw(inner))
    i.hlim -= 1
    if tc is not None:
        i.tc = tc
    return Ether(dst=dst_mac, src=MAC[port]) / i


def kernel_error_back(what, frame, kind, code, inner, hlim_dec=0):
    """The kernel's ICMPv6 error to the HoA, tunnelled to its CoA by mip6ha-dp.
    @return its length, for the binding's encap_bytes (the kernel chose it)."""
    p = Ether(frame) if frame else None
    err = p and p[IPv6].nh == 41 and IPv6(raw(p[IPv6].payload))
    quote = bytearray(raw(inner))
    quote[7] -= hlim_dec
    rep.eq(what + " to the HoA, tunnelled to its CoA, quoting the inner packet",
           err and kind in err and (p.dst, p[IPv6].src, p[IPv6].dst, err.dst, err[kind].code,
                                    raw(err[kind].payload)),
           (R_MAC, HA, COA1, HOA1, code, bytes(quote)))
    return len(err) if err else 0


def decap_ok(c, n_bytes, n=1):
    c.expect(events={"decap": n}, bindings={HOA1: {"decap_pkts": n, "decap_bytes": n_bytes}})


@case(run, "decap: from the registered CoA, routed on with hop limit - 1")
def _(c):
    inner = inner_udp(c.tag(), tc=0x28)
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(events={"forward": 1})
    return lambda r: rep.match(c.title, r.take_one(CORE, c.tag()), routed(CORE, R_MAC, inner))


@case(run, "decap: to a node on the home link, out of the home port")
def _(c):
    inner = inner_udp(c.tag(), dst=HN)
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(events={"forward": 1})
    return lambda r: rep.match(c.title, r.take_one(HOME, c.tag()), routed(HOME, HN_MAC, inner))


@case(run, "D8 Dest-Opt, and Hop-by-Hop + Dest-Opt, before the inner packet: chain parsed")
def _(c):
    inner = [inner_udp(c.tag(i)) for i in (0, 1)]
    c.send(CORE, reverse(inner[0], ext=(b"\x3c", bytes([41, 0, 1, 4, 0, 0, 0, 0]))))
    c.send(CORE, reverse(inner[1], ext=(b"\x00", bytes([60, 0, 1, 4, 0, 0, 0, 0]) +
                                        bytes([41, 0, 1, 4, 0, 0, 0, 0]))))
    decap_ok(c, len(inner[0]) + len(inner[1]), 2)
    c.expect(events={"forward": 2})

    def verify(r):
        for i in (0, 1):
            rep.match("%s: packet %d" % (c.title, i), r.take_one(CORE, c.tag(i)),
                      routed(CORE, R_MAC, inner[i]))
    return verify


@case(run, "D1 outer source is not the HoA's registered CoA: discarded")
def _(c):
    c.send(CORE, reverse(inner_udp(c.tag()), src=COA2))
    c.expect(drops={"spoofed": 1})
    return lambda r: None


@case(run, "D3 outer destination is another HA address than the binding's: discarded")
def _(c):
    c.send(CORE, reverse(inner_udp(c.tag()), dst=HA2))
    c.expect(drops={"spoofed": 1})
    return lambda r: None


@case(run, "D2 inner source not bound (in and outside the home prefix): discarded")
def _(c):
    for i, src in enumerate(("2001:db8::999", CN)):
        c.send(CORE, reverse(inner_udp(c.tag(i), src=src, dst="2001:db8:5::77")))
    c.expect(drops={"unknown_hoa": 2})
    return lambda r: None


@case(run, "D2 inner source link-local, multicast, ::, ::1, v4-mapped: discarded")
def _(c):
    for i, src in enumerate(("fe80::100", "ff02::1", "::", "::1", "::ffff:192.0.2.1")):
        c.send(CORE, reverse(inner_udp(c.tag(i), src=src)))
    c.expect(drops={"bad_inner_src": 5})
    return lambda r: None


@case(run, "D4 inner truncated (Payload Length 1000 in 48 bytes), not version 6, shorter than "
      "a header: discarded")
def _(c):
    ok = raw(inner_udp(c.tag(0)))
    c.send(CORE, reverse(Raw(ok[:4] + (1000).to_bytes(2, "big") + ok[6:48])))
    c.send(CORE, reverse(Raw(bytes([0x40]) + ok[1:])))
    c.send(CORE, reverse(Raw(ok[:20])))
    c.expect(drops={"malformed": 3})
    return lambda r: None


@case(run, "D5 nested IPv6-in-IPv6 and IPv4-in-IPv6 inside the reverse tunnel: discarded")
def _(c):
    c.send(CORE, reverse(IPv6(src=HOA1, dst=CN) / inner_udp(c.tag(0))))
    c.send(CORE, reverse(IPv6(src=HOA1, dst=CN) / IP(src="192.0.2.1", dst="192.0.2.2") /
                         UDP() / payload(c.tag(1))))
    c.expect(drops={"nested_tunnel": 2})
    return lambda r: None


@case(run, "D6 inner destination is the sender's own HoA: discarded (loop)")
def _(c):
    c.send(CORE, reverse(inner_udp(c.tag(), dst=HOA1)))
    c.expect(drops={"decap_loop": 1})
    return lambda r: None


@case(run, "D6 inner destination is another MN served here: re-tunnelled to its CoA (hairpin)")
def _(c):
    inner = inner_udp(c.tag(), dst=HOA2, tc=0x48, fl=0x13579)
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(events={"hairpin": 1, "encap": 1},
             bindings={HOA2: {"encap_pkts": 1, "encap_bytes": len(inner)}})
    return lambda r: rep.match(c.title, r.take_one(HOME, c.tag()),
                               tunnelled(HOME, HGW_MAC, COA2, inner))


@case(run, "D7 outer packet fragmented (first fragment, atomic fragment): discarded by policy")
def _(c):
    full = raw(inner_udp(c.tag(0)))
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
           IPv6ExtHdrFragment(nh=41, offset=0, m=1, id=7) / Raw(full[:48]))
    c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
           IPv6ExtHdrFragment(nh=41, offset=0, m=0, id=8) / Raw(raw(inner_udp(c.tag(1)))))
    c.expect(drops={"tunnel_fragment": 2})
    return lambda r: None


@case(run, "D7 non-first fragment of a tunnel packet: to the kernel, never checked alone")
def _(c):
    f = c.send(CORE, eth_in(CORE) / IPv6(src=COA1, dst=HA) /
               IPv6ExtHdrFragment(nh=41, offset=6, m=0, id=7) / payload(c.tag()))
    c.expect(events={"punt_tap": 1})
    return lambda r: rep.eq(c.title, r.take(TAP[CORE], c.tag()), [f])


@case(run, "D9 inner hop limit 1 and 0: decapsulated, to the kernel, whose Time Exceeded is "
      "tunnelled back to the HoA")
def _(c):
    inner = {hl: inner_udp(c.tag(hl), hlim=hl) for hl in (1, 0)}
    for hl in (1, 0):
        c.send(CORE, reverse(inner[hl]))
    decap_ok(c, 2 * len(inner[1]), 2)
    c.expect(events={"punt_hoplimit": 2, "encap": 2})

    c.expect(bindings={HOA1: {"encap_pkts": 2}})
    c.wait_for(lambda r: all(r.sent_by_kernel(TAP[CORE], c.tag(hl)) for hl in (1, 0)))

    def verify(r):
        n = 0
        for hl in (1, 0):
            rep.match("%s: hop limit %d: decapsulated packet on t-core" % (c.title, hl),
                      r.take_one(TAP[CORE], c.tag(hl)),
                      Ether(dst=MAC[CORE], src=R_MAC) / inner[hl])
            n += kernel_error_back("%s: hop limit %d: Time Exceeded code 0" % (c.title, hl),
                                   r.take_one(CORE, c.tag(hl)), ICMPv6TimeExceeded, 0,
                                   inner[hl])
        c.bindings[HOA1]["encap_bytes"] = n
    return verify


@case(run, "D10 outer CE, inner Not-ECT: discarded (RFC 6040 §4.2)")
def _(c):
    c.send(CORE, reverse(inner_udp(c.tag(), tc=0xB8), tc=0x03))
    c.expect(drops={"ecn_ce_not_ect": 1})
    return lambda r: None


@case(run, "D10 outer CE marks an ECT inner CE; other outer codepoints and the outer DSCP "
      "leave the inner alone")
def _(c):
    # (outer tc, inner tc, inner tc after): RFC 6040 §4.2 table, DSCP never copied inward.
    combos = [(0x03, 0xBA, 0xBB), (0xFF, 0x01, 0x03), (0x22, 0x00, 0x00), (0x02, 0x29, 0x29)]
    inner = [inner_udp(c.tag(i), tc=ti) for i, (_, ti, _) in enumerate(combos)]
    for i, (to, _, _) in enumerate(combos):
        c.send(CORE, reverse(inner[i], tc=to))
    decap_ok(c, sum(len(p) for p in inner), len(combos))
    c.expect(events={"forward": len(combos)})

    def verify(r):
        for i, (to, ti, ta) in enumerate(combos):
            rep.match("%s: outer 0x%02x inner 0x%02x -> 0x%02x" % (c.title, to, ti, ta),
                      r.take_one(CORE, c.tag(i)), routed(CORE, R_MAC, inner[i], tc=ta))
    return verify


@case(run, "decap: inner destination behind a blackhole route: discarded")
def _(c):
    inner = inner_udp(c.tag(), dst="2001:db8:bad::1")
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(drops={"blackhole": 1})
    return lambda r: None


@case(run, "decap: no route for the inner destination: decapsulated packet to the kernel")
def _(c):
    inner = inner_udp(c.tag(), dst="2001:db8:77::1")
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(events={"punt_no_route": 1})

    def verify(r):
        rep.match(c.title, r.take_one(TAP[CORE], c.tag()),
                  Ether(dst=MAC[CORE], src=R_MAC) / inner)
        r.take(CORE, c.tag())  # the kernel routes it with its own table
    return verify


@case(run, "decap: inner destination link-local: to the kernel, whose DU3 is tunnelled back to "
      "the HoA")
def _(c):
    inner = inner_udp(c.tag(), dst="fe80::1")
    c.send(CORE, reverse(inner))
    decap_ok(c, len(inner))
    c.expect(events={"punt_tap": 1, "encap": 1}, bindings={HOA1: {"encap_pkts": 1}})
    c.wait_for(lambda r: r.sent_by_kernel(TAP[CORE], c.tag()))

    def verify(r):
        rep.match(c.title + ": decapsulated packet on t-core", r.take_one(TAP[CORE], c.tag()),
                  Ether(dst=MAC[CORE], src=R_MAC) / inner)
        # The kernel forwarded it (hop limit - 1) before address resolution failed.
        c.bindings[HOA1]["encap_bytes"] = kernel_error_back(
            c.title + ": Destination Unreachable code 3", r.take_one(CORE, c.tag()),
            ICMPv6DestUnreach, 3, inner, hlim_dec=1)
    return verify


@case(run, "decap fast path: a flow in later bursts (source cached, destination known "
      "unbound) is routed, and its spoofed and ECN-inconsistent packets are still discarded")
def _(c):
    # More than a burst (32) of one flow first, so what follows meets a warm cache.
    warm = [inner_udp(c.tag(i)) for i in range(40)]
    marked = inner_udp(c.tag(40), tc=0xBA)
    for p in warm:
        c.send(CORE, reverse(p))
    c.send(CORE, reverse(inner_udp(c.tag(41)), src=COA2))  # D1
    c.send(CORE, reverse(inner_udp(c.tag(42)), dst=HA2))  # D3
    c.send(CORE, reverse(inner_udp(c.tag(43), tc=0xB8), tc=0x03))  # D10
    c.send(CORE, reverse(marked, tc=0x03))
    decap_ok(c, sum(len(p) for p in warm) + len(marked), len(warm) + 1)
    c.expect(events={"forward": len(warm) + 1},
             drops={"spoofed": 2, "ecn_ce_not_ect": 1})

    def verify(r):
        for i, p in enumerate(warm):
            rep.match("%s: packet %d" % (c.title, i), r.take_one(CORE, c.tag(i)),
                      routed(CORE, R_MAC, p))
        rep.match(c.title + ": outer CE marks the ECT inner CE", r.take_one(CORE, c.tag(40)),
                  routed(CORE, R_MAC, marked, tc=0xBB))
    return verify


sys.exit(h.main())
