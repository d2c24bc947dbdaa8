"""Throughput of the public feedback form under gunicorn on loopback.

    python bench/feedback_bench.py [--seconds 10] [--clients 8] [--workers 2]

Migrates a throwaway SQLite database in a temporary folder, starts gunicorn
(``sapat.wsgi``, the dev settings, DEBUG off) on a free loopback port, and
measures for a few seconds each:

* ``GET /feedback/``: requests per second against the goal of 200 on 2 cores;
* ``POST /feedback/``: valid submissions per second (each one saved, its
  e-mail queued), with the per-IP rate limit raised by the bench
  (``FEEDBACK_RATE_MINUTE``/``FEEDBACK_RATE_HOUR``) so that it measures the
  form and not the limiter.

Prints the numbers and the count of failed requests; asserts nothing (tests
never assert timings, STYLE.md rule 17). The clients run in this process and
share the machine's cores with the server, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
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


def environment(folder: Path) -> dict[str, str]:
    """The dev settings on a database file in ``folder``.

    A settings module is written there rather than ``DATABASE_URL`` given,
    so that SQLite keeps the portal's own options (immediate transactions,
    a busy timeout) that the embedded default sets.
    """
    (folder / "bench_settings.py").write_text(
        "from sapat.settings.dev import *  # noqa: F403\n"
        f"DATABASES['default']['NAME'] = {str(folder / 'bench.sqlite3')!r}\n"
    )
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
            "DATABASE_URL": "",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sapat-bench-") as tmp:
        folder = Path(tmp)
        env = environment(folder)
        print("Migrating a throwaway SQLite database…", flush=True)
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [str(PYTHON), "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        PORT[1] = free_port()
        server = subprocess.Popen(  # noqa: S603 - gunicorn of this virtualenv
            [
                str(GUNICORN),
                "sapat.wsgi:application",
                "--bind",
                f"127.0.0.1:{PORT[1]}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
        )
        try:
            wait_for(PORT[1])
            get_form(http.client.HTTPConnection(*PORT, timeout=30))  # warm up
            started = time.monotonic()
            done, failed = run_clients(args.clients, args.seconds, get_form)
            rate = done / (time.monotonic() - started)
            print(
                f"GET  /feedback/  {rate:7.1f} requests/s  ({done} requests, "
                f"{failed} failed; goal ≥ {GOAL_GET}/s on 2 cores: "
                f"{'met' if rate >= GOAL_GET and not failed else 'not met'})"
            )
            cookie, token = csrf()
            started = time.monotonic()
            done, failed = run_clients(
                args.clients, args.seconds, post_form(cookie, token)
            )
            rate = done / (time.monotonic() - started)
            print(
                f"POST /feedback/  {rate:7.1f} submissions/s ({done} requests, "
                f"{failed} failed; rate limit raised for the bench)"
            )
            if FAILURES:
                print(f"  first failure: {FAILURES[0]}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
