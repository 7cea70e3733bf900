#!/usr/bin/python3
"""Least privilege per system (issue 16, point 2; decisions/0026): the users `cimbus topology`
generates, on a private broker, with cimbus-oms logged in as its own user "oms".

With the OMS's credentials, the broker itself refuses (amqp:unauthorized-access, naming what):
consuming the CIS's request queue, publishing an event the OMS does not own
(evt.CustomerAgreements.changed), declaring a queue, and sending through the default exchange
(which reaches every queue). What the OMS owns is allowed: one of its events, a reply through the
exchange.

cimbus-oms is deployed here with a topology that does not list MaintenanceOrders among its
`requests` (a configuration mistake): the broker refuses the maintenance orders it requests. The
refusal is logged once, with the broker's words; the adapter keeps answering the tickets it is
asked to create, and the refused requests end in oms.dead with the reason after
give_up_refused_ms, never in a loop.

    least_privilege_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time
import unittest
import uuid

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adapter"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "connectors"))
from stack import Stack  # noqa: E402
from peer_messages import field, receive  # noqa: E402
from external_oms import stable_uuid  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
MESSAGES = os.path.join(SOURCE, "tests", "data", "messages")
# The OMS as deployed, but its topology lacks the MaintenanceOrders it requests.
MISCONFIGURED = {"cis": ("cis", {}), "oms": ("oms", {"requests": [], "broker": {"give_up_refused_ms": 4000}})}

stack = oms = connection = None


def setUpModule():
    global stack, oms, connection
    stack = Stack(SOURCE, BIN, WORK, MISCONFIGURED).__enter__()
    oms = stack.start("oms")
    connection = stack.amqp_connection()


def tearDownModule():
    connection.close()
    stack.__exit__(None, None, None)


class Attempt(MessagingHandler):
    """One thing a user tries on the broker: a receiver on `source`, or a message sent to `target`.
    `outcome` is "attached", "accepted", or the broker's refusal "name: description"."""

    def __init__(self, url, user, password, source=None, target=None):
        super().__init__()
        self.url, self.user, self.password, self.source, self.target = url, user, password, source, target
        self.outcome, self.sent = None, False

    def on_start(self, event):
        self.connection = event.container.connect(self.url, user=self.user, password=self.password, allowed_mechs="PLAIN",
                                                  allow_insecure_mechs=True)
        if self.source:
            event.container.create_receiver(self.connection, self.source)
        else:
            event.container.create_sender(self.connection, self.target)
        event.container.schedule(10, self)

    def on_timer_task(self, event):
        self.end("no answer in 10 s")

    def on_link_opened(self, event):
        if self.source and event.receiver:
            self.end("attached")

    def on_sendable(self, event):
        if not self.sent:
            self.sent = True
            event.sender.send(Message(id=str(uuid.uuid4()), body="least privilege probe", durable=True))

    def on_accepted(self, event):
        self.end("accepted")

    def on_session_error(self, event):
        self.end("%s: %s" % (event.session.remote_condition.name, event.session.remote_condition.description))

    def on_link_error(self, event):
        self.end("%s: %s" % (event.link.remote_condition.name, event.link.remote_condition.description))

    def on_connection_error(self, event):
        self.end("%s: %s" % (event.connection.remote_condition.name, event.connection.remote_condition.description))

    def on_transport_error(self, event):
        self.end("transport: %s" % event.transport.condition)

    def end(self, outcome):
        if self.outcome is None:
            self.outcome = outcome
        self.connection.close()
        self.container.stop()

    def run(self):
        self.container = Container(self)
        self.container.run()
        return self.outcome


def attempt(user, source=None, target=None):
    port = int(re.search(r":(\d+)$", stack.broker_url).group(1))
    return Attempt("amqp://127.0.0.1:%d" % port, user, stack.password_of(user), source, target).run()


class TheBrokerRefusesWhatTheOmsDoesNotOwn(unittest.TestCase):
    def test_consuming_the_cis_request_queue(self):
        outcome = attempt("oms", source="/amq/queue/cis.requests")
        self.assertIn("amqp:unauthorized-access", outcome)
        self.assertIn("access to queue 'cis.requests' in vhost '/' refused for user 'oms'", outcome)

    def test_publishing_an_event_of_the_cis(self):
        outcome = attempt("oms", target="/exchange/cim/evt.CustomerAgreements.changed")
        self.assertIn("amqp:unauthorized-access", outcome)
        self.assertIn("access to topic 'evt.CustomerAgreements.changed' in exchange 'cim'", outcome)

    def test_declaring_a_queue(self):
        outcome = attempt("oms", source="/queue/oms.spy")
        self.assertIn("amqp:unauthorized-access", outcome)
        self.assertIn("access to queue 'oms.spy'", outcome)

    def test_sending_through_the_default_exchange(self):
        outcome = attempt("oms", target="/amq/queue/cis.requests")
        self.assertIn("amqp:unauthorized-access", outcome)
        self.assertIn("access to exchange 'amq.default'", outcome)

    def test_sending_a_request_its_routes_do_not_name(self):
        outcome = attempt("oms", target="/exchange/cim/req.CustomerAgreements.create")
        self.assertIn("access to topic 'req.CustomerAgreements.create'", outcome)

    def test_what_it_owns_is_allowed(self):
        # the same user and password: the refusals above are its permissions, not its login
        self.assertEqual(attempt("oms", target="/exchange/cim/evt.TroubleTickets.changed"), "accepted")
        self.assertEqual(attempt("oms", target="/exchange/cim/reply.cis-1"), "accepted")
        self.assertEqual(attempt("oms", target="/exchange/cim.dlx/dead.oms.probe"), "accepted")
        self.assertIn("access to topic 'dead.cis.probe'", attempt("oms", target="/exchange/cim.dlx/dead.cis.probe"))

    def test_a_refused_receiver_is_reported_once(self):
        # cimbus listen as the OMS on the CIS's queue: the Bus reports the refusal once, with the
        # broker's words, while it tries again (1 s doubling), and the command ends without a message
        env = dict(os.environ, CIMBUS_BROKER_URL=re.sub(r"//[^@/]*@", "//", stack.broker_url), CIMBUS_BROKER_USER="oms",
                   CIMBUS_BROKER_PASSWORD_FILE=stack.password_file("oms"), CIMBUS_BROKER_ALLOW_PLAIN="1")
        listened = subprocess.run([os.path.join(BIN, "cimbus"), "listen", "--from", "cis.requests", "--count", "1", "--timeout", "6"],
                                  capture_output=True, text=True, env=env, timeout=60)
        self.assertNotEqual(listened.returncode, 0, listened.stdout + listened.stderr)
        self.assertEqual(listened.stdout.count("<"), 0, listened.stdout)
        refusals = [line for line in listened.stderr.splitlines() if "refuses receiving from /amq/queue/cis.requests" in line]
        self.assertEqual(len(refusals), 1, listened.stderr)
        self.assertIn("access to queue 'cis.requests' in vhost '/' refused for user 'oms'", refusals[0])

    def test_the_cis_may_not_read_the_oms_queue_either(self):
        self.assertIn("access to queue 'oms.requests'", attempt("cis", source="/amq/queue/oms.requests"))


def ticket(customer):
    """A ticket's create for a customer of the OMS's territory (deploy/oms.json: seed 61968)."""
    with open(os.path.join(MESSAGES, "TroubleTickets-create.xml"), encoding="utf-8") as f:
        body = f.read()
    body = body.replace("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c", stable_uuid(61968, "customer", customer))
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "", body)
    body = re.sub(r"<m:mRID>a3f1c2d4[^<]*</m:mRID>", "<m:mRID>%s</m:mRID>" % uuid.uuid4(), body)
    return re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % uuid.uuid4(), body)


class TheAdapterKeepsServing(unittest.TestCase):
    def test_a_refused_request_is_logged_once_answered_around_and_dead_lettered(self):
        name = "reply.least-privilege-" + str(uuid.uuid4())
        replies = connection.create_receiver("/exchange/cim/" + name, name=name)
        requests = connection.create_sender("/exchange/cim/req.TroubleTickets.create")
        refusal = "the broker refuses /exchange/cim/req.MaintenanceOrders.create"
        # tickets of customers far apart: new incidents, each dispatching a crew (a MaintenanceOrders create)
        for customer in (3, 700, 1400):
            requests.send(Message(id=str(uuid.uuid4()), body=ticket(customer), reply_to="/exchange/cim/" + name))
            answer = receive(replies, 30)
            self.assertIsNotNone(answer, "the OMS no longer answers")
            self.assertEqual(field(answer.body, "Result"), "OK", answer.body)
        # given up after give_up_refused_ms (4 s): in the OMS's dead-letter queue with the reason
        dead = connection.create_receiver("/amq/queue/oms.dead")
        reasons = []
        deadline = time.time() + 60
        while time.time() < deadline and not [r for r in reasons if "req.MaintenanceOrders.create" in r]:
            m = receive(dead, 5)
            if m is not None:
                reasons.append(str((m.properties or {}).get("x-cimbus-reason")))
        refused = [r for r in reasons if "req.MaintenanceOrders.create" in r]
        self.assertTrue(refused, reasons)
        self.assertIn("refused for user 'oms'", refused[0])
        # reported once when refused (with the broker's words), once when given up: not at each retry
        log = oms.log().splitlines()
        announced = [line for line in log if refusal in line and "trying again" in line]
        self.assertEqual(len(announced), 1, "\n".join(line for line in log if refusal in line))
        self.assertIn("ACCESS_REFUSED - access to topic 'req.MaintenanceOrders.create' in exchange 'cim'", announced[0])
        self.assertIn("refused for user 'oms'", announced[0])
        self.assertEqual(len([line for line in log if refusal in line and "given up" in line]), 1)
        # and it still serves
        self.assertTrue(oms.alive())
        requests.send(Message(id=str(uuid.uuid4()), body=ticket(1900), reply_to="/exchange/cim/" + name))
        answer = receive(replies, 30)
        self.assertIsNotNone(answer)
        self.assertEqual(field(answer.body, "Result"), "OK", answer.body)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
