"""Two app servers, as a site grows past one machine: two gunicorn instances on their own ports
sharing one PostgreSQL database and one Redis cache. A save through one shows on the other."""

import os
import re

import pytest

from newsroom.tests.servers import (
    ARTICLE,
    Browser,
    gunicorn,
    manage,
    prepare_site,
    production_env,
)
from newsroom.tests.test_caches import NEW, OLD

pytestmark = pytest.mark.postgres


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return url.rsplit("/", 1)[0]


@pytest.fixture
def postgres_database():
    """A database of its own on the PostgreSQL server, dropped afterwards."""
    import psycopg

    server = postgres_server_url()
    name = f"newsroom_servers_{os.getpid()}"
    try:
        admin = psycopg.connect(
            server.replace("postgres://", "postgresql://") + "/postgres",
            connect_timeout=3,
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {server}: {str(exc).strip()}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_save_through_one_server_shows_on_the_other(tmp_path, postgres_database, redis_url):
    env = production_env(tmp_path, database_url=postgres_database, cache_url=redis_url)
    prepare_site(env)
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password-1"},
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@example.com",
    )
    with gunicorn(env, workers=1) as first, gunicorn(env, workers=1) as second:
        assert first.url != second.url
        for server in (first, second):
            status, html = server.get(ARTICLE)
            assert status == 200 and OLD in html

        editor = Browser(first.url)
        editor.sign_in("editor", "a-long-test-password-1")
        # Find the change page the way an editor does: search the artist list.
        status, html = editor.open("/admin/people/artist/?q=Kanye+West")
        assert status == 200
        change = re.search(r'href="/admin/people/artist/(\d+/change/)', html).group(1)
        status, html = editor.submit(f"/admin/people/artist/{change}", "artist_form", summary=NEW)
        assert status == 200 and "was changed successfully" in html, html[:2000]

        status, html = second.get(ARTICLE)
        assert status == 200
        assert NEW in html and OLD not in html
        status, html = first.get(ARTICLE)
        assert NEW in html and OLD not in html
