"""External systems written in Python for the connector tests: a WMS that speaks the typed SOAP
services of IEC 61968-100 (as openwms does) and an OMS with a plain JSON API. Each serves on a
loopback port of its own, in threads of the test process.

    wms = SoapWms()            # wms.url: what cimbus-wms's connector.url is set to
    wms = SoapWms(tls=(certificate, key))   # the same over https
"""
import copy
import http.server
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
import uuid

from lxml import etree

from external_wms import QuietHandler, soap_fault, soap_response

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
MSG = "http://iec.ch/TC57/2011/schema/message"
BASE = "http://iec.ch/TC57/2015/"
STRANGER = "00000000-0000-4000-8000-000000000bad"
RESPONSE_ACTION = "http://iec.ch/61968/Response"


def post(url, body, headers, attempts_for=30.0):
    """POSTs as a system would, trying again while the adapter is unreachable (restarting)."""
    deadline = time.time() + attempts_for
    while True:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def post_soap(url, action, body):
    status, answer = post(url, body, {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"%s"' % action})
    return status, answer.decode()


class SoapWms:
    """A WMS that speaks the typed services of IEC 61968-100 Annex C, as openwms does. What it is
    told to do, it reads from the first Names/name of an item: refuse (a SOAP Fault with a
    FaultMessage, 6.1), flaky (HTTP 503 to the first two calls of a MessageID), down (503 always),
    slow (takes 0.8 s); and, answering later as IEC 61968-100 8.2 allows (an acknowledgement, 0.3,
    then the result to the call's ReplyAddress): later (generic Response), later-typed (the typed
    Reply<Noun> service beside it), later-twice (the result sent twice), later-slow (after 4 s),
    never (no result)."""

    def __init__(self, tls=None):
        self.lock = threading.Lock()
        self.tls = tls
        self.orders = {}          # (noun, mRID) -> item element
        self.calls = []           # (service, operation, MessageID)
        self.events = []          # (operation, MessageID)
        self.in_flight = self.max_in_flight = 0
        self.reply_addresses = {}  # MessageID -> (AsyncReplyFlag, ReplyAddress) of the call
        self.results = []          # (MessageID, HTTP status, answer) of the results sent later
        system = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, reply = system.handle(self.path.rsplit("/", 1)[-1], self.headers.get("SOAPAction", ""), body)
                self.answer(status, "text/xml; charset=utf-8", reply)

        self.handler = Handler
        self.listen(0)
        self.url = "%s://127.0.0.1:%d/wms" % ("https" if tls else "http", self.server.server_port)

    def listen(self, port):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), self.handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def unreachable_for(self, seconds):
        """Closes the listening socket (calls are refused), then listens on the same port again."""
        port = self.server.server_port
        self.server.shutdown()
        self.server.server_close()
        time.sleep(seconds)
        self.listen(port)

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
            self.reply_addresses[message_id] = (message.findtext("{*}Header/{%s}AsyncReplyFlag" % MSG),
                                                message.findtext("{*}Header/{%s}ReplyAddress" % MSG))
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
            return 200, soap_response(noun, message_id, [], False)
        if service.endswith("OperationSet"):  # creates only, all or nothing
            created = []
            for operation in message.iterfind("{*}Payload/{*}OperationSet/{*}Operation"):
                assert operation.findtext("{*}verb") == "create", "this WMS takes creates in an OperationSet"
                root = [c for c in operation if etree.QName(c).localname == noun][0]
                for item in root:
                    created.append(self.store(noun, item))
            assert created, "an OperationSet without operations"
            return 200, soap_response(noun, message_id, created, False, operation_set=True)
        if service.startswith("Get"):
            wanted = [m.text for m in message.iterfind("{*}Request/*/*/{*}mRID")]
            with self.lock:
                found = [copy.deepcopy(self.orders[(noun, m)]) for m in wanted if (noun, m) in self.orders]
            return 200, soap_response(noun, message_id, found, True)
        items = list(message.find("{*}Payload")[0])
        trigger = items[0].findtext("{*}Names/{*}name") if items else None
        if trigger == "refuse":
            return 500, soap_fault(noun, "6.1", "refused by the WMS: no crew for this work")
        if trigger == "down" or (trigger == "flaky" and attempt <= 2):
            return 503, b"<html>service unavailable</html>"
        if trigger == "slow":
            time.sleep(0.8)
        if trigger in ("later", "later-typed", "later-twice", "later-slow", "never"):
            created = [self.store(noun, item) for item in items]
            if trigger != "never":
                self.result_later(noun, message_id, created, typed=trigger == "later-typed", times=2 if trigger == "later-twice" else 1,
                                  delay=4.0 if trigger == "later-slow" else 0.3)
            return 200, soap_response(noun, message_id, [], False, code="0.3")
        return 200, soap_response(noun, message_id, [self.store(noun, item) for item in items], False)

    def result_later(self, noun, message_id, items, typed, times, delay):
        reply_address = self.reply_addresses[message_id][1]

        def send():
            time.sleep(delay)
            for _ in range(times):
                if typed:  # Reply<Noun>, beside the generic service the ReplyAddress names
                    url = reply_address.rsplit("/", 1)[0] + "/Reply" + noun
                    answer = post_soap(url, BASE + noun + "/Reply" + noun, soap_response(noun, message_id, items, False))
                else:
                    answer = post_soap(reply_address, RESPONSE_ACTION, soap_response(noun, message_id, items, False, generic=True))
                with self.lock:
                    self.results.append((message_id,) + answer)

        threading.Thread(target=send, daemon=True).start()

    def results_of(self, message_id, count=1, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                found = [r[1:] for r in self.results if r[0] == message_id]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return found

    def store(self, noun, item):
        """Keeps `item` (an mRID given when it has none); returns a copy to answer with."""
        mrid = item.find("{*}mRID")
        if mrid is None:
            mrid = etree.Element(etree.QName(item, "mRID"))
            mrid.text = str(uuid.uuid4())
            item.insert(0, mrid)
        with self.lock:
            self.orders[(noun, mrid.text)] = item
        return copy.deepcopy(item)


class JsonOms:
    """An OMS with a plain HTTP API: POST /<Noun>/<verb> with cimbus's JSON form; it refuses a
    ticket of the customer STRANGER with 2.22, and remembers each Idempotency-Key's answer. A
    ticket whose comment is "later" is accepted with 202 and its result POSTed afterwards to the
    adapter's /results/TroubleTickets (self.adapter_url, set once the adapter runs)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tickets = {}
        self.calls = []    # (path, Idempotency-Key, body)
        self.answers = {}  # Idempotency-Key -> (status, body)
        self.results = []  # (Idempotency-Key, HTTP status, answer) of the results POSTed later
        self.adapter_url = None
        system = self

        class Handler(QuietHandler):
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
        if tickets[0].get("comment") == "later":
            self.result_later(body["messageId"], {"correlationId": body.get("correlationId") or body["messageId"], "result": "OK",
                                                  "payload": {"TroubleTicket": tickets}})
            return 202, {}
        return 200, {"TroubleTicket": tickets}

    def result_later(self, key, result):
        def send():
            time.sleep(0.3)
            status, answer = post(self.adapter_url + "/results/TroubleTickets", json.dumps(result).encode(),
                                  {"Content-Type": "application/json"})
            with self.lock:
                self.results.append((key, status, json.loads(answer)))

        threading.Thread(target=send, daemon=True).start()
