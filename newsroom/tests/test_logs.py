import json
import logging
import subprocess
import sys

import pytest

from newsroom.logs import JSONFormatter
from newsroom.tests.servers import BASE_DIR, production_env


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.requests")
    client.get("/robots.txt?q=private")
    client.get("/no-such-page/")
    records = [r for r in caplog.records if r.name == "newsroom.requests"]
    lines = [json.loads(JSONFormatter().format(record)) for record in records]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/no-such-page/", 404),
    ]
    assert all(isinstance(line["duration_ms"], float) for line in lines)
    assert all(line["user_id"] is None and line["level"] == "INFO" for line in lines)
    assert "private" not in caplog.text


@pytest.mark.django_db
def test_the_signed_in_user_is_named_by_id(admin_client, admin_user, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.requests")
    admin_client.get("/admin/")
    record = next(r for r in caplog.records if r.name == "newsroom.requests")
    assert record.user_id == admin_user.pk


def test_an_error_is_one_line_with_its_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert "Traceback" in entry["traceback"] and "ValueError: broken" in entry["traceback"]


SENTRY_ACTIVE = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), ("http://key@127.0.0.1:9/1", "True")])
def test_sentry_starts_only_with_a_dsn(tmp_path, dsn, active):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["SENTRY_DSN"] = dsn
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SENTRY_ACTIVE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == active
