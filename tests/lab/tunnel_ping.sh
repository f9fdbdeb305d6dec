#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A correspondent pings a Home Address and the mobile node answers from its
# care-of address: mip6ha-dp on af_packet ports between network namespaces
# tunnels the echo requests (RFC 2473) and decapsulates the replies the mobile
# node reverse-tunnels (RFC 6275 §10.4.5).
#
#   home ──veth-home── ha ──veth-core──── cn   2001:db8:f::99, default via ::1
#        (nobody home)  │
#                       └──veth-foreign── coa  2001:db8:2::5, the CoA
#
# The HA owns 2001:db8::1 (ha-home), 2001:db8:f::1 (ha-core) and 2001:db8:2::1
# (ha-foreign): it is the foreign link's router too, so the CoA is one hop away
# without a bridge or a router namespace, and the tunnel leaves by another
# port than the one the echo request came in on.
#
#   tunnel_ping.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init tunnel-ping

ha_lab home:home core:cn foreign:coa

ha_config "$tmp/ha.yaml" 1024 home core foreign </dev/null
start_cp ha "$tmp/ha.yaml"
start_dp ha "$tmp/ha.yaml"

on ha ip addr add 2001:db8::1/64 dev ha-home nodad
cn_coa_addrs 2001:db8:2::5 2001:db8:2::6 # ::6: the CoA it moves to

# The mobile node's side of the tunnel logs what arrives and answers pings.
start_bg coa "$tmp/coa.log" /usr/bin/python3 "$ROOT/tests/lab/coa.py" --answer eth0
wait_for 5 grep -q ready "$tmp/coa.log"
tunnelled() { grep -cx "tunnel $1" "$tmp/coa.log"; }

check "without a binding the HoA does not answer" not on cn ping -c 2 -i 0.2 -W 1 2001:db8::beef
check "without a binding nothing reaches the CoA" test "$(tunnelled '.*')" -eq 0
check "without a binding encap is 0" test "$(dp_stat events encap)" -eq 0
# The kernel keeps those echoes queued while it solicits the HoA on the home
# link; the registration's neighbour entry would deliver them late.
on ha ip -6 neigh flush to 2001:db8::beef

mip6ha bc add 2001:db8::beef 2001:db8:2::5 600

# Hop limit 50, so that the inner "sent - 1" cannot pass for a default.
check "ping to the HoA gets 3 replies through the tunnel" \
	on cn ping -c 3 -i 0.2 -W 2 -t 50 2001:db8::beef
check "the CoA gets 3 tunnelled packets" test "$(tunnelled '.*')" -eq 3
want='2001:db8::1 > 2001:db8:2::5 nh 41 hlim 64 inner 2001:db8:f::99 > 2001:db8::beef hlim 49'
check "... from 2001:db8::1 to the CoA, nh 41, hlim 64; inner cn > HoA, hlim 49" \
	test "$(tunnelled "$want icmp6 128 seq [123]")" -eq 3
check "dataplane counts 3 encap" test "$(dp_stat events encap)" -eq 3
check "dataplane counts 3 decap" test "$(dp_stat events decap)" -eq 3
check "binding 2001:db8::beef counts 3 encap_pkts" \
	test "$(dp_stat binding 2001:db8::beef encap_pkts)" -eq 3
check "binding 2001:db8::beef counts 3 decap_pkts" \
	test "$(dp_stat binding 2001:db8::beef decap_pkts)" -eq 3
# no_route counts only frames from the signalling tap: the kernel's MLD
# report and router solicitation on mip6ha-sig, sent before mip6ha-dp
# disables IPv6 there, land in it. The packet path drops nothing.
check "no drops on the packet path" test $(($(dp_stat drops) - $(dp_stat drops no_route))) -eq 0

# The binding moves, then goes: the running dataplane follows each change
# (it caches bindings per worker and must notice both).
mip6ha bc add 2001:db8::beef 2001:db8:2::6 600
check "after the move, ping gets 2 replies" on cn ping -c 2 -i 0.2 -W 2 -t 50 2001:db8::beef
check "... tunnelled to the new CoA 2001:db8:2::6" \
	test "$(tunnelled "2001:db8::1 > 2001:db8:2::6 nh 41 .* icmp6 128 seq [12]")" -eq 2
check "... and no more to the old one" test "$(tunnelled '2001:db8::1 > 2001:db8:2::5 .*')" -eq 3
check "dataplane counts 5 encap, 5 decap" \
	test "$(dp_stat events encap) $(dp_stat events decap)" = "5 5"
mip6ha bc del 2001:db8::beef
check "after deregistration the HoA does not answer" \
	not on cn ping -c 2 -i 0.2 -W 1 2001:db8::beef
check "... and nothing more is tunnelled" test "$(tunnelled '.*')" -eq 5

check "mip6ha-dp exits 0 on SIGTERM" stop_dp
lab_done
