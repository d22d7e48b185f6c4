"""The API over HTTP: kept and purged like pages, validators and 304s, CORS, no session or
CSRF, the rate limit, JSON errors."""

import pytest
from django.core.cache import cache

from articles.models import Correction
from newsroom.testing import make_article, make_artist

pytestmark = pytest.mark.django_db


def test_responses_are_kept_and_purged_by_what_they_show(client, page_cache):
    story = make_article()
    url = f"/api/v1/articles/{story.slug}/"
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "s-maxage=60" in first["Cache-Control"]
    assert client.get(url)["X-Page-Cache"] == "hit"
    listed = client.get("/api/v1/articles/", {"fields": "slug,corrections"})
    assert client.get("/api/v1/articles/", {"fields": "slug,corrections"})["X-Page-Cache"] == "hit"
    Correction.objects.create(article=story, text="A fix.")
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss"
    assert again.json()["corrections"][0]["text"] == "A fix."
    relisted = client.get("/api/v1/articles/", {"fields": "slug,corrections"})
    assert relisted["X-Page-Cache"] == "miss" and relisted.content != listed.content


def test_a_renamed_artist_purges_the_stories_that_name_them(client, page_cache):
    singer = make_artist(name="Old Name")
    story = make_article(body=f'[artist id="{singer.external_id}"]x[/artist]')
    url = f"/api/v1/articles/{story.slug}/"
    assert client.get(url).json()["mentions"]["artists"][0]["name"] == "Old Name"
    singer.name = "New Name"
    singer.save()
    assert client.get(url).json()["mentions"]["artists"][0]["name"] == "New Name"


def test_conditional_requests_get_304(client, page_cache):
    story = make_article()
    url = f"/api/v1/articles/{story.slug}/"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = first["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304


def test_cross_origin_reads_without_credentials(client, page_cache):
    story = make_article()
    url = f"/api/v1/articles/{story.slug}/"
    for _ in range(2):  # served by the view, then from the page cache
        response = client.get(url, headers={"Origin": "https://partner.example"})
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        url,
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # The site's own pages are not opened to other origins.
    page = client.get(story.get_absolute_url(), headers={"Origin": "https://partner.example"})
    assert "Access-Control-Allow-Origin" not in page


def test_no_session_no_csrf_and_no_writes(client, django_user_model):
    story = make_article()
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(staff)
    response = csrf_client.post(f"/api/v1/articles/{story.slug}/", {"headline": "Hijacked"})
    assert response.status_code == 405
    assert response.json()["detail"]
    response = client.get("/api/v1/articles/")
    assert not response.cookies
    story.refresh_from_db()
    assert story.headline != "Hijacked"


def test_unknown_addresses_are_json_404(client):
    for url in ("/api/v1/nothing/", "/api/v1/articles/no-such-story/", "/api/v1/images/999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(client, settings, page_cache):
    settings.API_RATE_LIMIT = "3/minute"
    cache.clear()
    story = make_article()
    url = f"/api/v1/articles/{story.slug}/"
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]  # the last two from the page cache, counted all the same
    refused = client.get(url, headers={"Origin": "https://partner.example"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Too many requests")
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Another client is not limited.
    assert client.get(url, REMOTE_ADDR="192.0.2.9").status_code == 200
    # Pages are not limited.
    assert client.get(story.get_absolute_url()).status_code == 200


def test_lists_are_kept_only_under_parameters_they_accept(client, page_cache):
    make_article(tags=["Tour"])
    make_article(tags=["Tour"])

    def kept(params):
        client.get("/api/v1/articles/", params)
        return client.get("/api/v1/articles/", params).get("X-Page-Cache") == "hit"

    assert kept({"tag": "tour", "page_size": "1", "fields": "id,slug"})
    assert kept({"updated_since": "2026-01-31T12:00:00Z"})
    assert not kept({"page_size": "500"})  # taken as 100
    assert not kept({"fields": "slug,id"})  # not in the field list's order
    assert not kept({"tag": "no-such-tag"})
    assert not kept({"made_up": "1"})
    following = client.get("/api/v1/articles/", {"page_size": "1"}).json()["next"]
    assert client.get(following).status_code == 200
    assert client.get(following).get("X-Page-Cache") is None  # cursors are not kept
