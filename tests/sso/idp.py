"""Start real identity providers on 127.0.0.1 for the SSO tests, each in its own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "mentoring-test-client"
CLIENT_SECRET = "mentoring-test-secret"
IDP_PASSWORD = "idp-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rsa_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass(frozen=True)
class RunningIdP:
    base_url: str

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/o/.well-known/openid-configuration"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test IdP stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the test IdP did not start: {log.read_text()[-2000:]}")


@contextmanager
def running(
    module: str, folder: Path, env: dict[str, str], ready_path: str
) -> Iterator[RunningIdP]:
    port = free_port()
    log = folder / f"{module.rsplit('.', 2)[-2]}.log"
    process_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", module, str(port)],
            cwd=ROOT,
            env={**process_env, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    idp = RunningIdP(f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(idp.base_url + ready_path, process, log)
        yield idp
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def oidc_provider(
    folder: Path, *, redirect_uris: list[str], logout_uris: list[str]
) -> Iterator[RunningIdP]:
    env = {
        "IDP_DATABASE": str(folder / "oidc-idp.sqlite3"),
        "IDP_RSA_PRIVATE_KEY": rsa_private_pem(),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URIS": " ".join(redirect_uris),
        "IDP_LOGOUT_URIS": " ".join(logout_uris),
    }
    with running(
        "tests.sso.oidc_idp.serve", folder, env, "/o/.well-known/openid-configuration"
    ) as idp:
        yield idp


def idp_session(idp: RunningIdP, email: str) -> requests.Session:
    """A browser's session at the provider, signed in there as ``email``."""
    session = requests.Session()
    response = session.post(
        f"{idp.base_url}/login/",
        data={"username": email, "password": IDP_PASSWORD, "next": "/o/userinfo/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    return session


def self_signed_certificate(key_pem: str, common_name: str) -> str:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class RunningSamlIdP(RunningIdP):
    certificate: str

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"


@contextmanager
def saml_provider(folder: Path, *, sp_base_url: str) -> Iterator[RunningSamlIdP]:
    key_pem = rsa_private_pem()
    certificate = self_signed_certificate(key_pem, "test-idp")
    (folder / "idp.key").write_text(key_pem)
    (folder / "idp.crt").write_text(certificate)
    env = {
        "IDP_KEY_FILE": str(folder / "idp.key"),
        "IDP_CERT_FILE": str(folder / "idp.crt"),
        "SP_ENTITY_ID": f"{sp_base_url}/accounts/saml/organisation/metadata/",
        "SP_ACS_URL": f"{sp_base_url}/accounts/saml/organisation/acs/",
    }
    with running("tests.sso.saml_idp.serve", folder, env, "/metadata") as idp:
        yield RunningSamlIdP(idp.base_url, certificate)
