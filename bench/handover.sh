#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The handover benchmark: the seed lab (tests/lab/lib.sh seed_lab), the
# laptop moving home -> foreign -> home, HANDOVER_MOVES moves (default 20),
# while the correspondent pings the Home Address every 10 ms (HANDOVER_PING,
# seconds, changes it). Per move: the
# gap between the last echo reply before the move and the first after it,
# the echo requests lost, and the mobile node's own timing of the parts that
# are ours: RA to BU (kernel receive stamp of the RA that made the new
# address, to the BU), BU to BA (it includes the Home Agent's DAD on a first
# registration: RFC 6275 §10.3.1, 1 s), BA to the first tunnelled packet.
# Then the same moves with home_agent.dad: false, as the comparison.
#
#   handover.sh BUILD_DIR SOURCE_ROOT
set -u
BUILD=$1 ROOT=$2
. "$ROOT/tests/lab/lib.sh"
lab_init hob
MOVES=${HANDOVER_MOVES:-20}
PING=${HANDOVER_PING:-0.01} # the echo interval, seconds
HOA=2001:db8::beef

seed_start true
bul() { mn_bul "$@"; }
state_is() { mn_state_is "$1"; }
wait_for 10 state_is home || { echo "the mobile node is not home"; lab_logs; exit 1; }
wait_for 10 on cn ping -c 1 -W 1 "$HOA" >/dev/null

# move TO STATE LABEL: one move with a ping across it; one line "LABEL TO
# GAP_MS LOST RA_TO_BU BU_TO_BA BA_TO_PACKET WAIT FWD" on stdout, where WAIT
# and FWD split BA_TO_PACKET (moves away, from captures on the Home Agent's
# core link and the mobile node's interface): the wait for the
# correspondent's next echo request, then our forwarding of it.
move() {
	local to=$1 want=$2 label=$3 pid gap lost c1 c2 split="-1 -1"
	ip netns exec "$lab-cn" ping -D -i "$PING" -W 1 "$HOA" >"$tmp/ping.txt" 2>&1 &
	pid=$!
	if [ "$to" = foreign ]; then
		ip netns exec "$lab-fr" tcpdump --immediate-mode -i eth0 -U -w "$tmp/core.pcap" \
			ip6 2>/dev/null &
		c1=$!
		ip netns exec "$lab-mn" tcpdump --immediate-mode -i eth0 -U -w "$tmp/mn.pcap" \
			ip6 2>/dev/null &
		c2=$!
	fi
	sleep 0.5
	mn_move "$to"
	wait_for 10 state_is "$want" || { echo "move to $to: not $want"; lab_logs; exit 1; }
	sleep 0.5
	kill -INT "$pid" && { wait "$pid" || true; }
	if [ "$to" = foreign ]; then
		kill "$c1" "$c2" && { wait "$c1" "$c2" || true; }
		split=$(/usr/bin/python3 "$ROOT/tests/lab/wire.py" "$tmp/core.pcap" firstpkt \
			"$tmp/mn.pcap" "$HOA" 2>/dev/null)
	fi
	read -r gap lost _ < <(/usr/bin/python3 "$ROOT/tests/lab/gap.py" "$tmp/ping.txt")
	echo "$label $to $gap $lost $(bul ra_to_bu_ms bu_to_ba_ms ba_to_first_packet_ms) $split"
}

printf '%-6s %-8s %9s %5s %9s %9s %9s %9s %9s\n' dad to gap_ms lost ra_bu_ms bu_ba_ms ba_pkt_ms \
	wait_ms fwd_ms
for dad in on off; do
	if [ "$dad" = off ]; then
		kill "$cp_pid" && wait "$cp_pid"
		seed_ha_config false
		start_cp ha "$tmp/ha.yaml"
		cp_pid=$!
		sleep 1
	fi
	for ((i = 0; i < MOVES / 2; i++)); do
		move foreign bound "$dad"
		move home home "$dad"
	done | tee -a "$tmp/moves.txt" | while read -r a b c d e f g h i; do
		printf '%-6s %-8s %9s %5s %9s %9s %9s %9s %9s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g" \
			"$h" "$i"
	done
done

/usr/bin/python3 - "$tmp/moves.txt" <<'EOF2'
import sys

rows = [l.split() for l in open(sys.argv[1])]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else -1


def col(dad, to, i):
    return [float(r[i]) for r in rows if r[0] == dad and (to is None or r[1] == to)]


print()
print("| moves | gap p50 ms | gap p95 ms | lost/move | RA→BU p95 ms | BU→BA p50 ms | BU→BA p95 ms | BA→packet p95 ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for dad in ("on", "off"):
    for to in ("foreign", "home", None):
        g = col(dad, to, 2)
        if not g:
            continue
        lost = col(dad, to, 3)
        ba = col(dad, to, 5)
        pk = [x for x in col(dad, to, 6) if x >= 0]
        print(f"| DAD {dad}, {to or 'all'} ({len(g)}) | {pct(g, 50):.1f} | {pct(g, 95):.1f} | "
              f"{sum(lost) / len(lost):.1f} | {pct(col(dad, to, 4), 95):.3f} | {pct(ba, 50):.3f} | "
              f"{pct(ba, 95):.3f} | {pct(pk, 95):.3f} |")
# Ours: RA to BU plus BU to BA, with the Home Agent's DAD wait (a fixed
# 1000 ms that RFC 6275 §10.3.1 asks for) taken out of first registrations.
ours = []
for r in rows:
    ba = float(r[5])
    if r[0] == "on" and r[1] == "foreign":
        ba -= 1000.0
    ours.append(float(r[4]) + ba)
g, lost = col("on", None, 2), col("on", None, 3)
pk = [x for x in col("on", "foreign", 6) if x >= 0]
# All three parts of a move away, with our forwarding of the first packet
# rather than the wait for the correspondent to send it.
total = [float(r[4]) + float(r[5]) - (1000.0 if r[0] == "on" else 0.0) + float(r[8])
         for r in rows if r[1] == "foreign" and float(r[8]) >= 0]
wait = [float(r[7]) for r in rows if r[1] == "foreign" and float(r[7]) >= 0]
fwd = [float(r[8]) for r in rows if r[1] == "foreign" and float(r[8]) >= 0]
print()
print(f"ours (RA to BU + BU to BA without the DAD wait), all moves: p50 {pct(ours, 50):.3f} ms, "
      f"p95 {pct(ours, 95):.3f} ms; BA to the first tunnelled packet p95 {pct(pk, 95):.3f} ms "
      f"(it waits for the next echo request)")
print(f"BA to first packet = the correspondent's next echo request (p50 {pct(wait, 50):.3f} ms, "
      f"p95 {pct(wait, 95):.3f} ms) + our forwarding of it (p50 {pct(fwd, 50):.3f} ms, "
      f"p95 {pct(fwd, 95):.3f} ms), {len(fwd)} moves away")
print(f"ours, RA to BU + BU to BA without DAD + forwarding the first packet, moves away: "
      f"p50 {pct(total, 50):.3f} ms, p95 {pct(total, 95):.3f} ms")
print(f"RESULT handover gap_p50_ms={pct(g, 50):.1f} gap_p95_ms={pct(g, 95):.1f} "
      f"lost_per_move={sum(lost) / len(lost):.1f} ours_p95_ms={pct(ours, 95):.3f} "
      f"ba_to_packet_p95_ms={pct(pk, 95):.3f} ours_total_p95_ms={pct(total, 95):.3f} "
      f"gap_nodad_p50_ms={pct(col('off', None, 2), 50):.1f}")
EOF2
