#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# RFC 4285 authentication, replay protection and home_agent.policy on the full
# HA (mip6ha-cp and mip6ha-dp on af_packet ports): tests/lab/auth.py sends
# Scapy-built, hmac-signed BUs from a care-of address and checks each BA's
# status and signature, the binding table and the counters. Also: a key file
# that others can read is refused at start, and --check-config never prints
# a key. run-tests runs it in the AddressSanitizer build too.
#
#   home ──veth-home── ha ──veth-foreign── coa  2001:db8:2::5
#
#   auth.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init auth

netns_add home
netns_add ha
netns_add coa
link_add ha veth-home home eth0
link_add ha veth-foreign coa eth0
on ha sysctl -qw net.ipv6.conf.all.forwarding=1

for k in a1 a2 dd a3; do new_key "$tmp/$k.key"; done
ha_config "$tmp/ha.yaml" 64 home foreign <<EOF
  max_binding_lifetime: 3600
  dad: false
  policy:
    default: allow
    rules: [{hoa: "2001:db8::dd", action: deny, status: 133}]
  auth:
    required: true
    keys:
      - {spi: 300, hoa: "2001:db8::a1", key_file: $tmp/a1.key}
      - {spi: 301, hoa: "2001:db8::a2", key_file: $tmp/a2.key, algorithm: hmac-sha256, replay: sequence}
      - {spi: 302, hoa: "2001:db8::dd", key_file: $tmp/dd.key}
      - {spi: 303, hoa: "2001:db8::a3", key_file: $tmp/a3.key}
EOF

# Key files: private or refused; never printed.
cp_bin=$BUILD/control/mip6ha-cp
chmod 644 "$tmp/a3.key"
check "a key file others can read is refused by --check-config (exit 2)" \
	sh -c "'$cp_bin' --check-config '$tmp/ha.yaml' >'$tmp/check.txt' 2>&1; test \$? -eq 2"
check "... naming the file and the fix" grep -q "a3.key: .*chmod 600" "$tmp/check.txt"
check "... and mip6ha-cp refuses to start with it (exit 2)" \
	sh -c "'$cp_bin' -c '$tmp/ha.yaml' >'$tmp/start.txt' 2>&1; test \$? -eq 2"
chmod 600 "$tmp/a3.key"
check "--check-config accepts private key files" "$cp_bin" --check-config "$tmp/ha.yaml"
leaked=0
for k in a1 a2 dd a3; do grep -qi "$(head -c 16 "$tmp/$k.key")" "$tmp/check.txt" && leaked=1; done
check "... and printed no key" test "$leaked" -eq 0

start_cp ha "$tmp/ha.yaml"
cp_pid=${pids[-1]}
start_dp ha "$tmp/ha.yaml"
wait_for 10 grep -q 'signalling on mip6ha-sig' "$tmp/cp.log"
on ha ip addr add 2001:db8:2::1/64 dev ha-foreign nodad
on coa ip addr add 2001:db8:2::5/64 dev eth0 nodad
on coa ip route add default via 2001:db8:2::1
wait_for 5 sh -c "'$BUILD/control/mip6ha' -c '$cfg' fib | grep -q '^route 2001:db8:2::/64'"

on coa env PYTHONPATH="$ROOT/tests/lab" /usr/bin/python3 "$ROOT/tests/lab/auth.py" \
	"$BUILD/control/mip6ha" "$cfg" "$tmp" >"$tmp/auth.txt" 2>&1
rc=$?
cat "$tmp/auth.txt"
check "every authentication and policy case behaves as RFC 4285 and the matrix say" \
	test "$rc" -eq 0 -a "$(grep -c '^FAIL' "$tmp/auth.txt")" -eq 0
check "no Python errors" not grep -q Traceback "$tmp/auth.txt"
check "the log never holds a key" not grep -qi "$(head -c 16 "$tmp/a1.key")" "$tmp/cp.log"
check "mip6ha-cp still runs" kill -0 "$cp_pid"
check "mip6ha-cp exits 0 on SIGTERM" sh -c "kill -TERM $cp_pid"
check "mip6ha-dp exits 0 on SIGTERM" stop_dp
wait "$cp_pid"
check "... and mip6ha-cp exited 0 (AddressSanitizer reports would make it fail)" test $? -eq 0
lab_done
