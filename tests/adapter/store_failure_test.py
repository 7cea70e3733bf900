#!/usr/bin/python3
"""A store that fails under a running adapter (issue 14): cimbus-oms as deployed, its store on a
small tmpfs of its own that the test fills up. The OMS must not stay a zombie (connected, holding
deliveries, answering nothing): it logs the cause once, gives back what it holds, takes nothing
more and reports not ready, and tries the store again with back-off.
- Space freed within store_retry_s: it recovers by itself, without a restart, and answers every
  request sent meanwhile.
- Still full after store_retry_s: it exits with 75 for its supervisor; started again once space
  is freed, it answers every request sent meanwhile. Nothing lost either way.
The tmpfs is mounted and unmounted by the test (root, as scripts/test runs).

    store_failure_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time
import unittest
import uuid

from proton import Message

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
    with open(path, "wb", buffering=0) as f:  # unbuffered: nothing left to write at close, on a full disk
        try:
            while True:
                f.write(b"\0" * 65536)
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

    def start_oms(self, retry_s):
        return self.stack.start("oms", store=os.path.join(DISK, "oms.sqlite"), store_retry_s=retry_s,
                                web_services={"listen": "127.0.0.1:0"})

    def connect(self):
        connection = self.stack.amqp_connection()
        # a reply queue bound to the exchange by its name: the OMS's own user may not use the default exchange
        queue = "/exchange/cim/reply.store-failure-" + str(uuid.uuid4())
        return connection, queue, connection.create_receiver(queue), connection.create_sender("/exchange/cim/req.TroubleTickets.create")

    def send_until_the_store_fails(self, oms, sender, queue):
        sent = []
        for _ in range(100):  # until a commit needs space that is not there
            message_id = str(uuid.uuid4())
            sender.send(Message(id=message_id, body=request(message_id, queue), reply_to=queue, durable=True))
            sent.append(message_id)
            if "the store failed" in oms.log():
                break
            time.sleep(0.05)
        for _ in range(5):  # and a few more, while it fails
            message_id = str(uuid.uuid4())
            sender.send(Message(id=message_id, body=request(message_id, queue), reply_to=queue, durable=True))
            sent.append(message_id)
        return sent

    def assert_all_answered(self, replies, sent):
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

    def test_space_freed_in_time_the_adapter_recovers_by_itself(self):
        oms = self.start_oms(120)
        connection, queue, replies, sender = self.connect()
        filler = fill(DISK)
        sent = self.send_until_the_store_fails(oms, sender, queue)
        self.assertIn("the store failed", oms.log(), "the store never failed: the tmpfs did not fill")
        time.sleep(3)  # failing: alive, not answering, trying again
        self.assertTrue(oms.alive())
        os.remove(filler)
        self.assert_all_answered(replies, sent)
        self.assertTrue(oms.alive(), "the adapter stopped instead of recovering")
        self.assertEqual(oms.log().count("the store failed"), 1, "the cause is logged once")
        self.assertIn("the store works again", oms.log())
        connection.close()

    def test_a_store_that_stays_full_stops_the_adapter_and_nothing_is_lost(self):
        oms = self.start_oms(3)
        connection, queue, replies, sender = self.connect()
        filler = fill(DISK)
        sent = self.send_until_the_store_fails(oms, sender, queue)
        status = oms.process.wait(timeout=60)
        self.assertEqual(status, 75, "exit status after the store failed for longer than store_retry_s")
        self.assertEqual(oms.log().count("the store failed"), 1, "the cause is logged once")
        self.assertIn("the store still fails after 3 s", oms.log())

        os.remove(filler)  # space again: started as its supervisor would
        self.start_oms(3)
        self.assert_all_answered(replies, sent)
        connection.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
