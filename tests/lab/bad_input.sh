#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The control plane against the bad-input matrix, sections 5.2 - 5.5
# (../shared/spec/bad-input-matrix.md): tests/lab/bad_input.py sends each row's
# packets (Scapy) from the foreign link and from the home link to the full HA
# (mip6ha-cp and mip6ha-dp on af_packet ports) and checks the answer, the
# binding table and the proxy entries; at the end both daemons must still run.
# run-tests runs it in the AddressSanitizer build too.
#
#   home ──veth-home── ha ──veth-foreign── coa  2001:db8:2::5
#   2001:db8::50, ::51
#
#   bad_input.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init bad-input

netns_add home
# No SLAAC at home: the HA's RAs would give the host 2001:db8::IID, which
# B15 needs free (it probes only the link-local with that IID).
on home sysctl -qw net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0
netns_add ha
netns_add coa
link_add ha veth-home home eth0
link_add ha veth-foreign coa eth0
on ha sysctl -qw net.ipv6.conf.all.forwarding=1

ha_config "$tmp/ha.yaml" 64 home foreign <<'EOF'
  max_binding_lifetime: 3600
  ra: {enabled: true, min_interval: 5, max_interval: 10, lifetime: 600}
  rate_limits: {bu_per_source: 50, dhaad: 20}
EOF
start_cp ha "$tmp/ha.yaml"
cp_pid=${pids[-1]}
start_dp ha "$tmp/ha.yaml"
wait_for 10 grep -q 'signalling on mip6ha-sig' "$tmp/cp.log"
wait_for 10 grep -q 'home link ha-home' "$tmp/cp.log"
on ha ip addr add 2001:db8:2::1/64 dev ha-foreign nodad
on home ip addr add 2001:db8::50/64 dev eth0 nodad
on home ip addr add 2001:db8::51/64 dev eth0 nodad
on home ip route add default via 2001:db8::1
on coa ip addr add 2001:db8:2::5/64 dev eth0 nodad
on coa ip addr add 2001:db8:2::6/64 dev eth0 nodad
on coa ip route add default via 2001:db8:2::1
wait_for 5 sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib | grep -q '^route 2001:db8:2::/64'"

py="/usr/bin/python3 $ROOT/tests/lab/bad_input.py"
on coa $py foreign "$BUILD/control/mip6ha" "$cfg" >"$tmp/foreign.txt" 2>&1 || true
on home $py home "$BUILD/control/mip6ha" "$cfg" "$(on ha cat /sys/class/net/ha-home/address)" \
	"$lab-ha" >"$tmp/home.txt" 2>&1 || true
cat "$tmp/foreign.txt" "$tmp/home.txt"
n_fail=$(cat "$tmp/foreign.txt" "$tmp/home.txt" | grep -c '^FAIL' || true)
check "every row of 5.2 - 5.5 behaves as the matrix says" test "$n_fail" -eq 0
check "no Python errors" not grep -q Traceback "$tmp/foreign.txt" "$tmp/home.txt"
check "mip6ha-cp still runs" kill -0 "$cp_pid"
check "mip6ha-dp still runs" kill -0 "$dp_pid"
check "mip6ha-cp counted its silent discards" \
	test "$(mip6ha stats --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["signalling"]["mh_discarded"])')" -gt 0
check "mip6ha-cp exits 0 on SIGTERM" sh -c "kill -TERM $cp_pid"
check "mip6ha-dp exits 0 on SIGTERM" stop_dp
wait "$cp_pid"
check "... and mip6ha-cp exited 0 (AddressSanitizer reports would make it fail)" test $? -eq 0
lab_done
