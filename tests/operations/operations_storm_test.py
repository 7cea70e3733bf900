#!/usr/bin/env python3
"""A small storm, operated as a utility would (issue 17, points 1 and 3): Debian's real Prometheus
scrapes the adapters, and `cimbus trace` follows tickets across the three systems' journals.

A private broker, a private Prometheus (its own configuration and data directory, on a free
loopback port, stopped by its pid), and cimbus-storm, whose processes each serve /metrics on a port
of its choosing, listed in <work>/storm/prometheus-targets.json (Prometheus's file discovery). The
storm's adapters keep serving a few seconds after it settled (--linger), so that the last scrape
sees the final figures. Then Prometheus's HTTP API is asked how many TroubleTickets the OMS
created: it must equal the count in the storm's report. The endpoints also answer /health/live
and /health/ready while the stack runs.

While the storm's adapters linger, `cimbus trace <ticket mRID>` against the three endpoints must
print the ticket's whole conversation, in order: the CIS's create, the OMS's reply and created
event, the incident's events, the maintenance order the OMS requested from the WMS with its reply
and the crew's progress, the restoration (incident closed), the close and its closed event; every
message one adapter sent is in the trace where another took it in, and after it.

    operations_storm_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

SOURCE, BIN, WORK = sys.argv[1:4]


def free_port():  # scripts/free-ports says why not bind(0)
    return int(subprocess.check_output([os.path.join(SOURCE, "scripts", "free-ports")]).split()[0])


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def closed_tickets(oms_endpoint):
    """The closed tickets' mRIDs, sorted, from the reference OMS's read API."""
    status, body = get(oms_endpoint + "/reference/state?tables=records")
    assert status == 200, body
    return sorted(r["mrid"] for r in json.loads(body)["records"] if r["noun"] == "TroubleTickets" and r["state"] == "closed")


def table_value(report, title, column):
    """A figure of the storm report's table `title`: its first row's `column`."""
    lines = report.splitlines()
    at = lines.index(title)
    header = lines[at + 1].split()
    row = lines[at + 3].split()
    return int(row[header.index(column)])


class PrometheusScrapesTheStorm(unittest.TestCase):
    def setUp(self):
        shutil.rmtree(WORK, ignore_errors=True)
        os.makedirs(WORK)
        self.broker_dir = os.path.join(WORK, "broker")
        self.prometheus = None
        topology = subprocess.run([os.path.join(BIN, "cimbus"), "topology"] +
                                  [a for r in ("cis", "oms", "wms") for a in ("--config", os.path.join(SOURCE, "deploy", r + ".json"))],
                                  capture_output=True, text=True, check=True).stdout
        with open(os.path.join(WORK, "topology.json"), "w") as f:
            f.write(topology)
        self.url = subprocess.run([os.path.join(SOURCE, "scripts", "broker"), "start", "--dir", self.broker_dir, "--fresh",
                                   "--definitions", os.path.join(WORK, "topology.json")],
                                  capture_output=True, text=True, check=True).stdout.strip()

    def tearDown(self):
        if self.prometheus is not None and self.prometheus.poll() is None:
            self.prometheus.send_signal(signal.SIGTERM)
            self.prometheus.wait(30)
        subprocess.run([os.path.join(SOURCE, "scripts", "broker"), "stop", "--dir", self.broker_dir], capture_output=True)

    def start_prometheus(self, targets):
        port = free_port()
        config = os.path.join(WORK, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: cimbus\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
                    "    file_sd_configs:\n      - files: [%s]\n        refresh_interval: 1s\n" % json.dumps(targets))
        log = os.path.join(WORK, "prometheus.log")
        with open(log, "w") as out:
            self.prometheus = subprocess.Popen(["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(WORK, "tsdb"),
                                                "--web.listen-address=127.0.0.1:%d" % port], stdout=out, stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % port
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if get(base + "/-/ready")[0] == 200:
                    return base
            except OSError:
                pass
            self.assertIsNone(self.prometheus.poll(), "prometheus exited; see " + log)
            time.sleep(0.2)
        self.fail("prometheus did not get ready in 60 s")

    def query(self, base, promql):
        status, body = get(base + "/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        self.assertEqual(status, 200, body)
        result = json.loads(body)["data"]["result"]
        return None if not result else float(result[0]["value"][1])

    def test_the_tickets_prometheus_counts_are_the_storms(self):
        storm_work = os.path.join(WORK, "storm")
        prometheus = self.start_prometheus(os.path.join(storm_work, "prometheus-targets.json"))
        env = dict(os.environ, CIMBUS_BROKER_URL=self.url, CIMBUS_BROKER_ALLOW_PLAIN="1")
        storm = subprocess.Popen([os.path.join(BIN, "cimbus-storm"), "--broker-dir", self.broker_dir, "--deploy", os.path.join(SOURCE, "deploy"),
                                  "--bin", BIN, "--work", storm_work, "--no-progress", "--faults", "12", "--duration", "8",
                                  "--service-needs", "10", "--agreement-requests", "10", "--linger", "25"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        # While it runs: every endpoint is live and, once the adapters are up, ready.
        endpoints = None
        for line in storm.stderr:
            found = re.match(r"^storm: endpoints \([^)]*\): (.*)$", line.strip())
            if found:
                endpoints = dict(item.split(" ") for item in found.group(1).split(", "))
                break
        self.assertIsNotNone(endpoints, "cimbus-storm did not print its endpoints")
        self.assertEqual(sorted(endpoints), ["cis-1", "oms-1", "wms-1"])
        for name, url in endpoints.items():
            status, body = get(url + "/health/live")
            self.assertEqual(status, 200, name)
            self.assertEqual(json.loads(body)["instance"], name)
            status, body = get(url + "/health/ready")
            self.assertEqual(status, 200, "%s not ready: %s" % (name, body))
            self.assertTrue(all(c["ok"] for c in json.loads(body)["checks"]), body)
            status, body = get(url + "/metrics")
            self.assertEqual(status, 200)
            self.assertIn("# TYPE cimbus_messages_total counter", body)
        browser = self.open_console(endpoints["oms-1"])  # during the storm
        try:
            for line in storm.stderr:
                if "serve their endpoints" in line:
                    break
            self.oms_endpoint = endpoints["oms-1"]
            self.check_traces(storm_work, list(endpoints.values()))
            self.check_read_api(endpoints)
            self.check_console(browser, endpoints["oms-1"], storm_work)
        finally:
            browser.quit()
        rest = storm.stderr.read()
        report = storm.stdout.read()
        storm.stdout.close()
        storm.stderr.close()
        self.assertEqual(storm.wait(), 0, report + rest)
        self.assertIn("conservation: OK", report)
        tickets = table_value(report, "Incidents (OMS)", "tickets")
        self.assertGreater(tickets, 0)

        # The last values Prometheus scraped (the targets are gone now).
        created = 'sum(last_over_time(cimbus_messages_total{system="oms",direction="in",noun="TroubleTickets",verb="create",result="ok"}[10m]))'
        counted = self.query(prometheus, created)
        self.assertEqual(counted, tickets, "Prometheus counted %s TroubleTickets created, the storm's report %d" % (counted, tickets))
        # The CIS sent them (out, accepted by the broker), and every target was scraped.
        sent = self.query(prometheus, 'sum(last_over_time(cimbus_messages_total{system="cis",direction="out",noun="TroubleTickets",verb="create",result="sent"}[10m]))')
        self.assertGreaterEqual(sent, tickets)
        up = self.query(prometheus, 'count(max_over_time(up[10m]) == 1)')
        self.assertEqual(up, 3, "every adapter was scraped")
        build = self.query(prometheus, 'count(last_over_time(cimbus_build_info[10m]))')
        self.assertEqual(build, 3)
        print("Prometheus: %d TroubleTickets created, as the storm's report says; the CIS sent %d creates" % (counted, sent))

    def open_console(self, endpoint):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1800",
                    "--user-data-dir=" + os.path.join(WORK, "chromium")):
            options.add_argument(arg)
        browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        browser.get(endpoint + "/console")
        return browser

    def check_console(self, browser, endpoint, storm_work):
        """The console shows what /metrics says, once the storm settled; its trace box finds a ticket's conversation."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        wait = WebDriverWait(browser, 20)
        wait.until(lambda b: int(b.find_element(By.TAG_NAME, "body").get_attribute("data-refreshed") or 0) >= 2)
        # Settled: the figures stand still; the next refresh must show exactly the metrics.
        status, metrics = get(endpoint + "/metrics")
        self.assertEqual(status, 200)
        refreshed = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-refreshed"))
        wait.until(lambda b: int(b.find_element(By.TAG_NAME, "body").get_attribute("data-refreshed")) >= refreshed + 1)

        def metric(line_re):
            return sum(float(m.group(1)) for m in re.finditer(line_re, metrics, re.M))

        created_ok = metric(r'^cimbus_messages_total\{direction="in",noun="TroubleTickets",verb="create",result="ok"\} (\S+)$')
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-key="in|TroubleTickets|create"]')
        self.assertEqual(float(row.find_element(By.CSS_SELECTOR, "td.ok").text), created_ok)
        self.assertGreater(created_ok, 0)
        total_in = metric(r'^cimbus_messages_total\{direction="in",[^}]*\} (\S+)$')
        self.assertEqual(float(browser.find_element(By.ID, "total-in").text), total_in)
        self.assertEqual(float(browser.find_element(By.ID, "outbox-depth").text), metric(r"^cimbus_outbox_depth (\S+)$"))
        self.assertEqual(browser.find_element(By.ID, "health").text, "ready")
        self.assertNotEqual(row.find_element(By.CSS_SELECTOR, "td.p99").text, "-", "handler latency percentiles are shown")
        # The trace box, across the three systems.
        ticket = closed_tickets(endpoint)[0]
        browser.find_element(By.ID, "trace-id").send_keys(ticket)
        browser.find_element(By.ID, "trace-go").click()
        wait.until(lambda b: "messages across the systems" in b.find_element(By.ID, "trace-note").text)
        traced = browser.find_element(By.ID, "trace").text
        for step in ("TroubleTickets", "Incidents", "MaintenanceOrders", "wms-1", "cis-1"):
            self.assertIn(step, traced)
        shot = os.path.join(BIN, "..", "console.png")
        browser.save_screenshot(shot)
        self.assertGreater(os.path.getsize(shot), 10000)
        print("console: %s shows %d TroubleTickets created, as /metrics does; screenshot %s" % (endpoint, created_ok, os.path.abspath(shot)))

    def check_read_api(self, endpoints):
        """What the storm reads its report from, once it settled: each adapter's backlog (empty) and
        journal counts (the OMS's creates as its /metrics counts them), the reference CIS's state;
        the CIS's intake refuses what is not its document with 400, and takes a row sent again once."""
        for name, url in endpoints.items():
            status, body = get(url + "/backlog")
            self.assertEqual(status, 200, body)
            backlog = json.loads(body)
            self.assertEqual((backlog["instance"], backlog["outbox_rows"], backlog["inbox_dead"]), (name, 0, 0), body)
        status, body = get(endpoints["oms-1"] + "/journal/counts")
        self.assertEqual(status, 200, body)
        journal = sum(c["n"] for c in json.loads(body)["counts"]
                      if (c["direction"], c["kind"], c["noun"], c["verb"], c["result"]) == ("in", "request", "TroubleTickets", "create", "ok"))
        metrics = get(endpoints["oms-1"] + "/metrics")[1]
        counted = re.search(r'^cimbus_messages_total\{direction="in",noun="TroubleTickets",verb="create",result="ok"\} (\d+)', metrics, re.M)
        self.assertIsNotNone(counted, metrics[:2000])
        self.assertEqual(journal, int(counted.group(1)), "the journal's count of creates taken, and /metrics's")
        status, body = get(endpoints["cis-1"] + "/reference/state?tables=calls")
        self.assertEqual(status, 200, body)
        calls = json.loads(body)["calls"]
        self.assertGreater(len(calls), 0)
        self.assertTrue(all(c["ticket"] for c in calls), "every call became a ticket")

        intake = endpoints["cis-1"] + "/reference/intake"
        def post(body):
            request = urllib.request.Request(intake, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    return r.status, r.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode()
        for bad in ("<calls/>", '{"calls": {"id": 1}}', '{"calls": [{"id": 1}]}', '{"calls": [{"id": "one", "customer": "c"}]}',
                    '{"calls": [{"id": -1, "customer": "c"}]}', '{"service_needs": [{"id": 1, "customer": "c", "kind": "connect"}]}', "{" * 5000):
            status, body = post(bad)
            self.assertEqual(status, 400, "%s: %s" % (bad[:60], body))
        again = calls[0]
        status, body = post(json.dumps({"calls": [{"id": int(again["id"]), "customer": again["customer"]}]}))
        self.assertEqual((status, json.loads(body)["calls"]), (200, 0), "a call sent again is taken once: %s" % body)
        self.assertEqual(get(endpoints["cis-1"] + "/health/live")[0], 200)

    def check_traces(self, storm_work, endpoints):
        tickets = closed_tickets(self.oms_endpoint)[:3]
        self.assertEqual(len(tickets), 3, "the storm closed tickets")
        for ticket in tickets:
            args = [os.path.join(BIN, "cimbus"), "trace", ticket]
            for e in endpoints:
                args += ["--endpoint", e]
            done = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            rows = json.loads(done.stdout)
            steps = [(r["instance"].split("-")[0], r["direction"], r["kind"], r["verb"], r["noun"]) for r in rows]

            def first(step):
                self.assertIn(step, steps, "%s missing from the trace of %s:\n%s" % (step, ticket, "\n".join(map(str, steps))))
                return steps.index(step)

            created = first(("cis", "out", "request", "create", "TroubleTickets"))
            taken = first(("oms", "in", "request", "create", "TroubleTickets"))
            replied = first(("oms", "out", "reply", "reply", "TroubleTickets"))
            announced = first(("oms", "out", "event", "created", "TroubleTickets"))
            first(("cis", "in", "reply", "reply", "TroubleTickets"))
            first(("cis", "in", "event", "created", "Incidents"))
            ordered = first(("oms", "out", "request", "create", "MaintenanceOrders"))
            first(("wms", "in", "request", "create", "MaintenanceOrders"))
            first(("oms", "in", "reply", "reply", "MaintenanceOrders"))
            progress = first(("oms", "in", "event", "changed", "MaintenanceOrders"))
            restored = first(("oms", "out", "event", "closed", "Incidents"))
            closing = first(("cis", "out", "request", "close", "TroubleTickets"))
            closed = first(("oms", "out", "event", "closed", "TroubleTickets"))
            first(("oms", "in", "event", "closed", "MaintenanceOrders"))
            order = "\n".join(map(str, steps))
            self.assertLess(created, taken, order)
            self.assertLess(taken, min(replied, announced), order)
            self.assertLess(ordered, progress, order)
            self.assertLess(announced, closing, order)
            self.assertLess(progress, restored, order)
            self.assertLess(closing, closed, order)
            # None missing: what one adapter sent, another took in, later; and what was taken in was sent.
            sent = {r["message_id"]: r["at"] for r in rows if r["direction"] == "out" and r["kind"] != "dead_letter"}
            taken_in = {}
            for r in rows:
                if r["direction"] == "in":
                    taken_in.setdefault(r["message_id"], []).append(r["at"])
            self.assertEqual(sorted(sent), sorted(taken_in), "every message sent in the conversation was taken in, and only those")
            for message_id, at in sent.items():
                self.assertTrue(all(when >= at for when in taken_in[message_id]), message_id)
        table = subprocess.run(args, capture_output=True, text=True, timeout=60).stdout
        self.assertIn("MaintenanceOrders", table)
        print("trace of ticket %s: %d messages across the three systems\n%s" % (tickets[-1], len(rows), table))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
