#!/usr/bin/python3
"""A foreign AMQP peer (Qpid Proton Python) against cimbus-oms as deployed, on a private broker:
what real JMS/AMQP peers send, and worse (issue 14).

- Replies are confined: a ReplyAddress or reply-to aimed at another queue, another system's request
  route, the cim exchange or a web-service URL is not followed. The request is answered FAILED 7.7
  at a reply-to that may be used, else dead-lettered with its reason; a queue that reply_queues
  allows is followed.
- Transport-level input cimbus cannot read (application-properties holding a list or a map, a
  property name that is no string, a body that is an AMQP number) is answered with a FaultMessage
  (5.2) at its reply-to and dead-lettered at once with its reason, logged once: no redelivery loop.
- Nothing is lost at the edges: a reply to a reply queue that does not exist (RabbitMQ would take it
  and drop it) is tried again for give_up_refused_ms, then dead-lettered with the broker's words,
  logged once; the adapter goes on answering meanwhile.

    hostile_peer_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import sys
import time
import unittest
import uuid

from proton import Message, symbol

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "connectors"))
from stack import Stack  # noqa: E402
from peer_messages import codes, receive  # noqa: E402
from external_oms import stable_uuid  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
REQUEST_ROUTE = "/exchange/cim/req.TroubleTickets.create"
ALLOWED = "EMS.ReplyQueue"

stack = oms = connection = sender = dead = wms_requests = None
dead_letters = []  # every message read from oms.dead so far


def setUpModule():
    global stack, oms, connection, sender, dead, wms_requests
    # Reply queues by name, and one that is gone, are reached through the default exchange, which
    # least privilege refuses: the adapters log in as the broker's administrator here.
    stack = Stack(SOURCE, BIN, WORK, own_users=False).__enter__()
    oms = stack.start("oms", reply_queues=[ALLOWED], web_services={"listen": "127.0.0.1:0"}, broker={"give_up_refused_ms": 3000})
    connection = stack.amqp_connection()
    sender = connection.create_sender(REQUEST_ROUTE)
    dead = connection.create_receiver("/amq/queue/oms.dead")
    # The WMS does not run here: whatever reaches its request queue stays for this receiver. (Links
    # are not closed: RabbitMQ 3.10 does not answer a detach in time.)
    wms_requests = listen("/amq/queue/wms.requests")


def tearDownModule():
    connection.close()
    stack.__exit__(None, None, None)


def request(message_id, reply_address):
    with open(os.path.join(SOURCE, "tests", "data", "messages", "TroubleTickets-create.xml"), encoding="utf-8") as f:
        body = f.read()
    body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % message_id, body)
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "<ReplyAddress>%s</ReplyAddress>" % reply_address if reply_address else "", body)
    return body


def send(message):
    sender.send(message)


def listen(address):
    return connection.create_receiver(address, name=str(uuid.uuid4()))


def dead_letter(message_id, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in dead_letters if m.id == message_id]
        if found:
            return found[0]
        m = receive(dead, 1)
        if m is not None:
            dead_letters.append(m)
    return None


class Peer:
    """A reply queue of the peer's own (reply.peer-...), and other queues it listens on."""

    def __init__(self):
        self.queue = "reply.peer-" + str(uuid.uuid4())
        self.replies = listen("/queue/" + self.queue)

    def answer(self, timeout=30):
        return receive(self.replies, timeout)


class ConfinedReplies(unittest.TestCase):
    def test_a_reply_address_at_another_queue_is_refused_at_the_reply_to(self):
        peer, trap = Peer(), listen("/queue/peer.trap")
        message_id = str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, "/amq/queue/peer.trap"), reply_to=peer.queue))
        answer = peer.answer()
        self.assertIsNotNone(answer, "no answer at the reply-to")
        self.assertEqual(answer.correlation_id, message_id)
        self.assertIn(">FAILED<", answer.body)
        self.assertEqual(codes(answer.body), ["7.7"], answer.body)
        self.assertIn("/amq/queue/peer.trap", answer.body)
        self.assertIsNone(receive(trap, 3), "the reply went where the ReplyAddress aimed it")

    def test_a_request_route_as_reply_address_with_no_usable_reply_to_is_dead_lettered(self):
        message_id = str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, "/amq/queue/wms.requests"), reply_to="/exchange/cim/req.WorkRequests.cancel"))
        dead_copy = dead_letter(message_id)
        self.assertIsNotNone(dead_copy, "not dead-lettered")
        self.assertIn("misdirected", dead_copy.properties["x-cimbus-reason"])
        self.assertIn("/amq/queue/wms.requests", dead_copy.properties["x-cimbus-reason"])
        self.assertIsNone(receive(wms_requests, 3), "something reached the WMS's request queue")

    def test_a_reply_to_at_the_cim_exchange_is_dead_lettered(self):
        message_id = str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, None), reply_to="/exchange/cim/req.WorkRequests.cancel"))
        dead_copy = dead_letter(message_id)
        self.assertIsNotNone(dead_copy, "not dead-lettered")
        self.assertIn("reply-to", dead_copy.properties["x-cimbus-reason"])
        self.assertIsNone(receive(wms_requests, 3), "something reached the WMS's request queue")

    def test_a_web_service_reply_address_is_refused_at_the_reply_to(self):
        peer, message_id = Peer(), str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, "http://127.0.0.1:1/steal"), reply_to=peer.queue))
        answer = peer.answer()
        self.assertIsNotNone(answer)
        self.assertEqual(codes(answer.body), ["7.7"], answer.body)
        self.assertIn("web-service callback", answer.body)

    def test_a_queue_that_reply_queues_allows_gets_the_reply(self):
        allowed = listen("/queue/" + ALLOWED)
        # As a queue name, and in the standard's form (IEC 61968-100 6.3.2: queue:EMS.ReplyQueue).
        for reply_address in (ALLOWED, "queue:" + ALLOWED):
            message_id = str(uuid.uuid4())
            send(Message(id=message_id, body=request(message_id, reply_address)))
            answer = receive(allowed, 30)
            self.assertIsNotNone(answer, "no answer at " + reply_address)
            self.assertEqual(answer.correlation_id, message_id)
            self.assertNotIn("7.7", codes(answer.body))

    def test_another_systems_queue_in_the_standards_form_is_refused(self):
        peer, message_id = Peer(), str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, "queue:wms.requests"), reply_to=peer.queue))
        answer = peer.answer()
        self.assertIsNotNone(answer)
        self.assertIn("7.7", codes(answer.body))
        self.assertIsNone(receive(wms_requests, 2), "the reply reached the WMS's request queue")

    def test_refusals_are_logged(self):
        self.assertIn("refused: ReplyAddress", oms.log())
        self.assertTrue(oms.alive())


class HostileTransport(unittest.TestCase):
    def assert_taken_once(self, message, what):
        peer = Peer()
        message.id, message.reply_to = str(uuid.uuid4()), peer.queue
        send(message)
        fault = peer.answer()
        self.assertIsNotNone(fault, "no Fault at the reply-to")
        self.assertIn("FaultMessage", fault.body)
        self.assertEqual(codes(fault.body), ["5.2"], fault.body)
        self.assertIn(what, fault.body)
        dead_copy = dead_letter(message.id)
        self.assertIsNotNone(dead_copy, "not dead-lettered")
        self.assertIn(what, dead_copy.properties["x-cimbus-reason"])
        time.sleep(2)  # a loop would redeliver it many times meanwhile
        self.assertEqual(oms.log().count(what), 1, "logged once, not at every redelivery")
        self.assertTrue(oms.alive())

    def body(self):
        message_id = str(uuid.uuid4())
        return request(message_id, None)

    def test_a_list_in_the_application_properties(self):
        self.assert_taken_once(Message(body=self.body(), properties={"Verb": "create", "Tags": ["storm", "north"]}), "'Tags' is a list")

    def test_a_map_in_the_application_properties(self):
        self.assert_taken_once(Message(body=self.body(), properties={"Verb": "create", "Route": {"feeder": "FDR-01"}}), "'Route' is a map")

    def test_a_property_name_that_is_no_string(self):
        # Proton Python refuses to send it; a hostile peer's encoder does not.
        class Unchecked(Message):
            def _check_property_keys(self):
                pass
        self.assert_taken_once(Unchecked(body=self.body(), properties={symbol("Noun"): "TroubleTickets"}), "name is a symbol")

    def test_a_body_that_is_an_amqp_number(self):
        # (A list as the body does not reach cimbus: RabbitMQ 3.10's AMQP 1.0 plugin drops the
        # sender's connection on it.)
        self.assert_taken_once(Message(body=42), "the body is an AMQP long")

    def test_the_adapter_still_answers(self):
        peer, message_id = Peer(), str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, peer.queue)))
        answer = peer.answer()
        self.assertIsNotNone(answer)
        self.assertEqual(answer.correlation_id, message_id)


class RefusedDestinations(unittest.TestCase):
    def test_a_reply_to_a_queue_that_does_not_exist_ends_in_the_dead_letter_queue(self):
        gone = "reply.gone-" + str(uuid.uuid4())
        message_id = str(uuid.uuid4())
        send(Message(id=message_id, body=request(message_id, None), reply_to=gone))
        # Meanwhile the adapter answers others (the refused queue holds nothing else up).
        peer, other = Peer(), str(uuid.uuid4())
        send(Message(id=other, body=request(other, None), reply_to=peer.queue))
        answer = peer.answer()
        self.assertIsNotNone(answer, "an answer to another requester waited for the refused one")
        self.assertEqual(answer.correlation_id, other)
        # The reply (correlated to the request) reaches oms.dead after the 3 s of retries.
        deadline, reply = time.time() + 30, None
        while reply is None and time.time() < deadline:
            reply = next((m for m in dead_letters if m.correlation_id == message_id), None)
            m = receive(dead, 1)
            if m is not None:
                dead_letters.append(m)
        self.assertIsNotNone(reply, "the reply to a missing queue was not dead-lettered")
        self.assertIn("no queue '%s'" % gone, reply.properties["x-cimbus-reason"])
        self.assertEqual(reply.properties["x-cimbus-target"], "/amq/queue/" + gone)
        self.assertEqual(oms.log().count("no queue '%s'" % gone), 3, "refused, given up, dead-lettered: once each, not at every retry")
        self.assertTrue(oms.alive())


class Unrouted(unittest.TestCase):
    """What no binding routes lands in cim.unrouted: the adapter that takes it reports it (an error,
    a copy in its dead-letter queue with the reason, FAILED 2.5 to the sender), and the command
    line says so where it is sent."""

    def unroutable(self, message_id):
        return request(message_id, None).replace("<Noun>TroubleTickets</Noun>", "<Noun>NoSuchNoun</Noun>")

    def cimbus(self, *args):
        """`cimbus ARGS FILE` with a valid TroubleTickets create of a new MessageID."""
        import subprocess
        path = os.path.join(WORK, "request-%s.xml" % uuid.uuid4())
        with open(path, "w", encoding="utf-8") as f:
            f.write(request(str(uuid.uuid4()), None))
        env = dict(os.environ, CIMBUS_BROKER_URL=stack.broker_url)
        return subprocess.run([os.path.join(BIN, "cimbus")] + list(args) + [path], env=env, capture_output=True, text=True, timeout=60)

    def test_a_request_nobody_serves_is_answered_2_5_and_dead_lettered(self):
        peer, message_id = Peer(), str(uuid.uuid4())
        unrouted = connection.create_sender("/exchange/cim/req.NoSuchNoun.create")
        unrouted.send(Message(id=message_id, body=self.unroutable(message_id), reply_to=peer.queue))
        answer = peer.answer()
        self.assertIsNotNone(answer, "no word that the request routed nowhere")
        self.assertEqual(answer.correlation_id, message_id)
        self.assertIn("2.5", codes(answer.body))
        self.assertIn("routed it nowhere", answer.body)
        copy = dead_letter(message_id)
        self.assertIsNotNone(copy, "not in the dead-letter queue")
        self.assertIn("routed nowhere: no queue is bound to its routing key (for its Header: req.NoSuchNoun.create)",
                      copy.properties["x-cimbus-reason"])
        self.assertEqual(copy.properties["x-cimbus-queue"], "unrouted")
        self.assertIn("(MessageID %s) was routed nowhere" % message_id, oms.log())
        self.assertTrue(oms.alive())

    def test_cimbus_send_to_a_key_nobody_serves_fails(self):
        sent = self.cimbus("send", "--to", "req.NoSuchNoun.create")
        self.assertEqual(sent.returncode, 1, sent.stdout + sent.stderr)
        self.assertIn("routed nowhere, no queue is bound to its key", sent.stderr)

    def test_cimbus_request_to_a_key_nobody_serves_fails_at_once(self):
        started = time.time()
        asked = self.cimbus("request", "--timeout", "30", "--to", "req.NoSuchNoun.create")
        self.assertEqual(asked.returncode, 1, asked.stdout + asked.stderr)
        self.assertTrue("routed it nowhere" in asked.stdout or "routed nowhere" in asked.stderr, asked.stdout + asked.stderr)
        self.assertLess(time.time() - started, 25, "it waited for its deadline")

    def test_cimbus_send_to_a_key_that_routes_still_succeeds(self):
        routed = self.cimbus("send")  # req.TroubleTickets.create: the OMS's queue
        self.assertEqual(routed.returncode, 0, routed.stdout + routed.stderr)
        self.assertIn("/exchange/cim/req.TroubleTickets.create: accepted", routed.stdout)

class OperationSets(unittest.TestCase):
    """IEC 61968-100 6.10: an OperationSet with the noun OperationSet goes by its operations' noun,
    is refused (2.5) when they span systems, and is followed by an executed event."""

    def execute(self, extra_operation=""):
        with open(os.path.join(SOURCE, "tests", "data", "messages", "OperationSet-execute.xml"), encoding="utf-8") as f:
            body = f.read()
        body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % uuid.uuid4(), body)
        body = body.replace("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f9", str(uuid.uuid4()))
        body = body.replace("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", stable_uuid(61968, "customer", 23))
        body = body.replace("</OperationSet>", extra_operation + "</OperationSet>")
        path = os.path.join(WORK, "operation-set-%s.xml" % uuid.uuid4())
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
        import subprocess
        env = dict(os.environ, CIMBUS_BROKER_URL=stack.broker_url)
        return subprocess.run([os.path.join(BIN, "cimbus"), "request", "--timeout", "30", path], env=env, capture_output=True, text=True,
                              timeout=60)

    def test_it_is_routed_by_its_operations_noun_and_followed_by_executed(self):
        executed = listen("/exchange/cim/evt.TroubleTickets.executed")
        time.sleep(0.5)  # the binding of the temporary queue
        asked = self.execute()
        self.assertEqual(asked.returncode, 0, asked.stdout + asked.stderr)
        self.assertIn("<Result>OK</Result>", asked.stdout)
        event = receive(executed, 30)
        self.assertIsNotNone(event, "no executed event")
        self.assertIn("<Verb>executed</Verb>", event.body)
        self.assertIn("<Noun>OperationSet</Noun>", event.body)
        self.assertIn("Flickering lights, then dark", event.body, "the operations' payloads")

    def test_a_set_spanning_systems_is_refused_with_2_5(self):
        work_request = ("<Operation><operationId>2</operationId><noun>WorkRequests</noun><verb>create</verb>"
                        "<w:WorkRequests xmlns:w=\"http://iec.ch/TC57/2015/WorkRequests#\"/></Operation>")
        asked = self.execute(work_request)
        self.assertEqual(asked.returncode, 1, asked.stdout + asked.stderr)
        self.assertEqual(codes(asked.stdout), ["2.5"], asked.stdout)
        self.assertIn("the OperationSet spans systems: oms does not serve WorkRequests", asked.stdout)
        self.assertTrue(oms.alive())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
