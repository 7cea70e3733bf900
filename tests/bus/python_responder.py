#!/usr/bin/python3
"""A responder from another stack (Qpid Proton Python) for the CLI test: answers COUNT requests
from QUEUE with an IEC 61968-100 ResponseMessage (Result OK, CorrelationID = the request's
message-id) at the request's reply-to, and prints what it saw of each request:

    message-id=... correlation-id=... reply-to=... Verb=... Noun=... Source=... content-type=...

    python_responder.py URL USER PASSWORD QUEUE COUNT
"""
import sys
import uuid

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

REPLY = """<?xml version="1.0" encoding="UTF-8"?>
<ResponseMessage xmlns="http://iec.ch/TC57/2011/schema/message">
  <Header><Verb>reply</Verb><Noun>{noun}</Noun><Source>python-responder</Source>
    <MessageID>{id}</MessageID><CorrelationID>{correlation}</CorrelationID></Header>
  <Reply><Result>OK</Result></Reply>
</ResponseMessage>"""


class Responder(MessagingHandler):
    def __init__(self, url, user, password, queue, count):
        super().__init__()
        self.url, self.user, self.password, self.queue, self.count = url, user, password, queue, count
        self.answered = 0

    def on_start(self, event):
        self.connection = event.container.connect(self.url, user=self.user, password=self.password,
                                                  allowed_mechs="PLAIN", allow_insecure_mechs=True)
        event.container.create_receiver(self.connection, "/amq/queue/" + self.queue)
        self.container = event.container
        self.senders = {}  # RabbitMQ 3.10 has no anonymous relay: one sender per reply address
        event.container.schedule(60, self)

    def on_message(self, event):
        m = event.message
        props = m.properties or {}
        print("message-id=%s correlation-id=%s reply-to=%s Verb=%s Noun=%s Source=%s content-type=%s" % (
            m.id, m.correlation_id, m.reply_to, props.get("Verb"), props.get("Noun"), props.get("Source"),
            m.content_type), flush=True)
        reply_to = m.reply_to if m.reply_to.startswith("/") else "/amq/queue/" + m.reply_to
        body = REPLY.format(noun=props.get("Noun"), id=uuid.uuid4(), correlation=m.id)
        if reply_to not in self.senders:
            self.senders[reply_to] = self.container.create_sender(self.connection, reply_to)
        self.senders[reply_to].send(Message(body=body, correlation_id=m.id, durable=True,
                                            content_type="application/xml; charset=utf-8"))
        self.answered += 1

    def on_accepted(self, event):
        if self.answered >= self.count:
            event.connection.close()

    def on_connection_closed(self, event):
        event.container.stop()

    def on_timer_task(self, event):
        event.container.stop()


def main():
    url, user, password, queue, count = sys.argv[1:6]
    Container(Responder(url, user, password, queue, int(count))).run()


if __name__ == "__main__":
    main()
