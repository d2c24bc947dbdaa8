"""A real Celery worker on Redis, in a thread of the test process.

Run by ``make test-worker`` (``.ci/run``) with ``REDIS_URL`` set. The tests
are transactional: the worker uses its own database connection and sees only
committed rows.
"""

import os

import pytest


@pytest.fixture(scope="session")
def celery_config():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: no real worker")
    return {
        "broker_url": url,
        "result_backend": url,
        "task_always_eager": False,
        "task_serializer": "json",
        "accept_content": ["json"],
    }


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"queues": ("celery",), "perform_ping_check": False}


@pytest.fixture
def celery_app(celery_config):
    """Our own application, pointed at Redis, not eager."""
    from sapat.celery import app

    app.conf.update(celery_config)
    app.loader.import_default_modules()
    yield app
    app.conf.task_always_eager = True
