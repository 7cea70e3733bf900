#!/usr/bin/python3
"""Message-level checks (issue 16, point 3; IEC 61968-100 6.3.2 ReplayDetection, User/Organization)
against cimbus-oms as deployed, on a private broker, with replay_detection required and rules of
which organisations may send what:

- a request with a fresh Created and a new Nonce is executed; the same message again (same
  MessageID) is answered from the inbox as before, not taken for a replay;
- the same Nonce from the same Source in another message is a replay: FAILED 7.4, never executed,
  logged; the same Nonce from another Source is not; the Nonce is still known after a restart;
- a Created older or later than the window, or without a time zone: FAILED 7.4 naming the window;
- no ReplayDetection where it is required: FAILED 7.2;
- a replayed event (MaintenanceOrders changed) is dead-lettered with the reason;
- an organisation no rule names, a verb its rule does not allow: FAILED 7.5; no Organization: 7.2.

    message_checks_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import datetime
import os
import re
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
CHECKS = {"replay_detection": {"required": True, "window_s": 300},
          "authorizations": [{"organization": "CIS-Utility", "nouns": ["TroubleTickets"], "verbs": ["create", "get"]},
                             {"organization": "WMS-Utility", "nouns": ["MaintenanceOrders"]}]}

stack = oms = connection = None
senders = {}  # by address: RabbitMQ 3.10 does not answer the detach of a link closed early


def setUpModule():
    global stack, oms, connection
    stack = Stack(SOURCE, BIN, WORK).__enter__()
    oms = stack.start("oms", **CHECKS)
    connection = stack.amqp_connection()


def tearDownModule():
    connection.close()
    stack.__exit__(None, None, None)


def created(offset_s=0, zone=True):
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_s)
    return at.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if zone else "")


def with_user(body, organization):
    """`body` with Header/User naming `organization` (None: no User)."""
    if organization is None:
        return body
    return body.replace("<MessageID>", "<User><UserID>agent-7</UserID><Organization>%s</Organization></User><MessageID>" % organization, 1)


def ticket(nonce=None, when=None, source="CIS", message_id=None, organization="CIS-Utility", name="TroubleTickets-create.xml"):
    """A new ticket's create (or `name`), for a customer of the OMS's territory (deploy/oms.json: seed
    61968), from `organization`, with ReplayDetection (Nonce, Created) unless `nonce` is None; its
    MessageID and the XML."""
    with open(os.path.join(MESSAGES, name), encoding="utf-8") as f:
        body = with_user(f.read(), organization)
    message_id = message_id or str(uuid.uuid4())
    body = body.replace("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", stable_uuid(61968, "customer", 7))
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "", body)
    body = re.sub(r"<m:mRID>a3f1c2d4[^<]*</m:mRID>", "<m:mRID>%s</m:mRID>" % uuid.uuid4(), body)
    body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % message_id, body)
    body = body.replace("<Source>CIS</Source>", "<Source>%s</Source>" % source)
    if nonce is not None:
        body = body.replace("</Noun>", "</Noun><ReplayDetection><Nonce>%s</Nonce><Created>%s</Created></ReplayDetection>"
                            % (nonce, when or created()), 1)
    return message_id, body


def send(address, body, reply_to=None, message_id=None):
    if address not in senders:
        senders[address] = connection.create_sender(address)
    senders[address].send(Message(id=message_id or str(uuid.uuid4()), body=body, reply_to=reply_to))


def ask(body, verb="create"):
    name = "reply.checks-" + str(uuid.uuid4())  # bound to the exchange: the OMS's own user may not use the default one
    replies = connection.create_receiver("/exchange/cim/" + name, name=name)
    send("/exchange/cim/req.TroubleTickets." + verb, body, reply_to="/exchange/cim/" + name)
    answer = receive(replies, 30)
    assert answer is not None, "no answer"
    return answer.body


class ReplayDetection(unittest.TestCase):
    def test_a_fresh_nonce_is_executed_and_the_same_message_again_answered_as_before(self):
        nonce = str(uuid.uuid4())
        message_id, body = ticket(nonce)
        first = ask(body)
        self.assertEqual(field(first, "Result"), "OK", first)
        again = ask(body)
        self.assertEqual(field(again, "Result"), "OK", again)
        self.assertEqual(field(again, "MessageID"), field(first, "MessageID"), "answered from the inbox")

    def test_the_same_nonce_in_another_message_is_a_replay(self):
        nonce = str(uuid.uuid4())
        self.assertEqual(field(ask(ticket(nonce)[1]), "Result"), "OK")
        message_id, body = ticket(nonce)
        answer = ask(body)
        self.assertEqual(field(answer, "Result"), "FAILED", answer)
        self.assertEqual(codes(answer), ["7.4"], answer)
        self.assertIn("seen before in another message: a replay", answer)
        self.assertIn(message_id + " from CIS refused by ReplayDetection: 7.4", oms.log())
        self.assertTrue(oms.alive())

    def test_the_same_nonce_from_another_source_is_its_own(self):
        nonce = str(uuid.uuid4())
        self.assertEqual(field(ask(ticket(nonce)[1]), "Result"), "OK")
        answer = ask(ticket(nonce, source="WMS")[1])
        self.assertEqual(field(answer, "Result"), "OK", answer)

    def test_created_outside_the_window_or_without_a_zone(self):
        for when, says in ((created(-600), "s behind this adapter's clock"), (created(+600), "s ahead of this adapter's clock"),
                           (created(zone=False), "names no instant"), ("2026-13-01T00:00:00Z", None)):
            with self.subTest(created=when):
                answer = ask(ticket(str(uuid.uuid4()), when=when)[1])
                self.assertEqual(field(answer, "Result"), "FAILED", answer)
                if says:  # an impossible date is the schema's (1.8) before it is ours
                    self.assertEqual(codes(answer), ["7.4"], answer)
                    self.assertIn(says, answer)

    def test_created_a_little_off_is_taken(self):
        answer = ask(ticket(str(uuid.uuid4()), when=created(-200))[1])
        self.assertEqual(field(answer, "Result"), "OK", answer)

    def test_without_replay_detection_where_it_is_required(self):
        answer = ask(ticket(None)[1])
        self.assertEqual(field(answer, "Result"), "FAILED", answer)
        self.assertEqual(codes(answer), ["7.2"], answer)

    def test_a_replayed_event_is_dead_lettered_with_the_reason(self):
        dead = connection.create_receiver("/amq/queue/oms.dead", name="checks-dead-" + str(uuid.uuid4()))
        with open(os.path.join(MESSAGES, "MaintenanceOrders-changed-event.xml"), encoding="utf-8") as f:
            event = f.read()
        nonce = str(uuid.uuid4())
        detection = "</Noun><ReplayDetection><Nonce>%s</Nonce><Created>%s</Created></ReplayDetection>" % (nonce, created())
        for message_id in (str(uuid.uuid4()), str(uuid.uuid4())):
            body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % message_id, with_user(event, "WMS-Utility"))
            body = body.replace("</Noun>", detection, 1)
            send("/exchange/cim/evt.MaintenanceOrders.changed", body)
        deadline, letter = time.time() + 30, None
        while letter is None and time.time() < deadline:
            m = receive(dead, 1)
            if m is not None and message_id in (m.body or "") and "ReplayDetection" in (m.properties or {}).get("x-cimbus-reason", ""):
                letter = m
        self.assertIsNotNone(letter, "the replayed event is not in oms.dead")
        self.assertIn("seen before in another message", letter.properties["x-cimbus-reason"])


class Authorisation(unittest.TestCase):
    def test_an_organisation_no_rule_names(self):
        answer = ask(ticket(str(uuid.uuid4()), organization="Elsewhere-Co")[1])
        self.assertEqual(codes(answer), ["7.5"], answer)
        self.assertIn("organisation Elsewhere-Co may not send create TroubleTickets here", answer)
        self.assertIn("refused by authorisation: 7.5", oms.log())

    def test_a_verb_the_organisation_may_not_send(self):
        answer = ask(ticket(str(uuid.uuid4()), name="TroubleTickets-cancel.xml")[1], verb="cancel")
        self.assertEqual(codes(answer), ["7.5"], answer)
        self.assertIn("organisation CIS-Utility may not send cancel TroubleTickets here", answer)

    def test_a_message_without_organisation(self):
        answer = ask(ticket(str(uuid.uuid4()), organization=None)[1])
        self.assertEqual(codes(answer), ["7.2"], answer)
        self.assertIn("Organization is required here", answer)
        self.assertTrue(oms.alive())


class Restarted(unittest.TestCase):
    def test_a_nonce_is_remembered_across_a_restart(self):
        global oms
        nonce = str(uuid.uuid4())
        self.assertEqual(field(ask(ticket(nonce)[1]), "Result"), "OK")
        oms.stop()
        oms = stack.start("oms", **CHECKS)
        answer = ask(ticket(nonce)[1])
        self.assertEqual(codes(answer), ["7.4"], answer)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
