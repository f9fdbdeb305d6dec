#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Install like a daemon. dpkg-buildpackage -us -uc builds the Debian package
# from a clean copy of the tree; it is installed in a systemd container
# (systemd-nspawn, booted on a tmpfs overlay of this host's root, so the host
# is not changed) with a network namespace of its own. There the example
# configuration, unchanged, starts through systemctl once its interfaces
# exist: mip6ha-dp.service pulls in mip6ha-cp.service, both are Type=notify
# and active only after READY=1 (sd_notify), keep only the capabilities
# they need, reload, come back after kill -9 (Restart=on-failure) and after
# a stopped worker (watchdog), and keep their bindings. The man pages render
# without warnings; dpkg --purge leaves nothing.
#
#   package.sh BUILD_DIR SOURCE_ROOT      (root; exits 77 to skip)
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init pkg
for t in dpkg-buildpackage dh systemd-nspawn nsenter; do
	command -v "$t" >/dev/null || skip "needs $t (dpkg-dev, debhelper, systemd-container)"
done
[ -x /lib/systemd/systemd ] || skip "needs systemd installed (it need not run)"

has() { # has PATTERN COMMAND...: the command's output matches
	local p=$1
	shift
	"$@" | grep -q -- "$p"
}

# --- meson install ---------------------------------------------------------
stage=$tmp/stage
prefix=$(meson introspect "$BUILD" --buildoptions |
	python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo "$prefix/lib/systemd/system")
staged() { meson install -C "$BUILD" --no-rebuild --destdir "$stage" >"$tmp/install.log" 2>&1; }
check "meson install --destdir stages the install" staged
for f in "$prefix/sbin/mip6ha-cp" "$prefix/sbin/mip6ha-dp" "$prefix/bin/mip6ha"; do
	check "meson install: $f" test -x "$stage$f"
done
for f in "$prefix/share/man/man8/mip6ha-cp.8" "$prefix/share/man/man8/mip6ha-dp.8" \
	"$prefix/share/man/man8/mip6ha.8" "$prefix/share/man/man5/mip6ha.yaml.5" \
	"$unitdir/mip6ha-cp.service" "$unitdir/mip6ha-dp.service"; do
	check "meson install: $f" test -s "$stage$f"
done
check "meson install: /etc/mip6ha/mip6ha.yaml is the example" \
	cmp -s "$ROOT/config/mip6ha.yaml" "$stage/etc/mip6ha/mip6ha.yaml"
check "the units start the installed binaries with /etc/mip6ha/mip6ha.yaml" \
	grep -qx "ExecStart=$prefix/sbin/mip6ha-dp --config /etc/mip6ha/mip6ha.yaml" \
	"$stage$unitdir/mip6ha-dp.service"
check "the installed daemons read /etc/mip6ha/mip6ha.yaml by default" \
	has 'default /etc/mip6ha/mip6ha.yaml' "$stage$prefix/sbin/mip6ha-cp" --help
echo "# the operator's own" >>"$stage/etc/mip6ha/mip6ha.yaml"
check "a second meson install keeps the operator's configuration" \
	eval 'staged && grep -qx "# the operator.s own" "$stage/etc/mip6ha/mip6ha.yaml"'

# --- Build -----------------------------------------------------------------
src=$tmp/src/mip6ha
mkdir -p "$src"
(cd "$ROOT" && { git ls-files -co --exclude-standard 2>/dev/null || find . -type f; } |
	grep -v -e '^build' -e '^\./build' -e '^obj-' | tar -cf - -T -) | tar -xf - -C "$src"
check "dpkg-buildpackage -us -uc -b builds the package" \
	sh -c "cd '$src' && dpkg-buildpackage -us -uc -b >'$tmp/build.log' 2>&1"
deb=$(ls "$tmp"/src/mip6ha_*_*.deb 2>/dev/null | grep -v dbgsym | head -1)
[ -n "$deb" ] || { echo "FAIL - no .deb (build log follows)"; tail -30 "$tmp/build.log"; exit 1; }
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents"
for f in ./usr/sbin/mip6ha-cp ./usr/sbin/mip6ha-dp ./usr/bin/mip6ha ./etc/mip6ha/mip6ha.yaml \
	./lib/systemd/system/mip6ha-cp.service ./lib/systemd/system/mip6ha-dp.service \
	./usr/share/man/man8/mip6ha-cp.8.gz ./usr/share/man/man8/mip6ha-dp.8.gz \
	./usr/share/man/man8/mip6ha.8.gz ./usr/share/man/man5/mip6ha.yaml.5.gz; do
	check "the package holds $f" grep -qx "$f" "$tmp/contents"
done
check "/etc/mip6ha/mip6ha.yaml is a conffile" \
	sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xOf - ./conffiles | grep -qx /etc/mip6ha/mip6ha.yaml"
check "it depends on the DPDK drivers it loads (af_packet, tap, ring mempool)" \
	sh -c "dpkg-deb -f '$deb' Depends | grep -q librte-net-af-packet23"

# --- A systemd container on an overlay of this host ------------------------
# Outside $tmp, so that no rm -rf ever runs through the overlay of /.
ct=/run/mip6ha-$lab ct_pid='' nspawn_pid=''
pkg_cleanup() {
	if [ -n "$ct_pid" ]; then
		nsenter -t "$ct_pid" -a systemctl poweroff >/dev/null 2>&1
		wait_for 10 not kill -0 "$nspawn_pid" 2>/dev/null
		kill -9 "$nspawn_pid" 2>/dev/null
	fi
	mountpoint -q "$ct/root" && umount -l "$ct/root"
	mountpoint -q "$ct" && umount -l "$ct"
	rmdir "$ct" 2>/dev/null
	lab_cleanup
}
trap pkg_cleanup EXIT
mkdir -p "$ct"
mount -t tmpfs -o size=2g mip6ha-lab "$ct"
mkdir "$ct/up" "$ct/work" "$ct/root"
mount -t overlay mip6ha-lab -o "lowerdir=/,upperdir=$ct/up,workdir=$ct/work" "$ct/root"
cp "$deb" "$ct/root/root/"
# basic.target: none of this host's own services start in the container.
# nspawn shows a container only some of /sys (DPDK's EAL reads /sys/module),
# and leaves CAP_IPC_LOCK out of its bounding set (the dataplane's unit has it).
systemd-nspawn -q -D "$ct/root" --register=no --keep-unit --private-network \
	--machine="$lab" --bind=/dev/net/tun --bind-ro=/sys/module --capability=CAP_IPC_LOCK \
	-b -- systemd.unit=basic.target \
	>"$tmp/nspawn.log" 2>&1 </dev/null &
nspawn_pid=$!
# The container's init: nspawn's child that runs systemd (an intermediate
# child comes and goes first, and must not be taken for it).
ct_child() {
	local p
	for p in $(pgrep -P "$nspawn_pid"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && ct_pid=$p && return 0
	done
	return 1
}
wait_for 20 ct_child
in_ct() { nsenter -t "$ct_pid" -a "$@"; }
# On a failure, the logs include the units' journal.
eval "lab_logs_host() $(declare -f lab_logs | tail -n +2)"
lab_logs() {
	in_ct journalctl --no-pager -u mip6ha-cp -u mip6ha-dp 2>&1 | tail -60 >"$tmp/journal.log"
	lab_logs_host
}
booted() { in_ct systemctl is-system-running 2>/dev/null | grep -qE '^(running|degraded)$'; }
check "the container boots systemd" wait_for 60 booted

# --- Install ---------------------------------------------------------------
check "dpkg -i installs the package" \
	sh -c "nsenter -t $ct_pid -a dpkg -i /root/$(basename "$deb") >'$tmp/dpkg.log' 2>&1"
disabled() { [ "$(in_ct systemctl is-enabled mip6ha-cp mip6ha-dp | sort -u)" = disabled ]; }
check "the units are installed, not enabled (the example needs editing first)" disabled
quiet() { ! "$@" 2>&1 | grep .; } # quiet COMMAND...: it prints nothing
check "systemd-analyze verify finds nothing in the units" \
	quiet in_ct systemd-analyze verify mip6ha-cp.service mip6ha-dp.service
man_clean() { # the installed page, by groff -ww and by man -l, without a warning
	local f
	f=$(in_ct man -w "$1") && [ -n "$f" ] &&
		quiet in_ct sh -c "zcat $f | groff -ww -z -man -t" &&
		quiet in_ct sh -c "MANWIDTH=80 man --warnings=w -l $f >/dev/null" &&
		in_ct sh -c "MANWIDTH=80 man -l $f" | grep -q '^STANDARDS'
}
for m in mip6ha-cp mip6ha-dp mip6ha mip6ha.yaml; do
	check "man $m is installed, renders without warnings (groff -ww, man -l), cites RFCs" \
		man_clean "$m"
done
check "mip6ha-cp --check-config accepts the installed example" \
	in_ct /usr/sbin/mip6ha-cp --check-config /etc/mip6ha/mip6ha.yaml

# The example configuration's interfaces: veth-home and veth-core.
in_ct ip link add veth-home type veth peer name mn0
in_ct ip link add veth-core type veth peer name cn0
for i in veth-home mn0 veth-core cn0; do
	in_ct ethtool -K "$i" tso off gso off >/dev/null
	in_ct ip link set "$i" up
done
# The container sees the host's hugetlbfs; DPDK without it when fewer than
# 200 pages (400 MiB: mbufs, two fib snapshots) are free.
if [ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)" -lt 200 ]; then
	in_ct sed -i 's|^  eal_args: \[\]|  eal_args: ["--no-huge", "-m", "512"]|' /etc/mip6ha/mip6ha.yaml
fi

# --- Start, and what systemd sees -----------------------------------------
prop() { in_ct systemctl show -p "$2" --value "$1"; }
active() { [ "$(in_ct systemctl is-active "$1")" = active ]; }
check "systemctl start mip6ha-dp starts mip6ha-cp first, then mip6ha-dp" \
	in_ct timeout 90 systemctl start mip6ha-dp
check "... both active" eval "active mip6ha-cp && active mip6ha-dp"
# Type=notify: a unit becomes active only on the daemon's READY=1.
check "mip6ha-cp was active (sd_notify READY=1) before mip6ha-dp started" \
	test "$(prop mip6ha-cp ActiveEnterTimestampMonotonic)" -le \
	"$(prop mip6ha-dp ExecMainStartTimestampMonotonic)"
check "mip6ha-cp's status line comes from sd_notify" \
	has '^Home Agent on ha-home' prop mip6ha-cp StatusText
check "mip6ha-dp's status line: forwarding on both ports" \
	has '^forwarding: 2 port(s)' prop mip6ha-dp StatusText
caps_are() { # caps_are UNIT MASK: the main process's effective capabilities
	local c
	c=$(in_ct awk '/^CapEff/ {print $2}' "/proc/$(prop "$1" MainPID)/status")
	[ "$c" = "$2" ] || { echo "$1: CapEff $c, want $2"; return 1; }
}
# CAP_NET_ADMIN 12, CAP_NET_RAW 13, CAP_IPC_LOCK 14
check "mip6ha-dp keeps CAP_NET_ADMIN, CAP_NET_RAW and CAP_IPC_LOCK only" \
	caps_are mip6ha-dp 0000000000007000
check "mip6ha-cp keeps CAP_NET_ADMIN and CAP_NET_RAW only" caps_are mip6ha-cp 0000000000003000
nnp() { in_ct grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$(prop "$1" MainPID)/status"; }
check "both run with NoNewPrivileges" eval "nnp mip6ha-cp && nnp mip6ha-dp"

# A binding through the CLI; the dataplane sees it; vty and metrics answer.
check "mip6ha bc add (the CLI on /run/mip6ha/mip6ha.sock)" \
	in_ct mip6ha bc add 2001:db8::beef 2001:db8:f::2 600
check "mip6ha-dp --show-bindings lists it" has 2001:db8::beef in_ct mip6ha-dp --show-bindings
vty_bc() { printf 'bc\nquit\n' | in_ct nc -6 -w 5 ::1 7777; }
check "the vty on [::1]:7777 shows it in mip6d's layout" \
	has 'hoa 2001:db8::beef status registered' vty_bc
metrics() { in_ct curl -sf 'http://[::1]:9477/metrics'; }
check "the metrics on [::1]:9477: one binding" has '^mip6ha_bindings 1$' metrics
check "... and the dataplane up" has '^mip6ha_dp_up 1$' metrics

# Reload, restarts, watchdog.
cp_main=$(prop mip6ha-cp MainPID)
check "systemctl reload mip6ha-cp: SIGHUP, same process, binding kept" \
	in_ct systemctl reload mip6ha-cp
journal() { in_ct journalctl --no-pager -u "$1"; }
check "... the journal says reloaded, 1 binding kept" \
	wait_for 5 has 'SIGHUP: reloaded .*; 1 bindings kept' journal mip6ha-cp
check "... and it is the same process" test "$(prop mip6ha-cp MainPID)" = "$cp_main"
restarted() { # UNIT OLD_PID: active again with another main process
	local p
	p=$(prop "$1" MainPID)
	[ "$p" != 0 ] && [ "$p" != "$2" ] && active "$1"
}
# kill_main UNIT SIGNAL: signal the unit's main process (never pid 0: that is
# the whole process group, this test included).
kill_main() {
	local p
	p=$(prop "$1" MainPID)
	[ "${p:-0}" -gt 0 ] && in_ct kill "-$2" "$p"
}
dp_main=$(prop mip6ha-dp MainPID)
kill_main mip6ha-dp 9
check "kill -9 mip6ha-dp: systemd restarts it (Restart=on-failure)" wait_for 30 restarted mip6ha-dp "$dp_main"
kill_main mip6ha-cp 9
check "kill -9 mip6ha-cp: systemd restarts it" wait_for 30 restarted mip6ha-cp "$cp_main"
check "... the binding is still there (adopted from shared memory)" \
	has 2001:db8::beef in_ct mip6ha bc
dp_main=$(prop mip6ha-dp MainPID)
kill_main mip6ha-dp STOP
check "a stopped mip6ha-dp misses its watchdog (WatchdogSec=10) and is restarted" \
	wait_for 40 restarted mip6ha-dp "$dp_main"
check "... systemd logged the watchdog timeout" has 'Watchdog timeout' journal mip6ha-dp

# A broken file: refused by ExecStartPre, exit 2, no restart loop.
in_ct systemctl stop mip6ha-dp
in_ct cp /etc/mip6ha/mip6ha.yaml /root/good.yaml
in_ct sed -i 's|^  lcores: "0-1"|  lcores: "0-1"\n  no_such_key: 1|' /etc/mip6ha/mip6ha.yaml
check "a configuration error fails the start" not in_ct timeout 30 systemctl start mip6ha-dp
sleep 3
check "... exit status 2, and no restart (RestartPreventExitStatus=2)" \
	test "$(prop mip6ha-dp ExecMainStatus):$(prop mip6ha-dp NRestarts)" = 2:0
in_ct cp /root/good.yaml /etc/mip6ha/mip6ha.yaml
in_ct systemctl reset-failed mip6ha-dp

check "systemctl stop: both stop cleanly" in_ct systemctl stop mip6ha-dp mip6ha-cp
inactive() { [ "$(in_ct systemctl is-active mip6ha-cp mip6ha-dp | sort -u)" = inactive ]; }
check "... and end inactive, not failed" inactive
purge() { in_ct dpkg --purge mip6ha >>"$tmp/dpkg.log" 2>&1; }
check "dpkg --purge removes the package" purge
for f in /usr/sbin/mip6ha-cp /lib/systemd/system/mip6ha-dp.service /etc/mip6ha; do
	check "... $f is gone" not in_ct test -e "$f"
done
cfg='' # lab_logs: no host dataplane to ask
lab_done
