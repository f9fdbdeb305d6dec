# SPDX-License-Identifier: BSD-3-Clause
# Shared by scripts/run-*: install what is missing, reserve hugepages, build.
# Source it; it sets ROOT and BUILD.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}

# Debian packages the build, the tests and the demo need.
MIP6HA_PACKAGES="gcc meson ninja-build pkg-config libdpdk-dev libnl-3-dev libnl-route-3-dev
libyaml-dev libssl-dev libcmocka-dev clang-format iproute2 procps python3 python3-scapy iputils-ping ethtool
tcpdump tshark radvd clang libclang-rt-14-dev netcat-openbsd telnet
libmicrohttpd-dev curl prometheus
libsystemd-dev systemd systemd-container dpkg-dev debhelper gnuplot-nox"

say() { printf '==> %s\n' "$*"; }

need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (packages, hugepages, namespaces)" >&2; exit 1; }
}

# Install the packages that are missing; apt-get update only when some are.
ensure_packages() {
	local missing=() p
	for p in $MIP6HA_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; return 1; }
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "apt-get install ${missing[*]} failed" >&2; return 1; }
}

# Reserve at least $1 2 MiB pages and mount hugetlbfs on /dev/hugepages.
# Sets MIP6HA_HUGE=1 on success; otherwise says so and sets MIP6HA_HUGE=0, and
# every DPDK program runs with --no-huge and shared tables go to /dev/shm.
setup_hugepages() {
	local want=${1:-512} nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages have
	MIP6HA_HUGE=0
	if [ -w "$nr" ]; then
		have=$(cat "$nr")
		[ "$have" -ge "$want" ] || echo "$want" >"$nr" 2>/dev/null
	fi
	if ! grep -q '^[^ ]* /dev/hugepages hugetlbfs' /proc/mounts; then
		mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages 2>/dev/null
	fi
	have=$(cat "$nr" 2>/dev/null || echo 0)
	if [ "$have" -gt 0 ] && grep -q '^[^ ]* /dev/hugepages hugetlbfs' /proc/mounts; then
		MIP6HA_HUGE=1
		say "hugepages: $have x 2 MiB reserved, hugetlbfs on /dev/hugepages"
	else
		say "hugepages: NOT available here; falling back to --no-huge and /dev/shm"
	fi
	export MIP6HA_HUGE
}

# build [DIR [meson options...]]
build() {
	local dir=${1:-$BUILD}
	shift || true
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$ROOT" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -n 60 "$dir.ninja.log"; return 1; }
}
