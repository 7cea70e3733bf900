#!/usr/bin/python3
"""Compares two payload profiles as XML trees, through the protobuf models xsd2proto made of them.

    profile_tree.py OURS.proto THEIRS.proto ROOT [--ignore-min] [--allow-extra PATH]...

Walks both models from the global element ROOT and compares, element by element in sequence
order: names, namespaces, kind (element, attribute, text), built-in XSD type, pattern-restricted
type (e.g. mRID), maxOccurs, enumeration literals, and minOccurs unless --ignore-min. Type names
do not matter: two schemas that accept the same documents compare equal. --allow-extra PATH
(e.g. WorkRequests/WorkRequest/Work/Attachments) lets OURS have an element THEIRS lacks.
Prints every difference with its path; exit status 1 when there is one.
"""
import argparse
import re
import sys

FIELD = re.compile(r'^\s+(optional|repeated) (\S+) \S+ = \d+ \[json_name = "[^"]*", '
                   r'\(cimbus\.xml\.field\) = \{ (.*) \}\];')
LITERAL = re.compile(r'\(cimbus\.xml\.literal\) = "([^"]*)"')


def load(path):
    package, types, current = None, {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r'package (\S+);', line)
        if m:
            package = m.group(1)
        m = re.match(r'message (\S+) \{', line)
        if m:
            current = {"fields": [], "literals": [], "roots": []}
            types["." + package + "." + m.group(1)] = current
            continue
        if current is None:
            continue
        current["roots"] += re.findall(r'global_element: "([^"]*)"', line)
        m = FIELD.match(line)
        if m:
            mapping = dict(re.findall(r'(\w+): ("[^"]*"|\S+)', m.group(3)))
            current["fields"].append({
                "type": m.group(2),
                "name": mapping.get("name", '""').strip('"'),
                "namespace": mapping.get("namespace", '""').strip('"'),
                "kind": mapping["kind"],
                "xsd_type": mapping.get("xsd_type", '""').strip('"'),
                "pattern_type": mapping.get("pattern_type", '""').strip('"'),
                "min": mapping.get("min_occurs", "0"),
                "unbounded": mapping.get("unbounded", "false"),
            })
        current["literals"] += LITERAL.findall(line)
    return types


def root_type(types, root):
    for name, t in types.items():
        if any(r.endswith("}" + root) for r in t["roots"]):
            return name
    sys.exit("no global element %s" % root)


def holder(type_name):
    return type_name[:-len(".Value")] if type_name.endswith(".Value") else None


def compare(ours, theirs, args):
    problems, seen = [], set()

    def walk(path, a, b):
        if (a, b) in seen:
            return
        seen.add((a, b))
        fa, fb = ours[a]["fields"], theirs[b]["fields"]
        i = j = 0
        while i < len(fa) or j < len(fb):
            x = fa[i] if i < len(fa) else None
            y = fb[j] if j < len(fb) else None
            if x and (not y or x["name"] != y["name"]) and path + "/" + x["name"] in args.allow_extra:
                i += 1
                continue
            if not x or not y or x["name"] != y["name"] or x["kind"] != y["kind"]:
                problems.append("%s: ours has %s, the reference %s" % (
                    path, x and x["kind"] + " " + x["name"], y and y["kind"] + " " + y["name"]))
                return
            here = path + "/" + ("@" if x["kind"] == "ATTRIBUTE" else "") + x["name"]
            keys = ["namespace", "xsd_type", "pattern_type", "unbounded"] + ([] if args.ignore_min else ["min"])
            for key in keys:
                if x[key] != y[key]:
                    problems.append("%s: %s is %r here, %r in the reference" % (here, key, x[key], y[key]))
            ha, hb = holder(x["type"]), holder(y["type"])
            if ha or hb:
                la = ours[ha]["literals"] if ha else []
                lb = theirs[hb]["literals"] if hb else []
                if la != lb:
                    problems.append("%s: enumeration %s here, %s in the reference" % (here, la, lb))
            elif x["type"].startswith(".") and y["type"].startswith("."):
                walk(here, x["type"], y["type"])
            elif x["type"] != y["type"]:
                problems.append("%s: type %s here, %s in the reference" % (here, x["type"], y["type"]))
            i += 1
            j += 1

    walk(args.root, root_type(ours, args.root), root_type(theirs, args.root))
    return problems, len(seen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ours")
    parser.add_argument("theirs")
    parser.add_argument("root")
    parser.add_argument("--ignore-min", action="store_true")
    parser.add_argument("--allow-extra", action="append", default=[])
    args = parser.parse_args()
    problems, compared = compare(load(args.ours), load(args.theirs), args)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("%s: same tree (%d type pairs compared%s)" % (args.root, compared, ", minOccurs ignored" if args.ignore_min else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
