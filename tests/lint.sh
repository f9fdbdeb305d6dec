#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Source-tree rules the compiler cannot check (STYLE.md §Layout and boundaries).
#   lint.sh includes|spdx|format SOURCE_ROOT
set -u
what=$1
root=$2
cd "$root" || exit 2
srcs=$(git ls-files -co --exclude-standard '*.c' '*.h' 2>/dev/null ||
	find . -name '*.[ch]' -not -path './build*' -not -path './obj-*' -not -path './debian/*' | sed 's|^\./||')
bad=0

case $what in
includes)
	# DPDK headers only in dataplane/ (and bench/, whose job is to compare
	# against DPDK's own rte_hash); libyaml only in config/; libnl only in control/.
	for f in $srcs; do
		case $f in dataplane/* | bench/*) ;; *)
			if grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*<rte_' "$f"; then
				echo "$f: DPDK header outside dataplane/"; bad=1
			fi ;;
		esac
		case $f in config/*) ;; *)
			if grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*<yaml\.h>' "$f"; then
				echo "$f: <yaml.h> outside config/"; bad=1
			fi ;;
		esac
		case $f in control/*) ;; *)
			if grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*<netlink/' "$f"; then
				echo "$f: libnl header outside control/"; bad=1
			fi ;;
		esac
	done ;;
spdx)
	for f in $srcs meson.build */meson.build scripts/* .ci/run; do
		[ -f "$f" ] || continue
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier: BSD-3-Clause' ||
			{ echo "$f: no SPDX-License-Identifier line"; bad=1; }
	done ;;
format)
	command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
	for f in $srcs; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 ||
			{ echo "$f: not clang-formatted (run clang-format -i $f)"; bad=1; }
	done ;;
*)
	echo "usage: lint.sh includes|spdx|format ROOT"; exit 2 ;;
esac
[ $bad -eq 0 ] && echo "lint $what: OK"
exit $bad
