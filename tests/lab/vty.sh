#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The mip6d-style vty (control.vty, default [::1]:7777) with real clients
# (netcat, telnet): it listens on loopback only, answers help, bc (mip6d's
# layout), bul, stats, hal and quit, serves many sessions at once, and a
# taken port costs the daemon only a warning. run-tests runs it in the
# AddressSanitizer build too.
#
#   vty.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init vty
command -v nc >/dev/null || skip "needs nc (netcat-openbsd)"

ha_lab home:home
ha_config "$tmp/ha.yaml" 64 home </dev/null
cfg=$tmp/ha.yaml
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
check "mip6ha-cp still runs" kill -0 "$cp_pid"
check "mip6ha-dp exits 0 on SIGTERM" stop_dp
check "mip6ha-cp exits 0 on SIGTERM" sh -c "kill -TERM $cp_pid"
wait "$cp_pid"
check "... and exited 0 (AddressSanitizer reports would make it fail)" test $? -eq 0
lab_done
