"""The article page's snapshot: the page with an empty cache, or none, from three short queries."""

import pickle
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from articles import snapshots
from articles.models import Article
from newsroom import links
from newsroom import snapshots as stored
from newsroom.models import Snapshot
from newsroom.testing import make_article, make_event, make_story_with_everything

pytestmark = pytest.mark.django_db(transaction=True)


def live(**fields):
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=2))
    return fields


@pytest.fixture
def story():
    """A live story with every relation, saved as an editor's save is: committed, then its
    snapshot written once the request is over."""
    with transaction.atomic():
        article = make_story_with_everything(**live())
    stored.build_pending()
    return article


def cold_page(client, article):
    cache.clear()
    links._kept.cache_clear()
    response = client.get(article.get_absolute_url())
    return response.status_code, response.content.decode()


def test_a_live_story_gets_a_snapshot_once_saved(story):
    assert Snapshot.objects.filter(key=snapshots.key(story.slug)).exists()


def test_the_page_from_its_snapshot_is_the_page(client, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        status, from_snapshot = cold_page(client, story)
    assert status == 200
    Snapshot.objects.all().delete()
    status, built = cold_page(client, story)
    assert from_snapshot == built
    for shown in ("Tours", "An earlier version misstated", "youtube-nocookie", "<picture"):
        assert shown in from_snapshot


def test_the_snapshot_serves_while_the_cache_keeps_nothing(client, story, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    from django.core.cache import caches

    caches._settings = None
    try:
        for _ in range(2):
            status, html = cold_page(client, story)
            assert status == 200 and "Tours" in html
    finally:
        del caches._settings


def test_a_storys_tour_date_comes_from_its_snapshot_and_follows_the_date(
    client, django_assert_max_num_queries
):
    with transaction.atomic():
        event = make_event(venue="Salle Une")
        article = make_story_with_everything(**live())
        article.body += f'\n\n[event id="{event.pk}" /]'
        article.save()
    stored.build_pending()
    with django_assert_max_num_queries(3):
        status, html = cold_page(client, article)
    assert status == 200
    assert "Salle Une" in html and '"@type": "MusicEvent"' in html
    with transaction.atomic():
        event.venue = "Salle Deux"
        event.save()
    status, html = cold_page(client, article)
    assert "Salle Une" not in html
    assert html.count("Salle Deux") >= 2  # the card and the structured data


def test_a_renamed_artist_shows_at_once_with_an_empty_cache(client, story):
    artist = story.artists.get()
    with transaction.atomic():
        artist.name = "A New Name"
        artist.save()
    status, html = cold_page(client, story)
    assert "A New Name" in html


def test_an_unpublished_story_is_a_404_with_an_empty_cache(client, story):
    with transaction.atomic():
        story.status = Article.Status.DRAFT
        story.save()
    stored.build_pending()
    assert cold_page(client, story)[0] == 404


def test_a_story_scheduled_again_is_a_404_with_an_empty_cache(client, story):
    with transaction.atomic():
        story.published_at = timezone.now() + timedelta(days=1)
        story.save()
    stored.build_pending()
    assert cold_page(client, story)[0] == 404


def test_a_story_unpublished_without_a_purge_is_a_404_all_the_same(client, story):
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    assert cold_page(client, story)[0] == 404


def test_an_edit_writes_a_new_snapshot(client, story):
    with transaction.atomic():
        story.headline = "A headline edited"
        story.save()
    stored.build_pending()
    with_new = Snapshot.objects.get(key=snapshots.key(story.slug))
    assert b"A headline edited" in bytes(with_new.data)
    assert "A headline edited" in cold_page(client, story)[1]


def test_related_stories_from_a_snapshot_are_only_those_still_published(client, story):
    with transaction.atomic():
        other = make_article(tags=["Tours"], headline="Another tour story", **live())
        story.headline = "Saved again"
        story.save()
    stored.build_pending()
    assert "Another tour story" in cold_page(client, story)[1]
    # Unpublished without a word to the snapshot of the story it was related to.
    Article.objects.filter(pk=other.pk).update(status=Article.Status.DRAFT)
    status, html = cold_page(client, story)
    assert status == 200 and "Another tour story" not in html


def test_related_stories_are_worked_out_again_past_the_snapshots_time(client, story):
    with transaction.atomic():
        soon = timezone.now() + timedelta(hours=1)
        make_article(tags=["Tours"], headline="A scheduled tour story", **live(published_at=soon))
        story.save()
    stored.build_pending()
    row = Snapshot.objects.get()
    data = pickle.loads(bytes(row.data))
    # Kept no later than the scheduled story's time, which may make it related.
    assert data["extra"]["related_until"] <= soon.timestamp()
    # That time come, without a save: the list is worked out again.
    Article.objects.filter(headline="A scheduled tour story").update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    data["extra"]["related_until"] = time.time() - 1
    Snapshot.objects.filter(pk=row.pk).update(data=pickle.dumps(data))
    status, html = cold_page(client, story)
    assert status == 200 and "A scheduled tour story" in html


def test_drafts_and_previews_never_come_from_a_snapshot(client, admin_client, story):
    Snapshot.objects.filter(key=snapshots.key(story.slug)).update(key=snapshots.key("a-draft-slug"))
    draft = make_article(slug="a-draft-slug", status=Article.Status.DRAFT)
    assert cold_page(client, draft)[0] == 404
    status, html = cold_page(admin_client, draft)
    assert status == 200 and draft.headline in html and story.headline not in html


def test_snapshot_pages_writes_every_live_story(story):
    Snapshot.objects.all().delete()
    make_article(headline="Draft", slug="draft", status=Article.Status.DRAFT)
    call_command("snapshot_pages", verbosity=0)
    assert list(Snapshot.objects.values_list("key", flat=True)) == [snapshots.key(story.slug)]


def test_a_snapshot_names_no_draft_and_no_staff_data(story):
    draft = make_article(
        headline="Secret draft headline", tags=["Tours"], status=Article.Status.DRAFT
    )
    with transaction.atomic():
        story.save()
    stored.build_pending()
    data = bytes(Snapshot.objects.get().data)
    assert b"Secret draft headline" not in data
    assert draft.preview_key.encode() not in data
    assert not re.search(rb"csrfmiddlewaretoken", data)


def test_a_page_that_cannot_be_built_leaves_the_others_their_snapshots(story, monkeypatch, caplog):
    other = make_article(**live())
    Snapshot.objects.all().delete()
    real = snapshots._build_one

    def failing(pk, slug, path):
        if pk == story.pk:
            raise RuntimeError("a template error")
        return real(pk, slug, path)

    monkeypatch.setattr(snapshots, "_build_one", failing)
    assert snapshots.build([story.pk, other.pk]) == 1
    assert list(Snapshot.objects.values_list("key", flat=True)) == [snapshots.key(other.slug)]
    assert "Could not write the snapshot of" in caplog.text


def test_a_warm_page_asks_the_cache_for_its_story_once(client, story, monkeypatch):
    from newsroom import tagcache

    client.get(story.get_absolute_url())  # everything kept
    live_key = Article.LIVE_KEY.format(schema=tagcache.schema(), slug=story.slug)
    asked = []
    real = tagcache.cache.get_many

    def counting(keys, *args, **kwargs):
        keys = list(keys)
        asked.extend(key for key in keys if key == live_key)
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(tagcache.cache, "get_many", counting)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and story.headline in response.content.decode()
    assert len(asked) == 1


@pytest.fixture
def heal_now(monkeypatch):
    """As in a process that has written no snapshot for a while."""
    monkeypatch.setattr(stored, "_last_heal", [0.0])


def test_a_page_built_without_a_snapshot_gets_one_after_its_response(
    client, story, heal_now, django_assert_max_num_queries
):
    Snapshot.objects.all().delete()  # as after a bulk load
    status, built = cold_page(client, story)
    assert status == 200
    assert Snapshot.objects.filter(key=snapshots.key(story.slug)).exists()
    with django_assert_max_num_queries(3):
        status, from_snapshot = cold_page(client, story)
    assert from_snapshot == built


def test_a_snapshot_out_of_date_is_written_again_after_the_page_is_built(
    client, story, heal_now, django_assert_max_num_queries
):
    artist = story.artists.first()
    with transaction.atomic():
        artist.name = "Renamed Artist"
        artist.save()
    stored.build_pending()  # what the rename queued (no page of a story)
    status, built = cold_page(client, story)
    assert "Renamed Artist" in built
    with django_assert_max_num_queries(3):
        status, from_snapshot = cold_page(client, story)
    assert "Renamed Artist" in from_snapshot
    assert from_snapshot == built


def test_pages_built_without_snapshots_write_one_every_few_seconds_in_a_process(client, heal_now):
    with transaction.atomic():
        first = make_article(**live(headline="First"))
        second = make_article(**live(headline="Second"))
    Snapshot.objects.all().delete()
    stored.clear_pending()
    cold_page(client, first)
    cold_page(client, second)
    written = set(Snapshot.objects.values_list("key", flat=True))
    assert written == {snapshots.key(first.slug)}
