#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh FUZZER CORPUS_DIR: run a libFuzzer harness for MIP6HA_FUZZ_SECS
# seconds (default 60) from the seed corpus, keeping what it finds in a
# scratch directory (the repository's corpus is only read). Fails on any
# crash, leak, timeout or sanitizer report; the input that did it is printed.
set -u
exe=$1 corpus=$2
secs=${MIP6HA_FUZZ_SECS:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/new" "$corpus" >"$work/log" 2>&1
rc=$?
grep -E '^#[0-9]+.*(DONE|pulse)|^stat::(number_of_executed_units|peak_rss_mb)|INFO: seed corpus' \
	"$work/log" | tail -4
if [ "$rc" -ne 0 ]; then
	tail -n 60 "$work/log"
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
		[ -f "$a" ] && echo "input $(basename "$a"): $(od -An -tx1 "$a" | tr -d '\n' | head -c 2000)"
	done
	exit 1
fi
echo "ok: $(basename "$exe"), ${secs} s, no crash"
