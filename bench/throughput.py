"""Throughput part of ``make bench``: the public feedback form under
gunicorn on loopback.

Starts gunicorn (``sapat.wsgi``, the bench's settings on the bench's
database, DEBUG off) on a free loopback port and measures for a few seconds
each:

* ``GET /feedback/``: requests per second against the goal of 200 on 2 cores;
* ``POST /feedback/``: valid submissions per second (each one saved, its
  e-mail queued), with the per-IP rate limit raised by the bench
  (``FEEDBACK_RATE_MINUTE``/``FEEDBACK_RATE_HOUR``) so that it measures the
  form and not the limiter.

The clients run in the bench's process and share the machine's cores with
the server, so the figures are a floor.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
GOAL_GET = 200
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path, database_url: str = "") -> dict[str, str]:
    """The dev settings on a database file in ``folder`` (or on
    ``database_url`` when given), DEBUG off, e-mail kept in memory, the
    signing key in ``folder``, the feedback rate limits raised.

    A settings module is written there rather than ``DATABASE_URL`` given,
    so that SQLite keeps the portal's own options (immediate transactions,
    a busy timeout) that the embedded default sets.
    """
    lines = [
        "from sapat.settings.dev import *  # noqa: F403",
        "EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'",
    ]
    if not database_url:
        lines.append(
            f"DATABASES['default']['NAME'] = {str(folder / 'bench.sqlite3')!r}"
        )
    (folder / "bench_settings.py").write_text("\n".join(lines) + "\n")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join(
                [str(folder), str(ROOT), env.get("PYTHONPATH", "")]
            ),
            "DEBUG": "false",
            "MEDIA_ROOT": str(folder / "media"),
            "REDIS_URL": "",
            "DATABASE_URL": database_url,
            "SIGNING_KEY_PATH": str(folder / "signing-key.pem"),
            "SIGNING_CERT_PATH": str(folder / "signing-cert.pem"),
            "LOG_LEVEL": "WARNING",
            "FEEDBACK_RATE_MINUTE": "1000000/m",
            "FEEDBACK_RATE_HOUR": "1000000/h",
            "FEEDBACK_LOOKUP_RATE": "1000000/m",
        }
    )
    return env


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def run_clients(clients: int, seconds: float, work) -> tuple[int, int]:
    """``work(connection) -> bool`` in ``clients`` threads for ``seconds``."""
    done, failed = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = None
        while time.monotonic() < stop:
            if connection is None:
                connection = http.client.HTTPConnection(PORT[0], PORT[1], timeout=30)
            try:
                ok = work(connection)
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = None
            done[index] += 1
            failed[index] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), sum(failed)


PORT: list = ["127.0.0.1", 0]
#: The first failed answer, printed to say why.
FAILURES: list[str] = []


def get_form(connection) -> bool:
    connection.request("GET", "/feedback/", headers={"Connection": "keep-alive"})
    response = connection.getresponse()
    response.read()
    return response.status == 200


def csrf() -> tuple[str, str]:
    connection = http.client.HTTPConnection(*PORT, timeout=30)
    connection.request("GET", "/feedback/")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "")
    value = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    return value, TOKEN.search(page).group(1)


def post_form(cookie: str, token: str):
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "kind": "suggestion",
            "name": "Bench",
            "email": "bench@example.kg",
            "text": "Сайтта семинарлардын графигин жарыялап туруңуздар.",
            "consent": "on",
            "website": "",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
        "Referer": f"http://{PORT[0]}:{PORT[1]}/feedback/",
    }

    def work(connection) -> bool:
        connection.request("POST", "/feedback/", body=body, headers=headers)
        response = connection.getresponse()
        page = response.read()
        ok = response.status == 200 and b"feedback-code" in page
        if not ok and not FAILURES:
            FAILURES.append(f"{response.status} {page[:300]!r}")
        return ok

    return work


def measure(
    *,
    folder: Path,
    env: dict[str, str],
    seconds: float,
    clients: int = 8,
    workers: int = 2,
) -> dict:
    """GET and POST ``/feedback/`` per second under gunicorn on the bench's
    database (``env`` from :func:`environment`), each for ``seconds``."""
    PORT[1] = free_port()
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this virtualenv
        [
            str(GUNICORN),
            "sapat.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT[1]}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_for(PORT[1])
        get_form(http.client.HTTPConnection(*PORT, timeout=30))  # warm up
        started = time.monotonic()
        done, failed = run_clients(clients, seconds, get_form)
        get_rate = done / (time.monotonic() - started)
        get = {"per_s": get_rate, "requests": done, "failed": failed}
        cookie, token = csrf()
        started = time.monotonic()
        done, failed = run_clients(clients, seconds, post_form(cookie, token))
        post_rate = done / (time.monotonic() - started)
        post = {"per_s": post_rate, "requests": done, "failed": failed}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return {
        "workers": workers,
        "clients": clients,
        "seconds": seconds,
        "get": get,
        "post": post,
        "goal_get_per_s": GOAL_GET,
        "first_failure": FAILURES[0] if FAILURES else "",
    }
