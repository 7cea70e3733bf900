#!/usr/bin/python3
"""A store that fails under a running adapter (issue 14): cimbus-oms as deployed, its store on a
small tmpfs of its own that the test fills up. The OMS must not stay a zombie (connected, holding
deliveries, answering nothing): it logs the cause, releases what it holds and exits with 75 for
its supervisor. Started again once space is freed, it answers every request sent meanwhile:
nothing lost. The tmpfs is mounted and unmounted by the test (root, as scripts/test runs).

    store_failure_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.parse
import uuid

from proton import Message
from proton.utils import BlockingConnection

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
from stack import Stack  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
DISK = os.path.join(WORK + "-disk")  # beside WORK: the Stack empties WORK


def request(message_id, reply_queue):
    with open(os.path.join(SOURCE, "tests", "data", "messages", "TroubleTickets-create.xml"), encoding="utf-8") as f:
        body = f.read()
    body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % message_id, body)
    body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "<ReplyAddress>%s</ReplyAddress>" % reply_queue, body)
    return re.sub(r"<m:mRID>a3f1c2d4[^<]*</m:mRID>", "<m:mRID>%s</m:mRID>" % uuid.uuid4(), body)


def fill(directory):
    """Writes a file until the file system is full; returns its path."""
    path = os.path.join(directory, "filler")
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return path


class StoreFailure(unittest.TestCase):
    def setUp(self):
        os.makedirs(DISK, exist_ok=True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", DISK], capture_output=True, text=True)
        self.assertEqual(mounted.returncode, 0, "this test mounts a small tmpfs and needs root: " + mounted.stderr)
        self.stack = Stack(SOURCE, BIN, WORK).__enter__()

    def tearDown(self):
        self.stack.__exit__(None, None, None)
        subprocess.run(["umount", DISK])

    def test_a_full_disk_stops_the_adapter_and_nothing_is_lost(self):
        store = os.path.join(DISK, "oms.sqlite")
        oms = self.stack.start("oms", store=store, web_services={"listen": "127.0.0.1:0"})
        url = urllib.parse.urlparse(self.stack.broker_url)
        connection = BlockingConnection("amqp://127.0.0.1:%d" % url.port, timeout=30, user=url.username, password=url.password,
                                        allowed_mechs="PLAIN", allow_insecure_mechs=True)
        queue = "reply.store-failure-" + str(uuid.uuid4())
        replies = connection.create_receiver("/queue/" + queue)
        sender = connection.create_sender("/exchange/cim/req.TroubleTickets.create")
        filler = fill(DISK)

        sent = []
        for _ in range(60):  # until a commit needs space that is not there
            message_id = str(uuid.uuid4())
            sender.send(Message(id=message_id, body=request(message_id, queue), reply_to=queue, durable=True))
            sent.append(message_id)
            if not oms.alive():
                break
            time.sleep(0.05)
        status = oms.process.wait(timeout=60)
        self.assertEqual(status, 75, "exit status after the store failed")
        self.assertIn("the store failed", oms.log())
        self.assertEqual(oms.log().count("the store failed"), 1, "the cause is logged once")

        os.remove(filler)  # space again: started as its supervisor would
        self.stack.start("oms", store=store, web_services={"listen": "127.0.0.1:0"})
        answered = set()
        deadline = time.time() + 60
        while answered != set(sent) and time.time() < deadline:
            try:
                m = replies.receive(timeout=5)
            except Exception:  # proton.Timeout
                continue
            replies.accept()
            answered.add(m.correlation_id)
        self.assertEqual(set(sent) - answered, set(), "requests never answered")
        connection.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
