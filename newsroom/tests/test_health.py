import json
import socket

import pytest

from newsroom.tests.servers import gunicorn, manage, production_env


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_health_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_names_an_unreachable_cache_and_stays_in_service(client, settings):
    # Pages are served without the cache, so a load balancer must keep the server.
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_health_names_an_unreachable_database(tmp_path):
    # A production server whose database cannot be opened (its directory does not exist).
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}")
    with gunicorn(env, workers=1) as server:
        status, body = server.get("/healthz")
    assert status == 503
    assert body == '{"status": "error", "database": "error", "cache": "ok"}'
    assert any('"traceback"' in line for line in server.log), "the failure was not logged"


@pytest.mark.django_db
def test_health_is_ok_with_redis(client, settings, redis_url):
    location, _, prefix = redis_url.partition("?key_prefix=")
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_fails_when_the_sqlite_file_is_read_only_or_missing_and_none_is_made(tmp_path):
    from newsroom.tests.test_cache_outage import unwritable, writable

    path = tmp_path / "db.sqlite3"
    # Each request opens the database afresh, as a restarted worker does.
    env = production_env(tmp_path, database_url=f"sqlite:///{path}") | {"CONN_MAX_AGE": "0"}
    manage(env, "migrate", "--noinput")  # a fresh machine: migrate creates the file
    assert path.exists()
    with gunicorn(env, workers=1) as server:
        assert server.get("/healthz") == (200, '{"status": "ok", "database": "ok", "cache": "ok"}')
        if unwritable(path):
            try:
                status, body = server.get("/healthz")
            finally:
                writable(path)
            assert status == 503 and json.loads(body)["database"] == "error"
            assert server.get("/healthz")[0] == 200
        for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        status, body = server.get("/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "error", "database": "error", "cache": "ok"}
        assert server.get("/")[0] == 500
    # Never a new empty database in its place.
    assert not path.exists()
