"""Editors and processes writing at the same moment, on a real SQLite file and on PostgreSQL.

Each test runs its writers in separate processes (newsroom.tests.concurrency) against a database
of its own, migrated for the test: what two gunicorn workers would do."""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from newsroom.tests.concurrency import run_alone, run_together

WORKERS = "articles.tests.race_workers"


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "PostgreSQL races run when the suite runs on PostgreSQL "
            "(DATABASE_URL=postgres://…, as the CI PostgreSQL pass does)"
        )
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def race_database(request, tmp_path):
    """The URL of an empty, migrated database that only this test uses."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
        run_alone(url, "newsroom.tests.concurrency.migrate")
        yield url
        return
    import psycopg

    base = urlsplit(_postgres_url())
    name = f"race_{uuid.uuid4().hex[:12]}"
    server = urlunsplit(base._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunsplit(base._replace(path=f"/{name}"))
        run_alone(url, "newsroom.tests.concurrency.migrate")
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_editors_saving_at_once_get_one_save_and_one_friendly_refusal(race_database):
    article_pk, _ = run_alone(race_database, f"{WORKERS}.set_up_story", usernames=["ann", "bob"])
    rounds = 10
    results = run_together(
        race_database,
        f"{WORKERS}.admin_race",
        [{"article_pk": article_pk, "username": name, "rounds": rounds} for name in ("ann", "bob")],
    )
    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    ann, bob = (outcomes for _, outcomes in results)
    for round_, pair in enumerate(zip(ann, bob, strict=True)):
        statuses = sorted(o["status"] for o in pair)
        assert statuses == [200, 302], f"round {round_}: {pair}"
        refused = next(o for o in pair if o["status"] == 200)
        assert refused["refused"] and refused["kept_typing"], f"round {round_}: {pair}"
    state = run_alone(race_database, f"{WORKERS}.article_state", article_pk=article_pk)
    assert state["artists"] == ["Spike Jonze"]


def test_processes_saving_at_once_never_fail_nor_leave_mentions_stale(race_database):
    pks = run_alone(race_database, f"{WORKERS}.set_up_story", usernames=[])
    results = run_together(
        race_database,
        f"{WORKERS}.orm_saves",
        [{"article_pks": pks, "count": 150, "offset": offset} for offset in (0, 1)],
    )
    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    errors = [error for _, found in results for error in found]
    assert errors == []
    report = run_alone(race_database, f"{WORKERS}.stale_articles")
    assert report.strip().endswith("0 of 2 article(s) stale."), report
