"""The container set-up, read from its files, and the settings it runs with.

No Docker engine runs the tests: the Dockerfile, docker-compose.yml and
.dockerignore are checked by reading them; docker/entrypoint.sh runs under
``sh`` with stand-ins for ``python`` and ``sleep``; the production settings run
``manage.py`` in a subprocess, as the image does.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
WEASYPRINT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "fonts-noto-core",
    "gettext",
    "shared-mime-info",
)
# Where the compose file mounts each named volume, per service.
MOUNTS = {
    "db": {"pgdata": "/var/lib/postgresql/data"},
    "web": {
        "media": "/var/lib/sapat/media",
        "keys": "/var/lib/sapat/keys",
        "backups": "/var/lib/sapat/backups",
    },
    "worker": {
        "media": "/var/lib/sapat/media",
        "keys": "/var/lib/sapat/keys",
        "backups": "/var/lib/sapat/backups",
    },
}


# --- Reading the files --------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), lines joined."""
    instructions, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # Docker drops these, inside a continuation too
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        keyword, _, arguments = (current + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def instruction_arguments(keyword: str) -> list[str]:
    return [arguments for kw, arguments in dockerfile() if kw == keyword]


def run_lines_with(text: str) -> list[str]:
    return [line for line in instruction_arguments("RUN") if text in line]


def exec_form(arguments: str) -> list[str]:
    """A JSON-array argument (CMD, ENTRYPOINT, HEALTHCHECK ... CMD)."""
    parsed = json.loads(arguments)
    assert isinstance(parsed, list), arguments
    return parsed


def image_command() -> str:
    """What the image runs by default: its ENTRYPOINT and CMD, as one line."""
    [entrypoint] = instruction_arguments("ENTRYPOINT")
    [cmd] = instruction_arguments("CMD")
    return " ".join(exec_form(entrypoint) + exec_form(cmd))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(compose: dict, name: str) -> dict:
    return compose["services"][name]


def environment(compose: dict, name: str) -> dict[str, str]:
    raw = service(compose, name).get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.partition("=")[::2] for item in raw)
    return {key: str(value) for key, value in raw.items()}


def command(compose: dict, name: str) -> list[str]:
    raw = service(compose, name).get("command", [])
    return shlex.split(raw) if isinstance(raw, str) else [str(arg) for arg in raw]


def mounts(compose: dict, name: str) -> dict[str, str]:
    """Named volume -> path in the container, short or long syntax."""
    found = {}
    for volume in service(compose, name).get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        found[source] = target
    return found


def without_interpolation(value: str) -> str:
    """``${VAR...}`` replaced by a placeholder, so a URL can be parsed."""
    return re.sub(r"\$\{[^}]*\}", "placeholder", value)


# --- Running manage.py --------------------------------------------------------


def configuration_variables() -> set[str]:
    """Every variable the settings read, so a subprocess starts from none."""
    names = {"DJANGO_SETTINGS_MODULE"}
    for path in (ROOT / "sapat" / "settings").glob("*.py"):
        names.update(re.findall(r"env_\w+\(\s*\"([A-Z0-9_]+)\"", path.read_text()))
    return names


def clean_environ(**overrides: str) -> dict[str, str]:
    drop = configuration_variables()
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# --- Dockerfile ---------------------------------------------------------------


def test_image_is_built_on_python_311_slim_bookworm():
    assert instruction_arguments("FROM")[0] == "python:3.11-slim-bookworm"


def test_image_installs_the_weasyprint_libraries_and_fonts_without_recommends():
    [apt] = run_lines_with("apt-get install")
    words = apt.split()
    for package in WEASYPRINT_PACKAGES:
        assert package in words, f"{package} is not installed"
    assert "--no-install-recommends" in words
    assert "rm -rf /var/lib/apt/lists/*" in apt


def test_image_installs_the_hash_pinned_lock_file_only():
    [pip] = run_lines_with("pip install")
    assert "pip install --require-hashes --no-deps -r requirements.lock" in pip
    copies = instruction_arguments("COPY")
    assert any("requirements.lock" in copy for copy in copies)


def test_image_sets_the_production_environment_and_exposes_8000():
    env = " ".join(instruction_arguments("ENV"))
    assert "DJANGO_SETTINGS_MODULE=sapat.settings.prod" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env
    assert instruction_arguments("EXPOSE") == ["8000"]


def test_image_builds_messages_and_static_files_with_a_build_only_key():
    [build] = run_lines_with("collectstatic")
    assert "compilemessages" in build
    assert "collectstatic --noinput" in build
    assert "DJANGO_SETTINGS_MODULE=sapat.settings.prod" in build
    assert "SECRET_KEY=" in build
    # The key of the build must not outlive its RUN line.
    for keyword in ("ENV", "ARG"):
        for arguments in instruction_arguments(keyword):
            assert "SECRET_KEY" not in arguments


def test_image_runs_as_a_non_root_user():
    users = instruction_arguments("USER")
    assert users, "no USER: the processes would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert any("useradd" in line and user in line for line in run_lines_with(user))
    keywords = [keyword for keyword, _ in dockerfile()]
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert "RUN" not in keywords[last_user:], "a RUN after USER builds as that user"


def test_image_starts_gunicorn_on_sapat_wsgi_by_default():
    started = image_command()
    assert "gunicorn sapat.wsgi:application" in started
    assert "--bind 0.0.0.0:8000" in started
    assert "--access-logfile -" in started
    assert "--timeout" in started
    assert re.search(r"--workers \S*\$\{WEB_CONCURRENCY:-3\}", started)
    # The entry point hands over to that command.
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert entrypoint.rstrip().endswith('exec "$@"')


def test_image_healthcheck_opens_healthz_with_python():
    [healthcheck] = instruction_arguments("HEALTHCHECK")
    probe = exec_form(healthcheck.split(" CMD ", 1)[1])
    assert probe[:2] == ["python", "-c"]
    compile(probe[2], "HEALTHCHECK", "exec")
    assert "http://127.0.0.1:8000/healthz/" in probe[2]


def test_image_healthcheck_request_passes_the_https_redirect_and_host_check(
    client, db, settings, monkeypatch
):
    """The probe talks to gunicorn directly, not through the TLS proxy."""
    settings.ALLOWED_HOSTS = ["qms.example.kg", ".example.kg"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("ALLOWED_HOSTS", "qms.example.kg,.example.kg")
    sent = []
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda request, **kw: sent.append(request)
    )
    [healthcheck] = instruction_arguments("HEALTHCHECK")
    exec(exec_form(healthcheck.split(" CMD ", 1)[1])[2], {})  # noqa: S102

    [request] = sent
    url = urlsplit(request.full_url)
    meta = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in request.header_items()
    }
    response = client.get(url.path, **meta)
    assert response.status_code == 200, response.status_code
    assert response.json()["database"] == "ok"


# --- docker/entrypoint.sh -----------------------------------------------------


@pytest.fixture
def entrypoint(tmp_path):
    """Runs the entry point with ``python`` and ``sleep`` that only log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.log"
    (bin_dir / "python").write_text(
        "#!/bin/sh\n"
        'echo "python $*" >> "$CALLS"\n'
        'if [ "$2 $3" = "migrate --check" ]; then\n'
        '    checks=$(grep -c -- "migrate --check" "$CALLS")\n'
        '    [ "$checks" -ge "${MIGRATED_AT_CHECK:-1}" ] || exit 1\n'
        "fi\n"
        'exit "${PYTHON_EXIT:-0}"\n'
    )
    (bin_dir / "sleep").write_text('#!/bin/sh\necho "sleep $*" >> "$CALLS"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)

    def run(**env: str) -> tuple[int, list[str]]:
        result = subprocess.run(
            [
                "/bin/sh",
                str(ROOT / "docker" / "entrypoint.sh"),
                "/bin/sh",
                "-c",
                'echo "started" >> "$CALLS"',
            ],
            env={
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                "CALLS": str(calls),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        logged = calls.read_text().splitlines() if calls.exists() else []
        return result.returncode, logged

    return run


def test_entrypoint_applies_migrations_and_syncs_schedules_before_the_command(
    entrypoint,
):
    returncode, calls = entrypoint(SAPAT_MIGRATIONS="apply")
    assert returncode == 0
    assert calls == [
        "python manage.py migrate --noinput",
        "python manage.py sync_schedules",
        "python manage.py signing_init",
        "started",
    ]


def test_entrypoint_does_not_start_the_command_when_migrating_fails(entrypoint):
    returncode, calls = entrypoint(SAPAT_MIGRATIONS="apply", PYTHON_EXIT="1")
    assert returncode != 0
    assert calls == ["python manage.py migrate --noinput"]


def test_entrypoint_waits_until_the_migrations_are_applied(entrypoint):
    returncode, calls = entrypoint(SAPAT_MIGRATIONS="wait", MIGRATED_AT_CHECK="3")
    assert returncode == 0
    assert calls == [
        "python manage.py migrate --check",
        "sleep 5",
        "python manage.py migrate --check",
        "sleep 5",
        "python manage.py migrate --check",
        "started",
    ]


def test_entrypoint_gives_up_waiting_for_migrations_after_the_timeout(entrypoint):
    returncode, calls = entrypoint(
        SAPAT_MIGRATIONS="wait", SAPAT_MIGRATIONS_TIMEOUT="10", MIGRATED_AT_CHECK="99"
    )
    assert returncode != 0
    assert "started" not in calls
    assert calls.count("python manage.py migrate --check") == 3


def test_entrypoint_only_runs_the_command_by_default(entrypoint):
    assert entrypoint() == (0, ["started"])


def test_entrypoint_refuses_an_unknown_migrations_mode(entrypoint):
    returncode, calls = entrypoint(SAPAT_MIGRATIONS="sometimes")
    assert returncode != 0
    assert calls == []


# --- docker-compose.yml -------------------------------------------------------


def test_compose_has_exactly_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}


def test_app_services_run_the_same_build_of_the_dockerfile(compose):
    builds = [service(compose, name).get("build") for name in APP_SERVICES]
    images = [service(compose, name).get("image") for name in APP_SERVICES]
    assert builds[0], "web is not built from the Dockerfile"
    assert builds.count(builds[0]) == len(APP_SERVICES)
    assert images.count(images[0]) == len(APP_SERVICES)


def test_app_services_share_the_x_sapat_env_anchor(compose):
    shared = {key: str(value) for key, value in compose["x-sapat-env"].items()}
    for name in APP_SERVICES:
        assert shared.items() <= environment(compose, name).items(), name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_reaches_postgres_on_db_and_redis_on_redis(compose, name):
    env = environment(compose, name)
    database = urlsplit(without_interpolation(env["DATABASE_URL"]))
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "db"
    assert database.path == "/sapat"
    broker = urlsplit(env["REDIS_URL"])
    assert broker.scheme == "redis"
    assert broker.hostname == "redis"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_requires_a_secret_key_without_a_default(compose, name):
    assert re.fullmatch(
        r"\$\{SECRET_KEY:\?[^}]*\}", environment(compose, name)["SECRET_KEY"]
    )


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_file_paths_point_into_the_volumes(compose, name):
    env = environment(compose, name)
    assert env["MEDIA_ROOT"] == "/var/lib/sapat/media"
    assert env["BACKUP_DIR"] == "/var/lib/sapat/backups"
    assert env["SIGNING_KEY_PATH"].startswith("/var/lib/sapat/keys/")
    assert env["SIGNING_CERT_PATH"].startswith("/var/lib/sapat/keys/")
    for variable in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_URL"):
        assert variable in env
    assert "DEFAULT_FROM_EMAIL" in env
    assert "SAPAT_BASE_URL" in env


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_starts_after_db_and_redis_are_healthy(compose, name):
    depends_on = service(compose, name)["depends_on"]
    for dependency in ("db", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


def test_db_and_redis_have_healthchecks(compose):
    db_check = " ".join(service(compose, "db")["healthcheck"]["test"])
    redis_check = " ".join(service(compose, "redis")["healthcheck"]["test"])
    assert "pg_isready" in db_check
    assert "redis-cli ping" in redis_check
    assert service(compose, "db")["image"] == "postgres:16"
    assert service(compose, "redis")["image"] == "redis:7-alpine"


def test_named_volumes_are_declared(compose):
    assert {"pgdata", "media", "backups", "keys"} <= set(compose["volumes"])


@pytest.mark.parametrize("name", sorted(MOUNTS))
def test_service_mounts_its_named_volumes(compose, name):
    assert MOUNTS[name].items() <= mounts(compose, name).items()


def test_web_migrates_and_syncs_schedules_then_runs_the_image_command(compose):
    web = service(compose, "web")
    assert environment(compose, "web")["SAPAT_MIGRATIONS"] == "apply"
    assert "command" not in web, "web runs the image's gunicorn CMD"
    assert "8000:8000" in [str(port) for port in web["ports"]]
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "python manage.py migrate --noinput" in entrypoint
    assert "python manage.py sync_schedules" in entrypoint


def test_worker_runs_a_celery_worker(compose):
    assert command(compose, "worker")[:4] == ["celery", "-A", "sapat", "worker"]
    assert environment(compose, "worker")["SAPAT_MIGRATIONS"] == "wait"


def test_beat_uses_the_database_scheduler(compose):
    beat = command(compose, "beat")
    assert beat[:4] == ["celery", "-A", "sapat", "beat"]
    scheduler = beat[beat.index("--scheduler") + 1]
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert environment(compose, "beat")["SAPAT_MIGRATIONS"] == "wait"


def test_every_service_restarts_unless_stopped(compose):
    for name, definition in compose["services"].items():
        assert definition.get("restart") == "unless-stopped", name


# --- .dockerignore ------------------------------------------------------------


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    patterns = {
        line.strip().removeprefix("**/").rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in (".venv", ".git", "var", "db.sqlite3", ".env", "media"):
        assert pattern in patterns
    for pattern in ("__pycache__", "*.pyc", "node_modules"):
        assert pattern in patterns


# --- The settings the image runs with ------------------------------------------


def production_environ(tmp_path: Path, **overrides: str) -> dict[str, str]:
    key = secrets.token_urlsafe(48)
    assert len(key) == 64
    return clean_environ(
        DJANGO_SETTINGS_MODULE="sapat.settings.prod",
        SECRET_KEY=key,
        ALLOWED_HOSTS="qms.example.kg",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        **overrides,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environ(tmp_path)
    )
    output = result.stdout + result.stderr
    assert "WARNINGS" not in output
    assert "?: (security." not in output
    assert result.returncode == 0, output


def test_production_static_files_collect_as_in_the_image_build(tmp_path):
    static = tmp_path / "static"
    result = manage(
        "collectstatic",
        "--noinput",
        env=production_environ(tmp_path, STATIC_ROOT=str(static)),
    )
    assert result.returncode == 0, result.stderr
    assert (static / "staticfiles.json").is_file()


@pytest.mark.parametrize(
    ("variable", "value"), [("DATABASE_URL", "mysql//oops"), ("REDIS_URL", "http://x")]
)
def test_malformed_url_stops_manage_py_with_one_line_naming_it(variable, value):
    result = manage(
        "check",
        env=clean_environ(
            DJANGO_SETTINGS_MODULE="sapat.settings.dev", **{variable: value}
        ),
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_production_settings_harden_cookies_headers_csp_and_celery(tmp_path):
    """The values behind the deploy check, read from the settings the image runs."""
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "CONTENT_SECURITY_POLICY",
        "CELERY_ACCEPT_CONTENT",
        "CELERY_TASK_SERIALIZER",
        "CELERY_RESULT_SERIALIZER",
        "DEBUG",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = manage("shell", "-c", code, env=production_environ(tmp_path))
    assert result.returncode == 0, result.stderr
    prod = json.loads(result.stdout.strip().splitlines()[-1])
    for name in names[:4]:
        assert prod[name] is True, name
    assert prod["DEBUG"] is False
    assert prod["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    directives = prod["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for directive in ("default-src", "script-src", "style-src"):
        assert directives[directive] == ["'self'"], directive
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # Celery takes and sends JSON only: no pickle from a reachable broker.
    assert prod["CELERY_ACCEPT_CONTENT"] == ["json"]
    assert prod["CELERY_TASK_SERIALIZER"] == "json"
    assert prod["CELERY_RESULT_SERIALIZER"] == "json"


def test_the_celery_app_accepts_json_only():
    from sapat.celery import app

    assert set(app.conf.accept_content) == {"json"}
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"


def test_beat_sends_the_nightly_backup_the_worker_writes_to_the_backups_volume(
    compose,
):
    """beat sends records-nightly-backup; the worker writes it, keeping 14."""
    from records.backup_tasks import KEEP
    from sapat.celery import app
    from sapat.schedule import SCHEDULE

    entry = SCHEDULE["records-nightly-backup"]
    assert entry.task == "records.backup_tasks.nightly_backup"
    assert entry.crontab == {"minute": "30", "hour": "2"}
    assert KEEP == 14
    app.loader.import_default_modules()
    assert entry.task in app.tasks, "workers would not know the task"
    assert not app.conf.task_routes, "a route could send it to no worker"
    # web writes the schedule, beat (one, database scheduler) sends it ...
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "python manage.py sync_schedules" in entrypoint
    assert environment(compose, "web")["SAPAT_MIGRATIONS"] == "apply"
    assert "--scheduler" in command(compose, "beat")
    # ... and the worker, consuming the default queue, writes the archive
    # where BACKUP_DIR points: the backups volume, with the media it archives.
    assert "-Q" not in command(compose, "worker")
    assert "--queues" not in command(compose, "worker")
    env = environment(compose, "worker")
    assert mounts(compose, "worker")["backups"] == env["BACKUP_DIR"]
    assert mounts(compose, "worker")["media"] == env["MEDIA_ROOT"]
    assert env["BACKUP_DIR"] == environment(compose, "beat")["BACKUP_DIR"]
    assert "backups" in compose["volumes"]


def test_readme_documents_the_restore_as_the_command_takes_it():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Backups and restore", 1)[1].split("\n## ", 1)[0]
    assert "docker compose stop web worker beat" in section
    assert "python manage.py restore" in section
    assert "/var/lib/sapat/backups/sapat-backup-" in section
    assert "docker compose up -d" in section
    assert "logged out" in section
    assert "keys" in section
    assert "--yes" in section
    assert section.index("stop web worker") < section.index("manage.py restore")
