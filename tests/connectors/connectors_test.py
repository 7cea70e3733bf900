#!/usr/bin/python3
"""The outbound connectors (issue 13) against real processes: a private broker, cimbus-wms whose
system is a SOAP-speaking WMS written here (connector web_services), cimbus-oms whose system is a
JSON-speaking OMS written here (connector json), and cimbus-cis as deployed; the test's requests
and events enter through the adapters' local JSON API (real HTTP throughout).

    connectors_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
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
import zeep

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
from stack import Stack, free_port  # noqa: E402
from external_wms import soap_response  # noqa: E402
from systems import RESPONSE_ACTION, STRANGER, JsonOms, SoapWms, post_soap  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]

stack = None
cis = oms = wms = None


soap_wms = json_oms = None
results = []  # (headers, JSON body) of the asynchronous answers POSTed to the test's own server
result_server = None


class ResultHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        results.append((dict(self.headers), json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


wms_port = None  # fixed: the WMS's ReplyAddress must survive its restarts


def setUpModule():
    global stack, cis, oms, wms, soap_wms, json_oms, result_server, wms_port
    soap_wms, json_oms = SoapWms(), JsonOms()
    wms_port = free_port()
    result_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ResultHandler)
    threading.Thread(target=result_server.serve_forever, daemon=True).start()
    stack = Stack(SOURCE, BIN, WORK, instances=["cis:cis-lenient"]).__enter__()
    services = {"listen": "127.0.0.1:0", "reply_urls": ["http://127.0.0.1:%d/results/" % result_server.server_port]}
    wms = start_wms()
    oms = stack.start("oms", web_services=services, connector={"kind": "json", "url": json_oms.url, "timeout_ms": 5000})
    json_oms.adapter_url = oms.endpoint
    cis = stack.start("cis", web_services=services)


def start_wms():
    # Calls carry ReplyAddress (the WMS adapter's generic service) with AsyncReplyFlag: the system
    # may acknowledge and send the result later; one not sent within 7 s is a 4.1. (The slow result
    # comes after 4 s: 3 s from either side of the race with that deadline, under any load.)
    return stack.start("wms", web_services={"listen": "127.0.0.1:%d" % wms_port},
                       connector={"kind": "web_services", "url": soap_wms.url, "timeout_ms": 5000, "max_calls": 4,
                                  "reply_address": "http://127.0.0.1:%d/Generic" % wms_port, "result_timeout_ms": 7000})


def tearDownModule():
    stack.__exit__(None, None, None)
    result_server.shutdown()
    soap_wms.server.shutdown()
    json_oms.server.shutdown()


def call(endpoint, path, body, key=None, raw=None, callback=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    if callback:
        headers["Callback-URL"] = callback
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

    def test_an_operation_set_becomes_a_call_of_the_operation_set_service(self):
        # A third party's OperationSet through the OMS's SOAP services, to the WMS, to its system.
        ns = "http://iec.ch/TC57/2015/ServiceOrders#"

        def orders(n):
            return etree.fromstring('<ServiceOrders xmlns="%s"><ServiceOrder><Names><name>set %d</name></Names>'
                                    '<Work><kind>service</kind><statusKind>approved</statusKind></Work></ServiceOrder></ServiceOrders>' % (ns, n))
        message_id = str(uuid.uuid4())
        client = zeep.Client(oms.endpoint + "/ExecuteServiceOrdersOperationSet?wsdl")
        done = client.service.ExecuteServiceOrdersOperationSet(
            Header={"Verb": "execute", "Noun": "ServiceOrdersOperationSet", "MessageID": message_id},
            Payload={"OperationSet": {"enforceMsgSequence": True, "enforceTransactionalIntegrity": True,
                                      "Operation": [{"operationId": n, "noun": "ServiceOrders", "verb": "create", "_value_1": orders(n)}
                                                    for n in (1, 2)]}})
        self.assertEqual(done.Reply.Result, "OK", done.Reply)
        self.assertIn(("ExecuteServiceOrdersOperationSet", "ExecuteServiceOrdersOperationSet", message_id), soap_wms.calls)
        self.assertEqual(sorted(o.Names[0].name for o in done.Payload.ServiceOrders.ServiceOrder), ["set 1", "set 2"])

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


class AsynchronousResults(unittest.TestCase):
    """A system that acknowledges a call (0.3) and sends the result later to the adapter's
    Response or Reply<Noun> service (IEC 61968-100 8.2): the result is the requester's reply."""

    def create_later(self, trigger, key=None):
        key = key or str(uuid.uuid4())
        status, done = call(cis.endpoint, "/requests/ServiceOrders/create", order(trigger), key)
        return key, status, done

    def test_a_result_sent_later_to_the_generic_service_is_the_reply(self):
        key, status, done = self.create_later("later")
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        self.assertTrue(done["payload"]["ServiceOrder"][0]["mRID"])
        # The call asked for it: AsyncReplyFlag and the configured ReplyAddress.
        self.assertEqual(soap_wms.reply_addresses[key], ("true", "http://127.0.0.1:%d/Generic" % wms_port))
        [(result_status, answer)] = soap_wms.results_of(key)
        self.assertEqual(result_status, 200)
        self.assertIn(">OK<", answer)
        # A replay gets the same result from the inbox; the system is not called again.
        status, again = call(cis.endpoint, "/requests/ServiceOrders/create", order("later"), key)
        self.assertEqual(again["payload"], done["payload"])
        self.assertEqual(soap_wms.count(key), 1)

    def test_a_result_sent_to_the_typed_reply_service(self):
        key, status, done = self.create_later("later-typed")
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        [(result_status, answer)] = soap_wms.results_of(key)
        self.assertEqual(result_status, 200)
        self.assertIn("ServiceOrdersResponseMessage", answer)

    def test_a_result_sent_twice_is_taken_once(self):
        key, status, done = self.create_later("later-twice")
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        answers = soap_wms.results_of(key, count=2)
        self.assertEqual([a[0] for a in answers], [200, 200])
        self.assertIn(">OK<", answers[0][1])
        self.assertIn(">FAILED<", answers[1][1])
        self.assertIn("<code>2.15</code>", answers[1][1])

    def test_a_result_that_never_comes_is_a_time_out(self):
        key, status, failed = self.create_later("never")
        self.assertEqual((status, failed["result"], codes(failed)), (504, "FAILED", ["4.1"]), failed)
        self.assertIn("acknowledged", failed["errors"][0]["reason"])
        # Too late now: the system's result is refused, and the requester got one answer.
        status, answer = post_soap("http://127.0.0.1:%d/Generic" % wms_port, RESPONSE_ACTION, soap_response("ServiceOrders", key, [], False, generic=True))
        self.assertIn("<code>2.15</code>", answer)

    def test_results_nobody_awaits_are_refused(self):
        url = "http://127.0.0.1:%d/Generic" % wms_port
        status, unknown = post_soap(url, RESPONSE_ACTION, soap_response("ServiceOrders", str(uuid.uuid4()), [], False, generic=True))
        self.assertEqual(status, 200)
        self.assertIn(">FAILED<", unknown)
        self.assertIn("<code>2.15</code>", unknown)
        status, anonymous = post_soap(url, RESPONSE_ACTION, soap_response("ServiceOrders", None, [], False, generic=True))
        self.assertIn("<code>1.5</code>", anonymous)
        status, malformed = post_soap(url, RESPONSE_ACTION, b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body><Resp")
        self.assertEqual(status, 500)
        self.assertIn("Fault", malformed)
        self.assertTrue(wms.alive())

    def test_the_adapter_killed_while_the_result_is_due(self):
        global wms
        answers, key = [], str(uuid.uuid4())
        thread = threading.Thread(target=lambda: answers.append(self.create_later("later-slow", key)))
        thread.start()
        deadline = time.time() + 20
        while time.time() < deadline and soap_wms.count(key) == 0:
            time.sleep(0.05)
        time.sleep(0.8)  # the acknowledgement is committed; the result comes 4 s after the call
        wms.stop(signal.SIGKILL)
        wms = start_wms()  # on the same port: the system's result reaches the new process
        thread.join()
        [(key, status, done)] = answers
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        self.assertEqual(soap_wms.count(key), 1)
        self.assertEqual([r[0] for r in soap_wms.results_of(key)], [200])

    def test_a_json_system_accepts_with_202_and_posts_the_result(self):
        key = str(uuid.uuid4())
        ticket = {"payload": {"TroubleTicket": [{"mRID": str(uuid.uuid4()), "comment": "later", "Customer": {"mRID": str(uuid.uuid4())}}]}}
        status, done = call(cis.endpoint, "/requests/TroubleTickets/create", ticket, key)
        self.assertEqual((status, done["result"]), (200, "OK"), done)
        self.assertEqual(done["payload"]["TroubleTicket"][0]["comment"], "later")
        deadline = time.time() + 10
        while time.time() < deadline and not [r for r in json_oms.results if r[0] == key]:
            time.sleep(0.05)
        self.assertEqual([(r[1], r[2]) for r in json_oms.results if r[0] == key], [(200, {"result": "OK"})])
        # Bad results at the JSON API.
        status, unknown = call(oms.endpoint, "/results/TroubleTickets", {"correlationId": str(uuid.uuid4()), "result": "OK"})
        self.assertEqual((status, codes(unknown)), (422, ["2.15"]))
        status, bad = call(oms.endpoint, "/results/TroubleTickets", {"correlationId": key, "result": "MAYBE"})
        self.assertEqual((status, codes(bad)), (400, ["1.8"]))
        status, bad = call(oms.endpoint, "/results/TroubleTickets", None, raw=b"[1,2")
        self.assertEqual(status, 400)


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


class LocalApiCallbacks(unittest.TestCase):
    def test_the_answer_follows_at_the_callback_url(self):
        key = str(uuid.uuid4())
        url = "http://127.0.0.1:%d/results/%s" % (result_server.server_port, key)
        status, accepted = call(cis.endpoint, "/requests/ServiceOrders/create", order("plain"), key, callback=url)
        self.assertEqual((status, accepted["messageId"], codes(accepted)), (202, key, ["0.3"]), accepted)
        deadline = time.time() + 30
        while time.time() < deadline and not [r for r in results if r[0].get("Idempotency-Key") == key]:
            time.sleep(0.1)
        headers, answer = [r for r in results if r[0].get("Idempotency-Key") == key][0]
        self.assertEqual((answer["result"], answer["correlationId"]), ("OK", key), answer)
        self.assertTrue(answer["payload"]["ServiceOrder"][0]["mRID"])

    def test_a_callback_url_not_allowed_is_refused(self):
        status, refused = call(cis.endpoint, "/requests/ServiceOrders/create", order("plain"), callback="http://example.net/steal")
        self.assertEqual((status, codes(refused)), (422, ["7.7"]))


class LenientLocalApi(unittest.TestCase):
    """A CIS instance under policy lenient reads a deprecated verb as its synonym, and says so."""

    @classmethod
    def setUpClass(cls):
        stack.aliases["cis-lenient"] = ("cis", {"instance": "cis-lenient", "policy": "lenient", "web_services": {"listen": "127.0.0.1:0"}})
        cls.cis = stack.start("cis-lenient")

    @classmethod
    def tearDownClass(cls):
        cls.cis.stop()

    def test_update_is_read_as_change_with_a_warning(self):
        status, created = call(self.cis.endpoint, "/requests/ServiceOrders/create", order("lenient"))
        self.assertEqual((status, created["result"]), (200, "OK"), created)
        mrid = created["payload"]["ServiceOrder"][0]["mRID"]
        changed = {"payload": {"ServiceOrder": [{"mRID": mrid, "Work": [{"kind": "service", "statusKind": "approved"}]}]}}
        status, answer = call(self.cis.endpoint, "/requests/ServiceOrders/update", changed)
        warnings = [e for e in answer.get("errors", []) if e["code"] == "2.9"]
        self.assertEqual(len(warnings), 1, answer)
        self.assertIn("deprecated verb 'update' read as its synonym 'change'", warnings[0]["reason"])

    def test_updated_is_published_as_changed_with_a_warning(self):
        status, answer = call(self.cis.endpoint, "/events/ServiceOrders/updated", order("lenient event"))
        self.assertEqual(status, 202, answer)
        self.assertEqual(codes(answer), ["2.9"], answer)
        self.assertIn("deprecated verb 'updated' read as its synonym 'changed'", answer["errors"][0]["reason"])


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

    def test_a_deprecated_verb_is_refused_naming_its_synonym(self):
        status, answer = call(cis.endpoint, "/requests/ServiceOrders/update", order())
        self.assertEqual((status, codes(answer)), (404, ["2.9"]))
        self.assertIn("'update' is a deprecated verb (IEC 61968-100 6.2.2): use its synonym 'change'", answer["errors"][0]["reason"])
        status, answer = call(cis.endpoint, "/events/ServiceOrders/publish", order())
        self.assertEqual((status, codes(answer)), (404, ["2.9"]))
        self.assertIn("with no synonym", answer["errors"][0]["reason"])

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
