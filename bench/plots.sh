#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The benchmark report's plots (gnuplot, PNG) from what ./scripts/run-bench
# left in bench/results, into bench/plots:
#   dp_bindings.png  mip6ha-dp and testpmd io Mpps, and their ratio, against
#                    the bindings installed (1k .. 4M; working sets 1k and 64k)
#   lookup_ns.png    binding lookup ns against bindings: ours and rte_hash
#   cp_load.png      Binding Acknowledgements a second against BUs offered
#   handover_gap.png the handover gaps' distribution (CDF), DAD on and off
# A plot whose data is missing is skipped with a message; the others are made.
#
#   plots.sh RESULTS_DIR PLOTS_DIR
set -u
res=$1 out=$2
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
made=0

plot() { # plot NAME: gnuplot's script on stdin; count what was made
	if gnuplot >"$data/$1.err" 2>&1 && [ -s "$out/$1.png" ]; then
		echo "plot $out/$1.png"
		made=$((made + 1))
	else
		echo "plot $1: gnuplot failed:" >&2
		cat "$data/$1.err" >&2
	fi
}
term="set terminal pngcairo size 900,560 font 'DejaVu Sans,11'"

# --- Dataplane against bindings ---------------------------------------------
if [ -s "$res/dp.csv" ]; then
	# scenario,bindings,testpmd_mpps,dp_mpps,ratio,... : encap_<size>_<set>
	awk -F, '$1 ~ /^encap_(1k|10k_1k|100k_1k|1m_1k|4m_1k)$/ {print $2, $3, $4, $5}' \
		"$res/dp.csv" | sort -n >"$data/ws1k"
	awk -F, '$1 ~ /^encap_(1m_64k|4m_64k)$/ {print $2, $3, $4, $5}' "$res/dp.csv" |
		sort -n >"$data/ws64k"
	if [ -s "$data/ws1k" ]; then
		plot dp_bindings <<EOF
$term
set output '$out/dp_bindings.png'
set title 'mip6ha-dp encapsulation against dpdk-testpmd io (one lcore, net\_pcap)'
set logscale x
set xlabel 'bindings installed'
set ylabel 'Mpps'
set y2label 'ratio to testpmd io'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:1]
set key center left
set grid
set format x '%.0s%c'
plot '$data/ws1k' using 1:2 with linespoints lw 2 title 'testpmd io (baseline), 1k-HoA pcap', \
     '$data/ws64k' using 1:2 with linespoints lw 2 title 'testpmd io (baseline), 64k-HoA pcap', \
     '$data/ws1k' using 1:3 with linespoints lw 2 title 'mip6ha-dp, 1k HoAs in the traffic', \
     '$data/ws64k' using 1:3 with linespoints lw 2 title 'mip6ha-dp, 64k HoAs in the traffic', \
     '$data/ws1k' using 1:4 axes x1y2 with linespoints dt 2 title 'ratio, 1k HoAs', \
     '$data/ws64k' using 1:4 axes x1y2 with linespoints dt 2 title 'ratio, 64k HoAs'
EOF
	fi
else
	echo "plot dp_bindings: no $res/dp.csv (./scripts/run-bench dp)" >&2
fi

# --- Lookup against bindings --------------------------------------------------
if [ -s "$res/bt.csv" ]; then
	# bindings,capacity,bt_ns,rte_hash_ns,...
	awk -F, 'NR > 1 {print $1, $3, $4}' "$res/bt.csv" | sort -n >"$data/bt"
	plot lookup_ns <<EOF
$term
set output '$out/lookup_ns.png'
set title 'Binding lookup (lock-free readers): mip6ha bt against DPDK rte\_hash'
set logscale x
set xlabel 'bindings'
set ylabel 'ns per lookup'
set yrange [0:*]
set key top left
set grid
set format x '%.0s%c'
plot '$data/bt' using 1:2 with linespoints lw 2 title 'mip6ha bt\_lookup()', \
     '$data/bt' using 1:3 with linespoints lw 2 title 'rte\_hash (baseline)'
EOF
else
	echo "plot lookup_ns: no $res/bt.csv (./scripts/run-bench bt)" >&2
fi

# --- BU/s against offered load ------------------------------------------------
if [ -s "$res/cp.txt" ]; then
	# offered/s sent BAs lost ...: the ladder's rows, 2 s each; x is what was sent
	awk '/^offered\/s/ {on = 1; next} on && /^[0-9]/ {print $2 / 2, $3 / 2, $4 / 2} on && !/^[0-9]/ {on = 0}' \
		"$res/cp.txt" >"$data/cp"
	if [ -s "$data/cp" ]; then
		plot cp_load <<EOF
$term
set output '$out/cp_load.png'
set title 'Binding Updates through mip6ha-dp and mip6ha-cp (10k mobile nodes)'
set xlabel 'BUs sent a second'
set ylabel 'a second'
set xrange [0:*]
set yrange [0:*]
set key top left
set grid
set format x '%.0s%c'
set format y '%.0s%c'
plot '$data/cp' using 1:2 with linespoints lw 2 title 'BAs received', \
     '$data/cp' using 1:3 with linespoints lw 2 title 'BUs lost', \
     x with lines dt 2 lc rgb 'gray' title 'all answered'
EOF
	fi
else
	echo "plot cp_load: no $res/cp.txt (./scripts/run-bench cp)" >&2
fi

# --- Handover gaps -------------------------------------------------------------
if [ -s "$res/handover.txt" ]; then
	# dad to gap_ms ...: an empirical CDF per DAD setting
	for d in on off; do
		awk -v d=$d '$1 == d && $3 ~ /^[0-9.]+$/ {print $3}' "$res/handover.txt" | sort -g |
			awk '{v[NR] = $1} END {for (i = 1; i <= NR; i++) print v[i], i / NR}' >"$data/gap_$d"
	done
	if [ -s "$data/gap_on" ] || [ -s "$data/gap_off" ]; then
		plot handover_gap <<EOF
$term
set output '$out/handover_gap.png'
set title 'Handover gap under a 10 ms ping (the seed lab), every move'
set logscale x
set xlabel 'gap between echo replies, ms'
set ylabel 'fraction of moves'
set yrange [0:1.05]
set key bottom right
set grid
plot '$data/gap_off' using 1:2 with steps lw 2 title 'home\_agent.dad: false', \
     '$data/gap_on' using 1:2 with steps lw 2 title 'home\_agent.dad: true (DAD holds each move away 1 s)'
EOF
	fi
else
	echo "plot handover_gap: no $res/handover.txt (./scripts/run-bench handover)" >&2
fi
echo "plots: $made of 4 made in $out"
[ "$made" -gt 0 ]
