"""Configuration from the environment: clear one-line errors."""

import pytest

from sapat.settings import env


@pytest.mark.parametrize(
    "value",
    [
        "mysql://x/y",
        "postgres//missing-colon",
        "http://db/x",
        "postgres://host:99999/x",
    ],
)
def test_malformed_database_url_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("DATABASE_URL", value)
    with pytest.raises(env.ConfigError, match="DATABASE_URL"):
        env.database_config("/tmp/x.sqlite3")


def test_database_url_for_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    config = env.database_config("/tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "test"


def test_no_database_url_means_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env.database_config("/tmp/x.sqlite3")["ENGINE"].endswith("sqlite3")


def test_sqlite_database_url_waits_for_the_write_lock(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/other.sqlite3")
    config = env.database_config("/tmp/x.sqlite3")
    assert config["NAME"] == "/tmp/other.sqlite3"
    assert config["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


@pytest.mark.parametrize("value", ["http://redis:6379", "redis://", "redis://h:port/0"])
def test_malformed_redis_url_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("REDIS_URL", value)
    with pytest.raises(env.ConfigError, match="REDIS_URL"):
        env.redis_url()


def test_email_url_smtp(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://user:pw@mail.example.kg:587/?tls=True")
    config = env.email_config()
    assert config["EMAIL_HOST"] == "mail.example.kg"
    assert config["EMAIL_PORT"] == 587


def test_malformed_email_url_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "carrier-pigeon://coop")
    with pytest.raises(env.ConfigError, match="EMAIL_URL"):
        env.email_config()


def test_booleans_and_numbers(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(env.ConfigError, match="X_FLAG"):
        env.env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(env.ConfigError, match="X_NUM"):
        env.env_int("X_NUM", 1)
