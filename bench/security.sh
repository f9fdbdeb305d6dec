#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The security benchmark (./scripts/run-bench security). The Home Agent
# (mip6ha-dp on af_packet ports, mip6ha-cp, auth.required, 1000 bindings)
# forwards SECURITY_DATA packets/s (default 4000) from a correspondent to
# bound Home Addresses, counted at the care-of address. Then the same with a
# flood of BUs from spoofed sources for random Home Addresses (bench_flood,
# SECURITY_FLOOD BU/s, default 1000000, from namespace atk on a port of its
# own) while a legitimate mobile node with a key makes a first registration
# (bench/legit_reg.py). Then tests/lab/restart.sh with 100k bindings for the
# restart figures.
#
#   home ──veth-home── ha ──veth-core──── cn   the correspondent's traffic
#                       ├──veth-foreign── coa  CoA 2001:db8:2::5: counts it, the legit MN
#                       └──veth-atk────── atk  the flood
#
#   security.sh BUILD_DIR SOURCE_ROOT
# Ends with: RESULT security legit_reg_under_flood_s=S fwd_ratio_under_flood=R
#            lost_on_cp_kill=N dp_restart_fwd_s=S
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init sec
DATA=${SECURITY_DATA:-4000}
FLOOD=${SECURITY_FLOOD:-1000000}
SECS=5
N=1000

ha_lab home:home core:cn foreign:coa atk:atk
new_key "$tmp/beef.key"
ha_config "$tmp/ha.yaml" 4096 home core foreign atk <<EOF
  auth:
    required: true
    keys: [{spi: 256, hoa: "2001:db8::beef", key_file: $tmp/beef.key}]
EOF
cfg=$tmp/ha.yaml
start_cp ha "$cfg"
cp_pid=$!
kill -TERM "$cp_pid" && wait "$cp_pid"
"$BUILD/bench/bench_cp_gen" - - - - "$lab" "$N" load >/dev/null
start_cp ha "$cfg"
start_dp ha "$cfg"
on ha ip addr add 2001:db8:66::1/48 dev ha-atk nodad
cn_coa_addrs 2001:db8:2::5
start_bg coa "$tmp/count.log" /usr/bin/python3 "$ROOT/tests/lab/spray.py" count eth0 \
	"$tmp/count.txt" "$N"
wait_for 5 test -s "$tmp/count.txt"

got() { awk '{print $1}' "$tmp/count.txt"; }
# phase LABEL: DATA packets/s for SECS seconds; "LABEL SENT RECEIVED RATE".
phase() {
	local before after sent
	before=$(got)
	sent=$(on cn /usr/bin/python3 "$ROOT/tests/lab/spray.py" send 2001:db8::a: "$N" "$DATA" \
		"$SECS" | awk '{print $2}')
	sleep 0.3
	after=$(got)
	echo "$1 $sent $((after - before)) $(((after - before) / SECS))"
}
dp_ticks() { awk '{print $14 + $15}' "/proc/$dp_pid/stat"; } # CPU time, 1/100 s
# peak LABEL: the correspondent's traffic as fast as bench_flood sends it
# (one CPU) for SECS seconds; "LABEL OFFERED_PPS ENCAPSULATED_PPS
# ENCAPSULATED_PER_DP_CPU_SECOND".
peak() {
	local e0 e1 off c0 c1
	e0=$(dp_stat events encap) c0=$(dp_ticks)
	off=$(on cn "$BUILD/bench/bench_flood" eth0 "$(mac ha veth-core)" :: 0 "$SECS" data "$N" |
		sed -n 's/.*: \([0-9]*\) pkt\/s/\1/p')
	e1=$(dp_stat events encap) c1=$(dp_ticks)
	echo "$1 $off $(((e1 - e0) / SECS)) $(((e1 - e0) * 100 / (c1 > c0 ? c1 - c0 : 1)))"
}
sig() { mip6ha stats --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["signalling"]
print(s["bu_rx"], s["discards"]["unauthenticated"], s["rate_limited"])'; }

read -r _ sent0 got0 rate0 < <(phase quiet)
# The peak, ROUNDS times alternating without and with the flood (this
# machine is noisy): medians.
median() { sort -n | awk '{v[NR] = $1} END { print v[int((NR + 1) / 2)] }'; }
: >"$tmp/peaks.txt"
for ((r = 0; r < ${SECURITY_ROUNDS:-3}; r++)); do
	peak quiet >>"$tmp/peaks.txt"
	on atk "$BUILD/bench/bench_flood" eth0 "$(mac ha veth-atk)" 2001:db8::1 "$FLOOD" \
		$((SECS + 1)) >/dev/null &
	flood_pid=$!
	sleep 0.5
	peak flood >>"$tmp/peaks.txt"
	wait "$flood_pid" || true
done
col() { awk -v l="$1" -v k="$2" '$1 == l {print $k}' "$tmp/peaks.txt" | median; }
peak_off0=$(col quiet 2) peak0=$(col quiet 3) cpu0=$(col quiet 4)
peak_off1=$(col flood 2) peak1=$(col flood 3) cpu1=$(col flood 4)
read -r bu_rx0 unauth0 limited0 < <(sig)
sigdrop0=$(dp_stat drops sig_rate)

on atk "$BUILD/bench/bench_flood" eth0 "$(mac ha veth-atk)" 2001:db8::1 "$FLOOD" \
	$((SECS + 3)) >"$tmp/flood.txt" &
flood_pid=$!
sleep 1
on coa env PYTHONPATH="$ROOT/tests/lab" /usr/bin/python3 "$ROOT/bench/legit_reg.py" \
	"$tmp/beef.key" "$BUILD/control/mip6ha" "$cfg" >"$tmp/legit.txt" 2>&1 &
legit_pid=$!
read -r _ sent1 got1 rate1 < <(phase flood)
wait "$legit_pid" || true
wait "$flood_pid" || true
read -r bu_rx1 unauth1 limited1 < <(sig)
sigdrop1=$(dp_stat drops sig_rate)
offered=$(sed -n 's/.*: \([0-9]*\) BU\/s/\1/p' "$tmp/flood.txt")
reg=$(sed -n 's/^registered after \([0-9.]*\) s.*/\1/p' "$tmp/legit.txt")
ratio=$(awk -v a="$got1" -v b="$got0" -v s1="$sent1" -v s0="$sent0" \
	'BEGIN { printf "%.3f", (s1 > 0 && b > 0) ? (a / s1) / (b / s0) : 0 }')

printf '\n%-34s %14s %14s\n' "" "without flood" "with flood"
printf '%-34s %14s %14s\n' "data packets sent (correspondent)" "$sent0" "$sent1"
printf '%-34s %14s %14s\n' "data packets at the CoA" "$got0" "$got1"
printf '%-34s %14s %14s\n' "forwarded packets/s" "$rate0" "$rate1"
echo "peak rounds (label, offered/s, encapsulated/s, per mip6ha-dp CPU-second):"
sed 's/^/  /' "$tmp/peaks.txt"
printf '%-34s %14s %14s\n' "" "without flood" "with flood"
printf '%-34s %14s %14s\n' "peak: offered packets/s (median)" "$peak_off0" "$peak_off1"
printf '%-34s %14s %14s\n' "peak: encapsulated/s (median)" "$peak0" "$peak1"
printf '%-34s %14s %14s\n' "peak: per dp CPU-second (median)" "$cpu0" "$cpu1"
printf '%-34s %14s %14s\n' "BUs offered by the flood, /s" "-" "${offered:-0}"
printf '%-34s %14s %14s\n' "dataplane drops sig_rate" "-" "$((sigdrop1 - sigdrop0))"
printf '%-34s %14s %14s\n' "mip6ha-cp BUs read" "-" "$((bu_rx1 - bu_rx0))"
printf '%-34s %14s %14s\n' "... discarded: no key for the HoA" "-" "$((unauth1 - unauth0))"
printf '%-34s %14s %14s\n' "... over rate_limits" "-" "$((limited1 - limited0))"
echo "legitimate mobile node: $(cat "$tmp/legit.txt")"
pratio=$(awk -v a="$peak1" -v b="$peak0" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
cratio=$(awk -v a="$cpu1" -v b="$cpu0" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
echo "at $DATA packets/s, delivered with the flood / without: $ratio"
echo "at the peak, encapsulated/s with the flood / without: $pratio (the 2 vCPUs run both"
echo "  generators, mip6ha-dp and mip6ha-cp); per mip6ha-dp CPU-second: $cratio"

# Restart figures: tests/lab/restart.sh with 100k bindings.
echo
echo "tests/lab/restart.sh with 100000 bindings:"
RESTART_BINDINGS=100000 RESTART_REPORT="$tmp/restart.txt" bash "$ROOT/tests/lab/restart.sh" \
	"$BUILD" "$ROOT" | grep -E '^(ok|FAIL)|^sent|restarted' | sed 's/^/  /'
lost=$(sed -n 's/.*lost_on_cp_kill=\([-0-9]*\).*/\1/p' "$tmp/restart.txt" 2>/dev/null)
dpfwd=$(sed -n 's/.*dp_restart_fwd_s=\([0-9.]*\).*/\1/p' "$tmp/restart.txt" 2>/dev/null)
echo
echo "RESULT security legit_reg_under_flood_s=${reg:-nan} fwd_ratio_under_flood=$pratio" \
	"lost_on_cp_kill=${lost:-nan} dp_restart_fwd_s=${dpfwd:-nan} fwd_ratio_per_dp_cpu=$cratio" \
	"fwd_ratio_at_${DATA}pps=$ratio flood_bu_per_s=${offered:-0} peak_fwd_pps=$peak0"
lab_done
