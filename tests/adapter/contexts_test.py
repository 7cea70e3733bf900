#!/usr/bin/python3
"""Contexts on one broker (issue 15, point 5; IEC 61968-100 6.3.2 and 8.4.2): a PRODUCTION and a
TRAINING cimbus-oms with the context naming (PRODUCTION.REQUESTS.<Noun>.<verb>, queues
PRODUCTION.oms.requests, ...) on the broker's default virtual host, and a STUDY one with cimbus's
naming in a virtual host of its own, all from one `cimbus topology`.

- Each context's traffic reaches only its own adapter: a ticket created in TRAINING is found by
  TRAINING's get and not by PRODUCTION's, and its event is published under TRAINING's key only,
  with Context TRAINING.
- A TRAINING message sent to PRODUCTION's address (a mistake, or an injection) is refused: FAILED
  7.7 naming both contexts, the ticket not created; a TRAINING event there is dead-lettered with
  the reason. The production adapter counts and logs it once, and goes on serving.
- The STUDY virtual host is apart: its cim exchange is not the default virtual host's.

    contexts_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time
import unittest
import uuid

from proton import Message

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "connectors"))
from stack import Stack  # noqa: E402
from peer_messages import codes, field, receive  # noqa: E402
from external_oms import stable_uuid  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
MESSAGES = os.path.join(SOURCE, "tests", "data", "messages")
ALIASES = {
    "oms-production": ("oms", {"instance": "oms-production", "context": "PRODUCTION", "naming": "context"}),
    "oms-training": ("oms", {"instance": "oms-training", "context": "TRAINING", "naming": "context"}),
    "oms-study": ("oms", {"instance": "oms-study", "context": "STUDY", "broker": {"vhost": "study"}}),
}

stack = adapters = None
connections = {}


def setUpModule():
    global stack, adapters
    stack = Stack(SOURCE, BIN, WORK, ALIASES).__enter__()
    adapters = {alias: stack.start(alias) for alias in ALIASES}


def tearDownModule():
    for c in connections.values():
        c.close()
    stack.__exit__(None, None, None)


def connection(vhost="/"):
    if vhost not in connections:
        connections[vhost] = stack.amqp_connection(vhost)
    return connections[vhost]


def message(name, context, replacements=()):
    with open(os.path.join(MESSAGES, name), encoding="utf-8") as f:
        body = f.read()
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "", body)
    body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % uuid.uuid4(), body)
    # Context comes after Verb, Noun, Revision and ReplayDetection, before Timestamp and Source.
    body = re.sub(r"(</Noun>)", r"\1<Context>%s</Context>" % context, body, count=1)
    for old, new in replacements:
        body = body.replace(old, new)
    return body


def ticket_request(context, ticket):
    return message("TroubleTickets-create.xml", context, [("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8", ticket),
                                                         ("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", stable_uuid(61968, "customer", 11))])


def ask(key, body, vhost="/"):
    """Sends `body` through the cim exchange with routing key `key`; the answer at a reply queue of
    its own, bound to the exchange by its name (the adapters' own users may not use the default
    exchange), or None."""
    c = connection(vhost)
    name = "reply.peer-" + str(uuid.uuid4())
    replies = c.create_receiver("/exchange/cim/" + name, name=name)
    c.create_sender("/exchange/cim/" + key, name=str(uuid.uuid4())).send(Message(id=str(uuid.uuid4()), body=body, reply_to="/exchange/cim/" + name))
    return receive(replies, 30)


def found_by_get(context, ticket):
    """Whether context's OMS knows `ticket` (get TroubleTickets by mRID)."""
    body = message("Incidents-get.xml", context, [("<Noun>Incidents</Noun>", "<Noun>TroubleTickets</Noun>"),
                                                   ("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8", ticket)])
    body = body.replace("GetIncidents", "GetTroubleTickets").replace("<q:TroubleTicket>", "<q:TroubleTicket>")
    answer = ask(context + ".REQUESTS.TroubleTickets.get", body)
    assert answer is not None, "no answer to the get in " + context
    return ticket in answer.body


class Contexts(unittest.TestCase):
    def test_each_context_serves_its_own_traffic_and_publishes_under_its_own_key(self):
        events = {c: connection().create_receiver("/exchange/cim/%s.EVENTS.TroubleTickets.created" % c, name=str(uuid.uuid4()))
                  for c in ("PRODUCTION", "TRAINING")}
        time.sleep(0.5)  # the bindings of the temporary queues
        ticket = str(uuid.uuid4())
        answer = ask("TRAINING.REQUESTS.TroubleTickets.create", ticket_request("TRAINING", ticket))
        self.assertIsNotNone(answer, "no answer from the TRAINING adapter")
        self.assertEqual(field(answer.body, "Result"), "OK", answer.body)
        self.assertEqual(field(answer.body, "Context"), "TRAINING")
        deadline, event = time.time() + 30, None
        while event is None and time.time() < deadline:
            m = receive(events["TRAINING"], 5)
            if m is not None and ticket in m.body:
                event = m
        self.assertIsNotNone(event, "no TRAINING event for the ticket")
        self.assertEqual(field(event.body, "Context"), "TRAINING")
        while True:  # nothing of it under PRODUCTION's key
            m = receive(events["PRODUCTION"], 2)
            if m is None:
                break
            self.assertNotIn(ticket, m.body, "a TRAINING ticket's event reached PRODUCTION's key")
        self.assertTrue(found_by_get("TRAINING", ticket))
        self.assertFalse(found_by_get("PRODUCTION", ticket), "the TRAINING ticket exists in PRODUCTION")

    def test_a_training_request_at_productions_address_is_refused(self):
        ticket = str(uuid.uuid4())
        answer = ask("PRODUCTION.REQUESTS.TroubleTickets.create", ticket_request("TRAINING", ticket))
        self.assertIsNotNone(answer, "no answer from the PRODUCTION adapter")
        self.assertEqual(field(answer.body, "Result"), "FAILED", answer.body)
        self.assertEqual(codes(answer.body), ["7.7"], answer.body)
        self.assertIn("Context TRAINING is not this adapter's (PRODUCTION)", answer.body)
        self.assertFalse(found_by_get("PRODUCTION", ticket), "the refused ticket was created")
        self.assertFalse(found_by_get("TRAINING", ticket))
        production = adapters["oms-production"]
        self.assertEqual(production.log().count("messages of context TRAINING reach this adapter of context PRODUCTION"), 1)
        self.assertTrue(production.alive())

    def test_a_training_event_at_productions_address_is_dead_lettered(self):
        dead = connection().create_receiver("/amq/queue/PRODUCTION.oms.dead", name=str(uuid.uuid4()))
        event = message("MaintenanceOrders-changed-event.xml", "TRAINING")
        event_id = field(event, "MessageID")
        connection().create_sender("/exchange/cim/PRODUCTION.EVENTS.MaintenanceOrders.changed", name=str(uuid.uuid4())).send(
        Message(id=event_id, body=event))
        deadline, copy = time.time() + 30, None
        while copy is None and time.time() < deadline:
            m = receive(dead, 5)
            if m is not None and m.id == event_id:
                copy = m
        self.assertIsNotNone(copy, "the TRAINING event is not in PRODUCTION.oms.dead")
        self.assertIn("foreign context: Context TRAINING is not this adapter's (PRODUCTION)", copy.properties["x-cimbus-reason"])

    def test_a_message_without_context_is_taken_as_the_adapters(self):
        body = re.sub(r"<Context>[^<]*</Context>", "", ticket_request("PRODUCTION", str(uuid.uuid4())))
        answer = ask("PRODUCTION.REQUESTS.TroubleTickets.create", body)
        self.assertIsNotNone(answer)
        self.assertEqual(field(answer.body, "Result"), "OK", answer.body)
        self.assertEqual(field(answer.body, "Context"), "PRODUCTION", "the reply carries the adapter's context")

    def test_cimbus_request_routes_by_the_headers_context(self):
        path = os.path.join(WORK, "training-request.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(ticket_request("TRAINING", str(uuid.uuid4())))
        env = dict(os.environ, CIMBUS_BROKER_URL=stack.broker_url)
        asked = subprocess.run([os.path.join(BIN, "cimbus"), "request", "--naming", "context", path], env=env, capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(asked.returncode, 0, asked.stdout + asked.stderr)
        self.assertEqual(field(asked.stdout, "Context"), "TRAINING")
        study = subprocess.run([os.path.join(BIN, "cimbus"), "request", "--vhost", "study", path], env=env, capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(study.returncode, 1, "the STUDY adapter took a TRAINING request: " + study.stdout)
        self.assertIn("Context TRAINING is not this adapter's (STUDY)", study.stdout)

    def test_the_study_virtual_host_is_apart(self):
        ticket = str(uuid.uuid4())
        answer = ask("req.TroubleTickets.create", ticket_request("STUDY", ticket), vhost="study")
        self.assertIsNotNone(answer, "no answer in the study virtual host")
        self.assertEqual(field(answer.body, "Result"), "OK", answer.body)
        # The same key on the default virtual host reaches no STUDY adapter: nothing is bound to it
        # there, and an adapter of that virtual host reports it (2.5).
        body = re.sub(r"<Context>[^<]*</Context>", "", ticket_request("STUDY", str(uuid.uuid4())))
        answer = ask("req.TroubleTickets.create", body)
        self.assertIsNotNone(answer, "no word that it routed nowhere")
        self.assertIn("2.5", codes(answer.body), answer.body)
        for alias in ALIASES:
            self.assertTrue(adapters[alias].alive(), alias)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
