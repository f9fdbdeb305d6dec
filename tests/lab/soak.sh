#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The soak (./scripts/run-soak; not in run-tests): SOAK_SECS seconds (default
# 600) of binding churn by SOAK_MNS mobile nodes (default 500) at SOAK_RATE
# BUs/s (default 300) - register, refresh, move between two care-of
# addresses, deregister (tests/lab/soak.py) - while a correspondent sends 1000
# packets/s to their Home Addresses. Checks: the resident memory of
# mip6ha-cp and mip6ha-dp stays flat (sampled every 10 s; the last sample at
# most 5% + 1 MiB above the one after the first minute), the table holds
# exactly the bindings the nodes hold (none lost, none leaked), and no
# counter of an unexpected drop or error moved.
#
#   soak.sh BUILD_DIR SOURCE_ROOT
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init soak
SECS=${SOAK_SECS:-600}
MNS=${SOAK_MNS:-500}
RATE=${SOAK_RATE:-300}
[ "$SECS" -ge 70 ] || { echo "SOAK_SECS must be at least 70: memory is compared after a minute"; exit 2; }

ha_lab home:home core:cn foreign:coa
# Every node shares the two care-of addresses here, so the per-source limit
# is off; the total one stays.
printf '  max_binding_lifetime: 600\n  rate_limits: {bu_per_source: 0}\n' |
	ha_config "$tmp/ha.yaml" 4096 home core foreign
start_cp ha "$tmp/ha.yaml"
cp_pid=$!
start_dp ha "$tmp/ha.yaml"
cn_coa_addrs 2001:db8:2::5 2001:db8:2::6

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
(
	while sleep 10; do echo "$(rss "$cp_pid") $(rss "$dp_pid")"; done
) >"$tmp/rss.txt" &
sampler=$!
on cn /usr/bin/python3 "$ROOT/tests/lab/spray.py" send 2001:db8::5: "$MNS" 1000 "$SECS" \
	>/dev/null &
spray=$!
on coa /usr/bin/python3 "$ROOT/tests/lab/soak.py" "$BUILD/control/mip6ha" "$cfg" "$MNS" \
	"$RATE" "$SECS" | tee "$tmp/soak.txt"
rc=${PIPESTATUS[0]}
wait "$spray" || true
kill "$sampler"
echo "RSS samples (kB, mip6ha-cp mip6ha-dp), every 10 s:"
tr '\n' ';' <"$tmp/rss.txt"
echo
check "the table holds exactly the bindings the nodes hold" test "$rc" -eq 0
# The first minute warms up (the table's pages, the dataplane's caches).
flat() { # flat COLUMN
	awk -v c="$1" 'NR == 6 {base = $c} {last = $c}
		END { exit !(NR >= 6 && last <= base * 1.05 + 1024) }' "$tmp/rss.txt"
}
check "mip6ha-cp's memory stays flat" flat 1
check "mip6ha-dp's memory stays flat" flat 2
# Expected: no_route (the kernel's own MLD and RS on the signalling tap
# before mip6ha-dp disables IPv6 there, as tunnel_ping.sh notes) and
# icmp_no_relay (the care-of addresses' kernel has no tunnel: it answers some
# tunnelled packets with ICMPv6 errors, which RFC 2473 §8 does not relay).
check "no dataplane drop but no_route and icmp_no_relay" test $(($(dp_stat drops) -
	$(dp_stat drops no_route) - $(dp_stat drops icmp_no_relay))) -eq 0
mip6ha stats --json >"$tmp/stats.json"
check "no table error, full DAD queue, malformed MH or rate-limited BU at mip6ha-cp" \
	/usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["signalling"]
bad = {k: s[k] for k in ("table_errors", "dad_queue_full", "mh_discarded", "rate_limited",
                         "errors_limited") if s[k]}
print("unexpected:", bad) if bad else None
sys.exit(1 if bad else 0)' "$tmp/stats.json"
check "mip6ha-cp still runs" kill -0 "$cp_pid"
check "mip6ha-dp still runs" kill -0 "$dp_pid"
lab_done
