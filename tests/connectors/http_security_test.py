#!/usr/bin/python3
"""The HTTP side's security (issue 13 point 4) against real processes: an adapter serving HTTPS
with basic and bearer credentials (unauthenticated and wrong calls get 401, a zeep client with
credentials and the CA works), an adapter that refuses to listen beyond loopback without
credentials, and outbound calls to an https system verified against the configured CA.

    http_security_test.py SOURCE_DIR BIN_DIR WORK_DIR
"""
import base64
import json
import os
import ssl
import subprocess
import sys
import unittest
import urllib.error
import urllib.request
import uuid

import requests
import zeep
import zeep.transports

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web_services"))
from stack import Stack  # noqa: E402
from systems import SoapWms  # noqa: E402

SOURCE, BIN, WORK = sys.argv[1:4]
PASSWORD, TOKEN = "correct horse battery staple", "t-" + uuid.uuid4().hex

stack = cis = None
certificate = key = None


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 (its own CA)."""
    cert, key_ = os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key_, "-out", cert],
                   check=True, capture_output=True)
    return cert, key_


def setUpModule():
    global stack, cis, certificate, key
    stack = Stack(SOURCE, BIN, WORK).__enter__()
    certificate, key = make_certificate(WORK)
    os.environ["CIS_HTTP_PASSWORD"], os.environ["CIS_HTTP_TOKEN"] = PASSWORD, TOKEN
    credentials = os.path.join(WORK, "credentials")
    with open(credentials, "w") as f:
        f.write("# who may call\nintegrator:from-a-file\n")
    cis = stack.start("cis", web_services={"listen": "127.0.0.1:0", "tls_certificate_file": certificate, "tls_key_file": key,
                                           "user": "portal", "password_env": "CIS_HTTP_PASSWORD", "token_env": "CIS_HTTP_TOKEN",
                                           "credentials_file": credentials})


def tearDownModule():
    stack.__exit__(None, None, None)


def get(path, authorization=None):
    context = ssl.create_default_context(cafile=certificate)
    request = urllib.request.Request(cis.endpoint + path, headers={"Authorization": authorization} if authorization else {})
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class Inbound(unittest.TestCase):
    def test_served_over_https(self):
        self.assertTrue(cis.endpoint.startswith("https://127.0.0.1:"), cis.endpoint)

    def test_unauthenticated_calls_get_401(self):
        for path in ("/", "/GetCustomerAgreements?wsdl", "/openapi.json"):
            status, headers = get(path)
            self.assertEqual(status, 401, path)
            self.assertIn("Basic", headers["WWW-Authenticate"])
        status, _ = get("/", basic("portal", "wrong"))
        self.assertEqual(status, 401)
        status, _ = get("/", "Bearer not-the-token")
        self.assertEqual(status, 401)
        # A POST without credentials is refused before it is read as a call.
        context = ssl.create_default_context(cafile=certificate)
        request = urllib.request.Request(cis.endpoint + "/ExecuteCustomerAgreements", data=b"<x/>", method="POST",
                                         headers={"Content-Type": "text/xml", "SOAPAction": '"x"'})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30, context=context)
        self.assertEqual(refused.exception.code, 401)
        self.assertTrue(cis.alive())

    def test_each_credential_is_accepted(self):
        for authorization in (basic("portal", PASSWORD), basic("integrator", "from-a-file"), "Bearer " + TOKEN):
            self.assertEqual(get("/", authorization)[0], 200, authorization)

    def test_plain_http_is_not_served(self):
        port = int(cis.endpoint.rsplit(":", 1)[1])
        with self.assertRaises(Exception):
            urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10)

    def test_zeep_with_credentials_and_the_ca(self):
        session = requests.Session()
        session.auth = ("portal", PASSWORD)
        session.verify = certificate
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the CA given here
        client = zeep.Client(cis.endpoint + "/GetCustomerAgreements?wsdl", transport=zeep.transports.Transport(session=session))
        answer = client.service.GetCustomerAgreements(Header={"Verb": "get", "Noun": "CustomerAgreements"})
        self.assertEqual(answer.Reply.Result, "OK")
        self.assertGreater(len(answer.Payload.CustomerAgreements.CustomerAgreement), 0)

    def test_beyond_loopback_needs_credentials(self):
        with self.assertRaises(RuntimeError) as refused:
            stack.start("oms", web_services={"listen": "0.0.0.0:0"})
        self.assertIn("is not a loopback address, and no credentials are set", str(refused.exception))


class Outbound(unittest.TestCase):
    """cimbus-wms calls an https WMS: verified against connector.ca_file, refused without it."""

    def create(self):
        body = json.dumps({"payload": {"ServiceOrder": [{"Work": [{"kind": "service", "statusKind": "approved"}]}]}}).encode()
        context = ssl.create_default_context(cafile=certificate)
        request = urllib.request.Request(cis.endpoint + "/requests/ServiceOrders/create", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=60, context=context) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_the_system_certificate_is_verified(self):
        system = SoapWms(tls=(certificate, key))
        try:
            connector = {"kind": "web_services", "url": system.url, "timeout_ms": 5000}
            wms = stack.start("wms", max_attempts=2, connector=dict(connector, ca_file=certificate))
            status, answer = self.create()
            self.assertEqual((status, answer["result"]), (200, "OK"), answer)
            wms.stop()
            # Without the CA, the machine's store does not know the certificate: no call is made.
            calls = len(system.calls)
            wms = stack.start("wms", max_attempts=2, connector=connector)
            status, answer = self.create()
            self.assertEqual((status, answer["result"]), (422, "FAILED"), answer)
            self.assertIn("SSL", answer["errors"][0]["reason"])
            self.assertEqual(len(system.calls), calls)
            wms.stop()
        finally:
            system.server.shutdown()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
