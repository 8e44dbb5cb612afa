"""A real SAML 2.0 identity provider for the tests: pysaml2's ``Server`` behind a WSGI app.

``python -m tests.sso.saml_idp.serve PORT``, started by ``tests/sso/conftest.py`` with a
key and certificate made at test time (IDP_KEY_FILE, IDP_CERT_FILE) and the service
provider it answers (SP_ENTITY_ID, SP_ACS_URL). pysaml2 builds the response and its
assertion; python-xmlsec signs the assertion (pysaml2's own signing wants the xmlsec1
program, which this machine does not have).

A person's e-mail picks what the provider does wrong for them: ``expired-assertion@``
gets an assertion that expired ten minutes ago, ``other-audience@`` one for another
service provider, ``forged-signature@`` one signed with a key the SP does not trust.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

OTHER_SP = "https://another-service.example/saml"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
StartResponse = Callable[[str, list[tuple[str, str]]], object]


def _sp_metadata(entity_id: str, acs_url: str) -> str:
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
  entityID="{entity_id}"><md:SPSSODescriptor
  protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
  AuthnRequestsSigned="false" WantAssertionsSigned="true">
  <md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{acs_url}" index="1"/>
  </md:SPSSODescriptor></md:EntityDescriptor>"""


def make_server_config(base_url: str) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base_url}/metadata",
            "crypto_backend": "XMLSecurity",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base_url}/sso", BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
            "metadata": {
                "inline": [
                    _sp_metadata(os.environ["SP_ENTITY_ID"], os.environ["SP_ACS_URL"]),
                    _sp_metadata(OTHER_SP, "https://another-service.example/saml/acs"),
                ]
            },
        }
    )
    return config


def _forger_key_and_cert() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forger")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def sign_assertion(xml: bytes, key_pem: bytes, cert_pem: bytes) -> bytes:
    """An enveloped RSA-SHA256 signature on the assertion, right after its Issuer."""
    document = etree.fromstring(xml)
    assertion = document.find(f"{{{SAML}}}Assertion")
    signature = xmlsec.template.create(
        assertion, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    assertion.find(f"{{{SAML}}}Issuer").addnext(signature)
    reference = xmlsec.template.add_reference(
        signature, xmlsec.constants.TransformSha256, uri="#" + assertion.get("ID")
    )
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    key.load_cert_from_memory(cert_pem, xmlsec.constants.KeyDataFormatPem)
    context = xmlsec.SignatureContext()
    context.key = key
    xmlsec.tree.add_ids(assertion, ["ID"])
    context.sign(signature)
    return etree.tostring(document)


def _expire(xml: bytes) -> bytes:
    document = etree.fromstring(xml)
    past = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for element in document.iter():
        if element.get("NotOnOrAfter"):
            element.set("NotOnOrAfter", past)
    return etree.tostring(document)


class IdentityProvider:
    def __init__(self, base_url: str) -> None:
        self.server = Server(config=make_server_config(base_url))
        self.key_pem = open(os.environ["IDP_KEY_FILE"], "rb").read()  # noqa: SIM115
        self.cert_pem = open(os.environ["IDP_CERT_FILE"], "rb").read()  # noqa: SIM115
        self.forger = _forger_key_and_cert()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        if path == "/metadata":
            return self._send(start_response, "200 OK", b"<ok/>", "text/xml")
        if path == "/sso" and environ["REQUEST_METHOD"] == "GET":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            return self._send(start_response, "200 OK", self._sign_in_form(query).encode())
        if path == "/sso":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            return self._send(start_response, "200 OK", self._answer(form).encode())
        return self._send(start_response, "404 Not Found", b"not found")

    def _send(
        self, start_response: StartResponse, status: str, body: bytes, kind: str = "text/html"
    ) -> list[bytes]:
        start_response(status, [("Content-Type", f"{kind}; charset=utf-8")])
        return [body]

    def _sign_in_form(self, query: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{escape(query.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        return (
            '<!doctype html><html lang="en"><head><title>Test SAML IdP</title></head><body>'
            f'<main><h1>Test SAML IdP</h1><form method="post" action="/sso">{hidden}'
            '<label>E-mail <input name="email" type="email"></label>'
            '<button type="submit">Continue</button></form></main></body></html>'
        )

    def _answer(self, form: dict[str, str]) -> str:
        request = self.server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        email = form["email"].strip().lower()
        fault = email.partition("@")[0]
        if fault == "other-audience":
            args["sp_entity_id"] = OTHER_SP
        subject = hashlib.sha256(email.encode()).hexdigest()[:24]
        response = self.server.create_authn_response(
            {"mail": [email], "givenName": [fault], "sn": ["Tester"]},
            userid=email,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"subject-{subject}"),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
            sign_response=False,
            sign_assertion=False,
            destination=args["destination"],
            in_response_to=args["in_response_to"],
            sp_entity_id=args["sp_entity_id"],
            name_id_policy=args["name_id_policy"],
        )
        xml = str(response).encode()
        if fault == "expired-assertion":
            xml = _expire(xml)
        key, cert = self.forger if fault == "forged-signature" else (self.key_pem, self.cert_pem)
        signed = base64.b64encode(sign_assertion(xml, key, cert)).decode()
        return (
            '<!doctype html><html lang="en"><head><title>Test SAML IdP</title></head><body>'
            f'<main><form method="post" action="{escape(args["destination"])}" id="answer">'
            f'<input type="hidden" name="SAMLResponse" value="{signed}">'
            f'<input type="hidden" name="RelayState" value="{escape(form.get("RelayState", ""))}">'
            '<button type="submit">Back to the service</button></form>'
            "<script>document.getElementById('answer').submit()</script></main></body></html>"
        )


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    port = int(sys.argv[1])
    app = IdentityProvider(f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app, handler_class=_QuietHandler)
    print(f"ready on {port}", flush=True)  # noqa: T201 - the process log says it is up
    server.serve_forever()


if __name__ == "__main__":
    main()
