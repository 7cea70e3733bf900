#!/usr/bin/python3
"""The outbound connectors (issue 13) against real processes: a private broker, cimbus-wms whose
system is a SOAP-speaking WMS written here (connector web_services), cimbus-oms whose system is a
JSON-speaking OMS written here (connector json), and cimbus-cis as deployed; the test's requests
and events enter through the adapters' local JSON API (real HTTP throughout).

    connectors_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import copy
import datetime
import http.server
import json
import os
import signal
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
import uuid

from lxml import etree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
from stack import Stack  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
MSG = "http://iec.ch/TC57/2011/schema/message"
BASE = "http://iec.ch/TC57/2015/"
STRANGER = "00000000-0000-4000-8000-000000000bad"

stack = None
cis = oms = wms = None


class Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SoapWms:
    """A WMS that speaks the typed services of IEC 61968-100 Annex C, as openwms does. What it is
    told to do, it reads from the first Names/name of an item: refuse (a SOAP Fault with a
    FaultMessage, 6.1), flaky (HTTP 503 to the first two calls of a MessageID), down (503 always),
    slow (takes 0.8 s)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orders = {}          # (noun, mRID) -> item element
        self.calls = []           # (service, operation, MessageID)
        self.events = []          # (operation, MessageID)
        self.in_flight = self.max_in_flight = 0
        system = self

        class Handler(Quiet):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, reply = system.handle(self.path.rsplit("/", 1)[-1], self.headers.get("SOAPAction", ""), body)
                self.answer(status, "text/xml; charset=utf-8", reply)

        self.handler = Handler
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/wms" % self.server.server_port

    def unreachable_for(self, seconds):
        """Closes the listening socket (calls are refused), then listens on the same port again."""
        port = self.server.server_port
        self.server.shutdown()
        self.server.server_close()
        time.sleep(seconds)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, message_id):
        with self.lock:
            return sum(1 for c in self.calls if c[2] == message_id)

    def handle(self, service, action, body):
        envelope = etree.fromstring(body)
        message = envelope.find("{%s}Body" % SOAP11)[0]
        # The operation, from the SOAPAction (a Get's body element is Get<Noun>RequestMessage).
        operation = action.strip('"').rsplit("/", 1)[-1]
        assert operation == etree.QName(message).localname or operation == service, (action, service)
        message_id = message.findtext("{*}Header/{%s}MessageID" % MSG)
        noun = message.findtext("{*}Header/{%s}Noun" % MSG)
        with self.lock:
            self.calls.append((service, operation, message_id))
            earlier = sum(1 for c in self.calls if c[2] == message_id)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self.act(service, operation, noun, message_id, message, earlier)
        finally:
            with self.lock:
                self.in_flight -= 1

    def act(self, service, operation, noun, message_id, message, attempt):
        if service.startswith("Receive"):
            with self.lock:
                self.events.append((operation, message_id))
            return 200, self.response(noun, message_id, [])
        if service.startswith("Get"):
            wanted = [m.text for m in message.iterfind("{*}Request/*/*/{*}mRID")]
            with self.lock:
                found = [copy.deepcopy(self.orders[(noun, m)]) for m in wanted if (noun, m) in self.orders]
            return 200, self.response(noun, message_id, found, get=True)
        items = list(message.find("{*}Payload")[0])
        trigger = items[0].findtext("{*}Names/{*}name") if items else None
        if trigger == "refuse":
            return 500, self.fault(noun, "6.1", "refused by the WMS: no crew for this work")
        if trigger == "down" or (trigger == "flaky" and attempt <= 2):
            return 503, b"<html>service unavailable</html>"
        if trigger == "slow":
            time.sleep(0.8)
        answered = []
        for item in items:
            mrid = item.find("{*}mRID")
            if mrid is None:
                mrid = etree.Element(etree.QName(item, "mRID"))
                mrid.text = str(uuid.uuid4())
                item.insert(0, mrid)
            with self.lock:
                self.orders[(noun, mrid.text)] = item
            answered.append(copy.deepcopy(item))
        return 200, self.response(noun, message_id, answered)

    def response(self, noun, correlation, items, get=False):
        wrapper = BASE + ("Get%sMessage" % noun if get else "%sMessage" % noun)
        root = etree.Element("{%s}%sResponseMessage" % (wrapper, "Get" + noun if get else noun), nsmap={"w": wrapper, None: MSG})
        header = etree.SubElement(root, "{%s}Header" % wrapper)
        for name, value in (("Verb", "reply"), ("Noun", noun), ("Timestamp", datetime.datetime.now(datetime.timezone.utc).isoformat()),
                            ("MessageID", str(uuid.uuid4())), ("CorrelationID", correlation)):
            etree.SubElement(header, "{%s}%s" % (MSG, name)).text = value
        etree.SubElement(etree.SubElement(root, "{%s}Reply" % wrapper), "{%s}Result" % MSG).text = "OK"
        if items:
            payload = etree.SubElement(etree.SubElement(root, "{%s}Payload" % wrapper), "{%s%s#}%s" % (BASE, noun, noun))
            payload.extend(items)
        return self.soap(root)

    def fault(self, noun, code, reason):
        wrapper = BASE + "%sMessage" % noun
        detail = etree.Element("{%s}%sFaultMessage" % (wrapper, noun), nsmap={"w": wrapper, None: MSG})
        reply = etree.SubElement(detail, "{%s}Reply" % wrapper)
        etree.SubElement(reply, "{%s}Result" % MSG).text = "FAILED"
        error = etree.SubElement(reply, "{%s}Error" % MSG)
        etree.SubElement(error, "{%s}code" % MSG).text = code
        etree.SubElement(error, "{%s}reason" % MSG).text = reason
        fault = etree.Element("{%s}Fault" % SOAP11)
        etree.SubElement(fault, "faultcode").text = "soap:Client"
        etree.SubElement(fault, "faultstring").text = reason
        etree.SubElement(fault, "detail").append(detail)
        return self.soap(fault)

    @staticmethod
    def soap(element):
        envelope = etree.Element("{%s}Envelope" % SOAP11, nsmap={"soap": SOAP11})
        etree.SubElement(envelope, "{%s}Body" % SOAP11).append(element)
        return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


class JsonOms:
    """An OMS with a plain HTTP API: POST /<Noun>/<verb> with cimbus's JSON form; it refuses a
    ticket of the customer STRANGER with 2.22, and remembers each Idempotency-Key's answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tickets = {}
        self.calls = []    # (path, Idempotency-Key, body)
        self.answers = {}  # Idempotency-Key -> (status, body)
        system = self

        class Handler(Quiet):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key")
                with system.lock:
                    system.calls.append((self.path, key, body))
                    if key not in system.answers:
                        system.answers[key] = system.act(self.path, body)
                    status, answer = system.answers[key]
                self.answer(status, "application/json", json.dumps(answer).encode())

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/oms/" % self.server.server_port

    def act(self, path, body):
        _, noun, verb = path.rsplit("/", 2)
        if noun != "TroubleTickets":
            return 200, {}
        if verb == "get":
            wanted = [t["mRID"] for t in body.get("query", {}).get("TroubleTicket", [])]
            return 200, {"TroubleTicket": [self.tickets[m] for m in wanted if m in self.tickets]}
        tickets = body["payload"]["TroubleTicket"]
        if any(t.get("Customer", {}).get("mRID") == STRANGER for t in tickets):
            return 422, {"code": "2.22", "reason": "no such customer: " + STRANGER}
        for t in tickets:
            t.setdefault("mRID", str(uuid.uuid4()))
            self.tickets[t["mRID"]] = t
        return 200, {"TroubleTicket": tickets}


soap_wms = json_oms = None


def setUpModule():
    global stack, cis, oms, wms, soap_wms, json_oms
    soap_wms, json_oms = SoapWms(), JsonOms()
    stack = Stack(SOURCE, BIN, WORK).__enter__()
    services = {"listen": "127.0.0.1:0"}
    wms = start_wms()
    oms = stack.start("oms", web_services=services, connector={"kind": "json", "url": json_oms.url, "timeout_ms": 5000})
    cis = stack.start("cis", web_services=services)


def start_wms():
    return stack.start("wms", web_services={"listen": "127.0.0.1:0"},
                       connector={"kind": "web_services", "url": soap_wms.url, "timeout_ms": 5000, "max_calls": 4})


def tearDownModule():
    stack.__exit__(None, None, None)
    soap_wms.server.shutdown()
    json_oms.server.shutdown()


def call(endpoint, path, body, key=None, raw=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def order(name=None):
    item = {"Work": [{"kind": "service", "statusKind": "approved"}]}
    if name:
        item["Names"] = [{"name": name}]
    return {"payload": {"ServiceOrder": [item]}}


def codes(answer):
    return [e["code"] for e in answer.get("errors", [])]


class WebServicesConnector(unittest.TestCase):
    """Requests for the WMS become calls of its typed services; what it answers is the reply."""

    def test_create_and_get_through_the_system(self):
        key = str(uuid.uuid4())
        status, created = call(cis.endpoint, "/requests/ServiceOrders/create", order("plain"), key)
        self.assertEqual((status, created["result"]), (200, "OK"), created)
        mrid = created["payload"]["ServiceOrder"][0]["mRID"]
        # The MessageID (the Idempotency-Key) travelled in the call, for the system to tell retries.
        self.assertEqual(soap_wms.count(key), 1)
        self.assertIn(("ExecuteServiceOrders", "CreateServiceOrders", key), soap_wms.calls)
        # Sent again with its key: the same answer, from the WMS adapter's inbox, no second call.
        status, again = call(cis.endpoint, "/requests/ServiceOrders/create", order("plain"), key)
        self.assertEqual(again["payload"]["ServiceOrder"][0]["mRID"], mrid)
        self.assertEqual(soap_wms.count(key), 1)
        # get is answered by the system, not by a copy in the adapter.
        status, got = call(cis.endpoint, "/requests/ServiceOrders/get", {"query": {"ServiceOrder": [{"mRID": mrid}]}})
        self.assertEqual((status, got["result"]), (200, "OK"), got)
        self.assertEqual([o["mRID"] for o in got["payload"]["ServiceOrder"]], [mrid])
        self.assertIn("GetServiceOrders", [c[1] for c in soap_wms.calls])

    def test_a_fault_with_its_codes_is_a_failed_reply(self):
        key = str(uuid.uuid4())
        status, refused = call(cis.endpoint, "/requests/ServiceOrders/create", order("refuse"), key)
        self.assertEqual((status, refused["result"]), (422, "FAILED"), refused)
        self.assertEqual(codes(refused), ["6.1"])
        self.assertEqual(soap_wms.count(key), 1)  # final: not tried again

    def test_temporary_failures_are_tried_again(self):
        key = str(uuid.uuid4())
        status, done = call(cis.endpoint, "/requests/ServiceOrders/create", order("flaky"), key)
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        self.assertEqual(soap_wms.count(key), 3)  # two 503s, then the answer

    def test_a_system_that_stays_down_ends_in_the_dead_letter_queue(self):
        key = str(uuid.uuid4())
        status, failed = call(cis.endpoint, "/requests/ServiceOrders/create", order("down"), key)
        self.assertEqual((status, failed["result"]), (422, "FAILED"), failed)
        self.assertEqual(codes(failed), ["5.3"])
        self.assertIn("503", failed["errors"][0]["reason"])
        self.assertEqual(soap_wms.count(key), 5)  # max_attempts
        self.assertIn("giving up " + key, wms.log())
        self.assertTrue(wms.alive())

    def test_calls_run_concurrently(self):
        threads = [threading.Thread(target=call, args=(cis.endpoint, "/requests/ServiceOrders/create", order("slow"))) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertGreaterEqual(soap_wms.max_in_flight, 2)

    def test_events_reach_the_system_once(self):
        key = str(uuid.uuid4())
        incident = {"payload": {"Incident": [{"mRID": str(uuid.uuid4()), "cause": "tree on line"}]}}
        # The JSON OMS publishes a change of its own through its adapter's local API.
        status, first = call(oms.endpoint, "/events/Incidents/closed", incident, key)
        self.assertEqual((status, first["messageId"], first["duplicate"]), (202, key, False), first)
        status, second = call(oms.endpoint, "/events/Incidents/closed", incident, key)
        self.assertEqual((status, second["duplicate"]), (200, True))
        deadline = time.time() + 30
        while time.time() < deadline and ("ClosedIncidents", key) not in soap_wms.events:
            time.sleep(0.1)
        time.sleep(1)
        self.assertEqual(soap_wms.events.count(("ClosedIncidents", key)), 1, soap_wms.events)


class Failures(unittest.TestCase):
    """The adapter killed mid-call, the system unreachable for seconds: every request answered."""

    def test_killed_mid_call_then_system_unreachable(self):
        global wms
        answers = []

        def create(name):
            answers.append(call(cis.endpoint, "/requests/ServiceOrders/create", order(name), str(uuid.uuid4())))

        threads = [threading.Thread(target=create, args=("slow",)) for _ in range(3)]
        for t in threads:
            t.start()
        deadline = time.time() + 20
        while soap_wms.in_flight == 0 and time.time() < deadline:
            time.sleep(0.02)
        wms.stop(signal.SIGKILL)  # calls in flight: their deliveries are not settled
        outage = threading.Thread(target=soap_wms.unreachable_for, args=(2.5,))
        outage.start()
        wms = start_wms()  # its first calls are refused: tried again after a back-off
        outage.join()
        for t in threads:
            t.join()
        self.assertEqual([(status, a["result"]) for status, a in answers], [(200, "OK")] * 3, answers)
        self.assertTrue(wms.alive())


class JsonConnector(unittest.TestCase):
    """Requests for the OMS are POSTed to its plain HTTP API as JSON."""

    def ticket(self, customer):
        return {"payload": {"TroubleTicket": [{"mRID": str(uuid.uuid4()), "reportingKind": "call", "Customer": {"mRID": customer}}]}}

    def test_create_and_get(self):
        key = str(uuid.uuid4())
        body = self.ticket(str(uuid.uuid4()))
        status, created = call(cis.endpoint, "/requests/TroubleTickets/create", body, key)
        self.assertEqual((status, created["result"]), (200, "OK"), created)
        mrid = body["payload"]["TroubleTicket"][0]["mRID"]
        self.assertEqual(created["payload"]["TroubleTicket"][0]["mRID"], mrid)
        path, sent_key, sent = [c for c in json_oms.calls if c[1] == key][0]
        self.assertEqual((path, sent_key, sent["verb"], sent["noun"], sent["messageId"]), ("/oms/TroubleTickets/create", key, "create", "TroubleTickets", key))
        self.assertEqual(sent["source"], "cis")
        status, got = call(cis.endpoint, "/requests/TroubleTickets/get", {"query": {"TroubleTicket": [{"mRID": mrid}]}})
        self.assertEqual((status, [t["mRID"] for t in got["payload"]["TroubleTicket"]]), (200, [mrid]), got)

    def test_a_4xx_with_codes_is_a_failed_reply(self):
        status, refused = call(cis.endpoint, "/requests/TroubleTickets/create", self.ticket(STRANGER))
        self.assertEqual((status, refused["result"], codes(refused)), (422, "FAILED", ["2.22"]), refused)


class LocalApiBadInput(unittest.TestCase):
    def test_not_json(self):
        status, answer = call(cis.endpoint, "/requests/ServiceOrders/create", None, raw=b"{not json")
        self.assertEqual((status, codes(answer)), (400, ["1.8"]))

    def test_unknown_field(self):
        status, answer = call(cis.endpoint, "/requests/ServiceOrders/create", {"payload": {"ServiceOrder": [{"colour": "red"}]}})
        self.assertEqual((status, codes(answer)), (400, ["1.8"]))
        self.assertIn("colour", answer["errors"][0]["reason"])

    def test_invalid_enumeration(self):
        status, answer = call(cis.endpoint, "/requests/ServiceOrders/create", {"payload": {"ServiceOrder": [{"Work": [{"kind": "bogus"}]}]}})
        self.assertEqual((status, codes(answer)), (400, ["1.8"]))

    def test_wrong_verb_for_the_kind(self):
        status, answer = call(cis.endpoint, "/events/ServiceOrders/create", order())
        self.assertEqual((status, codes(answer)), (404, ["2.9"]))

    def test_unknown_noun(self):
        status, answer = call(cis.endpoint, "/requests/Unicorns/create", {"payload": {}})
        self.assertEqual(status, 400)

    def test_bad_idempotency_key(self):
        status, answer = call(cis.endpoint, "/events/ServiceOrders/changed", order(), key="x" * 300)
        self.assertEqual(status, 400)

    def test_openapi_describes_the_calls(self):
        with urllib.request.urlopen(cis.endpoint + "/openapi.json", timeout=30) as r:
            document = json.loads(r.read())
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertIn("/events/Incidents/{verb}", document["paths"])
        self.assertIn("/requests/ServiceOrders/{verb}", document["paths"])
        self.assertIn("cimbus.work.service_orders.ServiceOrder", document["components"]["schemas"])

    def test_adapters_alive(self):
        for role in (cis, oms, wms):
            self.assertTrue(role.alive(), role.name)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
