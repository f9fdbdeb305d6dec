#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic for N bound Home Addresses and its count at the care-of address,
for the restart tests (tests/lab/restart.sh, bench/security.sh).

  spray.py send PREFIX N RATE SECONDS [STRIDE]
                                        UDP to PREFIX + "H:L" (H, L the high
                                        and low 16 bits of i * STRIDE, i < N,
                                        in hex, as bench_cp_gen's HoAs) round
                                        robin at RATE packets a second;
                                        prints "sent COUNT"
  spray.py count IFACE OUT N            count IPv6-in-IPv6 packets arriving
                                        on IFACE (a packet socket) until
                                        SIGTERM; every 20 ms OUT becomes
                                        "COUNT DISTINCT T_ALL": packets,
                                        inner destinations seen since the
                                        last SIGUSR1 (or the start), and the
                                        CLOCK_REALTIME second at which all N
                                        had been seen (0: not yet)
"""
import os
import signal
import socket
import sys
import time


def send(prefix, n, rate, secs, stride=1):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    dsts = [(f"{prefix}{i * stride >> 16:x}:{i * stride & 0xffff:x}", 9) for i in range(n)]
    sent, start = 0, time.monotonic()
    end = start + secs
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * rate)
        while sent < due:
            try:
                s.sendto(b"mip6ha-spray %d" % sent, dsts[sent % n])
            except OSError:
                pass  # counted as sent: it is a loss all the same
            sent += 1
        time.sleep(0.0005)
    print(f"sent {sent}", flush=True)


def count(iface, out, want):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86DD))
    s.bind((iface, 0x86DD))
    s.settimeout(0.02)
    n, seen, t_all = 0, set(), 0.0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    def mark(*_):
        nonlocal t_all
        seen.clear()
        t_all = 0.0

    signal.signal(signal.SIGUSR1, mark)

    def dump():
        with open(out + ".tmp", "w") as f:
            f.write(f"{n} {len(seen)} {t_all:.3f}\n")
        os.replace(out + ".tmp", out)

    dump()
    tick = time.monotonic()
    while not stop:
        try:
            data, addr = s.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            data = None
        # Ethernet, the outer header (next header 41), the inner one.
        if data and addr[2] != 4 and len(data) >= 94 and data[20] == 41 and \
                b"mip6ha-spray" in data:
            n += 1
            seen.add(data[78:94])
            if not t_all and len(seen) >= want:
                t_all = time.time()
        if time.monotonic() - tick >= 0.02:
            dump()
            tick = time.monotonic()
    dump()


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]),
             int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    else:
        count(sys.argv[2], sys.argv[3], int(sys.argv[4]))
