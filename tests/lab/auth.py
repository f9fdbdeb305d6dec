#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""RFC 4285 authentication and home_agent.policy against the full HA, from
the care-of address's namespace (tests/lab/auth.sh sets it up). Every BU is
built by Scapy and signed with Python's hmac, as ../shared/spec/rfc4285-auth.md
shows; the HA's BAs are checked the same way, never with our own code.

  auth.py CLI CONFIG KEYDIR

Prints "ok - ROW: what" or "FAIL - ROW: what", one a line (rows of
../shared/spec/bad-input-matrix.md where there is one).
"""
import hashlib
import hmac
import socket
import struct
import sys
import time

from scapy.all import raw
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, MIP6MH_BA, MIP6MH_BU,
                                MIP6OptAltCoA, MIP6OptMsgAuth, MIP6OptReplayProtection, Pad1,
                                PadN)

import bad_input as bi
from bad_input import COA, HA, answers, bindings, result, status

NTP_UNIX = 2208988800
A1, A2, A3, DD = "2001:db8::a1", "2001:db8::a2", "2001:db8::a3", "2001:db8::dd"
KEYS = {}  # spi: (key bytes, hash)
a6 = lambda x: socket.inet_pton(socket.AF_INET6, x)  # noqa: E731


def ntp(offset=0.0):
    t = time.time() + NTP_UNIX + offset
    return int(t) << 32 | int((t % 1) * (1 << 32))


def auth_bu(hoa, seq, spi, key_spi=None, ts=True, ts_val=None, lifetime=100, coa=COA,
            after=None, authlen=12, order=None):
    """A BU signed with the key of key_spi (default spi) under SPI spi.
    after: options put after the authentication option (outside the MAC);
    authlen: Authenticator octets sent; order: the options list to use."""
    key, hf = KEYS[key_spi or spi]
    opts = [PadN(optdata=b""), MIP6OptAltCoA(acoa=coa)]
    if ts:
        opts += [PadN(optdata=b""),
                 MIP6OptReplayProtection(timestamp=ntp() if ts_val is None else ts_val), Pad1()]
    else:
        opts += [PadN(optdata=b"\0\0\0")]
    auth = MIP6OptMsgAuth(subtype=1, mspi=spi, authdata=b"\0" * authlen)
    opts = order(opts, auth) if order else opts + [auth]
    mh = MIP6MH_BU(seq=seq, flags="AH", mhtime=lifetime, cksum=0, options=opts + (after or []))
    b = bytearray(raw(mh))
    assert len(b) % 8 == 0, len(b)
    at = bytes(b).find(bytes([9, 5 + authlen, 1]) + struct.pack("!I", spi))
    mac = hmac.new(key, a6(coa) + a6(hoa) + bytes(b[:at + 7]), hf).digest()[:authlen]
    b[at + 7:at + 7 + authlen] = mac
    p = IPv6(src=coa, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / MIP6MH_BU(bytes(b))
    p[MIP6MH_BU].cksum = None
    return IPv6(raw(p))


def plain_bu(hoa, seq):
    return IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / MIP6MH_BU(
        seq=seq, flags="AH", mhtime=100, options=[MIP6OptAltCoA(acoa=COA)])


def ba_signed(got, spi, hoa, coa=COA):
    """True when the BA carries an MN-HA option with spi as its last bytes
    and the Authenticator that key gives over CoA | HoA | MH (checksum 0)."""
    if not got or MIP6MH_BA not in got[0]:
        return False
    mh = bytearray(raw(got[0][MIP6MH_BA]))
    mh = mh[:(mh[1] + 1) * 8]
    if len(mh) < 19 or mh[-19:-12] != bytes([9, 17, 1]) + struct.pack("!I", spi):
        return False
    key, hf = KEYS[spi]
    mh[4:6] = b"\0\0"
    mac = hmac.new(key, a6(coa) + a6(hoa) + bytes(mh[:-12]), hf).digest()[:12]
    return hmac.compare_digest(mac, bytes(mh[-12:]))


def ba_ts(got):
    """The BA's Mobility Message Replay Protection timestamp, else None."""
    mh = raw(got[0][MIP6MH_BA]) if got and MIP6MH_BA in got[0] else b""
    i = 12
    while i + 1 < len(mh):
        if mh[i] == 0:
            i += 1
            continue
        if mh[i] == 10 and mh[i + 1] == 8:
            return struct.unpack("!Q", mh[i + 2:i + 10])[0]
        i += 2 + mh[i + 1]
    return None


def check(row, what, pkt, want, signed_by=None, hoa=None):
    got = answers(pkt, 0.8 if want == "none" else 2.5)
    ok = status(got) == want
    note = "" if ok else f" (got {status(got)})"
    if signed_by is not None:
        s = ba_signed(got, signed_by, hoa)
        ok, note = ok and s, note + ("" if s else " (BA not signed with that key)")
    elif want != "none" and got and MIP6MH_BA in got[0]:
        s = bytes([9, 17, 1]) in raw(got[0][MIP6MH_BA])[-19:-16]
        ok, note = ok and not s, note + (" (BA signed)" if s else "")
    result(ok, row, f"{what} ⇒ {want}{' signed' if signed_by else ''}" + note)
    return got


def unchanged(row, hoa, before):
    now = bindings().get(hoa)
    same = (now is None and before is None) or (
        now is not None and before is not None and now["coa"] == before["coa"] and
        now["seq"] == before["seq"])
    result(same, row, f"... binding of {hoa} unchanged")


def stat(*path):
    v = bi.stats()
    for k in path:
        v = v[k]
    return v


def main():
    bi.CLI, bi.CONFIG = sys.argv[1], sys.argv[2]
    kd = sys.argv[3]
    for spi, name, hf in ((300, "a1", hashlib.sha1), (301, "a2", hashlib.sha256),
                          (302, "dd", hashlib.sha1), (303, "a3", hashlib.sha1)):
        KEYS[spi] = (bytes.fromhex(open(f"{kd}/{name}.key").read().strip()), hf)

    # A good registration: HMAC-SHA-1 with a timestamp; the BA is signed
    # with the same key and echoes the timestamp (RFC 4285 §6).
    ts = ntp()
    good = auth_bu(A1, 10, 300, ts_val=ts)
    got = check("O11", "a BU signed with its key (HMAC-SHA-1, timestamp)", good, "BA 0", 300, A1)
    result(ba_ts(got) == ts, "O11", "... the BA echoes the BU's timestamp")
    result(A1 in bindings() and bindings()[A1]["coa"] == COA, "O11", "... and A1 is bound")
    b1 = bindings().get(A1)

    # B1: auth.required, no option: silent, no state, no DAD.
    dad, disc = stat("signalling", "dad_started"), stat("signalling", "discards", "unauthenticated")
    check("B1", "an unauthenticated BU for a bound HoA", plain_bu(A1, 11), "none")
    unchanged("B1", A1, b1)
    check("B1", "an unauthenticated BU for a new HoA", plain_bu("2001:db8::77", 1), "none")
    result("2001:db8::77" not in bindings(), "B1", "... no binding")
    result(stat("signalling", "dad_started") == dad, "B1", "... and no DAD started")
    result(stat("signalling", "discards", "unauthenticated") == disc + 2, "B1",
           "... both counted as unauthenticated discards")

    # O11: each way the option can be wrong gets 146, unsigned.
    check("O11", "signed with the wrong key", auth_bu(A1, 12, 300, key_spi=302), "BA 146")
    unchanged("O11", A1, b1)
    check("O11", "an SPI the HA does not know", auth_bu(A1, 12, 999, key_spi=300), "BA 146")
    check("O11", "trailing PadN after the option",
          auth_bu(A1, 12, 300, after=[PadN(optdata=b"\0" * 6)]), "BA 146")
    check("O11", "the option not last (Alternate CoA after it)",
          auth_bu(A1, 12, 300, order=lambda o, a: [o[0], a, PadN(optdata=b"\0\0\0")] + o[1:]),
          "BA 146")
    check("O11", "a truncated Authenticator (64 bits)", auth_bu(A1, 12, 300, authlen=8),
          "BA 146")
    cut = raw(auth_bu(A1, 12, 300))
    cut = cut[:4] + struct.pack("!H", len(cut) - 40 - 8) + cut[6:-8]
    check("O11", "a packet truncated inside the option", IPv6(cut), "none")
    unchanged("O11", A1, b1)

    # Replay protection with timestamps: 144 carries the HA's own time.
    got = check("O11", "the first BU again (a replay)", good, "BA 144", 300, A1)
    t = ba_ts(got)
    result(t is not None and abs((t >> 32) - (ntp() >> 32)) <= 2, "O11",
           "... the BA carries the HA's timestamp")
    check("O11", "a timestamp 60 s old", auth_bu(A1, 13, 300, ts_val=ntp(-60)), "BA 144", 300,
          A1)
    check("O11", "a timestamp 60 s ahead", auth_bu(A1, 13, 300, ts_val=ntp(60)), "BA 144", 300,
          A1)
    check("O11", "no replay protection option (key wants timestamps)",
          auth_bu(A1, 13, 300, ts=False), "BA 145", 300, A1)
    unchanged("O11", A1, b1)
    check("O11", "a fresh BU still works", auth_bu(A1, 14, 300, coa=COA), "BA 0", 300, A1)

    # HMAC-SHA-256 with sequence numbers, remembered past deregistration.
    reg = auth_bu(A2, 20, 301, ts=False)
    check("O11", "HMAC-SHA-256, sequence-number replay protection", reg, "BA 0", 301, A2)
    check("O11", "... the same BU again", reg, "BA 135", 301, A2)
    check("O11", "... deregistration", auth_bu(A2, 21, 301, ts=False, lifetime=0), "BA 0", 301,
          A2)
    result(A2 not in bindings(), "O11", "... A2 is gone")
    check("O11", "... the old registration replayed after it", reg, "BA 135", 301, A2)
    result(A2 not in bindings(), "O11", "... and A2 stays unbound")

    # B2: a valid signature for somebody else's HoA.
    b1 = bindings().get(A1)
    check("B2", "A3's key signing a BU for A1", auth_bu(A1, 30, 303, ts=True, coa=COA), "BA 129",
          303, A1)
    unchanged("B2", A1, b1)

    # B4: policy rules after authentication.
    check("B4", "a deny rule with status 133 for ::dd", auth_bu(DD, 1, 302), "BA 133", 302, DD)
    result(DD not in bindings(), "B4", "... no binding")
    result(stat("signalling", "bu_auth_ok") > 0, "-", "bu_auth_ok counts the good ones")
    sys.exit(1 if bi.fails else 0)


if __name__ == "__main__":
    main()
