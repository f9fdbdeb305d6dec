#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The three programs as an operator uses them: check a config, start the
# control plane, add and list bindings with the CLI, read them from a second
# process (mip6ha-dp --show-bindings), set routes and neighbours in the fib,
# restart without losing either.
#   cli.sh MIP6HA_CP MIP6HA MIP6HA_DP SOURCE_ROOT
set -u
CP=$1 CLI=$2 DP=$3 ROOT=$4
tmp=$(mktemp -d)
name="clitest-$$"
cfg=$tmp/ha.yaml
fails=0
cppid=

cleanup() {
	[ -n "$cppid" ] && kill "$cppid" 2>/dev/null && wait "$cppid" 2>/dev/null
	rm -f /dev/shm/"$name"-* /dev/hugepages/"$name"-* 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check DESCRIPTION COMMAND... : the command must succeed
	local what=$1; shift
	if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}

start_cp() {
	rm -f "$tmp/ctl.sock"
	"$CP" -c "$cfg" 2>>"$tmp/cp.log" &
	cppid=$!
	for _ in $(seq 50); do [ -S "$tmp/ctl.sock" ] && return 0; sleep 0.1; done
	return 1
}

sed -e "s|^  name: mip6ha$|  name: $name|" -e "s|/run/mip6ha/mip6ha.sock|$tmp/ctl.sock|" \
	"$ROOT/config/mip6ha.yaml" >"$cfg"
grep -q "name: $name" "$cfg" && grep -q "$tmp/ctl.sock" "$cfg" ||
	{ echo "FAIL - could not derive a test config from config/mip6ha.yaml"; exit 1; }

for p in "$CP" "$CLI" "$DP"; do
	check "$(basename "$p") --help" sh -c "'$p' --help | grep -q Usage"
	check "$(basename "$p") --version" sh -c "'$p' --version | grep -q 0.1.0"
done
check "--check-config example prints OK" \
	sh -c "'$CP' --check-config '$ROOT/config/mip6ha.yaml' | grep -qx '$ROOT/config/mip6ha.yaml: OK'"
printf 'node:\n  rolle: ha\n' >"$tmp/bad.yaml"
"$CP" --check-config "$tmp/bad.yaml" >/dev/null 2>"$tmp/bad.err"
check "--check-config bad file exits 2" test $? -eq 2
check "--check-config names file:line:col" grep -q "^$tmp/bad.yaml:2:3:" "$tmp/bad.err"
check "bad option exits 2" sh -c "'$CP' --bogus >/dev/null 2>&1; test \$? -eq 2"

check "control plane starts" start_cp
check "bc add" "$CLI" -c "$cfg" bc add 2001:db8::beef 2001:db8:1::5 600
check "bc add second" "$CLI" -s "$tmp/ctl.sock" bc add 2001:db8::cafe 2001:db8:1::6
check "bc lists both" sh -c "'$CLI' -c '$cfg' bc | grep -c '2001:db8::\(beef\|cafe\)' | grep -qx 2"
check "bc --json" sh -c "'$CLI' -c '$cfg' bc --json | grep -q '\"hoa\":\"2001:db8::beef\",\"coa\":\"2001:db8:1::5\"'"
check "bc add bad address fails with 2" sh -c "'$CLI' -c '$cfg' bc add nope 2001:db8:1::5; test \$? -eq 2"
check "reader process sees the bindings" \
	sh -c "'$DP' -c '$cfg' --show-bindings | grep -q '2001:db8::beef.*2001:db8:1::5'"
check "bc del" "$CLI" -c "$cfg" bc del 2001:db8::cafe
check "reader process sees the delete" \
	sh -c "! '$DP' -c '$cfg' --show-bindings | grep -q 2001:db8::cafe"
check "fib route add via" "$CLI" -c "$cfg" fib route add 2001:db8:5::/48 via 2001:db8::1 dev ha-core
check "fib route add blackhole" "$CLI" -c "$cfg" fib route add ::/0 blackhole
check "fib neigh add" "$CLI" -c "$cfg" fib neigh add 2001:db8::1 lladdr 00:00:5e:00:53:01 dev ha-core
check "fib lists the route" \
	sh -c "'$CLI' -c '$cfg' fib | grep -qx 'route 2001:db8:5::/48 via 2001:db8::1 dev ha-core'"
check "fib lists the neighbour" \
	sh -c "'$CLI' -c '$cfg' fib | grep -qx 'neigh 2001:db8::1 lladdr 00:00:5e:00:53:01 dev ha-core'"
check "fib --json" sh -c "'$CLI' -c '$cfg' fib --json |
	grep -F '{\"prefix\":\"2001:db8:5::/48\",\"type\":\"unicast\",\"gw\":\"2001:db8::1\",\"dev\":\"ha-core\"}' |
	grep -qF '\"neighbours\":[{\"addr\":\"2001:db8::1\",\"lladdr\":\"00:00:5e:00:53:01\",\"dev\":\"ha-core\"}]'"
check "fib route add without dev exits 2" \
	sh -c "'$CLI' -c '$cfg' fib route add 2001:db8:6::/48 via 2001:db8::1 >'$tmp/fib.out'; test \$? -eq 2"
check "... and prints the usage" grep -q '^usage: fib route add PREFIX/LEN' "$tmp/fib.out"
check "fib route del missing exits 1" \
	sh -c "'$CLI' -c '$cfg' fib route del 2001:db8:6::/48 >'$tmp/fib.out'; test \$? -eq 1"
check "... and says so" grep -qx 'error: no route 2001:db8:6::/48' "$tmp/fib.out"
check "fib route del" "$CLI" -c "$cfg" fib route del ::/0
check "second control plane refused" sh -c "'$CP' -c '$cfg' 2>&1 | grep -q 'another writer'"
kill "$cppid"; wait "$cppid"
check "SIGTERM exits 0" test $? -eq 0
cppid=
check "control plane restarts" start_cp
check "restart adopted the binding" sh -c "'$CLI' -c '$cfg' bc | grep -q 2001:db8::beef"
check "restart adopted the fib" \
	sh -c "'$CLI' -c '$cfg' fib | grep -q '^generation 8, 1 routes, 1 neighbours, 0 rejected'"
check "stats counts 1" sh -c "'$CLI' -c '$cfg' stats --json | grep -q '\"bindings\":1,'"
check "unknown command exits 2" sh -c "'$CLI' -c '$cfg' frobnicate >/dev/null; test \$? -eq 2"
kill "$cppid"; wait "$cppid"; cppid=
check "CLI without daemon exits 3" sh -c "'$CLI' -c '$cfg' bc 2>/dev/null; test \$? -eq 3"

[ $fails -eq 0 ] || { echo "--- cp.log"; cat "$tmp/cp.log"; }
exit $((fails > 0))
