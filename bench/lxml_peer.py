#!/usr/bin/python3
"""The peer stack for the codec benchmark: lxml parses and validates the same messages against
the same schemas (SCHEMA imports them all). Prints "<case> <seconds per message>" for each
NAME=FILE argument.

    lxml_peer.py SCHEMA NAME=FILE...
"""
import sys
import time

from lxml import etree


def seconds_per_message(schema, data, min_seconds=0.5):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    runs, start = 0, time.perf_counter()
    while True:
        if not schema.validate(etree.fromstring(data, parser)):
            raise SystemExit("lxml rejects the benchmark message: %s" % schema.error_log)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / runs


def main():
    schema = etree.XMLSchema(etree.parse(sys.argv[1]))
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        with open(path, "rb") as f:
            data = f.read()
        print(name, "%.9f" % seconds_per_message(schema, data), flush=True)


if __name__ == "__main__":
    main()
