#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The legitimate mobile node of ./scripts/run-bench security: a first
registration of 2001:db8::beef from 2001:db8:2::5, signed with KEY_FILE
(RFC 4285, HMAC-SHA-1, timestamp), retransmitted after 1.5 s, 3 s, 6 s
(RFC 6275 §11.8's first-registration back-off) until a BA 0 comes.

  legit_reg.py KEY_FILE CLI CONFIG

Prints "registered after S s (N BUs)" or "not registered after S s (N BUs)".
"""
import hashlib
import sys
import time

import auth as au
import bad_input as bi
from bad_input import MIP6MH_BA, answers


def main():
    au.KEYS[256] = (bytes.fromhex(open(sys.argv[1]).read().strip()), hashlib.sha1)
    bi.CLI, bi.CONFIG = sys.argv[2], sys.argv[3]
    t0, wait, sent = time.monotonic(), 1.5, 0
    seq = int(t0) & 0x7fff
    while time.monotonic() - t0 < 15:
        sent += 1
        got = answers(au.auth_bu("2001:db8::beef", seq + sent, 256), wait)
        if got and MIP6MH_BA in got[0] and got[0][MIP6MH_BA].status == 0:
            print(f"registered after {time.monotonic() - t0:.3f} s ({sent} BUs)")
            return 0
        wait *= 2
    print(f"not registered after {time.monotonic() - t0:.3f} s ({sent} BUs)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
