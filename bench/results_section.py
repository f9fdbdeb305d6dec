#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""results_section.py TITLE PART [RESULTS]: replace the "## TITLE" section of
bench/RESULTS.md with the markdown in PART (appended when there is none), so
each benchmark of ./scripts/run-bench rewrites its own section only."""
import os
import re
import sys


def main():
    title, part = sys.argv[1], sys.argv[2]
    path = sys.argv[3] if len(sys.argv) > 3 else "bench/RESULTS.md"
    old = open(path).read() if os.path.exists(path) else "# mip6ha benchmark results\n"
    new = open(part).read().rstrip("\n") + "\n"
    pat = re.compile(r"^## " + re.escape(title) + r".*?(?=^## |\Z)", re.S | re.M)
    if pat.search(old):
        out = pat.sub(lambda m: new + "\n", old, count=1)
    else:
        out = old.rstrip("\n") + "\n\n" + new
    with open(path, "w") as f:
        f.write(out.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
