"""The deployment guide's own nginx config, for real, in front of `serve`, over HTTPS.

Renders deploy/nginx/studio.conf with this test's paths and ports, checks it with
`nginx -t`, runs nginx with a self-signed certificate made here, and drives one
journey through it: sign in, live progress over wss://, submit, the video with a
Range request, and the client address the audit log records. Installs nothing:
without nginx it skips and says how to get it.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.services import ROOT, manage, stop_process
from tests.test_serve import assert_nothing_left, embedded_env

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
)
# The test client speaks from its own loopback address, so "the client's address"
# cannot be confused with nginx's own 127.0.0.1.
CLIENT_IP = "127.0.0.23"
FORGED_IP = "203.0.113.66"
EMAIL = "ann@example.com"
PASSWORD = "violet-kestrel-harbour-41"


def ports_free(count: int, start: int = 18600, end: int = 18650) -> list[int]:
    """Free ports from this project's range."""
    found = []
    for port in range(start, end):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    pytest.skip(f"no {count} free ports in {start}-{end - 1}")


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "studio.crt", folder / "studio.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_config(folder: Path, values: dict[str, str]) -> Path:
    """The guide's site config, rendered, inside the main context that Debian's
    /etc/nginx/nginx.conf gives it in production (here: everything under `folder`)."""
    site = (ROOT / "deploy" / "nginx" / "studio.conf").read_text()
    for name, value in values.items():
        site = site.replace(f"@@{name}@@", value)
    assert "@@" not in site, "a placeholder was left unrendered"
    (folder / "studio.conf").write_text(site)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read our tmp files
    main = f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/studio.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def studio_shell(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def proxied_studio(tmp_path: Path) -> Iterator[dict[str, Any]]:
    if NGINX is None:
        pytest.skip(
            "nginx is not installed: apt-get install nginx (CI's .ci/run installs it) "
            "to run the deployment guide's config for real"
        )
    https_port, http_port, web_port = ports_free(3)
    data_dir = tmp_path / "var"
    env = embedded_env(data_dir)
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="nginx-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="1",
        TRUSTED_PROXIES="127.0.0.1",
        METRICS_ALLOW="127.0.0.1",
        SECURE_HSTS_SECONDS="0",
    )
    manage(data_dir, "migrate", "--noinput", env=env)
    manage(data_dir, "collectstatic", "--noinput", "-v0", env=env)
    studio_shell(env, f"from tests.people import person_create; person_create({EMAIL!r})")

    cert, key = self_signed(tmp_path)
    conf = nginx_config(
        tmp_path,
        {
            "UPSTREAM": f"127.0.0.1:{web_port}",
            "SERVER_NAME": "127.0.0.1",
            "LISTEN_ADDRESS": "127.0.0.1",
            "HTTP_PORT": str(http_port),
            "HTTPS_PORT": str(https_port),
            "TLS_CERT": str(cert),
            "TLS_KEY": str(key),
            "STATIC_ROOT": str(data_dir / "static"),
        },
    )
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr

    serve_log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(  # output to a file: an undrained pipe could stall serve
        [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(web_port)],
        cwd=ROOT,
        env=env,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"https://127.0.0.1:{https_port}"
    try:
        _wait_for_web_node(f"http://127.0.0.1:{web_port}/healthz", serve)
        yield {
            "base": base,
            "http": f"http://127.0.0.1:{http_port}",
            "web": f"http://127.0.0.1:{web_port}",
            "cert": str(cert),
            "env": env,
            "data_dir": data_dir,
            "logs": tmp_path,
        }
    finally:
        nginx.terminate()
        nginx.wait(timeout=15)
        stop_process(serve)
        serve_log.close()
    assert_nothing_left(data_dir)


def _wait_for_web_node(url: str, serve: subprocess.Popen[str]) -> None:
    """Any answer will do; production redirects plain HTTP unless a proxy says HTTPS."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert serve.poll() is None, f"serve exited with {serve.returncode}"
        try:
            requests.get(url, headers={"X-Forwarded-Proto": "https"}, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within 90 s")


def signed_in_session(studio: dict[str, Any]) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or CA bundle from the environment
    session.verify = studio["cert"]
    session.mount("https://", SourceAddressAdapter(CLIENT_IP))
    # A client may write anything here; nginx must replace it with the real address.
    session.headers["X-Forwarded-For"] = FORGED_IP
    login = f"{studio['base']}/accounts/login/"
    assert session.get(login, timeout=10).status_code == 200
    response = session.post(
        login,
        data={"login": EMAIL, "password": PASSWORD},
        headers={"Referer": login, "X-CSRFToken": str(session.cookies["csrftoken"])},
        timeout=10,
    )
    assert response.status_code == 200 and response.url == f"{studio['base']}/create/", (
        response.status_code,
        response.url,
    )
    assert "sessionid" in session.cookies
    return session


def wait_for_healthy(session: requests.Session, base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if session.get(f"{base}/healthz", timeout=5).status_code == 200:
            return
        time.sleep(0.5)
    raise AssertionError("the studio never became healthy through nginx")


def test_a_journey_through_the_guides_nginx_over_https(proxied_studio) -> None:
    from websockets.sync.client import connect

    studio = proxied_studio
    base = studio["base"]
    plain = requests.get(f"{studio['http']}/create/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith(f"{base}/create/")

    session = signed_in_session(studio)
    wait_for_healthy(session, base)
    assert session.get(f"{base}/metrics", timeout=10).status_code == 404  # not from outside

    tls = ssl.create_default_context(cafile=studio["cert"])
    cookie = f"sessionid={session.cookies['sessionid']}"
    ws_url = base.replace("https://", "wss://") + "/ws/events/"
    with connect(
        ws_url, ssl=tls, origin=base, additional_headers={"Cookie": cookie}, open_timeout=10
    ) as socket_:
        assert json.loads(socket_.recv(timeout=10))["type"] == "hello"
        created = session.post(
            f"{base}/api/v1/jobs",
            json={"prompt": "a paper boat on a pond", "steps": 2, "num_frames": 5},
            headers={
                "X-CSRFToken": str(session.cookies["csrftoken"]),
                "Referer": f"{base}/create/",
            },
            timeout=20,
        )
        assert created.status_code == 201, created.text
        job_id = created.json()["jobs"][0]["id"]
        seen, video = _follow_job(socket_, job_id)
        open_sockets = _scrape(studio)["studio_websockets_open"]
    assert "running" in seen and seen[-1] == "succeeded", seen

    ranged = session.get(f"{base}{video['url']}", headers={"Range": "bytes=0-99"}, timeout=20)
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"].startswith("bytes 0-99/")
    assert len(ranged.content) == 100 and ranged.content[4:8] == b"ftyp"
    assert "no-store" in ranged.headers["Cache-Control"]

    metrics = _scrape(studio)
    assert open_sockets >= 1  # counted by the web process, read through its metrics file
    assert metrics["studio_job_encode_seconds_count"] >= 1  # written by the worker process
    assert metrics['studio_jobs{state="succeeded"}'] == 1

    recorded = studio_shell(
        studio["env"],
        "from access.models import AuditEvent; "
        "print(AuditEvent.objects.filter(action='auth.login').latest('pk').ip)",
    ).strip()
    assert recorded == CLIENT_IP, f"audit log recorded {recorded}, the client was {CLIENT_IP}"


def _follow_job(socket_: Any, job_id: int) -> tuple[list[str], dict[str, Any]]:
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        message = json.loads(socket_.recv(timeout=60))
        if message.get("type") != "job" or message["job"]["id"] != job_id:
            continue
        status = message["job"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("succeeded", "failed", "rejected", "cancelled"):
            return seen, message["job"]["video"]
    raise AssertionError(f"the job never finished over the websocket: {seen}")


def _scrape(studio: dict[str, Any]) -> dict[str, float]:
    """Straight to the web node, as Prometheus on the internal network does."""
    response = requests.get(
        f"{studio['web']}/metrics", headers={"X-Forwarded-Proto": "https"}, timeout=10
    )
    assert response.status_code == 200, response.text
    values = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values
