#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Binding churn for the soak (tests/lab/soak.sh): K mobile nodes
(2001:db8::5:0:i) register, refresh, move between the care-of addresses
2001:db8:2::5 and ::6 and deregister, RATE BUs a second, for SECONDS. Each
node's state changes only on its BA 0; a BU unanswered for 2 s is sent again.
Every 10 s, and at the end after the answers have settled, it compares the
Home Agent's table (`mip6ha bc --json`) with what the nodes believe.

  soak.py CLI CONFIG K RATE SECONDS

Prints progress lines and ends with "soak: N BUs, M BAs, R resent, bound B,
table T, mismatches X"; exits 1 if the table and the nodes disagree.
"""
import json
import random
import select
import socket
import struct
import subprocess
import sys
import time

HA = "2001:db8::1"
COAS = ["2001:db8:2::5", "2001:db8:2::6"]
a6 = lambda x: socket.inet_pton(socket.AF_INET6, x)  # noqa: E731


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def bu(hoa, coa, seq, lifetime):
    """IPv6 + Destination Options (PadN, Home Address) + BU with the Alternate
    CoA option, RFC 6275 §6.1.7 layout written out here (tests/unit/test_mh.c
    checks the same bytes against Scapy)."""
    mh = bytearray(struct.pack("!BBBBHHHH", 59, 3, 5, 0, 0, seq, 0xc000, lifetime))
    mh += bytes([1, 0, 3, 16]) + a6(coa)
    ph = a6(hoa) + a6(HA) + struct.pack("!I3xB", len(mh), 135)
    mh[4:6] = struct.pack("!H", csum(ph + bytes(mh)))
    dst = bytes([135, 2, 1, 2, 0, 0, 201, 16]) + a6(hoa)
    ip = struct.pack("!IHBB", 0x60000000, len(dst) + len(mh), 60, 64) + a6(coa) + a6(HA)
    return ip + dst + bytes(mh)


def table(cli, config):
    out = subprocess.run([cli, "-c", config, "bc", "--json"], capture_output=True, text=True)
    return {b["hoa"]: b["coa"] for b in json.loads(out.stdout)["bindings"]}


def main():
    cli, config, k, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(
        sys.argv[4]), float(sys.argv[5])
    hoas = [f"2001:db8::5:0:{i:x}" for i in range(k)]
    # state: coa bound at (None: unbound); pending: (seq, coa, lifetime, sent_at)
    bound = {h: None for h in hoas}
    seq = {h: random.randrange(1, 30000) for h in hoas}
    pending = {}
    tx = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86DD))
    rx.bind(("eth0", 0x86DD))
    rx.setblocking(False)
    n_bu = n_ba = resent = 0
    start = time.monotonic()
    next_report = start + 10

    def send(h, coa, life):
        nonlocal n_bu
        seq[h] = (seq[h] + 1) & 0xffff
        pending[h] = (seq[h], coa, life, time.monotonic())
        tx.sendto(bu(h, coa, seq[h], life), (HA, 0))
        n_bu += 1

    def receive():
        nonlocal n_ba
        while True:
            try:
                data, addr = rx.recvfrom(2048)
            except BlockingIOError:
                return
            # Ethernet, IPv6 (next header 43), RH2 (24 bytes) with the HoA, MH BA.
            if addr[2] == 4 or len(data) < 14 + 40 + 24 + 12 or data[20] != 43:
                continue
            mh = 14 + 40 + 24
            if data[mh + 2] != 6:
                continue
            h = socket.inet_ntop(socket.AF_INET6, data[14 + 40 + 8:14 + 40 + 24])
            status, s = data[mh + 6], struct.unpack("!H", data[mh + 8:mh + 10])[0]
            n_ba += 1
            p = pending.get(h)
            if p is None:
                continue
            if status == 135:
                seq[h] = s  # resynchronise: at once with s + 1
                send(h, p[1], p[2])
                continue
            if s != p[0]:
                continue
            del pending[h]
            if status < 128:
                bound[h] = p[1] if p[2] else None

    while time.monotonic() - start < secs:
        now = time.monotonic()
        due = int((now - start) * rate) - n_bu + resent
        for _ in range(max(0, min(due, 200))):
            h = random.choice(hoas)
            if h in pending:
                continue
            if bound[h] is None:
                send(h, random.choice(COAS), 60)
            else:
                r = random.random()
                if r < 0.4:
                    send(h, bound[h], 60)  # refresh
                elif r < 0.8:
                    send(h, COAS[1 - COAS.index(bound[h])], 60)  # move
                else:
                    send(h, bound[h], 0)  # deregister
        for h, (s, coa, life, at) in list(pending.items()):
            if now - at > 2:
                seq[h] = (s - 1) & 0xffff  # the same number again
                send(h, coa, life)
                resent += 1
        select.select([rx], [], [], 0.002)
        receive()
        if now >= next_report:
            next_report += 10
            print(f"t={now - start:5.0f}s BUs {n_bu} BAs {n_ba} resent {resent} "
                  f"bound {sum(1 for v in bound.values() if v)} table {len(table(cli, config))}",
                  flush=True)
    # Settle: answer what is pending, then compare.
    end = time.monotonic() + 8
    while pending and time.monotonic() < end:
        for h, (s, coa, life, at) in list(pending.items()):
            if time.monotonic() - at > 2:
                seq[h] = (s - 1) & 0xffff
                send(h, coa, life)
                resent += 1
        select.select([rx], [], [], 0.05)
        receive()
    t = table(cli, config)
    want = {h: c for h, c in bound.items() if c}
    bad = sum(1 for h in hoas if t.get(h) != want.get(h))
    print(f"soak: {n_bu} BUs, {n_ba} BAs, {resent} resent, bound {len(want)}, table {len(t)}, "
          f"unanswered {len(pending)}, mismatches {bad}", flush=True)
    return 1 if bad or pending else 0


if __name__ == "__main__":
    sys.exit(main())
