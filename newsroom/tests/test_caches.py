"""A save shows on the next view whichever process serves it (two gunicorn workers, a real
SQLite file, the default cache and Redis)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import cache

from newsroom import tagcache
from newsroom.tests.servers import ARTICLE, gunicorn, manage, prepare_site, production_env

OLD = "Chicago rapper and producer whose fourth album"
NEW = "Rapper, record producer and fashion designer from Chicago."
CHANGE_SUMMARY = (
    "from people.models import Artist; "
    "artist = Artist.objects.get(slug='kanye-west'); "
    f"artist.summary = {NEW!r}; artist.save()"
)


def test_default_cache_is_shared_by_every_process_on_the_machine():
    if settings.CACHE_URL:
        pytest.skip(f"CACHE_URL is set ({settings.CACHE_URL}): the default is not in use")
    assert settings.CACHES["default"]["BACKEND"] == "newsroom.cache.FileCache"


def test_file_cache_keeps_at_most_about_max_entries(settings, tmp_path):
    from newsroom.cache import FileCache

    files = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30, "CULL_INTERVAL": 0}})
    for n in range(100):
        files.set(f"key-{n}", n)
    assert len(list(tmp_path.glob("*.djcache"))) <= 30
    assert files.get("key-99") == 99


def test_an_entry_whose_tag_version_was_evicted_is_not_served(db):
    from newsroom import tagcache

    with tagcache.recording() as rec:
        tagcache.depend("people.artist:1")
    assert tagcache.store("entry", "old", rec, 60)
    assert tagcache.fetch("entry") == "old"
    cache.delete(tagcache.VERSION_PREFIX + "people.artist:1")
    assert tagcache.fetch("entry") is None


def _views(server, count):
    """`count` views of the article, four at a time: a sync worker busy with one request leaves
    the next to the other worker, so both serve (one after another, one worker may take all)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda _: server.get(ARTICLE), range(count)))


def views_after_a_save(tmp_path, cache_url):
    env = production_env(
        tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", cache_url=cache_url
    )
    prepare_site(env)
    with gunicorn(env, workers=2) as server:
        # Views until both workers have shown (and cached) the old card.
        for _ in range(15):
            for status, html in _views(server, 8):
                assert status == 200 and OLD in html
            if len({line["pid"] for line in server.requests()}) == 2:
                break
        else:
            pytest.fail("one worker served every view")
        seen = len(server.requests())

        manage(env, "shell", "-c", CHANGE_SUMMARY)

        pages = _views(server, 12)
        for _ in range(10):
            workers = {line["pid"] for line in server.requests()[seen:]}
            if len(workers) == 2:
                break
            pages += _views(server, 8)
    return pages, workers


def test_deferred_purges_are_written_together_when_flushed_and_when_the_block_ends(db):
    def stored(value):
        with tagcache.recording() as rec:
            tagcache.depend("people.artist:1")
        assert tagcache.store("entry", value, rec, 60)

    stored("first")
    with tagcache.purges_deferred() as flush:
        tagcache.purge(["people.artist:1"])
        assert tagcache.fetch("entry") == "first"
        flush()
        assert tagcache.fetch("entry") is None
        stored("second")
        tagcache.purge(["people.artist:1"])
        assert tagcache.fetch("entry") == "second"
    assert tagcache.fetch("entry") is None


def test_a_deferred_purge_on_commit_works_out_its_tags_once_when_the_commit_comes(
    db, django_capture_on_commit_callbacks
):
    asked = []

    def tags():
        asked.append(1)
        return ["people.artist:1"]

    with tagcache.purges_deferred():
        with django_capture_on_commit_callbacks(execute=True):
            tagcache.purge_on_commit(tags)
            assert asked == []
        assert asked == [1]


def test_many_deferred_purges_purge_everything_instead(db):
    with tagcache.recording() as rec:
        tagcache.depend("people.artist:1")
    assert tagcache.store("entry", "kept", rec, 60)
    with tagcache.purges_deferred(clear_over=2):
        tagcache.purge(["people.artist:2", "people.artist:3", "list:people.artist"])
    assert tagcache.fetch("entry") is None
    assert cache.get(tagcache.VERSION_PREFIX + tagcache.EVERYTHING) > 0
    assert cache.get(tagcache.VERSION_PREFIX + "people.artist:2") is None


def test_a_save_in_another_process_shows_on_every_worker(tmp_path):
    pages, workers = views_after_a_save(tmp_path, cache_url="")
    assert {status for status, _ in pages} == {200}
    stale = sum(OLD in html for _, html in pages)
    assert stale == 0, f"{stale} of {len(pages)} views showed the old card"
    assert all(NEW in html for _, html in pages)
    assert len(workers) == 2, "one worker served every view after the save"


def test_a_save_shows_on_every_worker_with_redis(tmp_path, redis_url):
    pages, workers = views_after_a_save(tmp_path, cache_url=redis_url)
    stale = sum(OLD in html for _, html in pages)
    assert stale == 0, f"{stale} of {len(pages)} views showed the old card"
    assert all(NEW in html for _, html in pages)


def test_the_benchmark_floor_is_not_routed_unless_the_benchmark_asks(client, db):
    from django.conf import settings as live

    assert live.BENCH_FLOOR is False
    assert client.get("/bench/floor/").status_code == 404


def test_kept_records_are_keyed_on_every_tracked_models_columns(settings):
    """Entries holding records (a kept article, a page's relations, a subject) are keyed on a
    digest of every tracked model's columns: another set of models or columns reads none."""
    tagcache.schema.cache_clear()
    every = tagcache.schema()
    assert tagcache.schema() == every
    settings.CACHE_TAGGED_APPS = [app for app in settings.CACHE_TAGGED_APPS if app != "images"]
    tagcache.schema.cache_clear()
    try:
        assert tagcache.schema() != every
    finally:
        tagcache.schema.cache_clear()
