#!/usr/bin/env python3
"""What an adapter says, tried as a new user would (issue 17, point 2), on a private broker.

Each broker trouble gets its own line the moment it happens, and /health/ready says the same:
a wrong port, a wrong password, TLS to a plain port, queues the topology did not make; a broker
that goes away under a running adapter (the loss, then the reconnect); SIGTERM while the adapter
waits for the broker. The JSON log: every line an object with time, level, system and instance;
SIGUSR1 turns on the debug lines, which name the MessageID, and SIGUSR2 turns them off. No password
ever appears. Usage errors exit 2.

    adapter_log_test.py SOURCE_DIR BIN_DIR WORK_DIR
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
import urllib.error
import urllib.request

SOURCE, BIN, WORK = sys.argv[1:4]
BROKER = os.path.join(WORK, "broker")


def broker(*args):
    return subprocess.run([os.path.join(SOURCE, "scripts", "broker")] + list(args) + ["--dir", BROKER],
                          capture_output=True, text=True, check=True).stdout.strip()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Adapter:
    """cimbus-oms with a configuration derived from deploy/oms.json."""

    def __init__(self, name, broker_url, password_file, extra_args=(), **broker_settings):
        with open(os.path.join(SOURCE, "deploy", "oms.json")) as f:
            config = json.load(f)
        config["broker"].update(urls=[broker_url], password_file=password_file, allow_plain_without_tls=True, **broker_settings)
        config["store"] = os.path.join(WORK, name + ".sqlite")
        config.pop("web_services", None)
        self.config = os.path.join(WORK, name + ".json")
        with open(self.config, "w") as f:
            json.dump(config, f)
        self.log_path = os.path.join(WORK, name + ".log")
        self.out_path = os.path.join(WORK, name + ".out")
        with open(self.log_path, "w") as log, open(self.out_path, "w") as out:
            self.process = subprocess.Popen([os.path.join(BIN, "cimbus-oms")] + list(extra_args) + [self.config], stdout=out, stderr=log)
        self.endpoint = None

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_for(self, pattern, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = re.search(pattern, self.log())
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError("no line matching %r within %s s; the log:\n%s" % (pattern, timeout, self.log()[-3000:]))

    def url(self):
        deadline = time.time() + 30
        while self.endpoint is None and time.time() < deadline:
            for line in open(self.out_path).read().splitlines():
                if line.startswith("oms endpoint: "):
                    self.endpoint = line.split(": ", 1)[1]
            time.sleep(0.1)
        return self.endpoint

    def stop(self, timeout=15):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


class BrokerTrouble(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(WORK, ignore_errors=True)
        os.makedirs(WORK)
        topology = lambda *roles: subprocess.run([os.path.join(BIN, "cimbus"), "topology"] + [a for r in roles for a in ("--config", os.path.join(SOURCE, "deploy", r + ".json"))],
                                                 capture_output=True, text=True, check=True).stdout
        cls.full = os.path.join(WORK, "topology.json")
        definitions = json.loads(topology("cis", "oms", "wms"))
        # A virtual host where the OMS may log in but where no queue of its exists.
        definitions.setdefault("vhosts", []).append({"name": "bare"})
        definitions["permissions"].append({"user": "oms", "vhost": "bare", "configure": ".*", "write": ".*", "read": ".*"})
        with open(cls.full, "w") as f:
            json.dump(definitions, f)
        cls.url = broker("start", "--fresh", "--definitions", cls.full)
        cls.port = int(cls.url.rsplit(":", 1)[1])
        cls.password_file = os.path.join(BROKER, "users", "oms")
        cls.password = open(cls.password_file).read().strip()
        cls.wrong = os.path.join(WORK, "wrong-password")
        with open(cls.wrong, "w") as f:
            f.write("not-the-password\n")
        os.chmod(cls.wrong, 0o600)

    @classmethod
    def tearDownClass(cls):
        subprocess.run([os.path.join(SOURCE, "scripts", "broker"), "stop", "--dir", BROKER], capture_output=True)

    def assert_ready_says(self, adapter, words):
        status, body = get(adapter.url() + "/health/ready")
        self.assertEqual(status, 503, body)
        broker_check = [c for c in json.loads(body)["checks"] if c["name"] == "broker"][0]
        self.assertFalse(broker_check["ok"])
        self.assertIn(words, broker_check["detail"])

    def test_a_wrong_port_is_said_at_once_and_sigterm_stops_the_wait(self):
        closed = self.port + 1 if self.port < 65000 else self.port - 1
        a = Adapter("wrong-port", "amqp://127.0.0.1:%d" % closed, self.password_file)
        started = time.time()
        a.wait_for(r"error +oms oms-1: cannot reach the broker at amqp://127\.0\.0\.1:%d: .*Connection refused.*is it running" % closed, 10)
        self.assertLess(time.time() - started, 10)
        self.assert_ready_says(a, "cannot reach the broker")
        stopping = time.time()
        self.assertEqual(a.stop(), 0, "SIGTERM while waiting for the broker is a clean stop")
        self.assertLess(time.time() - stopping, 5)
        self.assertNotIn("is the topology loaded", a.log())

    def test_a_wrong_password_is_said_at_once_without_the_password(self):
        a = Adapter("wrong-password", "amqp://127.0.0.1:%d" % self.port, self.wrong)
        a.wait_for(r"the broker at amqp://127\.0\.0\.1:%d refused the login: amqp:unauthorized-access" % self.port, 15)
        self.assert_ready_says(a, "refused the login")
        self.assertEqual(a.stop(), 0)
        self.assertNotIn("not-the-password", a.log())
        self.assertNotIn("not-the-password", open(a.out_path).read())

    def test_tls_to_a_plain_port_is_said_as_such(self):
        a = Adapter("tls-to-plain", "amqps://localhost:%d" % self.port, self.password_file, tls_verify="none")
        a.wait_for(r"TLS with the broker at amqps://localhost:%d failed: .*does not speak TLS on this port" % self.port, 15)
        self.assertEqual(a.stop(), 0)

    def test_missing_queues_name_the_topology(self):
        vhost = "bare"
        a = Adapter("no-queues", "amqp://127.0.0.1:%d" % self.port, self.password_file, vhost=vhost)
        a.wait_for(r"connected to the broker at amqp://127\.0\.0\.1:%d as oms" % self.port, 15)
        a.wait_for(r"the broker refuses receiving from /amq/queue/oms\.requests: amqp:not-found.*does not exist on the broker: is the topology loaded", 15)
        status, body = get(a.url() + "/health/ready")
        self.assertEqual(status, 503)
        self.assertIn("does not exist on the broker: is the topology loaded", body)
        self.assertEqual(a.stop(), 0)

    def test_a_broker_that_goes_away_and_comes_back_is_said_both_times_and_json_lines_follow_the_level(self):
        a = Adapter("restart", "amqp://127.0.0.1:%d" % self.port, self.password_file, extra_args=["--log-format", "json"])
        a.wait_for(r'"message":"connected to the broker at amqp://127\.0\.0\.1:%d as oms"' % self.port, 20)
        deadline = time.time() + 20
        while get(a.url() + "/health/ready")[0] != 200 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(get(a.url() + "/health/ready")[0], 200)

        # SIGUSR1: debug lines, with the MessageID of what was taken in; SIGUSR2: none again.
        request = os.path.join(SOURCE, "tests", "data", "messages", "Incidents-get.xml")
        env = dict(os.environ, CIMBUS_BROKER_URL=self.url, CIMBUS_BROKER_ALLOW_PLAIN="1")
        ask = lambda: subprocess.run([os.path.join(BIN, "cimbus"), "request", "--timeout", "20", request], env=env, capture_output=True, text=True)
        a.process.send_signal(signal.SIGUSR1)
        a.wait_for(r"SIGUSR1: logging at debug level", 5)
        self.assertEqual(ask().returncode, 0)
        debug = a.wait_for(r'\{[^\n]*"level":"debug"[^\n]*"message":"took in get Incidents[^\n]*\}', 10).group(0)
        self.assertTrue(json.loads(debug)["message_id"])
        a.process.send_signal(signal.SIGUSR2)
        a.wait_for(r"SIGUSR2: logging at the starting level again", 5)
        before = a.log().count('"level":"debug"')
        self.assertEqual(ask().returncode, 0)
        time.sleep(1)
        self.assertEqual(a.log().count('"level":"debug"'), before, "no debug line after SIGUSR2")

        broker("stop")
        a.wait_for(r'"level":"warn"[^\n]*"message":"lost the broker connection at amqp://127\.0\.0\.1:%d' % self.port, 20)
        broker("start")
        a.wait_for(r'"message":"connected to the broker at amqp://127\.0\.0\.1:%d again, after [0-9.]+ s without it \(connection 2\) as oms"' % self.port, 60)
        self.assertEqual(a.stop(), 0)
        for line in a.log().splitlines():
            entry = json.loads(line)
            for key in ("time", "level", "system", "instance", "message"):
                self.assertIn(key, entry, line)
            self.assertEqual((entry["system"], entry["instance"]), ("oms", "oms-1"))
            self.assertRegex(entry["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertNotIn(self.password, a.log())

    def test_usage_errors_exit_2_and_version_exits_0(self):
        oms = os.path.join(BIN, "cimbus-oms")
        for args in ([], ["--log-format", "xml", "x.json"], ["--log-level", "loud", "x.json"], ["--bogus", "x.json"], ["a.json", "b.json"]):
            done = subprocess.run([oms] + args, capture_output=True, text=True)
            self.assertEqual(done.returncode, 2, args)
            self.assertIn("cimbus-oms", done.stderr)
        done = subprocess.run([oms, "--version"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0)
        self.assertRegex(done.stdout, r"^cimbus-oms \d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
