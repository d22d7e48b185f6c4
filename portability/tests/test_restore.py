"""Export a site on SQLite, restore it on PostgreSQL, and compare every public page and feed."""

import json
import re
import secrets
import tarfile

import pytest

from newsroom.tests.servers import manage, production_env

PG = "postgres://postgres@127.0.0.1:5432/"


def postgres_database(name: str):
    """A fresh PostgreSQL database, or a skip when none answers."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {PG}: {error}")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin


def site_pages(env) -> dict[str, str]:
    out = manage(env, "shell", "-c", "from portability.tests.site_pages import main; main('pages')")
    return json.loads(out[out.index("{") :])


# What the request sets rather than the site's content: the time a feed without dated items
# was built.
REQUEST_TIMES = re.compile(r"<lastBuildDate>[^<]*</lastBuildDate>|<updated>[^<]*</updated>")


def test_export_on_sqlite_restores_on_postgresql_page_for_page(tmp_path):
    name = f"restore_{secrets.token_hex(4)}"
    admin = postgres_database(name)
    try:
        source = production_env(tmp_path / "a", database_url=f"sqlite:///{tmp_path}/a.sqlite3")
        target = production_env(tmp_path / "b", database_url=PG + name)
        for env in (source, target):
            env["DEBUG"] = "True"  # static files from the app folders, as tests serve them
            env["ALLOWED_HOSTS"] = "testserver"
        manage(source, "migrate", "--noinput", "-v0")
        manage(
            source, "shell", "-c", "from portability.tests.site_pages import main; main('build')"
        )
        archive = tmp_path / "site.tar"
        manage(source, "export_site", str(archive))
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            assert {"manifest.json"} | {m["name"] for m in manifest["records"]} <= set(
                tar.getnames()
            )
        assert manifest["counts"]["articles.article"] == 4  # the seed story and three more
        assert manifest["counts"]["reversion.version"] >= 1
        assert manifest["media"]

        manage(target, "migrate", "--noinput", "-v0")
        manage(target, "import_site", str(archive))
        before, after = site_pages(source), site_pages(target)
        assert len(before) > 20
        assert sorted(before) == sorted(after)
        for path, page in before.items():
            assert REQUEST_TIMES.sub("", page) == REQUEST_TIMES.sub("", after[path]), path
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
