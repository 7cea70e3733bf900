#!/usr/bin/python3
"""A requester from another stack (Qpid Proton Python) against a cimbus adapter: sends the
TroubleTickets create request in FILE (with a fresh MessageID and its own reply queue) and checks
the reply: AMQP correlation-id = the request's message-id, application-properties Verb=reply,
Noun=TroubleTickets and Source, content-type, and Result OK in the body. Exit 0 when all hold.

    python_requester.py URL USER PASSWORD FILE EXPECTED_SOURCE
"""
import re
import sys
import uuid

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Requester(MessagingHandler):
    def __init__(self, url, user, password, body, source):
        super().__init__()
        self.url, self.user, self.password, self.source = url, user, password, source
        self.id = str(uuid.uuid4())
        self.queue = "reply.python-" + self.id
        body = re.sub(r"<MessageID>[^<]*</MessageID>", "<MessageID>%s</MessageID>" % self.id, body)
        body = re.sub(r"<ReplyAddress>[^<]*</ReplyAddress>", "<ReplyAddress>%s</ReplyAddress>" % self.queue, body)
        body = re.sub(r"<m:mRID>a3f1c2d4[^<]*</m:mRID>", "<m:mRID>%s</m:mRID>" % uuid.uuid4(), body)
        self.body = body
        self.failures = None

    def on_start(self, event):
        self.connection = event.container.connect(self.url, user=self.user, password=self.password,
                                                  allowed_mechs="PLAIN", allow_insecure_mechs=True)
        self.receiver = event.container.create_receiver(self.connection, "/queue/" + self.queue)
        self.container = event.container
        self.timer = event.container.schedule(60, self)

    def on_link_opened(self, event):
        if event.link == self.receiver:
            sender = self.container.create_sender(self.connection, "/exchange/cim/req.TroubleTickets.create")
            sender.send(Message(id=self.id, body=self.body, reply_to=self.queue, durable=True, subject="TroubleTickets",
                                properties={"Verb": "create", "Noun": "TroubleTickets", "Source": "python"},
                                content_type="application/xml; charset=utf-8"))

    def on_message(self, event):
        m = event.message
        props = m.properties or {}
        checks = [
            ("correlation-id", m.correlation_id, self.id),
            ("Verb", props.get("Verb"), "reply"),
            ("Noun", props.get("Noun"), "TroubleTickets"),
            ("Source", props.get("Source"), self.source),
            ("content-type", m.content_type, "application/xml; charset=utf-8"),
            ("Result", (re.search(r"<(?:\w+:)?Result>([^<]*)<", m.body or "") or [None, None])[1], "OK"),
        ]
        self.failures = ["%s: %r, expected %r" % (name, got, want) for name, got, want in checks if got != want]
        for name, got, _ in checks:
            print("%s=%s" % (name, got))
        self.timer.cancel()
        event.connection.close()

    def on_timer_task(self, event):
        self.failures = ["no reply within 60 s"]
        self.connection.close()


def main():
    url, user, password, path, source = sys.argv[1:6]
    with open(path, encoding="utf-8") as f:
        requester = Requester(url, user, password, f.read(), source)
    Container(requester).run()
    for failure in requester.failures or []:
        print("FAIL " + failure, file=sys.stderr)
    return 0 if requester.failures == [] else 1


if __name__ == "__main__":
    sys.exit(main())
