#!/usr/bin/python3
"""A WMS outside cimbus, in Python, for the storms through the connectors: it speaks either the
typed SOAP services of IEC 61968-100 (connector web_services) or a plain JSON API (connector
json), does what the embedded reference WMS does (crews take work through scheduled, dispatched,
enroute, onSite, completed and closed), and publishes each change through its adapter's own
services (SOAP Send<Noun>, or the local JSON API), retrying until the adapter takes it.

    external_wms.py --protocol soap|json --adapter http://127.0.0.1:8803 [--crews 12] [--step-ms 400]

It prints "external wms: <url>" (what the adapter's connector.url is set to) and serves, beside
the calls, GET /state: every object's state and journal, which the storm's conservation check
reads (the system's own API, not a database file). It stops on SIGTERM.
"""
import argparse
import datetime
import http.client
import http.server
import json
import queue
import random
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from lxml import etree

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
MSG = "http://iec.ch/TC57/2011/schema/message"
BASE = "http://iec.ch/TC57/2015/"
ITEM = {"MaintenanceOrders": "MaintenanceOrder", "ServiceOrders": "ServiceOrder", "WorkRequests": "WorkRequest",
        "ServiceRequests": "ServiceRequest"}
# WorkStatusKind literal -> the object state the storm's check compares (object_state.cpp)
STATE = {"waitingToBeScheduled": "waitingToBeScheduled", "scheduled": "scheduled", "dispatched": "dispatched",
         "enroute": "enroute", "onSite": "onSite", "completed": "completed", "closed": "closed", "cancelled": "canceled"}
NEXT = {"waitingToBeScheduled": "scheduled", "scheduled": "dispatched", "dispatched": "enroute", "enroute": "onSite",
        "onSite": "completed", "completed": "closed"}


def post_until_answered(url, body, headers, timeout):
    """(HTTP status, body) of the first answer below 500 to POST `body`, sent again every half
    second (the same body and headers: the same MessageID or Idempotency-Key) while the adapter is
    restarting, answers 5xx, or dies in the middle of an answer. Any way a call can break counts:
    an adapter killed mid-answer gives http.client's IncompleteRead or BadStatusLine, which are
    not OSErrors, and a publisher thread that let one through would stop telling the bus anything."""
    while True:
        try:
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            try:
                answer = e.read()
            except (http.client.HTTPException, OSError):
                answer = b""
            if e.code < 500:
                return e.code, answer
        except (http.client.HTTPException, OSError) as e:  # URLError is an OSError
            print("call to %s broke (%s: %s); sent again" % (url, type(e).__name__, e), file=sys.stderr, flush=True)
        time.sleep(0.5)

def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class XmlItems:
    """Work items as the SOAP services carry them: elements of <Noun>#."""

    @staticmethod
    def mrid(item):
        return item.findtext("{*}mRID")

    @staticmethod
    def set_mrid(item, value):
        element = etree.Element(etree.QName(item, "mRID"))
        element.text = value
        item.insert(0, element)

    @staticmethod
    def _child(parent, name, before):
        """parent's `name` child, made where the schema's sequence puts it (after `before`)."""
        found = parent.find("{*}" + name)
        if found is not None:
            return found
        element = etree.Element(etree.QName(parent, name))
        position = 0
        for i, child in enumerate(parent):
            if etree.QName(child).localname in before:
                position = i + 1
        parent.insert(position, element)
        return element

    @classmethod
    def set_status(cls, item, literal, tasks):
        work = cls._child(item, "Work", ("mRID", "Names", "Organisation"))
        cls._child(work, "statusKind", ("mRID", "kind", "lastModifiedDateTime", "requestDateTime")).text = literal
        for task in work.iterfind("{*}WorkTasks") if tasks else ():
            cls._child(task, "statusKind", ("mRID", "crewETA", "instruction")).text = literal

    @staticmethod
    def copy(item):
        return etree.fromstring(etree.tostring(item))


class JsonItems:
    """Work items in cimbus's JSON form (protobuf's JSON mapping: the CIM names)."""

    @staticmethod
    def mrid(item):
        return item.get("mRID")

    @staticmethod
    def set_mrid(item, value):
        item["mRID"] = value

    @staticmethod
    def set_status(item, literal, tasks):
        work = item.setdefault("Work", [{}])
        if not work:
            work.append({})
        work[0]["statusKind"] = literal
        for task in work[0].get("WorkTasks", []) if tasks else ():
            task["statusKind"] = literal

    @staticmethod
    def copy(item):
        return json.loads(json.dumps(item))


class Wms:
    def __init__(self, protocol, adapter, crews, step_ms, seed):
        self.protocol, self.adapter = protocol, adapter.rstrip("/")
        self.items = XmlItems if protocol == "soap" else JsonItems
        self.lock = threading.Lock()
        self.records = {}   # (noun, mRID) -> {"item", "status", "next_at", "crew", "priority"}
        self.journal = []   # (noun, mRID, state)
        self.answers = {}   # MessageID -> (status, content type, body): a retried call gets the same answer
        self.free_crews = ["crew-%d" % (i + 1) for i in range(crews)]
        self.step = step_ms / 1000.0
        self.random = random.Random(seed)
        self.outbox = queue.Queue()
        self.stopping = threading.Event()

    # --- the WMS's own work -------------------------------------------------------------------

    def put(self, noun, mrid, record, status):
        record["status"] = status
        # A WorkRequest's tasks have no status in its profile (schemas/work/WorkRequests.xsd).
        self.items.set_status(record["item"], status, tasks=noun != "WorkRequests")
        self.records[(noun, mrid)] = record
        self.journal.append((noun, mrid, STATE[status]))

    def accept(self, noun, item):
        mrid = self.items.mrid(item)
        if not mrid:
            mrid = str(uuid.uuid4())
            self.items.set_mrid(item, mrid)
        if (noun, mrid) in self.records:
            return None, "%s item %s exists already; change it instead" % (noun, mrid)
        self.put(noun, mrid, {"item": item, "next_at": time.time(), "crew": None,
                              "priority": 1 if noun == "MaintenanceOrders" else 5}, "waitingToBeScheduled")
        return self.items.copy(item), None

    def cancel(self, noun, mrid):
        record = self.records.get((noun, mrid))
        if record is None:
            return None, "no %s item %s at the WMS" % (noun, mrid)
        if record["status"] == "cancelled":
            return self.items.copy(record["item"]), None
        if record["status"] in ("completed", "closed"):
            return None, "%s item %s is %s: completed work cannot be canceled" % (noun, mrid, record["status"])
        if record["crew"]:
            self.free_crews.append(record["crew"])
            record["crew"] = None
        self.put(noun, mrid, record, "cancelled")
        return self.items.copy(record["item"]), None

    def change(self, noun, mrid):
        record = self.records.get((noun, mrid))
        if record is None:
            return None, "no %s item %s at the WMS" % (noun, mrid)
        if record["status"] in ("completed", "closed", "cancelled"):
            return None, "%s item %s is %s and cannot change" % (noun, mrid, record["status"])
        return self.items.copy(record["item"]), None

    def advance(self):
        while not self.stopping.wait(0.1):
            changes = []
            with self.lock:
                due = sorted(((r["priority"], r["next_at"], key) for key, r in self.records.items()
                              if r["status"] in NEXT and r["next_at"] <= time.time()))
                for _, _, (noun, mrid) in due:
                    record = self.records[(noun, mrid)]
                    following = NEXT[record["status"]]
                    if following == "dispatched":
                        if not self.free_crews:
                            record["next_at"] = time.time() + self.step / 2
                            continue
                        record["crew"] = self.free_crews.pop(0)
                    if following == "completed" and record["crew"]:
                        self.free_crews.append(record["crew"])
                        record["crew"] = None
                    self.put(noun, mrid, record, following)
                    record["next_at"] = time.time() + (0 if following == "scheduled" else self.random.uniform(self.step / 2, self.step * 1.5))
                    changes.append((noun, "closed" if following == "closed" else "changed", [self.items.copy(record["item"])]))
            for change in changes:
                self.outbox.put(change)

    # --- what it tells the bus: through the adapter's services, in order, until taken -----------

    def publish(self):
        while True:
            noun, verb, items = self.outbox.get()
            if noun is None:
                return
            message_id = str(uuid.uuid4())
            if self.protocol == "soap":
                url, body, headers = self.soap_event(noun, verb, items, message_id)
            else:
                url = "%s/events/%s/%s" % (self.adapter, noun, verb)
                body = json.dumps({"payload": {ITEM[noun]: items}, "source": "wms"}).encode()
                headers = {"Content-Type": "application/json", "Idempotency-Key": message_id}
            status, answer = post_until_answered(url, body, headers, timeout=30)
            if status >= 300 or b">FAILED<" in answer:  # refused: a bug of this WMS, told loudly, not sent again
                print("REFUSED %s %s: %s" % (verb, noun, answer.decode(errors="replace")), file=sys.stderr, flush=True)

    def soap_event(self, noun, verb, items, message_id):
        wrapper = BASE + noun + "Message"
        element = {"created": "Created", "changed": "Changed", "closed": "Closed", "canceled": "Canceled"}[verb] + noun
        root = etree.Element("{%s}%s" % (wrapper, element), nsmap={"w": wrapper, None: MSG})
        header = etree.SubElement(root, "{%s}Header" % wrapper)
        for name, value in (("Verb", verb), ("Noun", noun), ("Timestamp", now()), ("Source", "wms"), ("MessageID", message_id)):
            etree.SubElement(header, "{%s}%s" % (MSG, name)).text = value
        payload = etree.SubElement(etree.SubElement(root, "{%s}Payload" % wrapper), "{%s%s#}%s" % (BASE, noun, noun))
        payload.extend(items)
        action = BASE + noun + "/" + element
        return (self.adapter + "/Send" + noun, soap(root),
                {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"%s"' % action})

    # --- calls from the adapter ---------------------------------------------------------------

    def call(self, noun, verb, message_id, items, wanted):
        """What a request does; (items answered, error). Events (Incidents closed) are noted."""
        if verb == "get":
            with self.lock:
                keys = [(noun, m) for m in wanted] if wanted else [k for k in self.records if k[0] == noun]
                return [self.items.copy(self.records[k]["item"]) for k in keys if k in self.records], None
        if verb not in ("create", "change", "cancel"):
            return [], None
        answered, event = [], {"create": "created", "change": "changed", "cancel": "canceled"}[verb]
        with self.lock:
            for item in items:
                if verb == "create":
                    done, error = self.accept(noun, item)
                elif verb == "cancel":
                    done, error = self.cancel(noun, self.items.mrid(item))
                else:
                    done, error = self.change(noun, self.items.mrid(item))
                if error:
                    return None, error
                answered.append(done)
            self.outbox.put((noun, event, [self.items.copy(i) for i in answered]))
        return answered, None

    def state(self):
        with self.lock:
            return {"records": [{"noun": n, "mrid": m, "state": STATE[r["status"]]} for (n, m), r in self.records.items()],
                    "journal": [{"noun": n, "mrid": m, "state": s} for n, m, s in self.journal]}


def soap(element):
    envelope = etree.Element("{%s}Envelope" % SOAP11, nsmap={"soap": SOAP11})
    etree.SubElement(envelope, "{%s}Body" % SOAP11).append(element)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def soap_response(noun, correlation, items, get, operation_set=False, code=None, generic=False):
    """The typed response of a call: <Noun>ResponseMessage, Get<Noun>ResponseMessage or
    <Noun>OperationSetResponseMessage (or, `generic`, Message.xsd's own ResponseMessage, as the
    generic Response operation of Annex D takes it), with `items` in one <Noun> element of the
    Payload, and an Error with `code` when given (0.3: an acknowledgement, the result follows). No
    CorrelationID when `correlation` is None."""
    form = "Get" + noun if get else noun + "OperationSet" if operation_set else noun
    wrapper = MSG if generic else BASE + form + "Message"
    name = "ResponseMessage" if generic else form + "ResponseMessage"
    root = etree.Element("{%s}%s" % (wrapper, name), nsmap={None: MSG} if generic else {"w": wrapper, None: MSG})
    header = etree.SubElement(root, "{%s}Header" % wrapper)
    for name, value in (("Verb", "reply"), ("Noun", noun), ("Timestamp", now()), ("MessageID", str(uuid.uuid4())),
                        ("CorrelationID", correlation)):
        if value is not None:
            etree.SubElement(header, "{%s}%s" % (MSG, name)).text = value
    reply = etree.SubElement(root, "{%s}Reply" % wrapper)
    etree.SubElement(reply, "{%s}Result" % MSG).text = "OK"
    if code:
        etree.SubElement(etree.SubElement(reply, "{%s}Error" % MSG), "{%s}code" % MSG).text = code
    if items:
        payload = etree.SubElement(etree.SubElement(root, "{%s}Payload" % wrapper), "{%s%s#}%s" % (BASE, noun, noun))
        payload.extend(items)
    return soap(root)


def soap_fault(noun, code, reason):
    wrapper = BASE + noun + "Message"
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
    return soap(fault)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A handler that logs nothing and answers with one call."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, content_type, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up (its time-out): it calls again, with the same MessageID or key


first_call = threading.Event()


def serve(wms, host, port):
    class Handler(QuietHandler):
        def do_GET(self):
            if self.path.rstrip("/").endswith("/state"):
                return self.answer(200, "application/json", json.dumps(wms.state()).encode())
            self.answer(404, "text/plain", b"not here\n")

        def do_POST(self):
            if not first_call.is_set():  # for a test that times an outage from the first call
                first_call.set()
                print("first call taken", flush=True)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if wms.protocol == "soap":
                key, handle = None, lambda: self.soap(body)
            else:
                key = self.headers.get("Idempotency-Key")
                handle = lambda: self.json(body)  # noqa: E731
            if key and key in wms.answers:
                return self.answer(*wms.answers[key])
            answer = handle()
            if key:
                wms.answers[key] = answer
            self.answer(*answer)

        def soap(self, body):
            message = etree.fromstring(body).find("{%s}Body" % SOAP11)[0]
            h = message.find("{*}Header")
            verb, noun, message_id = h.findtext("{%s}Verb" % MSG), h.findtext("{%s}Noun" % MSG), h.findtext("{%s}MessageID" % MSG)
            if message_id in wms.answers:
                return wms.answers[message_id]
            payload = message.find("{*}Payload")
            items = list(payload[0]) if payload is not None and len(payload) else []
            wanted = [m.text for m in message.iterfind("{*}Request/*/*/{*}mRID")]
            answered, error = wms.call(noun, verb, message_id, items, wanted)
            if error:
                answer = (500, "text/xml; charset=utf-8", soap_fault(noun, "6.1", error))
            else:
                answer = (200, "text/xml; charset=utf-8", soap_response(noun, message_id, answered, verb == "get"))
            wms.answers[message_id] = answer
            return answer

        def json(self, body):
            message = json.loads(body)
            noun, verb = self.path.rstrip("/").rsplit("/", 2)[-2:]
            items = message.get("payload", {}).get(ITEM.get(noun, ""), [])
            wanted = [i.get("mRID") for i in message.get("query", {}).get(ITEM.get(noun, ""), [])]
            answered, error = wms.call(noun, verb, message.get("messageId"), items, wanted)
            if error:
                return 422, "application/json", json.dumps({"code": "6.1", "reason": error}).encode()
            return 200, "application/json", json.dumps({ITEM[noun]: answered} if noun in ITEM and answered else {}).encode()

    return http.server.ThreadingHTTPServer((host, port), Handler)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", choices=("soap", "json"), required=True)
    parser.add_argument("--adapter", required=True, help="the WMS adapter's endpoint (its web_services.listen)")
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--crews", type=int, default=12)
    parser.add_argument("--step-ms", type=int, default=400)
    parser.add_argument("--seed", type=int, default=61968)
    args = parser.parse_args()
    wms = Wms(args.protocol, args.adapter, args.crews, args.step_ms, args.seed)
    host, port = args.listen.rsplit(":", 1)
    server = serve(wms, host, int(port))
    threads = [threading.Thread(target=wms.advance, daemon=True), threading.Thread(target=wms.publish, daemon=True),
               threading.Thread(target=server.serve_forever, daemon=True)]
    for t in threads:
        t.start()
    print("external wms: http://%s:%d/wms" % (host, server.server_port), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    wms.stopping.set()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
