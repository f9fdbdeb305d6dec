#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Restart without loss (issue 6): the two processes in either order, a second
# instance of each refused, a shared object of another ABI or size refused;
# kill -9 of mip6ha-cp while mip6ha-dp forwards for RESTART_BINDINGS bindings
# (default 1000): no packet lost (what the correspondent sent, the dataplane
# encapsulated and the care-of address got are the same numbers), every
# binding adopted, and the next BU checked against the adopted sequence
# number; kill -9 of mip6ha-dp: the new one forwards for every binding within
# 1 s of its start with no control-plane action; SIGHUP reloads a valid file
# and keeps every binding, and changes nothing when the file has errors.
# run-tests runs it in the AddressSanitizer build too.
#
#   home ──veth-home── ha ──veth-core──── cn   2001:db8:f::99, sends the traffic
#                       └──veth-foreign── coa  2001:db8:2::5, counts it
#
#   restart.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
#   RESTART_REPORT=FILE: also write "lost_on_cp_kill=N dp_restart_fwd_s=S" there
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init restart
N=${RESTART_BINDINGS:-1000}
RATE=${RESTART_RATE:-2000}
# The traffic goes to M of the N HoAs, spread evenly (every STRIDE-th): all of
# them at 1000 bindings, 1000 of them (each 100th) at 100k.
M=$((N < 1000 ? N : 1000)) STRIDE=$((N / (N < 1000 ? N : 1000)))

ha_lab home:home core:cn foreign:coa
ha_config "$tmp/ha.yaml" $((N + 1024)) home core foreign <<EOF
  dad: false
  rate_limits: {bu_per_source: 0}
EOF
cfg=$tmp/ha.yaml
cp_bin=$BUILD/control/mip6ha-cp
dp_bin=$BUILD/dataplane/mip6ha-dp

# --- Either order: the dataplane first, waiting for the control plane.
start_bg ha "$tmp/dp.log" "$dp_bin" -c "$cfg"
dp_pid=$!
check "mip6ha-dp started first waits for mip6ha-cp" \
	wait_for 5 grep -q 'waiting for mip6ha-cp' "$tmp/dp.log"
start_cp ha "$cfg"
cp_pid=$!
check "... and runs once mip6ha-cp is up" wait_for 20 grep -q 'forwarding with' "$tmp/dp.log"

cn_coa_addrs 2001:db8:2::5

# --- A second instance of each is refused and changes nothing.
check "a second mip6ha-cp is refused (exit 1)" \
	sh -c "ip netns exec $lab-ha '$cp_bin' -c '$cfg' >'$tmp/cp2.log' 2>&1; test \$? -eq 1"
check "... saying another instance holds the table" \
	grep -q 'another writer holds this object (is another instance running?)' "$tmp/cp2.log"
check "a second mip6ha-dp is refused (exit 1)" \
	sh -c "ip netns exec $lab-ha '$dp_bin' -c '$cfg' >'$tmp/dp2.log' 2>&1; test \$? -eq 1"
check "... saying another mip6ha-dp runs, before EAL or any port" sh -c \
	"grep -q 'another mip6ha-dp (pid $dp_pid) runs' '$tmp/dp2.log' && ! grep -q EAL '$tmp/dp2.log'"
check "... and both first instances still run" kill -0 "$cp_pid" "$dp_pid"

# --- N bindings, loaded as the control plane's writer would (it is stopped
# for that), then adopted when it starts again.
kill -TERM "$cp_pid" && wait "$cp_pid"
check "$N bindings loaded into the table" \
	"$BUILD/bench/bench_cp_gen" - - - - "$lab" "$N" load
start_cp ha "$cfg"
cp_pid=$!
check "mip6ha-cp adopts all $N" wait_for 5 grep -q "adopted, capacity [0-9]*, $N bindings" "$tmp/cp.log"
# One binding from a real BU, so that its sequence number is known.
hoa0=2001:db8::a:0:0
on coa /usr/bin/python3 "$ROOT/tests/lab/mn.py" bu eth0 --lifetime 100 --ha 2001:db8::1 --hoa "$hoa0" \
	--coa 2001:db8:2::5 --seq 500 >"$tmp/bu.txt" 2>&1
check "a BU with seq 500 for $hoa0 is accepted" grep -q "^BA status 0 " "$tmp/bu.txt"

# --- kill -9 mip6ha-cp under traffic.
start_bg coa "$tmp/count.log" /usr/bin/python3 "$ROOT/tests/lab/spray.py" count eth0 \
	"$tmp/count.txt" "$M"
count_pid=$!
wait_for 5 test -s "$tmp/count.txt"
encap0=$(dp_stat events encap)
secs=6
on cn /usr/bin/python3 "$ROOT/tests/lab/spray.py" send 2001:db8::a: "$M" "$RATE" "$secs" \
	"$STRIDE" >"$tmp/sent.txt" &
spray_pid=$!
sleep 1.5
kill -KILL "$cp_pid"
wait "$cp_pid" 2>/dev/null || true
sleep 2
start_cp ha "$cfg"
cp_pid=$!
check "the restarted mip6ha-cp adopts all $N" \
	wait_for 5 grep -q "adopted, capacity [0-9]*, $N bindings" "$tmp/cp.log"
wait "$spray_pid"
sleep 0.5
sent=$(awk '{print $2}' "$tmp/sent.txt")
got=$(awk '{print $1}' "$tmp/count.txt")
encap=$(($(dp_stat events encap) - encap0))
lost=$((sent - got))
echo "sent $sent, encapsulated $encap, received at the CoA $got"
check "kill -9 of mip6ha-cp: all $sent packets to $M of the $N HoAs reached the CoA" \
	test "$sent" -gt $((RATE * secs * 9 / 10)) -a "$got" -eq "$sent"
check "... and the dataplane counted $sent encapsulations" test "$encap" -eq "$sent"
check "the table still holds $N bindings" test "$(mip6ha bc --json | /usr/bin/python3 -c \
	'import json,sys; print(len(json.load(sys.stdin)["bindings"]))')" -eq "$N"
on coa /usr/bin/python3 "$ROOT/tests/lab/mn.py" bu eth0 --lifetime 100 --ha 2001:db8::1 --hoa "$hoa0" \
	--coa 2001:db8:2::5 --seq 499 >"$tmp/bu.txt" 2>&1
check "after the restart a BU with seq 499 gets 135 carrying 500" grep -q "^BA status 135 seq 500 " \
	"$tmp/bu.txt"
on coa /usr/bin/python3 "$ROOT/tests/lab/mn.py" bu eth0 --lifetime 100 --ha 2001:db8::1 --hoa "$hoa0" \
	--coa 2001:db8:2::5 --seq 501 >"$tmp/bu.txt" 2>&1
check "... and seq 501 is accepted" grep -q "^BA status 0 " "$tmp/bu.txt"

# --- kill -9 mip6ha-dp: the new one forwards for every binding by itself
# (twice the rate: the M HoAs are all sprayed within a quarter second).
kill -KILL "$dp_pid"
wait "$dp_pid" 2>/dev/null || true
on cn /usr/bin/python3 "$ROOT/tests/lab/spray.py" send 2001:db8::a: "$M" $((2 * RATE)) 4 \
	"$STRIDE" >"$tmp/sent2.txt" &
spray_pid=$!
sleep 1
kill -USR1 "$count_pid"
sleep 0.1
t0=$(date +%s.%N)
start_bg ha "$tmp/dp.log" "$dp_bin" -c "$cfg"
dp_pid=$!
tap_addrs_back
wait_for 5 sh -c "test \"\$(awk '{print \$3}' '$tmp/count.txt')\" != 0.000"
t_all=$(awk '{print $3}' "$tmp/count.txt")
fwd_s=$(awk -v a="$t0" -v b="$t_all" 'BEGIN { printf "%.3f", b - a }')
echo "mip6ha-dp restarted: each of the $M HoAs sprayed forwarded after $fwd_s s"
check "kill -9 of mip6ha-dp: the new one forwards for all $M HoAs within 1 s of start" \
	awk -v a="$t0" -v b="$t_all" 'BEGIN { exit !(b > a && b - a <= 1.0) }'
wait "$spray_pid"
if [ -n "${RESTART_REPORT:-}" ]; then
	echo "lost_on_cp_kill=$lost dp_restart_fwd_s=$fwd_s" >"$RESTART_REPORT"
fi

# --- SIGHUP: a valid change applies and keeps every binding; a file with
# errors, or with a change only a restart can make, changes nothing.
bu7() { # bu7 SEQ: the status of a BU for 2001:db8::a:0:7 from the CoA
	on coa /usr/bin/python3 "$ROOT/tests/lab/mn.py" bu eth0 --lifetime 100 --ha 2001:db8::1 \
		--hoa 2001:db8::a:0:7 --coa 2001:db8:2::5 --seq "$1" | sed -n 's/^BA status \([0-9]*\).*/\1/p'
}
cp "$cfg" "$tmp/ha.orig"
check "before the reload a BU for 2001:db8::a:0:7 gets 0" test "$(bu7 10)" = 0
cat >>"$cfg" <<EOF
  policy: {rules: [{hoa: "2001:db8::a:0:7", action: deny, status: 133}]}
EOF
kill -HUP "$cp_pid"
check "SIGHUP with a deny rule added: reloaded, all $N bindings kept" \
	wait_for 5 grep -q "SIGHUP: reloaded $cfg; $N bindings kept" "$tmp/cp.log"
check "... the rule applies: 133" test "$(bu7 11)" = 133
check "... and the table still holds $N bindings" test "$(mip6ha bc --json | /usr/bin/python3 -c \
	'import json,sys; print(len(json.load(sys.stdin)["bindings"]))')" -eq "$N"
cp "$cfg" "$tmp/ha.good"
sed -i 's/^  dad: false/  dad: maybe\n  colour: blue/' "$cfg"
kill -HUP "$cp_pid"
check "SIGHUP with two errors: both logged" wait_for 5 sh -c \
	"grep -q 'reload: .*home_agent.dad.*maybe' '$tmp/cp.log' &&
	 grep -q 'reload: .*unknown key \"colour\"' '$tmp/cp.log'"
check "... and the running configuration stays" \
	grep -q "SIGHUP: $cfg has errors; the running configuration stays" "$tmp/cp.log"
check "... the deny rule still applies" test "$(bu7 12)" = 133
sed "s/max_bindings: $((N + 1024))/max_bindings: $((N + 4096))/" "$tmp/ha.good" >"$cfg"
kill -HUP "$cp_pid"
check "SIGHUP with shm.max_bindings changed: refused, it needs a restart" wait_for 5 grep -q \
	"SIGHUP: $cfg: shm changed, which needs a restart" "$tmp/cp.log"
cp "$tmp/ha.orig" "$cfg"
kill -HUP "$cp_pid"
check "SIGHUP back to the first file: the rule is gone" sh -c \
	"sleep 0.5; test \"\$(grep -c 'SIGHUP: reloaded' '$tmp/cp.log')\" -eq 2"
check "... a BU for 2001:db8::a:0:7 gets 0 again" test "$(bu7 13)" = 0

# --- A shared object of another ABI version or size is refused.
kill -TERM "$dp_pid" && wait "$dp_pid"
kill -TERM "$cp_pid" && wait "$cp_pid"
obj=$(ls /dev/hugepages/"$lab"-bindings /dev/shm/"$lab"-bindings 2>/dev/null | head -1)
patch_abi() { # patch_abi FILE ABI: the header's ABI field (offset 8), through mmap
	/usr/bin/python3 -c 'import mmap, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 4096)
old = struct.unpack_from("<I", m, 8)[0]
struct.pack_into("<I", m, 8, int(sys.argv[2]))
print(old)' "$1" "$2"
}
abi=$(patch_abi "$obj" 999)
check "mip6ha-cp refuses a table of ABI 999 (exit 1)" \
	sh -c "ip netns exec $lab-ha '$cp_bin' -c '$cfg' >'$tmp/abi.log' 2>&1; test \$? -eq 1"
check "... saying which ABI it speaks" grep -q "ABI version 999, this binary speaks $abi" \
	"$tmp/abi.log"
check "mip6ha-dp refuses it too" \
	sh -c "ip netns exec $lab-ha timeout 10 '$dp_bin' -c '$cfg' >'$tmp/abi.log' 2>&1; test \$? -eq 1"
check "... with the same message" grep -q "ABI version 999" "$tmp/abi.log"
patch_abi "$obj" "$abi" >/dev/null
sed -i "s/max_bindings: $((N + 1024))/max_bindings: $((N + 2048))/" "$cfg"
check "mip6ha-cp refuses a table of another size (exit 1)" \
	sh -c "ip netns exec $lab-ha '$cp_bin' -c '$cfg' >'$tmp/size.log' 2>&1; test \$? -eq 1"
check "... naming both capacities" \
	grep -q "cannot adopt: capacity $((N + 1024)), configured $((N + 2048))" "$tmp/size.log"
sed -i "s/max_bindings: $((N + 2048))/max_bindings: $((N + 1024))/" "$cfg"
start_cp ha "$cfg"
cp_pid=$!
check "... and neither touched the table: mip6ha-cp adopts all $N bindings again" \
	wait_for 5 grep -q "adopted, capacity [0-9]*, $N bindings" "$tmp/cp.log"
kill "$count_pid"
check "mip6ha-cp exits 0 on SIGTERM" sh -c "kill -TERM $cp_pid"
wait "$cp_pid"
check "... and exited 0 (AddressSanitizer reports would make it fail)" test $? -eq 0
lab_done
