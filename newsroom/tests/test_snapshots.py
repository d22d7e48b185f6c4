"""Snapshots: parts of pages written to the database, right while none of their tags is purged."""

import pickle
import time

import pytest
from django.db import transaction

from newsroom import snapshots, tagcache
from newsroom.models import Snapshot, TagVersion

pytestmark = pytest.mark.django_db(transaction=True)


def versions():
    return dict(TagVersion.objects.values_list("tag", "version"))


def test_a_purge_is_written_once_the_edit_commits_and_not_for_lists():
    with transaction.atomic():
        tagcache.purge_on_commit(["people.artist:7", "list:people.artist", tagcache.EVERYTHING])
        # Nothing written inside the edit's transaction: no row is locked until it commits.
        assert versions() == {}
    written = versions()
    assert list(written) == [snapshots.digest("people.artist:7")]
    assert written[snapshots.digest("people.artist:7")] <= time.time_ns()


def test_a_rolled_back_edit_writes_no_purge():
    with pytest.raises(RuntimeError), transaction.atomic():
        tagcache.purge_on_commit(["people.artist:7"])
        raise RuntimeError
    assert versions() == {}


def test_deferred_purges_are_written_together_and_each_tag_precisely():
    with tagcache.purges_deferred(clear_over=1):
        tagcache.purge(["people.artist:1", "people.artist:2", "about:people.artist:2"])
        assert versions() == {}
    # The cache got EVERYTHING instead (more than one tag); the database every tag itself.
    assert set(versions()) == {
        snapshots.digest(t) for t in ("people.artist:1", "people.artist:2", "about:people.artist:2")
    }


def captured_parts(tags):
    started = time.time_ns()
    with snapshots.capture() as captured:
        rec = tagcache.Recording(started, set(tags))
        tagcache.store("part", "<p>kept</p>", rec, 60)
    return captured, started


def test_capture_computes_afresh_and_notes_what_is_stored():
    tagcache.store("part", "old", tagcache.Recording(tags={"people.artist:1"}), 60)
    assert tagcache.fetch("part") == "old"
    with snapshots.capture() as captured:
        assert tagcache.fetch("part") is None  # computed again, not taken from the cache
        tagcache.store("part", "new", tagcache.Recording(tags={"people.artist:1"}), 60)
    assert captured == {"part": ("new", {"people.artist:1"}, None)}


def test_a_snapshot_is_read_back_until_one_of_its_tags_is_purged():
    captured, started = captured_parts({"people.artist:1", "about:people.artist:1"})
    assert snapshots.save("page:1", captured, started, {"pk": 1})
    entries, extra = snapshots.load("page:1")
    assert entries == {"part": ("<p>kept</p>", ["about:people.artist:1", "people.artist:1"], None)}
    assert extra == {"pk": 1}
    tagcache.purge(["people.artist:2"])  # another record
    assert snapshots.load("page:1") is not None
    tagcache.purge(["about:people.artist:1"])
    assert snapshots.load("page:1") is None


def test_a_snapshot_purged_while_it_was_computed_is_not_written():
    captured, started = captured_parts({"people.artist:1"})
    tagcache.purge(["people.artist:1"])
    assert not snapshots.save("page:1", captured, started)
    assert not Snapshot.objects.exists()


def test_parts_that_depend_on_a_whole_list_are_left_out():
    captured, started = captured_parts({"people.artist:1", "list:articles.article"})
    assert snapshots.save("page:1", captured, started)
    assert snapshots.load("page:1") == ({}, {})


def test_a_snapshot_of_other_models_or_unreadable_is_not_used(caplog):
    captured, started = captured_parts({"people.artist:1"})
    snapshots.save("page:1", captured, started)
    Snapshot.objects.filter(key="page:1").update(schema="earlier")
    assert snapshots.load("page:1") is None
    Snapshot.objects.filter(key="page:1").update(schema=tagcache.schema(), data=b"\x80not")
    assert snapshots.load("page:1") is None
    assert "could not be read" in caplog.text
    data = {"entries": {}, "digests": [], "extra": {}}
    Snapshot.objects.filter(key="page:1").update(data=pickle.dumps(data))
    assert snapshots.load("page:1") == ({}, {})


def test_an_overlay_is_found_ahead_of_the_cache_with_its_tags():
    tagcache.store("part", "from the cache", tagcache.Recording(tags={"people.artist:1"}), 60)
    with tagcache.overlay({"part": ("from the snapshot", ["people.artist:9"], None)}):
        with tagcache.recording() as rec:
            assert tagcache.fetch_many(["part", "other"]) == {"part": "from the snapshot"}
    assert rec.tags == {"people.artist:9"}
    assert tagcache.fetch("part") == "from the cache"


def test_purges_queue_the_snapshots_of_the_records_named(monkeypatch):
    built = []
    monkeypatch.setitem(snapshots._builders, "people.artist", built.append)
    tagcache.purge(["people.artist:3", "about:people.artist:4", "people.artist:5"])
    snapshots.build_pending()
    assert built == [[3, 5]]
    snapshots.build_pending()
    assert built == [[3, 5]]
