#!/usr/bin/python3
"""Web-service callbacks (issue 15, point 2; IEC 61968-100 6.3.2, decisions/0023) against real
processes: a private broker, cimbus-oms with web_services.reply_urls allowing this test's own HTTP
servers on loopback, cimbus-cis without any, and a Qpid Proton peer on the bus.

- A request from the bus whose ReplyAddress is an allowed URL is answered by a SOAP 1.1 call of
  the generic Response operation there (its ResponseMessage valid against the standard's
  Message.xsd), correlated (6.9); with AsyncReplyFlag, its 0.3
  acknowledgement goes to the AMQP reply-to and the result to the URL.
- A callee answering 503 is called again and takes the reply once; one that stays down, or answers
  404, or a SOAP Client Fault, sends the reply to the dead-letter queue with the reason and the URL.
- The reply survives a SIGKILL of the adapter while its callee is down: after the restart it is
  delivered from the outbox.
- A URL no connector reaches (not allowed, https where http is allowed, an adapter without
  reply_urls, a URL with a CRLF in it) is refused FAILED 7.7 at the reply-to, saying so, and the
  adapter stays alive.

    web_callbacks_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import http.server
import os
import re
import signal
import sys
import threading
import time
import unittest
import uuid

from lxml import etree
from proton import Message

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adapter"))
from stack import Stack, free_port  # noqa: E402
from peer_messages import codes, field, receive  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
MESSAGES = os.path.join(SOURCE, "tests", "data", "messages")
MESSAGE_XSD = os.path.abspath(os.path.join(SOURCE, "..", "shared", "reference", "iec61968-100", "Message.xsd"))
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
ATTEMPTS = 3

stack = oms = cis = connection = None
callee = None
late_port = None  # nothing listens there until the restart test starts a callee on it


class Callee(http.server.BaseHTTPRequestHandler):
    """What arrives, by path; the answer by the path's first segment after /replies/:
    ok, flaky (503 twice, then 200), down (503), gone (404), fault (a SOAP Client Fault)."""
    calls = {}  # path: [(headers, body)]
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with Callee.lock:
            seen = Callee.calls.setdefault(self.path, [])
            seen.append((dict(self.headers), body))
            count = len(seen)
        kind = self.path.split("/")[2] if self.path.count("/") >= 2 else ""
        if kind == "flaky" and count <= 2 or kind == "down":
            return self.answer(503, b"busy")
        if kind == "gone":
            return self.answer(404, b"no such endpoint")
        if kind == "fault":
            return self.answer(500, ('<s:Envelope xmlns:s="%s"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
                                     '<faultstring>unknown correlation</faultstring></s:Fault></s:Body></s:Envelope>' % SOAP11).encode())
        self.answer(200, ('<s:Envelope xmlns:s="%s"><s:Body><ResponseMessage xmlns="http://iec.ch/TC57/2011/schema/message">'
                          '<Header><Verb>reply</Verb><Noun>Incidents</Noun></Header><Reply><Result>OK</Result></Reply>'
                          '</ResponseMessage></s:Body></s:Envelope>' % SOAP11).encode())

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(port=0):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Callee)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def oms_settings(retry_ms=200):
    return {"reply_urls": ["http://127.0.0.1:%d/replies/" % callee.server_port, "http://127.0.0.1:%d/replies/" % late_port],
            "callback_attempts": ATTEMPTS, "callback_retry_ms": retry_ms, "callback_timeout_ms": 3000}


def setUpModule():
    global stack, oms, cis, connection, callee, late_port
    callee = serve()
    late_port = free_port()
    stack = Stack(SOURCE, BIN, WORK).__enter__()
    oms = stack.start("oms", web_services=oms_settings())
    cis = stack.start("cis", web_services={})
    connection = stack.amqp_connection()


def tearDownModule():
    connection.close()
    stack.__exit__(None, None, None)
    callee.shutdown()


def get_incidents(reply_address, asynchronous=False, name="Incidents-get.xml"):
    """A get from the bus peer: its MessageID, with ReplyAddress (and AsyncReplyFlag) in its Header."""
    with open(os.path.join(MESSAGES, name), encoding="utf-8") as f:
        body = f.read()
    message_id = str(uuid.uuid4())
    header = ("<AsyncReplyFlag>true</AsyncReplyFlag>" if asynchronous else "") + "<ReplyAddress>%s</ReplyAddress>" % reply_address
    body = re.sub(r"<MessageID>[^<]*</MessageID>", header + "<MessageID>%s</MessageID>" % message_id, body)
    return message_id, body


senders = {}  # by routing key: RabbitMQ 3.10 does not answer the detach of a link closed early


class Peer:
    """A requester on the bus with its own reply queue (its link is left open, as senders' are)."""
    def __init__(self):
        # bound to the exchange by its name: the adapters' own users may not use the default exchange
        name = "reply.callback-peer-" + str(uuid.uuid4())
        self.queue = "/exchange/cim/" + name
        self.replies = connection.create_receiver(self.queue, name=name)

    def send(self, key, body):
        if key not in senders:
            senders[key] = connection.create_sender("/exchange/cim/" + key)
        senders[key].send(Message(id=str(uuid.uuid4()), body=body, reply_to=self.queue))

    def answer(self, timeout=30):
        return receive(self.replies, timeout)


def calls_to(path, count=1, timeout=30):
    deadline = time.time() + timeout
    while True:
        with Callee.lock:
            seen = list(Callee.calls.get(path, []))
        if len(seen) >= count or time.time() >= deadline:
            return seen
        time.sleep(0.1)


def dead_letter(receiver, target, timeout=30):
    """The next dead letter whose x-cimbus-target is `target`, or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = receive(receiver, max(0.1, deadline - time.time()))
        if m is not None and (m.properties or {}).get("x-cimbus-target") == target:
            return m
    return None


def response_in(body):
    envelope = etree.fromstring(body)
    assert etree.QName(envelope).namespace == SOAP11, body
    return envelope.find("{%s}Body" % SOAP11)[0]


class Delivered(unittest.TestCase):
    def test_the_reply_is_a_call_of_the_generic_response_operation(self):
        path = "/replies/ok/%s" % uuid.uuid4()
        message_id, body = get_incidents("http://127.0.0.1:%d%s" % (callee.server_port, path))
        peer = Peer()
        peer.send("req.Incidents.get", body)
        seen = calls_to(path)
        self.assertEqual(len(seen), 1, "no call at the ReplyAddress")
        headers, sent = seen[0]
        self.assertEqual(headers.get("SOAPAction"), '"http://iec.ch/61968/Response"')
        self.assertTrue(headers.get("Content-Type", "").startswith("text/xml"))
        response = response_in(sent)
        self.assertEqual(etree.QName(response).localname, "ResponseMessage")
        self.assertEqual(response.findtext("{*}Header/{*}CorrelationID"), message_id)
        self.assertEqual(response.findtext("{*}Header/{*}Verb"), "reply")
        self.assertIn(response.findtext("{*}Reply/{*}Result"), ("OK", "FAILED"))
        # The generic operation's input, as the standard's own Message.xsd has it.
        schema = etree.XMLSchema(etree.parse(MESSAGE_XSD))
        self.assertTrue(schema.validate(etree.ElementTree(response)), schema.error_log)
        # The answer went to the URL, not to the reply-to.
        self.assertIsNone(peer.answer(timeout=2))

    def test_with_async_reply_flag_the_acknowledgement_comes_on_the_bus(self):
        path = "/replies/ok/%s" % uuid.uuid4()
        message_id, body = get_incidents("http://127.0.0.1:%d%s" % (callee.server_port, path), asynchronous=True)
        peer = Peer()
        peer.send("req.Incidents.get", body)
        ack = peer.answer()
        self.assertIsNotNone(ack, "no acknowledgement at the reply-to")
        self.assertEqual(field(ack.body, "Result"), "OK", ack.body)
        self.assertIn("0.3", codes(ack.body))
        seen = calls_to(path)
        self.assertEqual(len(seen), 1)
        self.assertEqual(response_in(seen[0][1]).findtext("{*}Header/{*}CorrelationID"), message_id)

    def test_a_callee_that_is_busy_for_a_while_gets_the_reply_once(self):
        path = "/replies/flaky/%s" % uuid.uuid4()
        _, body = get_incidents("http://127.0.0.1:%d%s" % (callee.server_port, path))
        Peer().send("req.Incidents.get", body)
        self.assertEqual(len(calls_to(path, 3)), 3)
        time.sleep(1.5)  # nothing after the call that took it
        self.assertEqual(len(calls_to(path, 3, timeout=0)), 3)
        self.assertIn("call 2 of %d of the web-service callback" % ATTEMPTS, oms.log())


class DeadLettered(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dead = connection.create_receiver("/amq/queue/oms.dead", name="callbacks-" + str(uuid.uuid4()))

    def check(self, kind, calls, reason):
        path = "/replies/%s/%s" % (kind, uuid.uuid4())
        url = "http://127.0.0.1:%d%s" % (callee.server_port, path)
        message_id, body = get_incidents(url)
        Peer().send("req.Incidents.get", body)
        letter = dead_letter(self.dead, url)
        self.assertIsNotNone(letter, "no dead letter for " + url)
        self.assertIn(reason, letter.properties["x-cimbus-reason"])
        self.assertIn(url, letter.properties["x-cimbus-reason"])
        self.assertEqual(field(letter.body, "CorrelationID"), message_id)
        self.assertEqual(len(calls_to(path, calls, timeout=0)), calls)
        self.assertTrue(oms.alive())

    def test_a_callee_that_stays_down(self):
        self.check("down", ATTEMPTS, "not taken by")

    def test_a_callee_that_refuses_with_404_is_not_called_again(self):
        self.check("gone", 1, "HTTP 404")

    def test_a_soap_client_fault_is_final(self):
        self.check("fault", 1, "unknown correlation")


class Restarted(unittest.TestCase):
    def test_the_reply_survives_a_kill_while_the_callee_is_down(self):
        global oms
        oms.stop()
        oms = stack.start("oms", web_services=oms_settings(retry_ms=10000))  # the second call 10 s after the first
        path = "/replies/ok/%s" % uuid.uuid4()
        url = "http://127.0.0.1:%d%s" % (late_port, path)
        message_id, body = get_incidents(url)
        Peer().send("req.Incidents.get", body)
        deadline = time.time() + 30
        while "call 1 of %d of the web-service callback %s" % (ATTEMPTS, url) not in oms.log() and time.time() < deadline:
            time.sleep(0.1)
        self.assertIn("call 1 of %d of the web-service callback %s" % (ATTEMPTS, url), oms.log())
        oms.stop(signal.SIGKILL)
        late = serve(late_port)
        try:
            oms = stack.start("oms", web_services=oms_settings())
            seen = calls_to(path)
            self.assertEqual(len(seen), 1, "the reply was lost with the process")
            self.assertEqual(response_in(seen[0][1]).findtext("{*}Header/{*}CorrelationID"), message_id)
        finally:
            late.shutdown()
            late.server_close()


class Refused(unittest.TestCase):
    def refused(self, role, key, url, name="Incidents-get.xml", says="no web-service connector of this adapter can reach it"):
        peer = Peer()
        _, body = get_incidents(url, name=name)
        peer.send(key, body)
        answer = peer.answer()
        self.assertIsNotNone(answer, "no FAILED reply at the reply-to for " + repr(url))
        self.assertEqual(field(answer.body, "Result"), "FAILED", answer.body)
        self.assertEqual(codes(answer.body), ["7.7"], answer.body)
        self.assertIn(says, answer.body)
        self.assertTrue(role.alive())

    def test_a_url_reply_urls_does_not_allow(self):
        self.refused(oms, "req.Incidents.get", "http://127.0.0.1:%d/elsewhere/x" % callee.server_port)

    def test_https_where_only_http_is_allowed(self):
        self.refused(oms, "req.Incidents.get", "https://127.0.0.1:%d/replies/ok/x" % callee.server_port)

    def test_a_url_with_a_line_break(self):
        self.refused(oms, "req.Incidents.get", "http://127.0.0.1:%d/replies/ok/x&#13;&#10;X-Injected: 1" % callee.server_port)

    def test_a_url_without_a_host(self):
        self.refused(oms, "req.Incidents.get", "http:///replies/ok/x")

    def test_an_adapter_without_web_service_callbacks(self):
        self.refused(cis, "req.CustomerAgreements.get", "http://127.0.0.1:%d/replies/ok/x" % callee.server_port,
                     name="CustomerAgreements-get.xml", says="none is configured: web_services.reply_urls")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
