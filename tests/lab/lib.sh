# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Helpers for the lab tests: network namespaces joined by veth pairs, the
# three mip6ha programs, checks. Source it with BUILD and ROOT set, then call
# lab_init NAME. Every namespace, process and shared object a test makes is
# removed on exit; a setup command that fails ends the test with FAIL.

SKIP=77 # meson's exit status for a skipped test

skip() {
	echo "SKIP - $*"
	exit $SKIP
}

# lab_init NAME: check what the lab needs (else skip) and set lab, tmp, fails.
lab_init() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	command -v ip >/dev/null || skip "needs iproute2"
	command -v ping >/dev/null || skip "needs ping (iputils-ping)"
	command -v ethtool >/dev/null || skip "needs ethtool"
	/usr/bin/python3 -c 'import scapy.layers.inet6' 2>/dev/null ||
		skip "needs /usr/bin/python3 with scapy (python3-scapy)"
	[ -c /dev/net/tun ] || skip "needs /dev/net/tun for the exception taps"
	lab="m6$1-$$" tmp=$(mktemp -d) fails=0 cfg='' dp_pid='' namespaces=() pids=()
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
	ip netns add "$lab-probe" 2>/dev/null || skip "cannot create network namespaces"
	namespaces+=("$lab-probe")
	ip -n "$lab-probe" link add veth0 type veth peer name veth1 2>/dev/null ||
		skip "cannot create veth pairs"
	ip netns del "$lab-probe"
	# A failing setup command at the top level of the test is fatal.
	trap 'echo "FAIL - line $LINENO: $BASH_COMMAND"; lab_logs; exit 1' ERR
}

lab_cleanup() {
	local i ns
	trap - ERR
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do # the last started first
		kill "${pids[i]}" 2>/dev/null && wait "${pids[i]}" 2>/dev/null
	done
	for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [ -n "${lab:-}" ]; then
		rm -f /dev/shm/"$lab"-* /dev/hugepages/"$lab"-* 2>/dev/null
		rm -rf /var/run/dpdk/mip6ha-dp-"$lab"
	fi
	rm -rf "${tmp:-/nonexistent}"
}

lab_logs() {
	local f
	for f in "$tmp"/*.log; do
		[ -s "$f" ] && { echo "--- $(basename "$f") (last 40 lines)"; tail -n 40 "$f"; }
	done
	[ -n "$cfg" ] && { echo "--- mip6ha-dp --stats"; "$BUILD/dataplane/mip6ha-dp" -c "$cfg" --stats; }
	return 0
}

# lab_done: the exit status; the logs when a check failed.
lab_done() {
	[ "$fails" -eq 0 ] || lab_logs
	exit $((fails > 0))
}

check() { # check DESCRIPTION COMMAND... : the command must succeed
	local what=$1
	shift
	if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}

not() { ! "$@"; }

# netns_add NAME: a namespace with lo up and no DAD, so addresses work at once.
netns_add() {
	ip netns add "$lab-$1" || return
	namespaces+=("$lab-$1")
	on "$1" ip link set lo up &&
		on "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

on() { # on NS COMMAND...: run in namespace NS
	local ns=$1
	shift
	ip netns exec "$lab-$ns" "$@"
}

# link_add NS1 IF1 NS2 IF2: a veth pair from NS1 to NS2, both ends up (the
# af_packet PMD does not bring its interface up). Segmentation offloads off:
# a veth hands a GSO packet to its peer whole where a wire carries MTU-sized
# frames, and af_packet truncates it to its 2048-byte ring frames.
link_add() {
	ip link add "$2" netns "$lab-$1" type veth peer name "$4" netns "$lab-$3" &&
		on "$1" ethtool -K "$2" tso off gso off >/dev/null &&
		on "$3" ethtool -K "$4" tso off gso off >/dev/null &&
		on "$1" ip link set "$2" up && on "$3" ip link set "$4" up
}

# ha_lab PORT:NS...: namespace ha with forwarding on and, per PORT, a veth
# pair from veth-PORT in ha to eth0 in namespace NS (made here).
ha_lab() {
	local pn
	netns_add ha || return
	for pn; do
		netns_add "${pn#*:}" && link_add ha "veth-${pn%%:*}" "${pn#*:}" eth0 || return
	done
	on ha sysctl -qw net.ipv6.conf.all.forwarding=1
}

mac() { # mac NS IFACE
	on "$1" cat "/sys/class/net/$2/address"
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until the command succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# start_bg NS LOG COMMAND...: run in the background, output to LOG. Not
# through on(): a backgrounded function is a subshell, and $! must be the
# program itself (ip netns exec execs it) for kill and wait to reach it.
start_bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$lab-$ns" "$@" >"$log" 2>&1 &
	pids+=($!)
}

# ha_config FILE MAX_BINDINGS PORT...: the lab HA's configuration in FILE, one
# af_packet port per name (veth-NAME, its tap ha-NAME), home link ha-home with
# 2001:db8::1/64; more home_agent keys, indented by two, come on stdin.
ha_config() {
	local f=$1 max=$2 p
	shift 2
	{
		cat <<EOF
node: {role: ha, name: lab}
shm: {name: $lab, max_bindings: $max}
control: {socket: $tmp/ctl.sock}
dataplane:
  lcores: "0-1"
  # 512 MB: every fib snapshot is a 64 MiB rte_lpm6 and a rebuild holds two.
  eal_args: ["--no-huge", "-m", "512", "--no-telemetry"]
  poll_mode: adaptive
  ports:
EOF
		for p; do echo "    - {name: $p, device: \"af_packet:veth-$p\", tap: ha-$p}"; done
		cat <<EOF
home_agent:
  interface: ha-home
  addresses: [2001:db8::1/64]
  home_prefixes: [2001:db8::/64]
EOF
		cat
	} >"$f"
}

# cn_coa_addrs COA...: on ha_lab's core and foreign ports, the correspondent
# 2001:db8:f::99 (namespace cn, behind ha-core, 2001:db8:f::1) and the
# care-of addresses COA... (namespace coa, behind ha-foreign, 2001:db8:2::1),
# with their routes and neighbours in the fib, once the dataplane uses them.
# tap_addrs_back: the kernel addresses cn_coa_addrs put on the core and
# foreign taps go with a killed mip6ha-dp's taps (only home_agent.addresses
# come back by themselves): once the new taps exist, put them back, as an
# operator must (README, "Not implemented yet"). Without them the fib keeps
# or loses those links' routes depending on which netlink events the mirror
# saw first.
tap_addrs_back() {
	wait_for 10 on ha ip link show ha-core >/dev/null 2>&1 &&
		wait_for 10 on ha ip link show ha-foreign >/dev/null 2>&1 && ha_tap_addrs
}

# ha_tap_addrs: the HA's addresses on the core and foreign taps.
ha_tap_addrs() {
	on ha ip addr replace 2001:db8:f::1/64 dev ha-core nodad &&
		on ha ip addr replace 2001:db8:2::1/64 dev ha-foreign nodad
}

cn_coa_addrs() {
	local a
	# The correspondent knows the HA's MAC for good: a killed mip6ha-dp
	# takes its taps, and the kernel addresses on them, along (only
	# home_agent.addresses come back by themselves), and the restart tests
	# time the dataplane, not the correspondent's Neighbor Discovery.
	ha_tap_addrs &&
		on cn ip addr add 2001:db8:f::99/64 dev eth0 nodad &&
		on cn ip -6 neigh replace 2001:db8:f::1 lladdr "$(mac ha veth-core)" dev eth0 \
			nud permanent &&
		on cn ip route add default via 2001:db8:f::1 || return
	for a; do on coa ip addr add "$a/64" dev eth0 nodad || return; done
	on coa ip route add default via 2001:db8:2::1 &&
		mip6ha fib route add 2001:db8:f::/64 dev ha-core >/dev/null &&
		mip6ha fib route add 2001:db8:2::/64 dev ha-foreign >/dev/null &&
		mip6ha fib neigh add 2001:db8:f::99 lladdr "$(mac cn eth0)" dev ha-core >/dev/null ||
		return
	for a; do
		mip6ha fib neigh add "$a" lladdr "$(mac coa eth0)" dev ha-foreign >/dev/null || return
	done
	wait_fib
}

# new_key FILE: a 256-bit RFC 4285 key as hex text, readable by its owner only
# (what `openssl rand -hex 32` gives).
new_key() {
	(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1" && echo >>"$1")
}

# start_cp NS CONFIG: mip6ha-cp, up once its control socket is.
start_cp() {
	local sock
	cfg=$2
	sock=$(sed -n 's/^control: {socket: \([^,}]*\).*/\1/p' "$cfg")
	start_bg "$1" "$tmp/cp.log" "$BUILD/control/mip6ha-cp" -c "$cfg"
	wait_for 5 test -S "$sock" || { echo "mip6ha-cp did not start"; return 1; }
}

# start_dp NS CONFIG: mip6ha-dp, up once its workers run.
start_dp() {
	start_bg "$1" "$tmp/dp.log" "$BUILD/dataplane/mip6ha-dp" -c "$2"
	dp_pid=$!
	wait_for 20 grep -q 'forwarding with' "$tmp/dp.log" ||
		{ echo "mip6ha-dp did not start"; return 1; }
}

stop_dp() { # SIGTERM: mip6ha-dp must stop and exit 0
	kill -TERM "$dp_pid" && wait "$dp_pid"
}

mip6ha() { # the CLI, on the lab's config
	"$BUILD/control/mip6ha" -c "$cfg" "$@"
}

# wait_fib: until the dataplane uses the fib generation the CLI last wrote.
wait_fib() {
	local gen
	gen=$(mip6ha fib | sed -n 's/^generation \([0-9]*\),.*/\1/p')
	# At least that generation: the kernel mirror may move it on meanwhile,
	# and the dataplane then takes the newer one without ever showing $gen.
	wait_for 5 sh -c "'$BUILD/dataplane/mip6ha-dp' -c '$cfg' --stats --json |
		sed -n 's/.*\"fib_generation\":\([0-9]*\),.*/\1/p' | awk '\$1 >= $gen {ok = 1} END {exit !ok}'"
}

# dp_stat events NAME | drops [NAME] | binding HOA FIELD: one counter from
# mip6ha-dp --stats --json; "drops" alone is the sum of every drop reason.
dp_stat() {
	"$BUILD/dataplane/mip6ha-dp" -c "$cfg" --stats --json | /usr/bin/python3 -c '
import json, sys
s, a = json.load(sys.stdin), sys.argv[1:]
if a[0] == "binding":
    print(next(b[a[2]] for b in s["bindings"] if b["hoa"] == a[1]))
elif len(a) == 1:
    print(sum(s["dataplane"][a[0]].values()))
else:
    print(s["dataplane"][a[0]][a[1]])' "$@"
}

# seed_lab: the seed experiment's topology (the MIPL article's "denali" and
# "raven"), every link a veth pair, the two shared links bridges in
# namespace sw:
#
#   cn ──── fr ─────────────── ha (mip6ha-dp: ports home, core)
#   2001:db8:cc::10   │  2001:db8:ff::2/::1      │ veth-home
#                     │ eth1 2001:db8:1::1       │
#              br-foreign (radvd: 2001:db8:1::/64)   br-home (our RAs: 2001:db8::/64)
#                     └──────── mn eth0 ─────────┘  (its port in sw moves)
#
# The HA's core port faces fr, the foreign router, which routes 2001:db8::/64
# to the HA. mn starts on the home link; mn_move home|foreign moves it.
seed_lab() {
	ha_lab home:sw core:fr && netns_add mn || return
	# ha_lab gave sw and fr an eth0 each: sw's is the HA's port on br-home.
	on sw ip link add br-home type bridge && on sw ip link add br-foreign type bridge &&
		on sw ip link set br-home up && on sw ip link set br-foreign up &&
		on sw ip link set eth0 master br-home || return
	netns_add cn && link_add fr eth2 cn eth0 && link_add fr eth1 sw fr-port &&
		link_add mn eth0 sw mn-port || return
	on sw ip link set fr-port master br-foreign && on sw ip link set mn-port master br-home &&
		on sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || return
	on fr sysctl -qw net.ipv6.conf.all.forwarding=1 &&
		on fr ip addr add 2001:db8:ff::2/64 dev eth0 nodad &&
		on fr ip addr add 2001:db8:1::1/64 dev eth1 nodad &&
		on fr ip addr add 2001:db8:cc::1/64 dev eth2 nodad &&
		on fr ip route add 2001:db8::/64 via 2001:db8:ff::1 dev eth0 || return
	on cn ip addr add 2001:db8:cc::10/64 dev eth0 nodad &&
		on cn ip route add default via 2001:db8:cc::1 || return
	# The laptop: SLAAC from whichever router it hears, no DAD wait (netns_add).
	on mn sysctl -qw net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1
}

# seed_ha_addrs: the HA's core address and default route, once mip6ha-dp
# made its taps.
seed_ha_addrs() {
	on ha ip addr add 2001:db8:ff::1/64 dev ha-core nodad &&
		on ha ip route add default via 2001:db8:ff::2 dev ha-core
}

# seed_radvd: Debian's radvd advertising 2001:db8:1::/64 on the foreign link,
# with Mobile IPv6's short intervals (RFC 6275 §7.5) and the Advertisement
# Interval option.
seed_radvd() {
	cat >"$tmp/radvd.conf" <<EOF
interface eth1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 0.5;
	MaxRtrAdvInterval 1.5;
	MinDelayBetweenRAs 0.05;
	AdvIntervalOpt on;
	AdvHomeAgentFlag off;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
};
EOF
	start_bg fr "$tmp/radvd.log" radvd -n -d 1 -m stderr -C "$tmp/radvd.conf" \
		-p "$tmp/radvd.pid"
}

# mn_config FILE: the mobile node's configuration; more mobile_node keys,
# indented by two, on stdin.
mn_config() {
	[ -f "$tmp/beef.key" ] || new_key "$tmp/beef.key"
	{
		cat <<EOF
node: {role: mn, name: raven}
control: {socket: $tmp/mn.sock}
mobile_node:
  interface: eth0
  tunnel: mip6ha-mn
  home_address: 2001:db8::beef/64
  auth: {spi: 256, key_file: $tmp/beef.key, algorithm: hmac-sha256}
EOF
		cat
	} >"$1"
}

# seed_ha_config DAD: the seed lab HA's configuration in $tmp/ha.yaml. The
# laptop's BUs must be signed (RFC 4285, the key in $tmp/beef.key).
seed_ha_config() {
	[ -f "$tmp/beef.key" ] || new_key "$tmp/beef.key"
	ha_config "$tmp/ha.yaml" 1024 home core <<EOF
  max_binding_lifetime: 600
  dad: $1
  ra: {enabled: true, min_interval: 1, max_interval: 3, lifetime: 600}
  auth:
    required: true
    keys: [{spi: 256, hoa: "2001:db8::beef", key_file: $tmp/beef.key, algorithm: hmac-sha256}]
EOF
}

# seed_start [DAD]: the seed lab running: our Home Agent (home_agent.dad
# DAD, default true; its mip6ha-cp's pid in cp_pid), radvd on the foreign
# link, and the laptop's mobile node (mip6ha-cp, control socket
# $tmp/mn.sock) registering with 2001:db8::1.
seed_start() {
	seed_lab && seed_ha_config "${1:-true}" && start_cp ha "$tmp/ha.yaml" || return
	cp_pid=$!
	start_dp ha "$tmp/ha.yaml" && seed_ha_addrs && seed_radvd || return
	mn_config "$tmp/mn.yaml" <<EOF
  home_agent: 2001:db8::1
  max_binding_lifetime: 600
EOF
	start_bg mn "$tmp/mn.log" "$BUILD/control/mip6ha-cp" -c "$tmp/mn.yaml"
	wait_for 5 test -S "$tmp/mn.sock" || { echo "the mobile node did not start"; return 1; }
}

# mn_bul FIELD...: those fields of the mobile node's `mip6ha bul --json`.
mn_bul() {
	"$BUILD/control/mip6ha" -s "$tmp/mn.sock" bul --json | /usr/bin/python3 -c '
import json, sys
b = json.load(sys.stdin)["bul"][0]
print(" ".join(str(b[k]) for k in sys.argv[1:]))' "$@"
}

mn_state_is() { [ "$(mn_bul state)" = "$1" ]; }

# mn_move home|foreign [carrier]: the laptop leaves its link and joins the
# other one: its interface goes down and up (the kernel drops the addresses
# it autoconfigured), or with "carrier" it only loses the carrier, as a
# wireless roam does, and keeps the old link's addresses.
mn_move() {
	if [ "${2:-}" = carrier ]; then
		on sw ip link set mn-port down &&
			on sw ip link set mn-port master "br-$1" &&
			on sw ip link set mn-port up
	else
		on mn ip link set eth0 down &&
			on sw ip link set mn-port master "br-$1" &&
			on mn ip link set eth0 up
	fi
}
