"""The site outlives its cache: a stopped Redis, a file cache folder that cannot be written or is
not a folder. Pages are served uncached, saves are kept, `/healthz` says the cache is down
without taking the server out, the failure is logged once a minute, and once the cache is back
no page it kept from before an edit is served."""

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from django.contrib.auth.models import User

from articles.models import Article
from newsroom import cache as resilient_cache
from newsroom import tagcache
from newsroom.testing import make_article, make_artist, make_contributor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outage_settings(settings):
    settings.PAGE_CACHE_SECONDS = 600
    # Each request tries the cache again, so a test sees it come back at its next request.
    settings.CACHE_RETRY_SECONDS = 0
    yield
    resilient_cache._health.clear()
    tagcache._lost.clear()
    tagcache._checked.clear()


def use_cache(settings, backend: str, location: str, **options) -> None:
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location, **options}}


def story():
    """A published story with a byline, tags and an artist mention."""
    artist = make_artist(name="Kanye West")
    return make_article(
        headline="Kanye West and Spike Jonze collaborate on a short film",
        body=f'[artist id="{artist.external_id}"]Kanye West[/artist] and Spike Jonze.',
        contributors=[make_contributor(name="MTV News")],
        tags=["film"],
    )


def retitle(article, headline: str) -> None:
    """An edit as the ORM saves it: purges its page, the lists it is on and its teaser."""
    article.headline = headline
    article.save()


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response


def cache_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "newsroom.cache" and r.levelno >= logging.ERROR]


# --- The file cache -----------------------------------------------------------------------


def unwritable(path) -> bool:
    """Make a folder refuse new files, or a file refuse writes, as a read-only disk does: by its
    mode, or (for root, whom modes do not stop) by the immutable attribute. False when neither
    works here."""
    os.chmod(path, 0o555 if os.path.isdir(path) else 0o444)
    if not _writable(path) or (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
        and not _writable(path)
    ):
        return True
    writable(path)
    return False


def writable(path) -> None:
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)


def _writable(path) -> bool:
    if not os.path.isdir(path):
        return os.access(path, os.W_OK)
    try:
        with open(os.path.join(path, ".probe"), "w"):
            pass
    except OSError:
        return False
    os.remove(os.path.join(path, ".probe"))
    return True


def replace_with_a_file(folder) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_text("not a folder")


@pytest.fixture
def file_cache(settings, tmp_path):
    folder = tmp_path / "cache"
    use_cache(settings, "newsroom.cache.FileCache", str(folder))
    yield folder
    if folder.is_dir():
        writable(folder)


def test_pages_and_saves_work_with_the_file_cache_folder_replaced_by_a_file(
    client, file_cache, caplog
):
    article = story()
    assert page(client, article)["X-Page-Cache"] == "miss"
    replace_with_a_file(file_cache)

    retitle(article, "A new headline")
    assert Article.objects.get(pk=article.pk).headline == "A new headline"
    for url in (article.get_absolute_url(), "/", "/artists/", "/tags/film/", "/feeds/latest/"):
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response or response["X-Page-Cache"] == "miss"
    assert "A new headline" in page(client, article).content.decode()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}
    # Dozens of failed operations, one line.
    assert len(cache_errors(caplog)) == 1

    file_cache.unlink()  # the folder is made again at the next write
    assert page(client, article)["X-Page-Cache"] == "miss"
    assert page(client, article)["X-Page-Cache"] == "hit"
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_edit_while_the_file_cache_is_read_only_shows_during_and_after(
    client, file_cache, caplog
):
    article = story()
    page(client, article)
    client.get("/")
    assert page(client, article)["X-Page-Cache"] == "hit"
    if not unwritable(file_cache):
        pytest.skip("this machine cannot make a folder read-only")

    retitle(article, "Edited while the cache was read-only")
    assert tagcache.lost_purges()
    # The kept page and teasers are still readable in the folder, but their purge was lost:
    # pages come from the database until the cache takes writes again.
    for url in (article.get_absolute_url(), "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Edited while the cache was read-only" in response.content.decode(), url
    assert client.get("/healthz").json()["cache"] == "error"

    writable(file_cache)
    # Back: the lost purges are written before anything is read, so nothing kept from before
    # the edit is served, and pages are kept again.
    for url in (article.get_absolute_url(), "/"):
        assert "Edited while the cache was read-only" in client.get(url).content.decode()
    assert not tagcache.lost_purges()
    assert page(client, article)["X-Page-Cache"] == "hit"
    assert len(cache_errors(caplog)) == 1


def test_an_admin_save_succeeds_with_the_cache_folder_broken(client, file_cache):
    article = story()
    editor = User.objects.create_superuser("editor", "editor@example.com", "a-long-password-1")
    client.force_login(editor)
    replace_with_a_file(file_cache)
    from newsroom.testing import post_change_form

    response = post_change_form(client, article, headline="Saved without a cache")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=article.pk).headline == "Saved without a cache"
    assert client.get(response["Location"]).status_code == 200


def test_errors_are_logged_once_a_minute(settings, file_cache, caplog, monkeypatch):
    replace_with_a_file(file_cache)
    from django.core.cache import cache

    clock = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: clock[0])
    for _ in range(50):
        cache.set("key", "value")
        clock[0] += 1  # 50 seconds
    assert len(cache_errors(caplog)) == 1
    clock[0] += 10
    cache.get("key")
    errors = cache_errors(caplog)
    assert len(errors) == 2 and errors[1].cache_failures > 1


# --- Redis ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, saving every write to its append-only file, so a
    restart brings back what it held, as a production Redis with persistence does."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.folder),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings, tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    use_cache(settings, "newsroom.cache.RedisCache", f"redis://127.0.0.1:{server.port}/0")
    yield server
    if server.process.poll() is None:
        server.stop()


def test_a_stopped_redis_costs_rendering_not_pages_or_saves(client, own_redis, caplog):
    article = story()
    page(client, article)
    assert page(client, article)["X-Page-Cache"] == "hit"
    own_redis.stop()

    for url in (article.get_absolute_url(), "/", "/artists/", "/feeds/latest/"):
        assert client.get(url).status_code == 200, url
    retitle(article, "Edited while Redis was stopped")
    assert "Edited while Redis was stopped" in page(client, article).content.decode()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}
    assert len(cache_errors(caplog)) == 1

    # Redis comes back with everything it held, the page from before the edit included.
    own_redis.start()
    assert "Edited while Redis was stopped" in page(client, article).content.decode()
    assert "Edited while Redis was stopped" in client.get("/").content.decode()
    assert page(client, article)["X-Page-Cache"] == "hit"
    assert client.get("/healthz").json()["status"] == "ok"


def test_purges_lost_in_one_process_are_written_by_its_retry_without_a_request(client, own_redis):
    article = story()
    page(client, article)
    own_redis.stop()
    retitle(article, "Edited while Redis was stopped")
    assert tagcache.lost_purges()
    own_redis.start()
    # What the background retry runs once the cache answers; no request needed.
    from django.core.cache import cache

    cache.get(tagcache.SEQUENCE_KEY)
    assert not tagcache.lost_purges()
    # Another process, whose memory of checked entries is empty, finds the page out of date.
    tagcache._checked.clear()
    assert "Edited while Redis was stopped" in page(client, article).content.decode()


# --- As production runs it -----------------------------------------------------------------


def test_a_server_whose_cache_folder_is_a_file_serves_pages_and_takes_saves(tmp_path):
    from newsroom.tests.servers import (
        ARTICLE,
        Browser,
        gunicorn,
        manage,
        prepare_site,
        production_env,
    )
    from newsroom.tests.test_caches import NEW, OLD

    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
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
    replace_with_a_file(tmp_path / "cache")
    with gunicorn(env, workers=2) as server:
        for _ in range(6):
            status, html = server.get(ARTICLE)
            assert status == 200 and OLD in html
        editor = Browser(server.url)
        editor.sign_in("editor", "a-long-test-password-1")
        status, html = editor.open("/admin/people/artist/?q=Kanye+West")
        change = re.search(r'href="/admin/people/artist/(\d+/change/)', html).group(1)
        status, html = editor.submit(f"/admin/people/artist/{change}", "artist_form", summary=NEW)
        assert status == 200 and "was changed successfully" in html, html[:2000]
        for _ in range(4):
            status, html = server.get(ARTICLE)
            assert status == 200 and NEW in html and OLD not in html
        status, body = server.get("/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "degraded", "database": "ok", "cache": "error"}
        statuses = [line["status"] for line in server.requests()]
    assert 500 not in statuses
    errors = [
        line
        for line in server.log
        if '"logger": "newsroom.cache"' in line and '"level": "ERROR"' in line
    ]
    # Each of the two workers says so once, however many requests it served.
    assert 1 <= len(errors) <= 2


def test_losing_the_key_purged_when_too_many_purges_were_lost_never_empties_the_cache():
    from django.core.cache import cache

    with tagcache.recording() as rec:
        tagcache.depend("people.artist:1")
    assert tagcache.store("kept", "value", rec, 60)
    cache.delete(tagcache.VERSION_PREFIX + tagcache.EVERYTHING)  # as a random cull may
    tagcache._checked.clear()
    assert tagcache.fetch("kept") == "value"
    tagcache.purge([tagcache.EVERYTHING])
    assert tagcache.fetch("kept") is None
