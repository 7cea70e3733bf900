"""What the Python peers of the adapter tests share: taking a message from a Proton receiver, and
reading the codes and fields of an answer's XML."""
import re


def receive(receiver, timeout):
    """The next message at `receiver` (accepted), or None after `timeout` seconds."""
    try:
        m = receiver.receive(timeout=timeout)
    except Exception:  # proton.Timeout
        return None
    receiver.accept()
    return m


def codes(body):
    """The Error codes of an answer, in order."""
    return re.findall(r"<(?:\w+:)?code>([^<]*)<", body or "")


def field(body, name):
    """The text of the first element `name` (any prefix), or None."""
    found = re.search(r"<(?:\w+:)?%s>([^<]*)<" % name, body or "")
    return found.group(1) if found else None
