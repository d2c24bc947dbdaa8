# syntax=docker/dockerfile:1
# The Sapat image: one image for the web (gunicorn), worker and beat services.
#   docker build -t sapat .
#   docker compose up -d        (see docker-compose.yml)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=sapat.settings.prod \
    MEDIA_ROOT=/var/lib/sapat/media \
    WEB_CONCURRENCY=3 \
    GUNICORN_TIMEOUT=60

# WeasyPrint's libraries (Pango, HarfBuzz with its subsetter), the fonts of
# the PDFs (Noto covers Kyrgyz and Russian Cyrillic), gettext's msgfmt for
# compilemessages and shared-mime-info for the types of embedded images.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-noto-core \
        gettext \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 sapat \
    && useradd --system --uid 10001 --gid sapat --create-home --home-dir /home/sapat \
        --shell /usr/sbin/nologin sapat

WORKDIR /app

# Dependencies first, so a change of code does not reinstall them. Every
# package and its hash is pinned in requirements.lock (`make lock`).
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Translations and static files are built into the image. prod.py refuses to
# load without a long SECRET_KEY, so this RUN line alone gets a random one
# that is thrown away with it; the real key comes from the environment.
RUN chmod 0755 docker/entrypoint.sh \
    && SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
        DJANGO_SETTINGS_MODULE=sapat.settings.prod \
        sh -c 'python manage.py compilemessages --verbosity 0 \
            && python manage.py collectstatic --noinput --verbosity 0' \
    && install -d -o sapat -g sapat -m 0750 \
        /var/lib/sapat/media /var/lib/sapat/keys /var/lib/sapat/backups

USER sapat

EXPOSE 8000

# gunicorn speaks plain HTTP behind a TLS proxy, and prod.py redirects plain
# HTTP and checks the Host: so the probe says it came through the proxy, for
# the first name of ALLOWED_HOSTS. /healthz/ answers 503 when the database or
# the cache is down, which urlopen raises as an error.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = h if h and h != '*' else 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]

# WEB_CONCURRENCY: gunicorn worker processes; GUNICORN_TIMEOUT: seconds a
# request (a large PDF, say) may take before its worker is restarted. No
# control socket: the container is managed from outside.
CMD ["sh", "-c", "exec gunicorn sapat.wsgi:application --bind 0.0.0.0:8000 --workers \"${WEB_CONCURRENCY:-3}\" --timeout \"${GUNICORN_TIMEOUT:-60}\" --worker-tmp-dir /dev/shm --no-control-socket --access-logfile - --error-logfile -"]
