#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# ./scripts/run-bench cp: mip6ha-cp against a BU generator, through the whole
# signalling path with the dataplane running:
#
#   coa ──veth-foreign── ha: mip6ha-dp (af_packet port) ─ mip6ha-sig tap ─ mip6ha-cp
#   bench_cp_gen          └──veth-home── home
#
# The generator (bench/bench_cp_gen.c) has CPU 0; the Home Agent, mip6ha-cp
# and mip6ha-dp's worker, shares CPU 1 (the dataplane's main lcore, which
# mostly sleeps, goes to CPU 0). Then the adoption figure: mip6ha-cp stopped,
# the table filled to 1M bindings, mip6ha-cp started, the time until it
# accepts a BU for an adopted binding.
#
#   cp_bench.sh BUILD_DIR SOURCE_ROOT
# Environment: CP_BENCH_N mobile nodes (10000), CP_BENCH_ADOPT bindings for the
# restart (1000000), CP_BENCH_DP=0 for mip6ha-cp alone on the generator's link
# (what the dataplane's exception path adds), CP_BENCH_DP_MAIN=1 to put the
# dataplane's worker on the generator's CPU instead, CP_BENCH_CP_CPU=0 to put
# mip6ha-cp there, CP_BENCH_POLL=busy for the dataplane's busy polling (all
# three were worse on 2 vCPUs), CP_BENCH_LAT_RATE to time the BAs at another
# rate than half the maximum.
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init cpb
N=${CP_BENCH_N:-10000}
ADOPT=${CP_BENCH_ADOPT:-1000000}

DP=${CP_BENCH_DP:-1}
if [ "$DP" = 1 ]; then
	ha_lab home:home foreign:coa
else # the control plane alone, on the link the generator is on
	netns_add ha
	netns_add coa
	link_add ha ha-home coa eth0
	on ha sysctl -qw net.ipv6.conf.all.forwarding=1
fi
# Capacity, not the flood limits (issue 6): the generator sends every BU from
# one address, which home_agent.rate_limits.bu_per_source would hold to 10/s,
# and the dataplane's signalling buckets would cap the ladder at 100k/s.
ha_config "$tmp/ha.yaml" $(((ADOPT > N ? ADOPT : N) * 9 / 8)) home foreign <<'EOF'
  max_binding_lifetime: 3600
  dad: false
  rate_limits: {bu_per_source: 0, bu_total: 0}
EOF
sed -i 's/^  poll_mode: adaptive$/  poll_mode: adaptive\n  signalling_rate: 0\n  signalling_known_rate: 0/' "$tmp/ha.yaml"
# lcores 0-1 with the main lcore on CPU 0: the worker runs on CPU 1.
sed -i 's/"--no-telemetry"\]/"--no-telemetry", "--main-lcore", "'"${CP_BENCH_DP_MAIN:-0}"'"]/' "$tmp/ha.yaml"
sed -i 's|^control: {socket: \(.*\)}$|control: {socket: \1, log_level: warn}|' "$tmp/ha.yaml"
sed -i "s/poll_mode: adaptive/poll_mode: ${CP_BENCH_POLL:-adaptive}/" "$tmp/ha.yaml"
[ "$DP" = 1 ] || sed -i 's/^dataplane:$/dataplane:\n  enabled: false/' "$tmp/ha.yaml"

start_cp_bench() {
	start_bg ha "$tmp/cp.log" taskset -c "${CP_BENCH_CP_CPU:-1}" "$BUILD/control/mip6ha-cp" -c "$tmp/ha.yaml"
	cp_pid=$!
}
start_cp_bench
cfg=$tmp/ha.yaml
wait_for 5 test -S "$tmp/ctl.sock"
on coa ip addr add 2001:db8:2::5/64 dev eth0 nodad
on coa ip addr add 2001:db8:2::6/64 dev eth0 nodad # where the handover probes move
if [ "$DP" = 1 ]; then
	start_dp ha "$tmp/ha.yaml"
	wait_for 10 sh -c "ip netns exec $lab-ha ip link show mip6ha-sig >/dev/null 2>&1"
	on ha ip addr add 2001:db8:2::1/64 dev ha-foreign nodad
	on coa ip route add default via 2001:db8:2::1
	for a in 5 6; do
		wait_for 10 on coa ping -6 -c1 -W1 -I 2001:db8:2::$a 2001:db8:2::1 >/dev/null
		wait_for 10 sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib |
			grep -q '^neigh 2001:db8:2::$a '"
	done
	ha_mac=$(mac ha ha-foreign)
	echo "== $N mobile nodes; BU -> BA through mip6ha-dp and mip6ha-cp"
else
	ha_mac=$(mac ha ha-home)
	echo "== $N mobile nodes; BU -> BA, mip6ha-cp alone (CP_BENCH_DP=0)"
fi
sleep 1

on coa taskset -c 0 "$BUILD/bench/bench_cp_gen" eth0 "$ha_mac" 2001:db8::1 2001:db8:2::5 \
	"$lab" "$N" run | tee "$tmp/run.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || { lab_logs; exit 1; }
echo "mip6ha-cp's signalling counters (mip6ha stats), zeros left out:"
"$BUILD/control/mip6ha" -c "$cfg" stats | sed -n '/^signalling/,/^[a-z]/p' |
	grep -v '^[a-z]' | awk '$NF != 0' | sed 's/^/ /'
if [ "$DP" = 1 ]; then
	echo "kernel drops on the signalling tap (mip6ha-cp -> mip6ha-dp):" \
		"$(on ha cat /sys/class/net/mip6ha-sig/statistics/tx_dropped)," \
		"on the generator's link: $(on coa cat /sys/class/net/eth0/statistics/rx_dropped)"
fi

echo "== adoption: $ADOPT bindings in the table, mip6ha-cp restarted"
kill "$cp_pid" && wait "$cp_pid"
"$BUILD/bench/bench_cp_gen" - - - - "$lab" "$ADOPT" load
t0=$(date +%s%N)
start_cp_bench
t1=$(on coa taskset -c 0 "$BUILD/bench/bench_cp_gen" eth0 "$ha_mac" 2001:db8::1 2001:db8:2::5 \
	"$lab" 1 ready) || { lab_logs; exit 1; }
adopt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
echo "mip6ha-cp started -> first BA for an adopted binding: $adopt s"
sleep 2
echo "proxy entries on ha-home 2 s later: $(on ha ip -6 neigh show proxy dev ha-home | wc -l)"
part=$(sed -n 's/^RESULT_PART //p' "$tmp/run.txt")
echo "RESULT cp $part adopt_1m_s=$adopt"
