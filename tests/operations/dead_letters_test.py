#!/usr/bin/env python3
"""Dead letters with `cimbus dead` (issue 17, point 4), on a private broker with cimbus-oms.

A poison ticket (the reference OMS's test switch fail_on_comment makes its handler fail) is tried
max_attempts times and dead-lettered with its reason; `cimbus dead list` shows it with reason,
attempts, noun, verb, MessageID and age, `show` the whole message. The OMS is restarted without the
switch (the fix), and `redrive` sends it back: it is executed exactly once (one ticket, one
journal row "ok (redriven)"), the dead-letter queue is empty, and the same message sent again is a
duplicate. `purge` asks first, and removes only when told yes.

    dead_letters_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import unittest
import urllib.request
import uuid

SOURCE, BIN, WORK = sys.argv[1:4]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "connectors"))
from external_oms import stable_uuid  # noqa: E402
from stack import Stack  # noqa: E402

def cimbus(stack, *args, stdin=None):
    env = dict(os.environ, CIMBUS_BROKER_URL=stack.broker_url, CIMBUS_BROKER_ALLOW_PLAIN="1")
    return subprocess.run([os.path.join(BIN, "cimbus")] + list(args), env=env, capture_output=True, text=True, input=stdin, timeout=120)


def embedded(**more):
    with open(os.path.join(SOURCE, "deploy", "oms.json")) as f:
        connector = json.load(f)["connector"]
    connector["settings"].update(more)
    return connector


class DeadLetters(unittest.TestCase):
    def test_a_poison_message_is_dead_lettered_and_after_the_fix_redriven_once(self):
        with Stack(SOURCE, BIN, WORK) as stack:
            oms = stack.start("oms", connector=embedded(fail_on_comment="POISON"), max_attempts=3)
            # A ticket of a real customer of the territory, whose comment trips the switch.
            customer = self.a_customer(stack)
            ticket, message_id = str(uuid.uuid4()), str(uuid.uuid4())
            with open(os.path.join(SOURCE, "tests", "data", "messages", "TroubleTickets-create.xml")) as f:
                xml = f.read()
            xml = xml.replace("6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21", message_id).replace("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8", ticket)
            xml = xml.replace("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", customer).replace("Lights went out", "POISON: lights went out")
            poison = os.path.join(WORK, "poison.xml")
            with open(poison, "w") as f:
                f.write(xml)
            sent = cimbus(stack, "send", poison)
            self.assertEqual(sent.returncode, 0, sent.stderr)

            listed = self.wait_listed(stack, message_id)
            line = [l for l in listed.splitlines() if message_id in l][0]
            self.assertRegex(line, r"TroubleTickets +create +requests +4 +3 attempts failed: test switch fail_on_comment")
            shown = cimbus(stack, "dead", "show", "--system", "oms", "--id", message_id)
            self.assertEqual(shown.returncode, 0, shown.stderr)
            self.assertIn("POISON: lights went out", shown.stdout)
            self.assertIn("x-cimbus-reason: 3 attempts failed", shown.stdout)
            self.assertIn(message_id, cimbus(stack, "dead", "list", "--system", "oms").stdout, "list and show leave it there")

            # The fix: the OMS without the switch. Then the redrive runs it once.
            oms.stop()
            oms = stack.start("oms", max_attempts=3)
            redriven = cimbus(stack, "dead", "redrive", "--system", "oms", "--id", message_id)
            self.assertEqual(redriven.returncode, 0, redriven.stdout + redriven.stderr)
            self.assertIn("1 message(s) redriven", redriven.stdout)
            rows = self.wait_journal(oms.endpoint, ticket, lambda rows: any(r["result"] == "ok (redriven)" for r in rows))
            taken = [r for r in rows if r["direction"] == "in" and r["message_id"] == message_id]
            self.assertEqual([r["result"] for r in taken], ["retried", "retried", "retried", "dead", "ok (redriven)"],
                             "the journal tells the attempts, the giving up, and the one execution after the redrive")
            self.assertIn("redriven from the dead-letter queue", oms.log())
            self.assertEqual(self.tickets(stack, ticket), 1)
            self.assertIn("0 message(s)", cimbus(stack, "dead", "list", "--system", "oms").stdout)
            again = cimbus(stack, "dead", "redrive", "--system", "oms", "--id", message_id)
            self.assertEqual(again.returncode, 1, "nothing left to redrive")

            # The same message once more, not redriven: a duplicate, not executed again.
            self.assertEqual(cimbus(stack, "send", poison).returncode, 0)
            self.wait_journal(oms.endpoint, ticket, lambda rows: any(r["result"] == "duplicate" for r in rows))
            self.assertEqual(self.tickets(stack, ticket), 1)

            # purge asks first.
            from proton import Message  # noqa: E402
            connection = stack.amqp_connection()
            sender = connection.create_sender("/exchange/cim/req.TroubleTickets.create")
            broken_id = str(uuid.uuid4())
            sender.send(Message(id=broken_id, body="<RequestMessage><Header><Verb>create</Verb>"))  # not well-formed: dead-lettered
            connection.close()
            self.wait_listed(stack, broken_id)
            refused = cimbus(stack, "dead", "purge", "--system", "oms", "--all", stdin="no\n")
            self.assertEqual(refused.returncode, 1)
            self.assertIn("nothing purged", refused.stderr)
            self.assertNotIn("0 message(s)", cimbus(stack, "dead", "list", "--system", "oms").stdout)
            purged = cimbus(stack, "dead", "purge", "--system", "oms", "--all", stdin="yes\n")
            self.assertEqual(purged.returncode, 0, purged.stderr)
            self.assertIn("purged", purged.stdout)
            self.assertIn("0 message(s)", cimbus(stack, "dead", "list", "--system", "oms").stdout)
            self.assertEqual(cimbus(stack, "dead", "redrive", "--system", "oms").returncode, 2, "redrive needs --id or --all")

    def a_customer(self, stack):
        """A customer of the OMS's territory (deploy/oms.json: seed 61968)."""
        return stable_uuid(61968, "customer", 7)

    def wait_listed(self, stack, message_id, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            listed = cimbus(stack, "dead", "list", "--system", "oms")
            self.assertEqual(listed.returncode, 0, listed.stderr)
            if message_id in listed.stdout and not listed.stdout.startswith("oms.dead: 0 message(s)"):
                return listed.stdout
            time.sleep(1)
        self.fail("nothing in oms.dead within %s s: %s" % (timeout, listed.stdout))

    def wait_journal(self, endpoint, name, done, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with urllib.request.urlopen(endpoint + "/journal?id=" + name, timeout=5) as r:
                rows = json.loads(r.read())["entries"]
            if done(rows):
                return rows
            time.sleep(0.5)
        self.fail("the journal of %s did not show it within %s s: %s" % (name, timeout, rows))

    def tickets(self, stack, ticket):
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(WORK, "oms.sqlite"), uri=True)
        try:
            return db.execute("SELECT COUNT(*) FROM records WHERE noun = 'TroubleTickets' AND mrid = ?", (ticket,)).fetchone()[0]
        finally:
            db.close()


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
