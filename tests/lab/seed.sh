#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The seed experiment: a laptop (mn, our mobile node) leaves the home link for
# a foreign link where Debian's radvd advertises 2001:db8:1::/64, registers
# with our Home Agent (mip6ha-cp and mip6ha-dp on af_packet ports), keeps
# answering on its Home Address through the tunnel, comes home and
# deregisters; three round trips. Topology: seed_lab in lib.sh.
#
#   seed.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init seed
command -v radvd >/dev/null || skip "needs radvd"
command -v tcpdump >/dev/null || skip "needs tcpdump"

HOA=2001:db8::beef HA=2001:db8::1 CN=2001:db8:cc::10
seed_start

bul() { mn_bul "$@"; }
state_is() { mn_state_is "$1"; }
hoa_on() { on mn ip -6 addr show dev "$1" | grep -q "inet6 $HOA/"; }
proxied() { on ha ip -6 neigh show proxy dev ha-home | grep -q "^$HOA "; }
bound_at() { mip6ha bc | grep -q "^[0-9]* *$HOA *$1 "; }
cn_ping() { on cn ping -c "$1" -i 0.05 -W 1 "$HOA" >/dev/null; }
encap() { dp_stat events encap; }

check "at home: the HoA on the laptop's interface" wait_for 5 hoa_on eth0
check "at home: state home" wait_for 5 state_is home
check "at home: the CN reaches the HoA" wait_for 5 cn_ping 1
check "at home: no binding at the HA" test "$(mip6ha bc | grep -c "$HOA")" -eq 0

# Trip 2 moves by carrier loss only: the old link's addresses stay, and
# only a new Router Advertisement tells where the laptop is (§11.5.1).
for trip in 1 2 3; do
	how=
	[ "$trip" = 2 ] && how=carrier
	ip netns exec "$lab-fr" tcpdump --immediate-mode -i eth1 -U -w "$tmp/foreign-$trip.pcap" ip6 2>/dev/null &
	dump=$!
	sleep 0.5
	t0=$(date +%s%N)
	mn_move foreign $how
	wait_for 5 state_is bound
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "trip $trip: registered ${ms} ms after the move (<= 2000)" test "$ms" -le 2000
	coa=$(bul coa)
	check "trip $trip: the CoA $coa is radvd's prefix" test "${coa#2001:db8:1:}" != "$coa"
	check "trip $trip: the HA's binding cache has HoA -> CoA" bound_at "$coa"
	if [ "$trip" = 1 ]; then
		printf 'bul\nquit\n' | ip netns exec "$lab-mn" nc -6 -w 3 ::1 7777 >"$tmp/vty-bul.txt"
		check "the laptop's vty (telnet ::1 7777) shows its BUL: bound at $coa" sh -c \
			"grep -q 'hoa 2001:db8::beef status bound' '$tmp/vty-bul.txt' &&
			 grep -qx ' coa $coa flags AH' '$tmp/vty-bul.txt'"
		printf 'bc\nquit\n' | ip netns exec "$lab-ha" nc -6 -w 3 ::1 7777 >"$tmp/vty-bc.txt"
		check "... and the HA's vty its binding: coa $coa flags AH--" \
			grep -qx " coa $coa flags AH--" "$tmp/vty-bc.txt"
	fi
	check "trip $trip: proxy ND for the HoA on the home link" proxied
	check "trip $trip: the HoA lives on the TUN" hoa_on mip6ha-mn
	check "trip $trip: ... and not on the laptop's interface" not hoa_on eth0
	check "trip $trip: the CN pings the HoA away from home" cn_ping 5
	sleep 0.3
	kill "$dump" && { wait "$dump" || true; }
	read -r req rep < <(/usr/bin/python3 "$ROOT/tests/lab/wire.py" "$tmp/foreign-$trip.pcap" \
		tunnel "$HA" "$coa" "$CN" "$HOA")
	check "trip $trip: on the wire, 5 echo requests tunnelled HA -> CoA ($req)" test "$req" -ge 5
	check "trip $trip: on the wire, 5 replies reverse-tunnelled CoA -> HA ($rep)" test "$rep" -ge 5
	/usr/bin/python3 "$ROOT/tests/lab/wire.py" "$tmp/foreign-$trip.pcap" signalling \
		"$HA" "$coa" "$HOA" >"$tmp/sig-$trip.txt"
	seq=$(bul seq)
	check "trip $trip: on the wire, a BU from the CoA with the HAO (seq $seq)" \
		grep -qx "bu $seq" "$tmp/sig-$trip.txt"
	check "trip $trip: ... and its BA, status 0, with the HoA in a type 2 routing header" \
		grep -qx "ba 0 $seq" "$tmp/sig-$trip.txt"

	t0=$(date +%s%N)
	mn_move home $how
	wait_for 5 state_is home
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "trip $trip: deregistered ${ms} ms after coming home (<= 2000)" test "$ms" -le 2000
	"$BUILD/control/mip6ha" -s "$tmp/mn.sock" bul | tail -1
	check "trip $trip: no binding left at the HA" wait_for 2 not sh -c \
		"'$BUILD/control/mip6ha' -c '$cfg' bc | grep -q '$HOA'"
	check "trip $trip: no proxy ND entry left" not proxied
	check "trip $trip: the HoA is back on the laptop's interface" wait_for 2 hoa_on eth0
	n=$(encap)
	check "trip $trip: at home the CN pings the HoA" wait_for 5 cn_ping 1
	check "trip $trip: ... directly, nothing tunnelled" test "$(encap)" -eq "$n"
done
mn_stat() { # mn_stat NAME: one of the mobile node's counters
	"$BUILD/control/mip6ha" -s "$tmp/mn.sock" stats --json | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["mobile_node"][sys.argv[1]])' "$1"
}
check "the laptop answered every BA it got, none ignored" test "$(mn_stat mh_ignored)" -eq 0
check "RFC 4285: every BA the laptop got was signed with its key" \
	test "$(mn_stat ba_unauthenticated)" -eq 0 -a "$(mn_stat ba_rx)" -gt 0
check "... and the HA took only signed BUs (auth.required)" test "$(mip6ha stats --json |
	/usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)["signalling"]
print(s["bu_auth_ok"] > 0 and s["discards"]["unauthenticated"] == 0)')" = True
check "mip6ha bc on the laptop: exit 1, it is a mobile node" sh -c \
	"'$BUILD/control/mip6ha' -s '$tmp/mn.sock' bc | grep -q 'this node is a mobile node';
	 '$BUILD/control/mip6ha' -s '$tmp/mn.sock' bc >/dev/null; test \$? -eq 1"
check "mip6ha bul on the Home Agent: exit 1, it is a Home Agent" sh -c \
	"'$BUILD/control/mip6ha' -c '$cfg' bul | grep -q 'this node is a Home Agent';
	 '$BUILD/control/mip6ha' -c '$cfg' bul >/dev/null; test \$? -eq 1"

# --- home_agent "::": the laptop finds its Home Agent with DHAAD (RFC 6275 §11.4.1).
kill "${pids[-1]}" && wait "${pids[-1]}"
mn_config "$tmp/mn.yaml" <<EOF2
  home_agent: "::"
  max_binding_lifetime: 600
EOF2
start_bg mn "$tmp/mn.log" "$BUILD/control/mip6ha-cp" -c "$tmp/mn.yaml"
wait_for 5 test -S "$tmp/mn.sock"
check "restarted with home_agent \"::\": at home" wait_for 5 state_is home
mn_move foreign
check "away: DHAAD finds $HA and the registration completes" wait_for 5 state_is bound
check "... with the HA from the DHAAD reply" test "$(bul ha)" = "$HA"
dh=$(mn_stat dhaad_tx) dr=$(mn_stat dhaad_rx)
echo "DHAAD requests $dh, replies $dr"
# Normally "1 1". Once in a fresh-clone CI run under ASan it was not (the
# values were not printed then); a request whose reply is lost is retried
# after 3 s (RFC 6275 §11.4.1), which this allows, and no more.
check "... DHAAD requests answered: $dh request(s), $dr reply(ies), at most one retry" \
	test "$dr" -ge 1 -a "$dr" -le "$dh" -a "$dh" -le 2
check "... and the CN pings the HoA" cn_ping 3
mn_move home
check "home again: deregistered" wait_for 5 state_is home
lab_done
