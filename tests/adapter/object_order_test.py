#!/usr/bin/python3
"""Per-object order across instances (decisions/0032, issue 18 point 3): four cimbus-oms processes
share one store and the OMS's request queue on a private broker. A requester posing as the CIS
(numbering its messages per ticket as a cimbus sender does: cimbus-order-key, cimbus-order-number)
creates TICKETS tickets, then sends CHANGES changes to each, every ticket's changes in order but the
tickets interleaved at random, as fast as the broker takes them. Midway one instance is killed with
SIGKILL and started again. Now and then a change is sent a second time with the same MessageID and
the next number, as a web-service client's call made again is. Passes when every request got its OK
reply, every ticket's comment is its last change's (read back by GetTroubleTickets through the web
services), every instance took requests, and no order gap was given up (cimbus_order_gaps_total). With --no-order the adapters keep no order (order_wait_ms -1): the same check then shows
what goes wrong without it (and is expected to fail).

    object_order_test.py ROOT BIN WORK [--instances 4] [--tickets 200] [--changes 10] [--store sqlite|postgresql] [--no-order]
"""
import argparse
import datetime
import importlib.util
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

from proton import Message
from proton.utils import BlockingConnection

SEED = 61968
CUSTOMERS = 2000
TT = "http://iec.ch/TC57/2015/TroubleTicketsMessage"


def free_port(root):  # scripts/free-ports says why not bind(0)
    return int(subprocess.check_output([os.path.join(root, "scripts", "free-ports")]).split()[0])


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def request(verb, ticket, comment, customer=None):
    """A CreateTroubleTickets or ChangeTroubleTickets request as the CIS sends it."""
    message_id = str(uuid.uuid4())
    element = {"create": "CreateTroubleTickets", "change": "ChangeTroubleTickets"}[verb]
    extra = ("<m:dateTimeOfReport>%s</m:dateTimeOfReport><m:reportingKind>call</m:reportingKind>"
             "<m:Customer><m:mRID>%s</m:mRID></m:Customer>" % (now(), customer)) if customer else ""
    body = ('<tt:%s xmlns:tt="%s" xmlns="http://iec.ch/TC57/2011/schema/message" xmlns:m="http://iec.ch/TC57/2015/TroubleTickets#">'
            "<tt:Header><Verb>%s</Verb><Noun>TroubleTickets</Noun><Timestamp>%s</Timestamp><Source>CIS</Source>"
            "<ReplyAddress>/exchange/cim/reply.cis-1</ReplyAddress><MessageID>%s</MessageID></tt:Header>"
            "<tt:Payload><m:TroubleTickets><m:TroubleTicket><m:mRID>%s</m:mRID><m:comment>%s</m:comment>%s</m:TroubleTicket>"
            "</m:TroubleTickets></tt:Payload></tt:%s>" % (element, TT, verb, now(), message_id, ticket, comment, extra, element))
    return message_id, body


class Oms:
    def __init__(self, args, n, broker_url, broker_dir, store, order_wait_ms):
        self.name = "oms-%d" % n
        config = json.load(open(os.path.join(args.root, "deploy", "oms.json")))
        config["instance"] = self.name
        config["store"] = store
        b = config["broker"]
        b["urls"] = [re.sub(r"//[^@/]*@", "//", broker_url)]
        b["user"], b["password_file"] = "oms", os.path.join(broker_dir, "users", "oms")
        b.pop("password_env", None)
        config["web_services"]["listen"] = "127.0.0.1:%d" % free_port(args.root)
        config["connector"]["settings"].update(seed=str(SEED), customers=str(CUSTOMERS))
        config["order_wait_ms"] = order_wait_ms
        self.endpoint = "http://" + config["web_services"]["listen"]
        self.config = os.path.join(args.work, self.name + ".json")
        json.dump(config, open(self.config, "w"), indent=2)
        self.binary, self.work = os.path.join(args.bin, "cimbus-oms"), args.work
        self.process = None

    def start(self):
        out = open(os.path.join(self.work, self.name + ".out"), "w")
        log = open(os.path.join(self.work, self.name + ".log"), "a")
        self.process = subprocess.Popen([self.binary, self.config], stdout=out, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if "ready" in open(os.path.join(self.work, self.name + ".out")).read().split():
                return
            if self.process.poll() is not None:
                raise SystemExit("FAIL: %s exited %s; see %s.log" % (self.name, self.process.returncode, self.name))
            time.sleep(0.1)
        raise SystemExit("FAIL: %s did not get ready" % self.name)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return -9
        return self.process.returncode if self.process else 0

    def get(self, path):
        return urllib.request.urlopen(self.endpoint + path, timeout=30).read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("bin")
    parser.add_argument("work")
    parser.add_argument("--instances", type=int, default=4)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--store", default="sqlite", choices=["sqlite", "postgresql"],
                        help="the shared store: a SQLite file in WORK, or a database of a private PostgreSQL (scripts/postgres)")
    parser.add_argument("--no-order", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, os.path.join(args.root, "tests", "connectors"))  # external_oms imports its neighbours
    spec = importlib.util.spec_from_file_location("external_oms", os.path.join(args.root, "tests", "connectors", "external_oms.py"))
    external = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(external)  # the territory's mRIDs, as the reference systems make them
    broker_dir = os.path.join(args.work, "broker")
    env = dict(os.environ, CIMBUS_BROKER_ALLOW_PLAIN="1")
    topology = os.path.join(args.work, "topology.json")
    with open(topology, "w") as out:
        subprocess.run([os.path.join(args.bin, "cimbus"), "topology"] + [a for r in ("cis", "oms", "wms") for a in ("--config", "%s/deploy/%s.json" % (args.root, r))] +
                       [a for n in range(2, args.instances + 1) for a in ("--instance", "oms:oms-%d" % n)], stdout=out, check=True)
    url = subprocess.run([os.path.join(args.root, "scripts", "broker"), "start", "--dir", broker_dir, "--fresh", "--definitions", topology],
                         env=env, stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    os.environ.update(CIMBUS_BROKER_ALLOW_PLAIN="1")
    os.environ.pop("CIMBUS_BROKER_URL", None)
    postgres_dir = os.path.join(args.work, "postgres")
    if args.store == "postgresql":
        server = subprocess.run([os.path.join(args.root, "scripts", "postgres"), "start", "--dir", postgres_dir, "--databases", "cimbus_oms"],
                                stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
        settings = subprocess.run([os.path.join(args.root, "scripts", "postgres"), "env", "--dir", postgres_dir],
                                  stdout=subprocess.PIPE, text=True, check=True).stdout
        os.environ["PGPASSWORD"] = re.search(r"^PGPASSWORD=(.*)$", settings, re.M).group(1)  # the adapters inherit it
        store = server + "/cimbus_oms"
    else:
        store = os.path.join(args.work, "oms.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(store + suffix):
                os.remove(store + suffix)
    instances = [Oms(args, n, url, broker_dir, store, -1 if args.no_order else 30000) for n in range(1, args.instances + 1)]
    failures = []
    try:
        for oms in instances:
            oms.start()
        user, password = re.match(r"amqp://([^:]+):([^@]+)@", url).groups()
        plain_url = re.sub(r"//[^@/]*@", "//", url)
        connection = BlockingConnection(plain_url, user=user, password=password, allowed_mechs="PLAIN", allow_insecure_mechs=True)
        replies = connection.create_receiver("/amq/queue/reply.cis-1", credit=500)
        senders = {verb: connection.create_sender("/exchange/cim/req.TroubleTickets." + verb) for verb in ("create", "change")}
        numbers = {}

        sent = {}  # MessageID -> (verb, body)

        def send(verb, ticket, comment, customer=None, again=None):
            """A new request, or (again: its MessageID) the same one sent again, numbered anew as a
            web-service client's second call with the same MessageID is."""
            message_id, body = (again, sent[again][1]) if again else request(verb, ticket, comment, customer)
            sent[message_id] = (verb, body)
            key = "CIS/TroubleTickets/request/" + ticket
            numbers[key] = numbers.get(key, 0) + 1
            senders[verb].send(Message(id=message_id, body=body, durable=True, subject="TroubleTickets", reply_to="/exchange/cim/reply.cis-1",
                                       content_type="application/xml; charset=utf-8",
                                       properties={"Verb": verb, "Noun": "TroubleTickets", "Source": "CIS",
                                                   "cimbus-order-key": key, "cimbus-order-number": str(numbers[key])}))
            return message_id

        pending = {}
        tickets = [str(uuid.uuid4()) for _ in range(args.tickets)]
        customers = random.Random(7).sample(range(CUSTOMERS), args.tickets)
        for ticket, c in zip(tickets, customers):
            pending[send("create", ticket, "created", external.stable_uuid(SEED, "customer", c))] = ("create", ticket)
        plan = [ticket for ticket in tickets for _ in range(args.changes)]
        random.Random(61968).shuffle(plan)  # interleaved; each ticket's own changes stay in order below
        made = {ticket: 0 for ticket in tickets}
        killed = instances[1 % len(instances)]
        print("object_order: %d instances; %d tickets created, now %d changes interleaved" % (len(instances), len(tickets), len(plan)), flush=True)
        for n, ticket in enumerate(plan):
            made[ticket] += 1
            pending[send("change", ticket, "change %d" % made[ticket])] = ("change", ticket)
            if n % 40 == 7:  # now and then a change sent twice: the next change must not wait for a number
                send("change", ticket, None, again=list(sent)[-1])
            if n == len(plan) // 2:
                killed.kill()
                print("object_order: %s killed (SIGKILL) after %d changes sent" % (killed.name, n + 1), flush=True)
            if n == len(plan) // 2 + 200:
                killed.start()
                print("object_order: %s started again" % killed.name, flush=True)
        results = {}
        deadline = time.time() + 300
        while len(results) < len(pending) and time.time() < deadline:
            try:
                m = replies.receive(timeout=max(1, deadline - time.time()))
            except Exception as e:  # proton's Timeout: no more came
                print("object_order: waiting for replies ended: %r" % e, flush=True)
                break
            replies.accept()
            correlation = re.search(r"<(?:\w+:)?CorrelationID>([^<]*)<", m.body or "")
            result = re.search(r"<(?:\w+:)?Result>([^<]*)<", m.body or "")
            if not results and not correlation:
                print("object_order: a reply without a CorrelationID: %s" % (m.body or "")[:400], flush=True)
            if correlation and correlation.group(1) in pending:
                results[correlation.group(1)] = result.group(1) if result else "?"
        connection.close()
        missing = len(pending) - len(results)
        not_ok = [(pending[k], r) for k, r in results.items() if r != "OK"]
        if missing:
            failures.append("%d requests got no reply" % missing)
        if not_ok:
            failures.append("%d replies not OK, e.g. %s" % (len(not_ok), not_ok[:3]))

        import zeep  # Debian's python3-zeep: a SOAP client generated from the WSDL
        got = zeep.Client(instances[0].endpoint + "/GetTroubleTickets?wsdl").service.GetTroubleTickets(
            Header={"Verb": "get", "Noun": "TroubleTickets"}, Request={"ID": tickets})
        comments = {t.mRID: t.comment for t in got.Payload.TroubleTickets.TroubleTicket}
        last = "change %d" % args.changes
        wrong = [(t, comments.get(t)) for t in tickets if comments.get(t) != last]
        if wrong:
            failures.append("%d of %d tickets do not end in their last change (%s), e.g. %s" % (len(wrong), len(tickets), last, wrong[:3]))

        print("\nRequests taken in and parked, per instance")
        print("  instance  requests  parked")
        counts = json.loads(instances[0].get("/journal/counts"))
        for oms in instances:
            taken = sum(int(c.get("n", 0)) for c in counts.get("counts", [])
                        if c.get("instance") == oms.name and c.get("direction") == "in" and c.get("kind") == "request")
            parked = sum(float(line.rsplit(" ", 1)[1]) for line in oms.get("/metrics").splitlines()
                         if line.startswith("cimbus_messages_total") and 'result="parked"' in line)
            print("  %-8s  %8d  %6d" % (oms.name, taken, parked))
            if taken == 0:
                failures.append("%s took no request: the instances did not share the load" % oms.name)
        gaps = sum(float(line.rsplit(" ", 1)[1]) for oms in instances for line in oms.get("/metrics").splitlines()
                   if line.startswith("cimbus_order_gaps_total"))
        if gaps and not args.no_order:
            failures.append("%d order gaps were given up (order_wait_ms): a number was waited for that never came" % gaps)
    finally:
        for oms in instances:
            status = oms.stop()
            if status not in (0, None):
                failures.append("%s did not stop cleanly (%s)" % (oms.name, status))
        subprocess.run([os.path.join(args.root, "scripts", "broker"), "stop", "--dir", broker_dir], stdout=subprocess.DEVNULL)
        if args.store == "postgresql":
            subprocess.run([os.path.join(args.root, "scripts", "postgres"), "stop", "--dir", postgres_dir], stdout=subprocess.DEVNULL)
    if failures:
        print("FAIL: " + "; ".join(failures))
        sys.exit(1)
    print("PASS: %d tickets, %d changes each, across %d instances sharing a %s store: every ticket ends in its last change" %
          (args.tickets, args.changes, len(instances), args.store))


if __name__ == "__main__":
    main()
