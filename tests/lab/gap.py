#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The handover gap in the output of `ping -D` (one run across one move).

  gap.py PING_OUTPUT
      prints "GAP_MS LOST LAST_BEFORE FIRST_AFTER": the longest time between
      two consecutive echo replies (the last one before the move and the
      first one after), the echo requests that got no reply between the
      first and the last reply, and the two replies' wall-clock stamps.
"""
import re
import sys

REPLY = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+) ")


def main():
    replies = {}
    for line in open(sys.argv[1]):
        m = REPLY.match(line)
        if m:
            replies.setdefault(int(m.group(2)), float(m.group(1)))
    if len(replies) < 2:
        print("-1 -1 0 0")
        return
    seqs = sorted(replies)
    times = [replies[s] for s in seqs]
    gap, at = max((times[i + 1] - times[i], i) for i in range(len(times) - 1))
    lost = seqs[-1] - seqs[0] + 1 - len(seqs)
    print(f"{gap * 1000:.1f} {lost} {times[at]:.6f} {times[at + 1]:.6f}")


if __name__ == "__main__":
    main()
