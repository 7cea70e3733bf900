#!/usr/bin/env python3
"""summary.py FILE: scripts/bench's closing table, from the lines the benches appended to FILE
(target, wanted, value, met or NOT MET; bench/target_summary.hpp), with the machine and the date,
as Markdown so that it can go into the README as it is."""
import datetime
import os
import platform
import sys


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = ", %.0f GiB" % (kib / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    return "%s, %d cores%s, %s" % (model, os.cpu_count() or 0, memory, platform.platform(terse=True))


def main(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                rows.append(parts)
    if not rows:
        print("summary: no targets were measured")
        return 0
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("\n== summary: every target, the value measured in this run")
    print("%s; %s\n" % (when, machine()))
    print("| target | wanted | measured | |")
    print("|---|---|---|---|")
    for target, wanted, value, met in rows:
        print("| %s | %s | %s | %s |" % (target, wanted, value, met))
    met = sum(1 for r in rows if r[3] == "met")
    print("\n%d of %d targets met%s" % (met, len(rows), "" if met == len(rows) else "; NOT MET: " + ", ".join(r[0] for r in rows if r[3] != "met")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
