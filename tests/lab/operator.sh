#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What an operator touches, with real clients. The mip6d-style vty
# (control.vty, default [::1]:7777; netcat, telnet): it listens on loopback
# only, answers help, bc (mip6d's layout), bul, stats, hal and quit, serves
# many sessions at once, and a taken port costs the daemon only a warning.
# The Prometheus endpoint (control.metrics): curl scrapes it and promtool
# (Debian's prometheus package) checks the exposition format. run-tests runs
# it in the AddressSanitizer build too.
#
#   operator.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init op
command -v nc >/dev/null || skip "needs nc (netcat-openbsd)"

ha_lab home:home
ha_config "$tmp/ha.yaml" 64 home </dev/null
cfg=$tmp/ha.yaml
sed -i 's|^control: {socket: \([^}]*\)}|control: {socket: \1, metrics: "[::1]:9477"}|' "$cfg"
# vty COMMAND...: one session through nc, each command a line, then quit; the
# output without the prompts (a client that echoes nothing sees each answer
# right after one).
vty() {
	printf '%s\n' "$@" quit | ip netns exec "$lab-ha" nc -6 -w 5 ::1 7777 | sed 's/^\(mip6ha> \)*//'
}

# Port 7777 taken: a warning, and the daemon runs without its vty.
start_bg ha "$tmp/nc.log" nc -6 -l ::1 7777
holder=$!
wait_for 5 sh -c "ip netns exec $lab-ha ss -ltnH | grep -q '\[::1\]:7777'"
start_cp ha "$cfg"
cp_pid=$!
check "port 7777 taken: mip6ha-cp warns and runs without a vty" \
	wait_for 5 grep -q 'vty: \[::1\]:7777: Address already in use; running without it' \
	"$tmp/cp.log"
check "... and answers its control socket" mip6ha bc
kill -TERM "$cp_pid" && wait "$cp_pid"
kill "$holder" && wait "$holder" 2>/dev/null || true

start_cp ha "$cfg"
cp_pid=$!
start_dp ha "$cfg"
check "mip6ha-cp: vty on [::1]:7777" wait_for 5 grep -q 'vty on \[::1\]:7777' "$tmp/cp.log"
wait_for 10 grep -q 'home link ha-home' "$tmp/cp.log"
check "it listens on loopback only" sh -c \
	"test \"\$(ip netns exec $lab-ha ss -ltnH | grep -c ':7777 ')\" = 1 &&
	 ip netns exec $lab-ha ss -ltnH | grep -q '\[::1\]:7777 '"
mip6ha bc add 2001:db8::b1 2001:db8:2::5 600 >/dev/null
mip6ha bc add 2001:db8::b2 2001:db8:2::6 300 >/dev/null

vty help >"$tmp/help.txt"
check "help lists bc, bul, stats, hal and quit" sh -c \
	"for c in bc bul stats hal quit; do grep -q \"^  \$c \" '$tmp/help.txt' || exit 1; done"
vty bc >"$tmp/bc.txt"
cat "$tmp/bc.txt"
check "bc: mip6d's layout for 2001:db8::b1" sh -c \
	"grep -qx 'hoa 2001:db8::b1 status registered' '$tmp/bc.txt' &&
	 grep -qx ' coa 2001:db8:2::5 flags -H--' '$tmp/bc.txt' &&
	 grep -qx ' local 2001:db8::1' '$tmp/bc.txt' &&
	 grep -qE '^ lifetime (59[0-9]|600) / 600 seq 0$' '$tmp/bc.txt'"
check "... and 2001:db8::b2 with its CoA and lifetime" sh -c \
	"grep -qx 'hoa 2001:db8::b2 status registered' '$tmp/bc.txt' &&
	 grep -qx ' coa 2001:db8:2::6 flags -H--' '$tmp/bc.txt' &&
	 grep -qE '^ lifetime (29[0-9]|300) / 300 seq 0$' '$tmp/bc.txt'"
says() { # says PATTERN COMMAND...: the session's output has a line matching PATTERN
	local p=$1
	shift
	vty "$@" | grep -q -- "$p"
}
check "stats: the protocol counters" says 'bu_rx' stats
check "hal: the Home Agents List, this HA in it" says '^2001:db8::1  ' hal
check "bul on a Home Agent says why it has none" says '% bul: this node is a Home Agent' bul
check "an unknown command gets a message, not a hang-up" \
	says '% Unknown command: frobnicate' frobnicate
check "... and the session goes on" says '^hoa 2001:db8::b1 status registered' frobnicate bc

# Many sessions at once: one stays open while 20 others run stats.
(sleep 4; printf 'bc\nquit\n') | ip netns exec "$lab-ha" nc -6 -w 8 ::1 7777 >"$tmp/long.txt" &
long=$!
sleep 0.5
for i in $(seq 20); do vty stats >"$tmp/s$i.txt" & done
wait_for 10 sh -c "test \$(grep -l bu_rx $tmp/s*.txt 2>/dev/null | wc -l) -eq 20"
check "20 sessions answered while another stays open" \
	test "$(grep -l bu_rx "$tmp"/s*.txt | wc -l)" -eq 20
wait "$long"
check "... and the open one answers afterwards" grep -qx 'hoa 2001:db8::b2 status registered' \
	"$tmp/long.txt"
if command -v telnet >/dev/null; then
	(sleep 0.5; printf 'bc\r\n'; sleep 0.5; printf 'quit\r\n'; sleep 0.5) |
		ip netns exec "$lab-ha" telnet ::1 7777 2>&1 | sed 's/^\(mip6ha> \)*//' >"$tmp/telnet.txt" || true
	check "a telnet session (CR LF lines) gets the bc listing" \
		grep -qx 'hoa 2001:db8::b1 status registered' "$tmp/telnet.txt"
fi
check "a client that sends a 4 KiB line without a newline gets a message" sh -c \
	"head -c 4096 /dev/zero | tr '\\\\0' x | ip netns exec $lab-ha nc -6 -w 2 ::1 7777 |
	 grep -q 'line too long'"
# --- Prometheus metrics: curl and promtool.
check "mip6ha-cp: metrics on [::1]:9477" \
	grep -q 'metrics on http://\[::1\]:9477/metrics' "$tmp/cp.log"
scrape() { ip netns exec "$lab-ha" curl -s -D "$tmp/headers.txt" "http://[::1]:9477$1"; }
scrape /metrics >"$tmp/metrics.txt"
check "GET /metrics: 200, text/plain version 0.0.4" sh -c \
	"grep -q '^HTTP/1.1 200' '$tmp/headers.txt' &&
	 grep -qi '^Content-Type: text/plain; version=0.0.4' '$tmp/headers.txt'"
if command -v promtool >/dev/null; then
	rc=0
	promtool check metrics <"$tmp/metrics.txt" >"$tmp/promtool.txt" 2>&1 || rc=$?
	sed 's/^/promtool: /' "$tmp/promtool.txt"
	check "promtool check metrics accepts it" test "$rc" -eq 0
fi
has() { grep -qE "$1" "$tmp/metrics.txt"; }
check "mip6ha_bindings is 2" has '^mip6ha_bindings 2$'
check "the dataplane is up, its heartbeat fresh" has '^mip6ha_dp_up 1$'
check "per-binding series with the label hoa" \
	has '^mip6ha_binding_packets_total\{hoa="2001:db8::b1",direction="to_mn"\} 0$'
check "drops by reason and lcore" has '^mip6ha_dp_drops_total\{reason="sig_rate",lcore="0"\} 0$'
check "BAs by status" has '^mip6ha_binding_acks_total\{status="0",name="accepted"\} [0-9]+$'
check "home link counters" has '^mip6ha_home_link_router_advertisements_tx_total [1-9][0-9]*$'
check "process start times" sh -c "grep -q '^mip6ha_cp_start_time_seconds [0-9]' '$tmp/metrics.txt' &&
	grep -q '^mip6ha_dp_start_time_seconds [0-9]' '$tmp/metrics.txt'"
check "every metric the Grafana dashboard (config/grafana/mip6ha.json) uses is exposed" \
	/usr/bin/python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
names = {m for p in d["panels"] for t in p["targets"] for m in re.findall(r"mip6ha_[a-z_]+", t["expr"])}
have = {l.split("{")[0].split(" ")[0] for l in open(sys.argv[2]) if l.startswith("mip6ha_")}
missing = sorted(names - have)
print("dashboard metrics not exposed:", missing) if missing else None
sys.exit(1 if missing or not names else 0)' "$ROOT/config/grafana/mip6ha.json" "$tmp/metrics.txt"
scrape /nothing >/dev/null
check "any other path: 404" grep -q '^HTTP/1.1 404' "$tmp/headers.txt"
check "metrics listen on loopback only" sh -c \
	"test \"\$(ip netns exec $lab-ha ss -ltnH | grep -c ':9477 ')\" = 1 &&
	 ip netns exec $lab-ha ss -ltnH | grep -q '\[::1\]:9477 '"
check "mip6ha-cp still runs" kill -0 "$cp_pid"
check "mip6ha-dp exits 0 on SIGTERM" stop_dp
check "mip6ha-cp exits 0 on SIGTERM" sh -c "kill -TERM $cp_pid"
wait "$cp_pid"
check "... and exited 0 (AddressSanitizer reports would make it fail)" test $? -eq 0
lab_done
