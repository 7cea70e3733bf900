#!/usr/bin/python3
"""Correlation as foreign peers expect it, against cimbus-oms as deployed on a private broker
(issue 15, point 3; IEC 61968-100 FDIS 6.9 and 8.4.3):

- A Qpid Proton Python peer that behaves like Qpid JMS: the client library gives each message its
  id ("ID:<uuid>:1:1:1-1"), the document has no Header MessageID, and the reply is matched by
  correlation-id == that id. Ids of the other AMQP types (uuid, binary, ulong) come back as they
  were sent, and a correlation-id the peer set wins over its message-id.
- Such a request sent twice (same AMQP message-id, no Header MessageID) is executed once.
- A request sent again with the same MessageID from another requester (another process, another
  reply queue) is answered at the second requester's queue; `cimbus request` of one file twice
  answers both runs.
- An event caused by a request carries the request's CorrelationID, else its MessageID, in the
  Header and as AMQP correlation-id.
- An AMQP 0-9-1 peer (python3-pika) on the same RabbitMQ publishes a get to the cim exchange with
  reply_to its server-named queue (amq.gen-...) and gets the reply there, correlated.

    foreign_correlation_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.parse
import uuid

import pika
from proton import Message, ulong

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "connectors"))
from stack import Stack  # noqa: E402
from peer_messages import field, receive  # noqa: E402
from external_oms import stable_uuid  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
MESSAGES = os.path.join(SOURCE, "tests", "data", "messages")

stack = oms = connection = sender = None


def setUpModule():
    global stack, oms, connection, sender
    # Foreign peers' reply forms (an AMQP 0-9-1 server-named queue, a queue by name) are reached
    # through the default exchange, which least privilege refuses: the adapters log in as the
    # broker's administrator here.
    stack = Stack(SOURCE, BIN, WORK, own_users=False).__enter__()
    oms = stack.start("oms")
    connection = stack.amqp_connection()
    sender = connection.create_sender("/exchange/cim/req.TroubleTickets.create")


def tearDownModule():
    connection.close()
    stack.__exit__(None, None, None)


def document(name, message_id=None, correlation_id=None):
    """tests/data/messages/NAME with a new ticket mRID for a customer of the OMS's territory
    (deploy/oms.json: seed 61968), its MessageID replaced (None: removed, as a JMS application
    leaves it to the provider) and a CorrelationID when given."""
    with open(os.path.join(MESSAGES, name), encoding="utf-8") as f:
        body = f.read()
    body = body.replace("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", stable_uuid(61968, "customer", 7))
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "", body)
    body = re.sub(r"<m:mRID>a3f1c2d4[^<]*</m:mRID>", "<m:mRID>%s</m:mRID>" % uuid.uuid4(), body)
    header = "<MessageID>%s</MessageID>" % message_id if message_id else ""
    if correlation_id:
        header += "<CorrelationID>%s</CorrelationID>" % correlation_id
    return re.sub(r"<MessageID>[^<]*</MessageID>", header, body)


class ReplyQueue:
    def __init__(self):
        self.name = "reply.peer-" + str(uuid.uuid4())
        self.receiver = connection.create_receiver("/queue/" + self.name, name=self.name)

    def answer(self, timeout=30):
        return receive(self.receiver, timeout)

    def nothing_more(self, timeout=3):
        return receive(self.receiver, timeout) is None


class JmsLikePeer(unittest.TestCase):
    def ask(self, message, queue=None):
        queue = queue or ReplyQueue()
        message.reply_to = queue.name
        sender.send(message)
        answer = queue.answer()
        self.assertIsNotNone(answer, "no reply at %s" % queue.name)
        return answer

    def test_a_reply_is_correlated_to_the_id_the_client_library_gave(self):
        jms_id = "ID:%s:1:1:1-1" % uuid.uuid4()
        answer = self.ask(Message(id=jms_id, body=document("TroubleTickets-create.xml")))
        self.assertEqual(answer.correlation_id, jms_id)
        self.assertEqual(field(answer.body, "Result"), "OK", answer.body)
        # The Header follows clause 6.9: without a MessageID or CorrelationID there is nothing to copy.
        self.assertIsNone(field(answer.body, "CorrelationID"), answer.body)

    def test_ids_of_every_amqp_type_come_back_as_sent(self):
        for sent in (uuid.uuid4(), ulong(int(time.time() * 1000)), b"\x00\x01peer\xff" + uuid.uuid4().bytes, "plain-%s" % uuid.uuid4()):
            with self.subTest(type=type(sent).__name__):
                answer = self.ask(Message(id=sent, body=document("TroubleTickets-create.xml")))
                # (Proton Python gives any ulong id back as an int, its own too.)
                self.assertEqual(type(answer.correlation_id), int if isinstance(sent, ulong) else type(sent))
                self.assertEqual(answer.correlation_id, sent)

    def test_a_correlation_id_the_application_set_wins(self):
        conversation = uuid.uuid4()
        answer = self.ask(Message(id="ID:%s:1:1:1-1" % uuid.uuid4(), correlation_id=conversation, body=document("TroubleTickets-create.xml")))
        self.assertEqual(answer.correlation_id, conversation)

    def test_the_header_correlation_follows_clause_6_9_independently(self):
        header_id = str(uuid.uuid4())
        jms_id = "ID:%s:1:1:1-1" % uuid.uuid4()
        answer = self.ask(Message(id=jms_id, body=document("TroubleTickets-create.xml", message_id=header_id)))
        self.assertEqual(answer.correlation_id, jms_id)
        self.assertEqual(field(answer.body, "CorrelationID"), header_id)

    def test_the_same_message_twice_is_executed_once(self):
        jms_id = "ID:%s:1:1:1-1" % uuid.uuid4()
        body = document("TroubleTickets-create.xml")
        queue = ReplyQueue()
        first = self.ask(Message(id=jms_id, body=body), queue)
        again = self.ask(Message(id=jms_id, body=body), queue)
        self.assertEqual(again.correlation_id, jms_id)
        self.assertEqual(field(again.body, "MessageID"), field(first.body, "MessageID"), "the same reply, not a second execution")
        self.assertNotIn("already exists", again.body)

    def test_a_retry_from_another_requester_is_answered_at_its_own_queue(self):
        header_id = str(uuid.uuid4())
        body = document("TroubleTickets-create.xml", message_id=header_id)
        first, second = ReplyQueue(), ReplyQueue()
        answer = self.ask(Message(id="ID:%s:1:1:1-1" % uuid.uuid4(), body=body), first)
        retry_id = "ID:%s:1:1:1-1" % uuid.uuid4()
        again = self.ask(Message(id=retry_id, body=body), second)
        self.assertEqual(again.correlation_id, retry_id)
        self.assertEqual(field(again.body, "MessageID"), field(answer.body, "MessageID"), "the reply given before, not a second execution")
        self.assertTrue(first.nothing_more(), "the first requester got the retry's answer")

    def test_an_event_caused_by_a_request_carries_its_correlation(self):
        events = connection.create_receiver("/exchange/cim/evt.TroubleTickets.created", name=str(uuid.uuid4()))
        time.sleep(0.5)  # the binding of the temporary queue
        for header_id, correlation_id in ((str(uuid.uuid4()), None), (str(uuid.uuid4()), str(uuid.uuid4()))):
            expected = correlation_id or header_id
            self.ask(Message(id=header_id, body=document("TroubleTickets-create.xml", header_id, correlation_id)))
            deadline, event = time.time() + 30, None
            while event is None and time.time() < deadline:
                m = receive(events, 5)
                if m is not None and field(m.body, "CorrelationID") == expected:
                    event = m
            self.assertIsNotNone(event, "no created event correlated to %s" % expected)
            self.assertEqual(event.correlation_id, expected)
            self.assertNotEqual(field(event.body, "MessageID"), header_id, "the event has its own MessageID")


class CimbusRequestTwice(unittest.TestCase):
    def test_the_same_file_twice_is_answered_both_times(self):
        path = os.path.join(WORK, "request-twice.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(document("TroubleTickets-create.xml", message_id=str(uuid.uuid4())))
        env = dict(os.environ, CIMBUS_BROKER_URL=stack.broker_url)
        runs = [subprocess.run([os.path.join(BIN, "cimbus"), "request", "--timeout", "30", path], env=env, capture_output=True, text=True,
                               timeout=60) for _ in range(2)]
        for run in runs:
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertNotIn("4.1", run.stderr)
        self.assertEqual(field(runs[0].stdout, "MessageID"), field(runs[1].stdout, "MessageID"), "the second run got the stored reply")


class Amqp091Peer(unittest.TestCase):
    """What many utility scripts are: pika, publishing to the cim exchange."""

    def test_a_get_with_reply_to_a_server_named_queue_is_answered_there(self):
        url = urllib.parse.urlparse(stack.broker_url)
        params = pika.ConnectionParameters("127.0.0.1", url.port, "/", pika.PlainCredentials(url.username, url.password))
        with pika.BlockingConnection(params) as peer:
            channel = peer.channel()
            replies = channel.queue_declare(queue="", exclusive=True).method.queue
            self.assertTrue(replies.startswith("amq.gen-"))
            correlation = str(uuid.uuid4())
            channel.basic_publish(exchange="cim", routing_key="req.Incidents.get",
                                  properties=pika.BasicProperties(reply_to=replies, correlation_id=correlation, message_id=str(uuid.uuid4()),
                                                                  content_type="application/xml; charset=utf-8", delivery_mode=2),
                                  body=document("Incidents-get.xml", message_id=str(uuid.uuid4())).encode("utf-8"))
            deadline, answer = time.time() + 30, None
            while answer is None and time.time() < deadline:
                method, properties, body = channel.basic_get(replies, auto_ack=True)
                if method is None:
                    time.sleep(0.2)
                    continue
                answer = (properties, body)
            self.assertIsNotNone(answer, "no reply reached the peer's amq.gen- queue\n" + oms.log()[-2000:])
            properties, body = answer
            self.assertEqual(properties.correlation_id, correlation)
            self.assertIn(b"<Noun>Incidents</Noun>", body)
            self.assertIn(b"<Verb>reply</Verb>", body)
        self.assertTrue(oms.alive())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
