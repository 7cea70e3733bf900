#!/usr/bin/python3
"""schemas/PROFILES.md's class-by-class tables against the Part 8 schemas (issue 15): each complex
type's elements, in order, with their types and repetition, are what the table says; every row
names a type the schema has; the common types are the same in every profile that uses them.

    profiles_table_test.py SOURCE_DIR
"""
import os
import re
import sys
import unittest

from lxml import etree

SOURCE = sys.argv[1]
XS = "{http://www.w3.org/2001/XMLSchema}"
NOUNS = ("TroubleTickets", "Incidents", "ServiceRequests", "CustomerAgreements")
COMMON = "Common"


def tables():
    """{section: {class: elements}} from the '#### <section>' tables of PROFILES.md."""
    with open(os.path.join(SOURCE, "schemas", "PROFILES.md"), encoding="utf-8") as f:
        text = f.read()
    out, section = {}, None
    for line in text.splitlines():
        heading = re.match(r"#### (\w+)", line)
        if heading:
            section = heading.group(1)
            out[section] = {}
            continue
        row = re.match(r"\| `(\w+)` \| ([^|]*) \|", line)
        if section and row:
            out[section][row.group(1)] = row.group(2).strip()
    return out


def schema(noun):
    """{complex type: elements} of schemas/customer/<noun>.xsd, written as the tables write them."""
    tree = etree.parse(os.path.join(SOURCE, "schemas", "customer", noun + ".xsd"))
    out = {}
    for complex_type in tree.getroot().iter(XS + "complexType"):
        elements = []
        for e in complex_type.iter(XS + "element"):
            name, kind = e.get("name"), e.get("type").split(":")[-1]
            elements.append(name + ("" if kind == name else ":" + kind) + ("*" if e.get("maxOccurs") == "unbounded" else ""))
        out[complex_type.get("name")] = ", ".join(elements)
    return out


class ProfilesTable(unittest.TestCase):
    def test_every_type_is_as_the_table_says(self):
        documented = tables()
        self.assertIn(COMMON, documented)
        for noun in NOUNS:
            with self.subTest(noun=noun):
                self.assertIn(noun, documented, "PROFILES.md has no table for " + noun)
                types = schema(noun)
                root = types.pop(noun)  # the list of items under the root element
                self.assertRegex(root, r"^\w+\*$")
                for name, elements in types.items():
                    row = documented[noun].get(name, documented[COMMON].get(name))
                    self.assertIsNotNone(row, "%s: %s is in the schema, not in PROFILES.md" % (noun, name))
                    self.assertEqual(row, elements, "%s: %s" % (noun, name))
                for name in documented[noun]:
                    self.assertIn(name, types, "%s: PROFILES.md documents %s, which the schema does not have" % (noun, name))

    def test_every_common_type_is_used(self):
        used = set()
        for noun in NOUNS:
            used |= set(schema(noun))
        for name in tables()[COMMON]:
            self.assertIn(name, used, "PROFILES.md lists %s as common; no profile has it" % name)

    def test_cim16_lacks_what_the_profiles_left_out(self):
        # The elements the notes found outside CIM16 (payloads.md 6a) are gone or documented as extensions.
        self.assertNotIn("UsagePoint", schema("TroubleTickets")["TroubleTicket"])
        row = [line for line in open(os.path.join(SOURCE, "schemas", "PROFILES.md"), encoding="utf-8") if line.startswith("| `TroubleTicket` |")][0]
        self.assertIn("CIM17 extension", row)
        self.assertIn("EPRI extension", [line for line in open(os.path.join(SOURCE, "schemas", "PROFILES.md"), encoding="utf-8")
                                         if line.startswith("| `WorkTask` |")][0])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
