#!/usr/bin/python3
"""Where an adapter's instructions go per request, from a callgrind profile of the adapter bench
(scripts/bench adapter --callgrind: cimbus_adapter_bench --callgrind FILE). Instruction counts are
stable on a shared, noisy machine where times are not.

    cost_breakdown.py PROFILE REQUESTS

Prints two tables, each in instructions per request and as a share of the whole process:
  - by step (inclusive: a step's own work and all it calls): decode, the handler, encode, the
    store's commit, Proton's AMQP work, and the main thread's start and stop (loading schemas and
    grammars, once a process), then the whole process without it: the cost of serving;
  - by library (self: the instructions executed in each library's own code).
"""
import collections
import re
import subprocess
import sys

# step -> patterns of the functions whose inclusive cost is the step's (the first that matches a
# profile line counts; a step's functions do not call each other)
STEPS = [
    ("decode (XML to typed objects, validated)", [r"^cimbus::XmlCodec::decode\("]),
    ("encode (typed objects to XML)", [r"^cimbus::XmlCodec::encode(\[abi:cxx11\])?\(cimbus::Envelope const&"]),
    ("handler (the responder's transaction)", [r"^\(anonymous namespace\)::transaction\(cimbus::adapter::Context&\)"]),
    ("inbox (attempt counted, reply remembered)", [r"^cimbus::store::Inbox::(take|look|add|finish)\("]),
    ("message journal (a row per message in and out)", [r"^cimbus::adapter::detail::JournalWriter::(sent|taken_in)\("]),
    ("store commit (SQLite, fsync excluded)", [r"^cimbus::store::Transaction::commit\(\)"]),
    ("start and stop (the main thread: schemas, grammars, store, broker)", [r"^main$"]),
    ("Proton: AMQP framing and I/O", [r"^pn_connection_driver_read_done", r"^pn_connection_driver_write_done", r"^pn_transport_process",
                                       r"^pn_transport_pending"]),
]
RUNTIME = "C and C++ runtime (malloc, strings)"
ALLOCATOR = re.compile(r"^(malloc|free|calloc|realloc|operator new|operator delete|tc_)")
LIBRARIES = [
    ("Xerces-C", "libxerces-c"),
    ("SQLite", "libsqlite3"),
    ("protobuf", "libprotobuf"),
    ("Qpid Proton", "libqpid-proton"),
    (RUNTIME, ("libc.so", "libstdc++", "libm.so", "ld-linux", "libtcmalloc")),
    ("OpenSSL, zlib", ("libssl", "libcrypto", "libz.so")),
    ("cimbus", "cimbus_test_responder"),
]
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.*?)(?:\s+\[([^\]]+)\])?\s*$")


def annotate(profile, inclusive):
    out = subprocess.run(["callgrind_annotate", "--inclusive=" + ("yes" if inclusive else "no"), "--threshold=100", profile],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    total, rows = 0, []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        cost, where, obj = int(m.group(1).replace(",", "")), m.group(2), m.group(3)
        if where.endswith("PROGRAM TOTALS"):
            total = cost
            continue
        if ":" not in where:
            continue
        function = where.split(":", 1)[1]
        rows.append((cost, function, obj))
    return total, rows


def table(title, rows, total, requests):
    print("\n" + title)
    width = max(len(r[0]) for r in rows)
    print("  %-*s  %14s  %6s" % (width, "", "instr/request", "share"))
    for name, cost in rows:
        print("  %-*s  %14s  %5.1f%%" % (width, name, "{:,}".format(cost // requests), 100.0 * cost / total if total else 0))


def main():
    profile, requests = sys.argv[1], int(sys.argv[2])
    total, inclusive = annotate(profile, True)
    steps = []
    for name, patterns in STEPS:
        cost = 0
        for pattern in patterns:
            # the whole function (the line that names its object), not its inlined parts
            cost += sum(c for c, function, obj in inclusive if obj and re.search(pattern, function))
        steps.append((name, cost))
    steps.append(("the whole process", total))
    start_and_stop = next(cost for name, cost in steps if name.startswith("start and stop"))
    steps.append(("the whole process but start and stop: per request served", total - start_and_stop))
    table("By step (inclusive), over %d requests" % requests, steps, total, requests)

    total, own = annotate(profile, False)
    by_library = collections.Counter()
    for cost, function, obj in own:
        if not obj:
            continue  # a per-source-file part of a function counted on its own line
        name = next((n for n, keys in LIBRARIES if any(k in obj for k in ((keys,) if isinstance(keys, str) else keys))), "other")
        if obj == "???" and ALLOCATOR.match(function):
            name = RUNTIME  # tcmalloc's symbols come without their object's name

        by_library[name] += cost
    rows = [(n, by_library[n]) for n, _ in LIBRARIES if by_library[n]] + [("other", by_library["other"])]
    rows.append(("the whole process", total))
    table("By library (self), over %d requests" % requests, rows, total, requests)


if __name__ == "__main__":
    main()
