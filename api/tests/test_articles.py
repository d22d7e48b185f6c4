import json
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Correction
from newsroom.testing import (
    make_article,
    make_artist,
    make_contributor,
    make_full_story,
    make_story_with_everything,
)

pytestmark = pytest.mark.django_db

DRAFT = {"status": Article.Status.DRAFT}


def future():
    return {"published_at": timezone.now() + timezone.timedelta(days=1)}


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_story_with_every_relation(client):
    story = make_full_story(count=2, dek="The dek.")
    data = get_json(client, f"/api/v1/articles/{story.slug}/")
    assert data["headline"] == story.headline
    assert data["url"] == f"http://testserver/articles/{story.slug}/"
    assert [b["slug"] for b in data["bylines"]] == [
        b.contributor.slug for b in story.bylines.order_by("position")
    ]
    assert data["bylines"][0]["url"].startswith("http://testserver/contributors/")
    assert sorted(t["name"] for t in data["tags"]) == sorted(story.tags.names())
    lead = data["lead_image"]
    assert lead["alt"] == story.lead_image.alt_text
    assert lead["focal_point"] == {"x": 0.5, "y": 0.5}
    assert {r["crop"] for r in lead["renditions"]} == {"original", "16:9", "4:3"}
    assert all(
        r["url"].startswith("http://testserver/media/renditions/") for r in lead["renditions"]
    )
    assert data["body"] == story.body
    html = data["body_html"]
    assert 'href="http://testserver/artists/' in html
    assert 'href="http://testserver/contributors/' in html
    assert 'srcset="http://testserver/media/renditions/' in html
    assert "profile-card" not in html and "artist-card" not in html
    mentions = data["mentions"]
    artists = list(story.artists.order_by("pk"))
    assert [a["external_id"] for a in mentions["artists"]] == [a.external_id for a in artists]
    assert mentions["artists"][0]["url"] == f"http://testserver/artists/{artists[0].slug}/"
    assert len(mentions["projects"]) == 2 and len(mentions["contributors"]) == 2
    assert len(data["related_projects"]) == 2
    assert [c["text"] for c in data["corrections"]] == ["Correction 0.", "Correction 1."]
    assert data["revised_at"] is not None


@pytest.mark.parametrize("hidden", [DRAFT, {"status": Article.Status.IN_REVIEW}, future()])
def test_unpublished_story_is_not_found_nor_listed_nor_counted(client, hidden):
    writer, singer = make_contributor(), make_artist()
    mention = f'[artist id="{singer.external_id}"]{singer.name}[/artist]'
    secret = make_article(contributors=[writer], tags=["Secret"], body=mention, **hidden)
    shown = make_article()
    error = get_json(client, f"/api/v1/articles/{secret.slug}/", status=404)
    assert "detail" in error
    listed = get_json(client, "/api/v1/articles/")["results"]
    assert [a["slug"] for a in listed] == [shown.slug]
    assert get_json(client, f"/api/v1/artists/{singer.slug}/")["story_count"] == 0
    assert get_json(client, f"/api/v1/contributors/{writer.slug}/")["story_count"] == 0
    get_json(client, "/api/v1/tags/secret/", status=404)
    assert get_json(client, "/api/v1/tags/")["results"] == []
    assert get_json(client, "/api/v1/articles/", artist=singer.slug)["results"] == []


def test_list_is_newest_first_with_cursor_pages(client):
    now = timezone.now()
    stories = [make_article(published_at=now - timezone.timedelta(hours=n)) for n in range(1, 6)]
    seen = []
    data = get_json(client, "/api/v1/articles/", page_size=2, fields="slug")
    while True:
        seen += [item["slug"] for item in data["results"]]
        assert set(data["results"][0]) == {"slug"}
        if not data["next"]:
            break
        assert data["next"].startswith("http://testserver/api/v1/articles/?cursor=")
        data = client.get(data["next"]).json()
    assert seen == [story.slug for story in stories]


def test_page_size_is_capped(client):
    for _ in range(3):
        make_article()
    from api.views import Pagination

    assert Pagination.max_page_size == 100
    data = get_json(client, "/api/v1/articles/", page_size=100000, fields="id")
    assert len(data["results"]) == 3


def test_filters(client):
    singer, writer = make_artist(), make_contributor()
    old = make_article(published_at=timezone.now() - timezone.timedelta(days=30))
    tagged = make_article(tags=["Tour"], contributors=[writer])
    named = make_article(body=f'[artist id="{singer.external_id}"]x[/artist]')
    about = make_article()
    project = make_full_story().related_projects.get()
    about.related_projects.add(project)

    def slugs(**params):
        return {a["slug"] for a in get_json(client, "/api/v1/articles/", **params)["results"]}

    assert slugs(tag="tour") == {tagged.slug}
    assert slugs(contributor=writer.slug) == {tagged.slug}
    assert slugs(artist=singer.slug) == {named.slug}
    assert about.slug in slugs(project=project.slug)
    cut = (timezone.now() - timezone.timedelta(days=2)).isoformat()
    assert slugs(published_before=cut) == {old.slug}
    assert old.slug not in slugs(published_after=cut)
    assert slugs(artist="nobody") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"published_after": "yesterday"},
        {"updated_since": "2026-13-45"},
        {"fields": "headline,email"},
    ],
)
def test_bad_parameters_are_a_json_400(client, params):
    data = get_json(client, "/api/v1/articles/", status=400, **params)
    assert set(data) == set(params)


def test_updated_since_includes_stories_whose_parts_or_links_changed(client):
    singer = make_artist()
    corrected = make_article()
    linked = make_article(body=f'[artist id="{singer.external_id}"]x[/artist]')
    make_article()
    since = timezone.now()
    Correction.objects.create(article=corrected, text="A fix.")
    singer.name = "New name"
    singer.save()
    found = get_json(client, "/api/v1/articles/", updated_since=since.isoformat())["results"]
    assert {a["slug"] for a in found} == {corrected.slug, linked.slug}
    assert all(datetime.fromisoformat(a["updated_at"]) >= since for a in found)


def test_unpublished_deleted_and_moved_stories_are_listed_as_gone(client):
    dropped, deleted, moved, kept = make_article(), make_article(), make_article(), make_article()
    since = timezone.now()
    old_slug = moved.slug
    dropped.status = Article.Status.DRAFT
    dropped.save()
    deleted_slug = deleted.slug
    deleted.delete()
    moved.slug = "a-new-address"
    moved.save()
    gone = get_json(client, "/api/v1/gone/", since=since.isoformat())["results"]
    assert {(g["slug"], g["reason"]) for g in gone} == {
        (dropped.slug, "unpublished"),
        (deleted_slug, "deleted"),
        (old_slug, "moved"),
    }
    dropped.status = Article.Status.PUBLISHED
    dropped.save()
    gone = get_json(client, "/api/v1/gone/")["results"]
    assert dropped.slug not in {g["slug"] for g in gone}
    assert kept.slug not in {g["slug"] for g in gone}


def test_hostile_text_is_escaped_json(client):
    hostile = '</script><script>alert("x")</script> & <!--'
    story = make_article(headline=hostile, dek=hostile, tags=[hostile])
    response = client.get(f"/api/v1/articles/{story.slug}/")
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["headline"] == hostile and data["tags"][0]["name"] == hostile
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_staff_only_field_leaks(client, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.com", "x")
    writer = make_contributor(user=user)
    story = make_article(contributors=[writer])
    raw = client.get(f"/api/v1/articles/{story.slug}/").content.decode()
    raw += client.get(f"/api/v1/contributors/{writer.slug}/").content.decode()
    assert "editor@example.com" not in raw and story.preview_key not in raw
    for word in ("preview_key", "email", "created_by", "user", "legacy_path", "password"):
        assert f'"{word}"' not in raw


@pytest.mark.parametrize("count", [1, 50])
def test_list_queries_do_not_grow(client, count, django_assert_num_queries, memory_cache):
    first = make_full_story(count=2)
    for _ in range(count - 1):
        # As many relations as the first, shared: building 50 of everything would be slow.
        story = make_article(
            body=first.body,
            lead_image=first.lead_image,
            contributors=[b.contributor for b in first.bylines.all()],
            tags=list(first.tags.names()),
        )
        story.related_projects.set(first.related_projects.all())
        Correction.objects.create(article=story, text="A fix.")
    # The page's ids, the stories with their relations, the records their bodies name, and
    # when the next scheduled story goes live (for how long the page may be kept).
    with django_assert_num_queries(14):
        data = client.get("/api/v1/articles/", {"page_size": 50, "fields": "*"}).json()
    assert len(data["results"]) == count
    for story in data["results"]:
        assert len(story["mentions"]["artists"]) == 2 and len(story["bylines"]) == 2
        assert len(story["related_projects"]) == 2 and len(story["tags"]) == 2


def test_kept_representations_are_used_until_what_they_show_changes(
    client, settings, django_assert_max_num_queries, memory_cache
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    story = make_full_story(count=2)
    other = make_article()
    url = "/api/v1/articles/"

    def listed():
        return {a["slug"]: a for a in client.get(url, {"fields": "*"}).json()["results"]}

    assert set(listed()) == {story.slug, other.slug}
    # Kept: only the page's ids are read (and the page cache's own look-ups).
    with django_assert_max_num_queries(2):
        again = listed()
    assert again[story.slug]["headline"] == story.headline
    fields = client.get(url, {"fields": "slug,headline"}).json()["results"]
    assert {tuple(a) for a in fields} == {("headline", "slug")}

    story.headline = "A new headline"
    story.save()
    assert listed()[story.slug]["headline"] == "A new headline"

    byline = story.bylines.order_by("position").first()
    byline.contributor.name = "Renamed Writer"
    byline.contributor.save()
    assert listed()[story.slug]["bylines"][0]["name"] == "Renamed Writer"

    correction = story.corrections.order_by("pk").first()
    correction.text = "A corrected correction."
    correction.save()
    detail = client.get(f"{url}{story.slug}/").json()
    assert "A corrected correction." in [c["text"] for c in detail["corrections"]]

    artist = story.artists.order_by("pk").first()
    artist.name = "Renamed Artist"
    artist.save()
    mentioned = listed()[story.slug]["mentions"]["artists"]
    assert "Renamed Artist" in [a["name"] for a in mentioned]
    assert listed()[other.slug]["headline"] == other.headline


def test_kept_stories_are_sent_as_first_written(client, settings, memory_cache):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    hostile = '</script><script>alert("x")</script> & <!--'
    story = make_full_story(count=2, headline=hostile, dek=hostile)
    make_article(headline=hostile, tags=[hostile])
    for url in ("/api/v1/articles/", f"/api/v1/articles/{story.slug}/"):
        first = client.get(url).content
        again = client.get(url).content  # from the kept representations
        assert again == first
        assert b"<" not in again and b">" not in again and b"&" not in again
    detail = json.loads(again)
    assert detail["headline"] == hostile and detail["dek"] == hostile
    kept = client.get("/api/v1/articles/", {"fields": "headline,tags"}).json()["results"]
    assert [set(item) for item in kept] == [{"headline", "tags"}] * 2
    assert {t["name"] for item in kept for t in item["tags"]} >= {hostile}


def test_responses_are_compact_whatever_the_accept_header_asks(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    story = make_article()
    plain = client.get(f"/api/v1/articles/{story.slug}/").content
    asked = client.get(
        f"/api/v1/articles/{story.slug}/", headers={"Accept": "application/json; indent=4"}
    )
    assert asked.content == plain and b"\n" not in plain


def listed_now(client, django_assert_num_queries, params=None):
    """The list's stories by slug, checking that it is served kept: without a query."""
    with django_assert_num_queries(0):
        response = client.get("/api/v1/articles/", params or {})
    return {a["slug"]: a for a in response.json()["results"]}


def test_a_kept_list_is_purged_by_what_it_lists_and_shows(
    client, settings, django_assert_num_queries, memory_cache
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    story = make_story_with_everything()
    url = "/api/v1/articles/"

    def listed():
        first = {a["slug"]: a for a in client.get(url).json()["results"]}
        assert listed_now(client, django_assert_num_queries) == first
        return first

    assert set(listed()) == {story.slug}
    newer = make_article(headline="Just out")
    make_article(headline="A draft", status=Article.Status.DRAFT)
    assert set(listed()) == {story.slug, newer.slug}

    story.tags.add("Festivals")
    assert "festivals" in {t["slug"] for t in listed()[story.slug]["tags"]}
    Correction.objects.create(article=story, text="A second fix.")
    assert "A second fix." in [c["text"] for c in listed()[story.slug]["corrections"]]
    extra = make_contributor(name="Third Writer")
    story.bylines.create(contributor=extra, position=9)
    assert listed()[story.slug]["bylines"][-1]["name"] == "Third Writer"
    related = story.related_projects.get()
    related.title = "Retitled"
    related.save()
    assert listed()[story.slug]["related_projects"][0]["title"] == "Retitled"
    photo = story.lead_image
    photo.alt_text = "New alt text"
    photo.save()
    assert listed()[story.slug]["lead_image"]["alt"] == "New alt text"

    newer.status = Article.Status.DRAFT
    newer.save()
    assert set(listed()) == {story.slug}
    story.delete()
    assert listed() == {}


def test_kept_filtered_lists_follow_their_filters(
    client, settings, django_assert_num_queries, memory_cache
):
    settings.PAGE_CACHE_SECONDS = 0
    singer = make_artist()
    tagged = make_article(tags=["Tour"])
    other = make_article(body=f'[artist id="{singer.external_id}"]x[/artist]')
    # In UTC, as a list is kept under (the page cache's rule too).
    since = timezone.now().astimezone(UTC).isoformat().replace("+00:00", "Z")

    def slugs(**params):
        first = {a["slug"] for a in client.get("/api/v1/articles/", params).json()["results"]}
        assert set(listed_now(client, django_assert_num_queries, params)) == first
        return first

    assert slugs(tag="tour") == {tagged.slug}
    assert slugs(updated_since=since) == set()
    other.tags.add("Tour")
    assert slugs(tag="tour") == {tagged.slug, other.slug}
    singer.name = "Renamed"
    singer.save()
    assert slugs(updated_since=since) == {other.slug}
    assert slugs(artist=singer.slug) == {other.slug}


def test_a_kept_list_shows_a_scheduled_story_once_it_is_live(
    client, settings, django_assert_num_queries, memory_cache
):
    settings.PAGE_CACHE_SECONDS = 0
    out = make_article()
    when = timezone.now() + timezone.timedelta(hours=1)
    coming = make_article(published_at=when)
    client.get("/api/v1/articles/")
    assert set(listed_now(client, django_assert_num_queries)) == {out.slug}
    later = when + timezone.timedelta(minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("newsroom.tagcache.time.time", return_value=later.timestamp()),
    ):
        slugs = [a["slug"] for a in client.get("/api/v1/articles/").json()["results"]]
    assert slugs == [coming.slug, out.slug]


def test_lists_are_kept_under_the_parameters_they_accept_alone(
    client, settings, django_assert_num_queries, memory_cache
):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(3):
        make_article(tags=["Tour"])

    def queries(url, params=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200
        return len(captured)

    kept = ({}, {"page_size": "2"}, {"fields": "id,slug"}, {"tag": "tour"})
    answers = [client.get("/api/v1/articles/", params).json() for params in kept]
    for params, first in zip(kept, answers, strict=True):
        with django_assert_num_queries(0):
            assert client.get("/api/v1/articles/", params).json() == first
    assert [len(a["results"]) for a in answers] == [3, 2, 3, 3]
    kept_response = client.get("/api/v1/articles/")
    etag = kept_response["ETag"]
    assert client.get("/api/v1/articles/", headers={"If-None-Match": etag}).status_code == 304
    assert answers[1]["next"] and set(answers[2]["results"][0]) == {"id", "slug"}
    # Taken as another value (100, in the field list's order), unknown, or a cursor.
    for params in ({"page_size": "500"}, {"fields": "slug,id"}, {"made_up": "1"}):
        queries("/api/v1/articles/", params)
        assert queries("/api/v1/articles/", params) > 0
    following = answers[1]["next"]
    queries(following)
    assert queries(following) > 0


def test_a_list_leaves_out_the_bodies_and_mentions_unless_asked(client):
    story = make_full_story(count=2)
    url = "/api/v1/articles/"
    listed = client.get(url).json()["results"][0]
    assert listed["slug"] == story.slug and listed["bylines"] and listed["lead_image"]
    assert not {"body", "body_html", "mentions"} & set(listed)
    every = client.get(url, {"fields": "*"}).json()["results"][0]
    detail = client.get(f"{url}{story.slug}/").json()
    assert every == detail and {"body", "body_html", "mentions"} <= set(every)
    asked = client.get(url, {"fields": "slug,body_html"}).json()["results"][0]
    assert asked == {"slug": story.slug, "body_html": detail["body_html"]}
