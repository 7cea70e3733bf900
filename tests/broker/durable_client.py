#!/usr/bin/python3
"""A small client from another stack (Qpid Proton Python) for the broker script's test.

    durable_client.py URL USER PASSWORD MECHANISM send|receive QUEUE [COUNT]

send: COUNT durable messages to the pre-declared queue, waits for each to be accepted.
receive: prints the bodies of COUNT messages (or what arrived within 10 s). Errors (e.g. a
refused login, which RabbitMQ answers after about 3 s) are printed as "error: <condition>".
"""
import sys

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Client(MessagingHandler):
    def __init__(self, url, user, password, mechanism, mode, queue, count):
        super().__init__()
        self.url, self.user, self.password, self.mechanism = url, user, password, mechanism
        self.mode, self.queue, self.count = mode, "/amq/queue/" + queue, count
        self.sent = self.accepted = 0
        self.out = []

    def on_start(self, event):
        options = dict(allowed_mechs=self.mechanism, allow_insecure_mechs=True)
        if self.user:
            options.update(user=self.user, password=self.password)
        connection = event.container.connect(self.url, **options)
        if self.mode == "send":
            event.container.create_sender(connection, self.queue)
        else:
            event.container.create_receiver(connection, self.queue)
        event.container.schedule(10, self)

    def on_sendable(self, event):
        while self.mode == "send" and self.sent < self.count and event.sender.credit:
            event.sender.send(Message(body="m%d" % self.sent, durable=True))
            self.sent += 1

    def on_accepted(self, event):
        self.accepted += 1
        if self.accepted == self.count:
            self.out.append("accepted %d" % self.accepted)
            event.connection.close()

    def on_message(self, event):
        self.out.append(event.message.body)
        if len(self.out) == self.count:
            event.connection.close()

    def on_transport_error(self, event):
        self.out.append("error: %s" % event.transport.condition.name)
        event.connection.close()

    def on_connection_closed(self, event):
        event.container.stop()

    def on_timer_task(self, event):
        event.container.stop()


def main():
    url, user, password, mechanism, mode, queue = sys.argv[1:7]
    count = int(sys.argv[7]) if len(sys.argv) > 7 else 5
    client = Client(url, user, password, mechanism, mode, queue, count)
    Container(client).run()
    print(" ".join(client.out))


if __name__ == "__main__":
    main()
