#!/usr/bin/python3
"""An OMS outside cimbus, in Python, with a plain JSON API (connector json), for the storm through
the JSON connector. It does what the embedded reference OMS does (adapters/oms/reference_oms.cpp):
tickets of one transformer grouped into one incident, a crew asked of the WMS for each new incident
(a MaintenanceOrders create request), the incident's ETR and status following the crew's progress
(the MaintenanceOrders events it is sent), the incident closed when the crew completes; and it tells
the bus each change through its adapter's local JSON API (/events, /requests), in order, each with
an Idempotency-Key, retrying until the adapter takes it.

    external_oms.py --adapter http://127.0.0.1:8802 [--listen 127.0.0.1:0] [--seed 61968] [--customers 2000]

It prints "external oms: <url>" (what the adapter's connector.url is set to) and serves, beside
the calls, GET /oms/state: every object's state and journal, which the storm's conservation check
reads (the system's own API, not a database file). It stops on SIGTERM.
"""
import argparse
import datetime
import http.server
import json
import queue
import signal
import sys
import threading
import time
import uuid

from external_wms import QuietHandler, post_until_answered

MASK = (1 << 64) - 1
# MaintenanceOrders' WorkStatusKind -> (the incident's state, whether the supply is restored)
PROGRESS = {"dispatched": ("dispatched", False), "enroute": ("enroute", False), "onSite": ("onSite", False),
            "completed": ("closed", True)}


def at(ms_from_now=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=ms_from_now)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def object_state(status_kind):
    """A WorkStatusKind literal as the storm's check names states (object_state.cpp)."""
    return "canceled" if status_kind == "cancelled" else status_kind


class Territory:
    """The storm's synthetic territory (adapters/common/territory.cpp): the same customers, with the
    same mRIDs, on the same transformers, from the same seed."""

    def __init__(self, seed, customers, per_transformer=8, per_feeder=25):
        self.seed, self.customers = seed, customers
        self.per_transformer, self.per_feeder = per_transformer, per_feeder

    def transformer_of(self, customer):
        i = stable_index(self.seed, "customer", customer)
        return None if i is None or i >= self.customers else i // self.per_transformer

    @staticmethod
    def transformer_name(t):
        return "TX-%04d" % (t + 1)

    def outage_summary(self, t):
        """Customers out when transformer t fails, and the critical ones (life support: every 37th
        from the 6th, Territory::is_life_support)."""
        out = [i for i in range(t * self.per_transformer, (t + 1) * self.per_transformer) if i < self.customers]
        return {"criticalCount": sum(1 for i in out if i % 37 == 5), "totalCount": len(out)}

    def feeder_name(self, t):
        return "FDR-%02d" % (t // self.per_feeder + 1)


def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def fnv1a(text):
    h = 1469598103934665603
    for c in text.encode():
        h = ((h ^ c) * 1099511628211) & MASK
    return h


def index_mask(seed, kind):
    _, v = splitmix(seed ^ fnv1a(kind) ^ 0x243F6A8885A308D3)
    return v & 0xFFFFFFFF


def stable_uuid(seed, kind, index):
    """The same UUID as territory.cpp's stable_uuid: its last four bytes carry the index, masked."""
    state = seed ^ fnv1a(kind) ^ ((index * 0x100000001B3) & MASK)
    b = bytearray()
    for _ in range(2):
        state, v = splitmix(state)
        b += v.to_bytes(8, "little")
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    b[12:16] = (index ^ index_mask(seed, kind)).to_bytes(4, "big")
    return str(uuid.UUID(bytes=bytes(b)))


def stable_index(seed, kind, text):
    """The index stable_uuid(seed, kind, index) gave `text`, or None (territory.cpp's stable_index)."""
    if not isinstance(text, str) or len(text) != 36:
        return None
    try:
        index = int(text[28:], 16) ^ index_mask(seed, kind)
    except ValueError:
        return None
    return index if stable_uuid(seed, kind, index) == text else None


class Refused(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code, self.reason = code, reason


class Oms:
    def __init__(self, adapter, territory, etr_initial_ms, repair_ms):
        self.adapter = adapter.rstrip("/")
        self.territory = territory
        self.etr_initial_ms, self.repair_ms = etr_initial_ms, repair_ms
        self.lock = threading.Lock()
        self.records = {}  # (noun, mRID) -> {"item", "state", "key"}
        self.journal = []  # (noun, mRID, state, ms since the epoch)
        self.answers = {}  # Idempotency-Key -> (status, body): a retried call gets the same answer
        self.outbox = queue.Queue()  # (kind, noun, verb, body, Idempotency-Key), told in order

    # --- the OMS's records ----------------------------------------------------------------------

    def put(self, noun, mrid, item, state, key=None):
        before = self.records.get((noun, mrid))
        self.records[(noun, mrid)] = {"item": item, "state": state, "key": key if key is not None else (before or {}).get("key", "")}
        if before is None or before["state"] != state:
            self.journal.append((noun, mrid, state, int(time.time() * 1000)))

    def ticket(self, mrid):
        record = self.records.get(("TroubleTickets", mrid))
        if record is None:
            raise Refused("2.15", "no trouble ticket %s at the OMS" % mrid)
        return record

    def tell(self, kind, noun, verb, item):
        """Queued under the lock, in the order the changes happened; `item` is copied as it is now."""
        body = {"payload": {noun[:-1]: [json.loads(json.dumps(item))]}, "source": "oms"}
        self.outbox.put((kind, noun, verb, body, str(uuid.uuid4())))

    @staticmethod
    def status(state):
        return {"value": state, "dateTime": at()}

    # --- calls from the adapter -----------------------------------------------------------------

    def handle(self, key, noun, verb, message):
        """(HTTP status, answer) of one call, once per Idempotency-Key: a retry gets the first answer."""
        with self.lock:
            if key in self.answers:
                return self.answers[key]
            try:
                answer = self.call(noun, verb, message)
            except Refused as r:
                answer = 422, {"code": r.code, "reason": r.reason}
            if key:
                self.answers[key] = answer
            return answer

    def call(self, noun, verb, message):
        if verb == "get":
            return 200, self.get(noun, message.get("query", {}))
        if noun == "MaintenanceOrders":
            for order in message.get("payload", {}).get("MaintenanceOrder", []):
                self.crew_progress(order)
            return 200, {}
        if noun != "TroubleTickets":
            raise Refused("2.9", "%s %s is not done by this OMS" % (verb, noun))
        given = message.get("payload", {}).get("TroubleTicket", [])
        if not given:
            raise Refused("1.7", "no TroubleTickets in the payload")
        act = {"create": self.take_ticket, "change": self.change_ticket, "cancel": self.cancel_ticket,
               "close": self.close_ticket}.get(verb)
        if act is None:
            raise Refused("2.9", "%s is not done to trouble tickets here" % verb)
        done = [act(t) for t in given]
        event = {"create": "created", "change": "changed", "cancel": "canceled", "close": "closed"}[verb]
        for t in done:
            self.tell("events", "TroubleTickets", event, t)
        return 200, {"TroubleTicket": done}

    def get(self, noun, query):
        item = noun[:-1]
        wanted = [i.get("mRID") for i in query.get(item, [])]
        keys = [(noun, m) for m in wanted] if wanted else [k for k in self.records if k[0] == noun]
        return {item: [self.records[k]["item"] for k in keys if k in self.records]}

    def take_ticket(self, reported):
        mrid = reported.get("mRID")
        if not mrid:
            raise Refused("1.7", "a trouble ticket without mRID")
        customer = reported.get("Customer", {}).get("mRID", "")
        t = self.territory.transformer_of(customer)
        if t is None:
            raise Refused("2.22", "unknown customer '%s' on ticket %s" % (customer, mrid))
        if ("TroubleTickets", mrid) in self.records:
            raise Refused("6.1", "trouble ticket %s exists already; change it instead" % mrid)
        transformer = self.territory.transformer_name(t)
        open_incidents = [r for (n, _), r in self.records.items() if n == "Incidents" and r["key"] == transformer and r["state"] != "closed"]
        if open_incidents:
            incident, verb = open_incidents[0]["item"], "changed"
        else:
            verb = "created"
            work = {"mRID": str(uuid.uuid4()), "kind": "repair", "requestDateTime": at(), "statusKind": "waitingToBeScheduled",
                    "priority": {"rank": 1, "type": "outage"},
                    "WorkTasks": [{"mRID": str(uuid.uuid4()), "subject": "Restore supply from " + transformer,
                                   "taskKind": "investigate", "statusKind": "waitingToBeScheduled"}]}
            incident = {"mRID": str(uuid.uuid4()), "cause": "fault on %s (%s)" % (transformer, self.territory.feeder_name(t)),
                        "createdDateTime": at(), "Names": [{"name": "INC " + transformer}],
                        "Outage": {"mRID": str(uuid.uuid4()), "cause": "unplanned", "isPlanned": False,
                                   "actualPeriod": {"start": reported.get("dateTimeOfReport") or at()},
                                   "estimatedPeriod": {"end": at(self.etr_initial_ms)},
                                   "summary": self.territory.outage_summary(t)},
                        "status": self.status("open"),
                        "Works": [{"mRID": work["mRID"], "kind": "repair", "statusKind": "waitingToBeScheduled",
                                   "WorkTasks": [{"mRID": work["WorkTasks"][0]["mRID"]}]}]}
            order = {"mRID": str(uuid.uuid4()), "Names": [{"name": "Restore %s for %s" % (transformer, incident["mRID"])}], "Work": [work]}
            self.put("MaintenanceOrders", order["mRID"], order, "requested", key=incident["mRID"])
        incident.setdefault("TroubleTickets", []).append({"mRID": mrid})
        self.put("Incidents", incident["mRID"], incident, incident["status"]["value"], key=transformer)
        self.tell("events", "Incidents", verb, incident)
        if verb == "created":
            self.tell("requests", "MaintenanceOrders", "create", order)
        ticket = json.loads(json.dumps(reported))
        ticket["Incident"] = {"mRID": incident["mRID"]}
        ticket.setdefault("createdDateTime", at())
        ticket["status"] = self.status("assigned")
        self.put("TroubleTickets", mrid, ticket, "assigned", key=customer)
        return ticket

    def change_ticket(self, changed):
        record = self.ticket(changed.get("mRID"))
        if record["state"] in ("closed", "canceled"):
            raise Refused("6.1", "trouble ticket %s is %s and cannot change" % (changed["mRID"], record["state"]))
        merged = dict(record["item"], **{k: v for k, v in changed.items() if k not in ("Incident", "status")})
        self.put("TroubleTickets", merged["mRID"], merged, record["state"])
        return merged

    def cancel_ticket(self, named):
        mrid = named.get("mRID")
        record = self.ticket(mrid)
        ticket = record["item"]
        if record["state"] == "closed":
            raise Refused("6.1", "trouble ticket %s is closed and cannot be canceled" % mrid)
        if record["state"] == "canceled":
            return ticket
        ticket["status"] = self.status("canceled")
        self.put("TroubleTickets", mrid, ticket, "canceled")
        incident = self.records.get(("Incidents", ticket.get("Incident", {}).get("mRID")))
        if incident and incident["state"] != "closed":
            item = incident["item"]
            item["TroubleTickets"] = [r for r in item.get("TroubleTickets", []) if r["mRID"] != mrid]
            self.put("Incidents", item["mRID"], item, incident["state"])
            self.tell("events", "Incidents", "changed", item)
        return ticket

    def close_ticket(self, named):
        mrid = named.get("mRID")
        record = self.ticket(mrid)
        ticket = record["item"]
        if record["state"] == "canceled":
            raise Refused("6.1", "trouble ticket %s was canceled and cannot be closed" % mrid)
        if record["state"] == "closed":
            return ticket
        ticket["status"] = self.status("closed")
        ticket["resolvedDateTime"] = at()
        self.put("TroubleTickets", mrid, ticket, "closed")
        return ticket

    def crew_progress(self, order):
        """A MaintenanceOrders event from the WMS: the crew's progress moves the incident."""
        ours = self.records.get(("MaintenanceOrders", order.get("mRID")))
        work = (order.get("Work") or [{}])[0]
        if ours is None or "statusKind" not in work:
            return  # not an order of this OMS
        status_kind = work["statusKind"]
        self.put("MaintenanceOrders", order["mRID"], order, object_state(status_kind))
        record = self.records.get(("Incidents", ours["key"]))
        if record is None or record["state"] == "closed":
            return
        incident = record["item"]
        for ref in incident.get("Works", []):
            if ref["mRID"] == work.get("mRID"):
                ref["statusKind"] = status_kind
        if status_kind not in PROGRESS:
            self.put("Incidents", incident["mRID"], incident, record["state"])  # noted on the work reference only
            return
        state, restored = PROGRESS[status_kind]
        outage = incident["Outage"]
        if status_kind == "dispatched":
            outage["estimatedPeriod"]["end"] = at(self.repair_ms * 2)
            # The WMS's schedule: when its crew is expected, for the CIS to tell the customers.
            for ref in incident.get("Works", []):
                if ref["mRID"] == work.get("mRID"):
                    ref["WorkTasks"] = [{"mRID": task.get("mRID"), "crewETA": task["crewETA"]}
                                        for task in work.get("WorkTasks", []) if task.get("crewETA")] or ref.get("WorkTasks", [])
        elif status_kind == "onSite":
            outage["estimatedPeriod"]["end"] = at(self.repair_ms)
        elif restored:
            outage["actualPeriod"]["end"] = at()
        incident["status"] = self.status(state)
        self.put("Incidents", incident["mRID"], incident, state)
        self.tell("events", "Incidents", "closed" if restored else "changed", incident)

    def state(self):
        with self.lock:
            return {"records": [{"noun": n, "mrid": m, "state": r["state"], "key": r["key"]} for (n, m), r in self.records.items()],
                    "journal": [{"noun": n, "mrid": m, "state": s, "at": a} for n, m, s, a in self.journal]}

    # --- what it tells the bus: through the adapter's local API, in order, until taken ----------

    def publish(self):
        while True:
            kind, noun, verb, body, key = self.outbox.get()
            if kind is None:
                return
            url = "%s/%s/%s/%s" % (self.adapter, kind, noun, verb)
            status, answer = post_until_answered(url, json.dumps(body).encode(), timeout=300,
                                                 headers={"Content-Type": "application/json", "Idempotency-Key": key})
            if status >= 300:  # refused: a bug of this OMS, told loudly, not sent again
                print("REFUSED %s %s %s: %s" % (kind, verb, noun, answer.decode(errors="replace")), file=sys.stderr, flush=True)


first_call = threading.Event()


def serve(oms, host, port):
    class Handler(QuietHandler):
        def do_GET(self):
            if self.path.rstrip("/") == "/oms/state":
                return self.answer(200, "application/json", json.dumps(oms.state()).encode())
            self.answer(404, "text/plain", b"not here\n")

        def do_POST(self):
            if not first_call.is_set():  # for a test that times an outage from the first call
                first_call.set()
                print("first call taken", flush=True)
            message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            parts = self.path.strip("/").split("/")
            if len(parts) != 3 or parts[0] != "oms":
                return self.answer(404, "text/plain", b"not here\n")
            status, answer = oms.handle(self.headers.get("Idempotency-Key"), parts[1], parts[2], message)
            self.answer(status, "application/json", json.dumps(answer).encode())

    return http.server.ThreadingHTTPServer((host, port), Handler)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", required=True, help="the OMS adapter's endpoint (its web_services.listen)")
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--seed", type=int, default=61968)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--etr-initial-ms", type=int, default=20000)
    parser.add_argument("--repair-ms", type=int, default=3000)
    args = parser.parse_args()
    oms = Oms(args.adapter, Territory(args.seed, args.customers), args.etr_initial_ms, args.repair_ms)
    host, port = args.listen.rsplit(":", 1)
    server = serve(oms, host, int(port))
    for target in (oms.publish, server.serve_forever):
        threading.Thread(target=target, daemon=True).start()
    print("external oms: http://%s:%d/oms" % (host, server.server_port), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
