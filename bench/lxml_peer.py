#!/usr/bin/python3
"""The peer stack for the codec benchmark: lxml parses and validates the same messages against
the same schemas (SCHEMA imports them all). Prints "<case> <seconds per message>" for each
NAME=FILE argument.

On a shared machine other processes' work only ever adds time to a measurement: the cases are
measured in ROUNDS interleaved rounds (each case once a round), and the fastest of a case's rounds
is its figure, as the codec bench takes the fastest of its interleaved repetitions.

    lxml_peer.py [--rounds N] SCHEMA NAME=FILE...
"""
import sys
import time

from lxml import etree


def seconds_per_message(schema, parser, data, min_seconds):
    runs, start = 0, time.perf_counter()
    while True:
        if not schema.validate(etree.fromstring(data, parser)):
            raise SystemExit("lxml rejects the benchmark message: %s" % schema.error_log)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / runs


def main():
    args = sys.argv[1:]
    rounds = 1
    if args[:1] == ["--rounds"]:
        rounds, args = int(args[1]), args[2:]
    schema = etree.XMLSchema(etree.parse(args[0]))
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    cases = []
    for arg in args[1:]:
        name, path = arg.split("=", 1)
        with open(path, "rb") as f:
            cases.append((name, f.read()))
    times = {name: [] for name, _ in cases}
    for _ in range(rounds):
        for name, data in cases:
            times[name].append(seconds_per_message(schema, parser, data, 0.5 / rounds))
    for name, _ in cases:
        print(name, "%.9f" % min(times[name]), flush=True)


if __name__ == "__main__":
    main()
