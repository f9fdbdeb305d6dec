#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""results_section.py TITLE PART [--top] [RESULTS]: replace the "## TITLE"
section of bench/RESULTS.md with the markdown in PART (appended when there is
none, or put before the first section with --top), so each benchmark of
./scripts/run-bench rewrites its own section only."""
import os
import re
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--top"]
    top = "--top" in sys.argv[1:]
    title, part = args[0], args[1]
    path = args[2] if len(args) > 2 else "bench/RESULTS.md"
    old = open(path).read() if os.path.exists(path) else "# mip6ha benchmark results\n"
    new = open(part).read().rstrip("\n") + "\n"
    pat = re.compile(r"^## " + re.escape(title) + r".*?(?=^## |\Z)", re.S | re.M)
    first = re.search(r"^## ", old, re.M)
    if pat.search(old):
        out = pat.sub(lambda m: new + "\n", old, count=1)
    elif top and first:
        out = old[:first.start()] + new + "\n" + old[first.start():]
    else:
        out = old.rstrip("\n") + "\n\n" + new
    with open(path, "w") as f:
        f.write(out.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
