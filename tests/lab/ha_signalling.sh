#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Home Agent end to end: mip6ha-cp and mip6ha-dp (af_packet ports) in one
# namespace, a mobile node's signalling built by Scapy (tests/lab/mn.py) in
# another. The BA is checked byte for byte against Scapy's, the home link's
# Router Advertisement is decoded by Scapy and by tshark, and a correspondent's
# ping reaches the mobile node through the tunnel only while it is registered.
#
#   home ──veth-home── ha ──veth-core──── cn   2001:db8:f::99
#   2001:db8::50        │
#   (a host at home)    └──veth-foreign── coa  2001:db8:2::5, the CoA
#
#   ha_signalling.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init ha-sig
command -v tshark >/dev/null || skip "needs tshark"

ha_lab home:home core:cn foreign:coa

ha_config "$tmp/ha.yaml" 1024 home core foreign <<'EOF'
  max_binding_lifetime: 3600
  preference: 7
  ra: {enabled: true, min_interval: 1, max_interval: 2, lifetime: 600}
EOF
start_cp ha "$tmp/ha.yaml"
start_dp ha "$tmp/ha.yaml"
wait_for 10 grep -q 'signalling on mip6ha-sig' "$tmp/cp.log"
wait_for 10 grep -q 'home link ha-home' "$tmp/cp.log"

on ha ip addr add 2001:db8:f::1/64 dev ha-core nodad
on ha ip addr add 2001:db8:2::1/64 dev ha-foreign nodad
on home ip addr add 2001:db8::50/64 dev eth0 nodad
on cn ip addr add 2001:db8:f::99/64 dev eth0 nodad
on cn ip route add default via 2001:db8:f::1
on coa ip addr add 2001:db8:2::5/64 dev eth0 nodad
on coa ip route add default via 2001:db8:2::1

# No `mip6ha fib` here: the control plane mirrors the kernel's routes and
# neighbours on the taps into the dataplane's fib.
check "the connected route of ha-foreign reaches the fib" \
	wait_for 5 sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib | grep -q '^route 2001:db8:2::/64 dev ha-foreign'"
on ha ip -6 route add 2001:db8:77::/64 via 2001:db8:f::99 dev ha-core
check "a route added with ip -6 route add reaches the fib" \
	wait_for 5 sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib |
		grep -q '^route 2001:db8:77::/64 via 2001:db8:f::99 dev ha-core'"
check "... and the running dataplane builds its next hops from that generation" wait_fib
on ha ip -6 route del 2001:db8:77::/64
check "... and its deletion too" \
	wait_for 5 not sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib | grep -q '^route 2001:db8:77::/64'"

mn() { on coa /usr/bin/python3 "$ROOT/tests/lab/mn.py" "$@"; }
home_mn() { on home /usr/bin/python3 "$ROOT/tests/lab/mn.py" "$@"; }
has() { grep -qx -- "$2" "$1"; }
cp_stat() { # cp_stat SECTION NAME...: one counter from `mip6ha stats --json`
	mip6ha stats --json | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$@"
}
bc_has() { mip6ha bc | grep -q -- "$1"; }
HA=2001:db8::1 HOA=2001:db8::beef COA=2001:db8:2::5
ha_mac=$(on ha cat /sys/class/net/ha-home/address)

# --- The home link: an RA, decoded by Scapy and by tshark.
home_mn ra eth0 >"$tmp/ra.txt"
check "RA: H flag, hop limit 255, router lifetime 3 × max_interval" \
	grep -q "^RA src fe80::.* dst ff02::1 hlim 255 H 1 M 0 O 0 routerlifetime 6$" "$tmp/ra.txt"
check "RA: the prefix with L, A and R, carrying the HA's whole address" \
	has "$tmp/ra.txt" "prefix $HA/64 L 1 A 1 R 1 valid 86400 preferred 14400"
check "RA: Home Agent Information, preference 7, lifetime 600" \
	has "$tmp/ra.txt" "hainfo preference 7 lifetime 600"
check "RA: Advertisement Interval 2000 ms" has "$tmp/ra.txt" "advinterval 2000"
check "RA: source link-layer address is ha-home's" has "$tmp/ra.txt" "sllao $ha_mac"
on home timeout 8 tshark -i eth0 -c 1 -l -V -f 'icmp6 and ip6[40] == 134' >"$tmp/ra.tshark" \
	2>"$tmp/tshark.log" || true
check "tshark: Home Agent flag set" grep -q '\.\.1\. \.\.\.\. = Home Agent: Set' "$tmp/ra.tshark"
# tshark 4.0 labels the option's lifetime "Home Agent Preference" too.
check "tshark: Home Agent Information option, preference 7, lifetime 600" \
	sh -c "grep -A5 'Option (Home Agent Information)' '$tmp/ra.tshark' |
		grep -q 'Home Agent Preference: 7' &&
		grep -A6 'Option (Home Agent Information)' '$tmp/ra.tshark' | grep -q ': 600$'"
check "tshark: prefix with the Router address flag" grep -q 'Router address flag(R): Set' "$tmp/ra.tshark"
check "tshark: Advertisement Interval 2000" grep -q 'Advertisement Interval: 2000' "$tmp/ra.tshark"
home_mn rs eth0 --timeout 3 >"$tmp/rs.txt"
check "an RS gets an RA at once" grep -q "^RA src fe80::.* H 1 " "$tmp/rs.txt"
lla=$(on home ip -6 addr show dev eth0 scope link | sed -n 's/.*inet6 \(fe80::[^/]*\).*/\1/p')
home_mn rs eth0 --src "$lla" --timeout 3 >"$tmp/rs-unicast.txt"
check "an RS from $lla gets a unicast RA with hop limit 255 (RFC 4861 §6.1.2)" \
	grep -q "^RA src fe80::.* dst $lla hlim 255 " "$tmp/rs-unicast.txt"

# --- DHAAD from the foreign link to the home agents anycast address.
mn dhaad eth0 --src $COA --dst 2001:db8::fdff:ffff:ffff:fffe --id 777 >"$tmp/dhaad.txt"
check "DHAAD reply: same id, from the HA's address, lists it" \
	has "$tmp/dhaad.txt" "DHAAD id 777 src $HA dst $COA addrs $HA"

# --- A first registration: DAD on the home link, then the BA.
start_bg home "$tmp/una.txt" /usr/bin/python3 "$ROOT/tests/lab/mn.py" na eth0 --target $HOA --timeout 8
start_bg coa "$tmp/tun.log" /usr/bin/python3 "$ROOT/tests/lab/coa.py" --answer eth0
wait_for 5 grep -q ready "$tmp/tun.log"
check "before registration the HoA does not answer" not on cn ping -c 1 -W 1 $HOA
# The kernel keeps that echo queued while it solicits the HoA on the home link;
# the registration's neighbour entry would deliver it late and skew the counts.
on ha ip -6 neigh flush to $HOA dev ha-home
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 100 --lifetime 1000 --want 0 100 900 450 \
	>"$tmp/ba1.txt"
check "BA status 0, seq 100, lifetime capped to 3600 s (900 units), refresh 450, RH2 = HoA" \
	has "$tmp/ba1.txt" "BA status 0 seq 100 lifetime 900 refresh 450 rh2 $HOA src $HA dst $COA flags 0"
check "... equal byte for byte to Scapy's BA" has "$tmp/ba1.txt" "bytes match"
check "DAD ran once" test "$(cp_stat signalling dad_started)" -eq 1
check "bc lists the binding with the CoA and seq 100" bc_has "$HOA *$COA .* 100"
wait_for 8 grep -q "^NA" "$tmp/una.txt"
check "an unsolicited NA for the HoA on the home link, O set, the HA's MAC" \
	grep -q "^NA target $HOA tllao $ha_mac R 0 S 0 O 1 src fe80::.* dst ff02::1 hlim 255" \
		"$tmp/una.txt"
check "a proxy neighbour entry for the HoA on ha-home" \
	sh -c "ip netns exec $lab-ha ip -6 neigh show proxy dev ha-home | grep -q '^$HOA '"
home_mn ns eth0 --target $HOA --src 2001:db8::50 >"$tmp/pna.txt"
check "a Neighbor Solicitation for the HoA is answered by the HA (proxy NA)" \
	grep -q "^NA target $HOA tllao $ha_mac R 0 S 1 O 0 " "$tmp/pna.txt"
check "a correspondent's ping reaches the mobile node through the tunnel" \
	on cn ping -c 2 -i 0.2 -W 2 $HOA
check "... encapsulated from the HA to the CoA" \
	grep -q "^tunnel $HA > $COA nh 41 .* inner 2001:db8:f::99 > $HOA .* icmp6 128" "$tmp/tun.log"
bc_json() { # bc_json HOA FIELD: one field of the HoA's binding in `mip6ha bc --json`
	mip6ha bc --json | /usr/bin/python3 -c '
import json, sys
print(next(b[sys.argv[2]] for b in json.load(sys.stdin)["bindings"] if b["hoa"] == sys.argv[1]))' "$@"
}
check "bc counts 2 packets to the mobile node and 2 from it (104-byte echoes)" \
	test "$(bc_json $HOA to_mn_pkts) $(bc_json $HOA to_mn_bytes) $(bc_json $HOA from_mn_pkts)" = "2 208 2"
check "the HA host's own ping reaches the mobile node too (a neighbour entry into the tap)" \
	on ha ping -c 1 -W 2 $HOA
check "... that entry is the kernel's, not a next hop in the dataplane's fib" \
	not sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib | grep -q '^neigh $HOA '"

# --- Mobile Prefix Discovery (RFC 6275 §10.6), from the registered MN.
mn mps eth0 --coa $COA --ha $HA --hoa $HOA --id 4321 >"$tmp/mpa.txt"
check "MPS: an MPA with the same id, to the CoA, RH2 = HoA" \
	has "$tmp/mpa.txt" "MPA id 4321 src $HA dst $COA rh2 $HOA flags 0"
check "... the home prefix with L, A and R, carrying the HA's whole address" \
	has "$tmp/mpa.txt" "prefix $HA/64 L 1 A 1 R 1 valid 86400 preferred 14400"
check "... equal byte for byte to Scapy's MPA, checksum included" has "$tmp/mpa.txt" "bytes match"

# --- Sequence numbers, modulo 2^16 (RFC 6275 §9.5.1).
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 100 --lifetime 100 >"$tmp/ba2.txt"
check "the same sequence number: 135 with the last accepted (100), binding untouched" \
	grep -q "^BA status 135 seq 100 lifetime 0 " "$tmp/ba2.txt"
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 33000 --lifetime 100 >"$tmp/ba3.txt"
check "100 + 32900 is older modulo 2^16: 135" grep -q "^BA status 135 seq 100 " "$tmp/ba3.txt"
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 101 --lifetime 100 --flags H >"$tmp/ba4.txt"
check "seq 101, A = 0: accepted, and a BA all the same (lifetime 100, refresh 50)" \
	grep -q "^BA status 0 seq 101 lifetime 100 refresh 50 " "$tmp/ba4.txt"

# --- Statuses and errors.
mn bu eth0 --coa $COA --ha $HA --hoa 2001:db8:99::1 --seq 1 --lifetime 100 >"$tmp/ba5.txt"
check "a HoA outside the home prefix: 132" grep -q "^BA status 132 seq 1 " "$tmp/ba5.txt"
on home ip addr add 2001:db8::dead/64 dev eth0 # the kernel defends it in DAD
mn bu eth0 --coa $COA --ha $HA --hoa 2001:db8::dead --seq 1 --lifetime 100 >"$tmp/ba6.txt"
check "a HoA in use on the home link: DAD fails, 134" grep -q "^BA status 134 seq 1 " "$tmp/ba6.txt"
check "... and no binding for it" not bc_has 2001:db8::dead
mh_hex() { # mh_hex TYPE PROTO: a Scapy MH of that type and Payload Proto, with a HAO
	/usr/bin/python3 -c '
import sys
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO, MIP6MH_Generic, MIP6MH_BU
t, nh = int(sys.argv[1]), int(sys.argv[2])
body = MIP6MH_BU(nh=nh, seq=7, mhtime=10) if t == 5 else MIP6MH_Generic(mhtype=t, nh=nh, msg=b"\0" * 10)
print(bytes(IPv6(src=sys.argv[3], dst=sys.argv[4]) / IPv6ExtHdrDestOpt(options=[HAO(hoa=sys.argv[5])]) / body).hex())
' "$1" "$2" $COA $HA $HOA
}
mn raw eth0 --hex "$(mh_hex 200 59)" >"$tmp/be.txt"
check "MH type 200: Binding Error status 2 about the HoA" \
	grep -q "^BE status 2 hoa $HOA src $HA dst $COA" "$tmp/be.txt"
mn raw eth0 --hex "$(mh_hex 5 58)" >"$tmp/pp.txt"
check "Payload Proto 58: Parameter Problem code 0, pointer 64" \
	grep -q "^ICMP6 type 4 code 0 ptr 64 src $HA dst $COA" "$tmp/pp.txt"

# --- The control plane restarts: bindings, timers and sequence numbers stay.
kill -TERM "${pids[0]}" && wait "${pids[0]}"
start_bg ha "$tmp/cp2.log" "$BUILD/control/mip6ha-cp" -c "$cfg"
wait_for 10 grep -q 'signalling on mip6ha-sig' "$tmp/cp2.log"
check "the restarted control plane adopted 1 binding" \
	grep -q 'adopted, capacity 1024, 1 bindings' "$tmp/cp2.log"
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 101 --lifetime 100 >"$tmp/ba7.txt"
check "after the restart, seq 101 again: 135 with 101" grep -q "^BA status 135 seq 101 " "$tmp/ba7.txt"

# --- Deregistration.
mn bu eth0 --coa $COA --ha $HA --hoa $HOA --seq 103 --lifetime 0 >"$tmp/ba8.txt"
check "lifetime 0: deregistered, BA status 0" grep -q "^BA status 0 seq 103 lifetime 0 " "$tmp/ba8.txt"
check "... the binding is gone" not bc_has "$HOA"
check "... and its proxy entry" \
	not sh -c "ip netns exec $lab-ha ip -6 neigh show proxy dev ha-home | grep -q '^$HOA '"
n=$(grep -c "^tunnel $HA > $COA" "$tmp/tun.log")
check "... and the correspondent's ping no longer reaches the mobile node" \
	not on cn ping -c 2 -i 0.2 -W 1 $HOA
check "... nothing more tunnelled" test "$(grep -c "^tunnel $HA > $COA" "$tmp/tun.log")" -eq "$n"

# --- Expiry: a 4-second binding goes by itself.
mn bu eth0 --coa $COA --ha $HA --hoa 2001:db8::b0b --seq 1 --lifetime 1 >"$tmp/ba9.txt"
check "a 4 s registration is accepted" grep -q "^BA status 0 seq 1 lifetime 1 refresh 0 " "$tmp/ba9.txt"
check "... and expires within 6 s" wait_for 6 not bc_has 2001:db8::b0b
check "BA status histogram after the restart: 0 ×2, 135 ×1" \
	test "$(cp_stat signalling ba_status 0) $(cp_stat signalling ba_status 135)" = "2 1"
check "mip6ha-dp exits 0 on SIGTERM" stop_dp
lab_done
