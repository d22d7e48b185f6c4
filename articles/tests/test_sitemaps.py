"""Sitemaps at any size: an index of pages of at most PAGE_SIZE addresses, each with its
latest change, each page kept and purged when a story on it changes; the Google News sitemap."""

from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from events.models import Event
from newsroom.testing import (
    make_article,
    make_artist,
    make_event,
    make_project,
    sitemap_locations,
)

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(sitemaps, "PAGE_SIZE", 2)
    monkeypatch.setattr(sitemaps.PagedSitemap, "limit", 2)


def xml(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def index_entries(client):
    root = xml(client.get("/sitemap.xml"))
    return [
        (urlsplit(entry.find(f"{NS}loc").text), entry.find(f"{NS}lastmod"))
        for entry in root.iter(f"{NS}sitemap")
    ]


def test_the_index_pages_every_section_with_a_lastmod_on_every_entry(client, pages_of_two):
    stories = [make_article(body=f'[artist id="{make_artist().external_id}" /]') for _ in range(5)]
    # A review and a tour date, so that each fixed page has a latest change.
    stories.append(make_article(reviewed_project=make_project(), rating=8))
    make_event()
    make_article(status=Article.Status.DRAFT)
    entries = index_entries(client)
    assert all(lastmod is not None and lastmod.text for _, lastmod in entries)
    article_pages = sorted({sitemaps.article_page(story.pk) for story in stories})
    addresses = [(url.path, url.query) for url, _ in entries]
    assert [query for path, query in addresses if path == "/sitemap-articles.xml"] == [
        "" if number == 1 else f"p={number}" for number in article_pages
    ]
    # Five artists, two a page.
    assert [query for path, query in addresses if path == "/sitemap-artists.xml"] == [
        "",
        "p=2",
        "p=3",
    ]
    listed = sitemap_locations(client)
    for story in stories:
        assert listed.count(f"http://testserver{story.get_absolute_url()}") == 1
    for url, _ in entries:
        page = xml(client.get(url.path, {"p": url.query[2:]} if url.query else {}))
        urls = list(page.iter(f"{NS}url"))
        assert 0 < len(urls) <= 2
        assert all(url.find(f"{NS}lastmod") is not None for url in urls)


def test_an_article_page_holds_the_stories_of_its_id_range(client, pages_of_two):
    stories = [make_article() for _ in range(4)]
    last = sitemaps.article_page(stories[-1].pk)
    page = xml(client.get("/sitemap-articles.xml", {"p": last}))
    listed = [loc.text for loc in page.iter(f"{NS}loc")]
    expected = [
        f"http://testserver{story.get_absolute_url()}"
        for story in stories
        if sitemaps.article_page(story.pk) == last
    ]
    assert listed == expected


@pytest.mark.parametrize("p", ["0", "-1", "x", "999999"])
def test_a_page_that_does_not_exist_is_a_404(client, p):
    make_article()
    assert client.get("/sitemap-articles.xml", {"p": p}).status_code == 404
    assert client.get("/sitemap-artists.xml", {"p": p}).status_code == 404


def test_an_unknown_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_page_is_kept_and_purged_when_a_story_in_its_range_changes(
    client, pages_of_two, page_cache
):
    # Five stories in a row fill two pages of two whatever id they start from (ids are not
    # reused on PostgreSQL, so a page may begin at any of them).
    by_page = {}
    for story in [make_article() for _ in range(5)]:
        by_page.setdefault(sitemaps.article_page(story.pk), []).append(story)
    full = sorted(number for number, stories in by_page.items() if len(stories) == 2)
    first, last = full[0], full[-1]
    assert first != last

    def get(number):
        return client.get("/sitemap-articles.xml", {"p": number})

    assert get(first)["X-Page-Cache"] == "miss"
    assert get(last)["X-Page-Cache"] == "miss"
    assert get(first)["X-Page-Cache"] == "hit"
    # A page number written another way is answered, never kept.
    assert "X-Page-Cache" not in client.get("/sitemap-articles.xml", {"p": f"0{first}"})
    story = by_page[last][-1]
    story.status = Article.Status.DRAFT
    story.save()
    response = get(last)
    assert response["X-Page-Cache"] == "miss"
    assert story.get_absolute_url() not in response.content.decode()
    assert get(first)["X-Page-Cache"] == "hit"


def page_entries(client, section):
    """(address, lastmod text or None) of each address on the first page of a section."""
    page = xml(client.get(f"/sitemap-{section}.xml"))
    return [
        (url.find(f"{NS}loc").text, getattr(url.find(f"{NS}lastmod"), "text", None))
        for url in page.iter(f"{NS}url")
    ]


def day(value):
    return timezone.localtime(value).date().isoformat()


def test_the_index_names_the_fixed_pages_and_the_tour_dates(client):
    make_article()
    make_event()
    paths = [url.path for url, _ in index_entries(client)]
    assert "/sitemap-home.xml" in paths
    assert "/sitemap-events.xml" in paths


def test_the_fixed_pages_are_listed_with_their_latest_change(client):
    now = timezone.now()
    artist = make_artist()
    project = make_project()
    story = make_article(published_at=now - timedelta(days=1))
    review = make_article(published_at=now - timedelta(days=3), reviewed_project=project, rating=7)
    make_article(status=Article.Status.DRAFT, reviewed_project=project, rating=9)
    event = make_event(performers=[artist])
    Artist = type(artist)
    Artist.objects.filter(pk=artist.pk).update(updated_at=now - timedelta(days=5))
    type(project).objects.filter(pk=project.pk).update(updated_at=now - timedelta(days=6))
    type(event).objects.filter(pk=event.pk).update(updated_at=now - timedelta(days=2))
    assert page_entries(client, "home") == [
        ("http://testserver/", day(story.published_at)),
        ("http://testserver/reviews/", day(review.published_at)),
        # The artists' list counts published stories: it changes with each.
        ("http://testserver/artists/", day(story.published_at)),
        ("http://testserver/projects/", day(now - timedelta(days=6))),
        ("http://testserver/events/", day(now - timedelta(days=2))),
    ]


def test_the_fixed_pages_are_listed_without_a_time_when_nothing_is_on_them(client):
    assert page_entries(client, "home") == [
        ("http://testserver/", None),
        ("http://testserver/reviews/", None),
        ("http://testserver/artists/", None),
        ("http://testserver/projects/", None),
        ("http://testserver/events/", None),
    ]


def test_the_tour_dates_list_changes_when_a_date_leaves_it(client):
    now = timezone.now()
    upcoming = make_event(starts_at=now + timedelta(days=3))
    make_event(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1, hours=20))
    type(upcoming).objects.filter(pk=upcoming.pk).update(updated_at=now - timedelta(days=10))
    (events,) = [
        lastmod for loc, lastmod in page_entries(client, "home") if loc.endswith("/events/")
    ]
    assert events == day(now - timedelta(days=1, hours=20))


def test_every_tour_date_past_or_upcoming_is_listed_with_its_latest_change(client):
    now = timezone.now()
    upcoming = make_event()
    past = make_event(starts_at=now - timedelta(days=40))
    cancelled = make_event(status=Event.Status.CANCELLED)
    type(past).objects.filter(pk=past.pk).update(updated_at=now - timedelta(days=39))
    past.refresh_from_db()
    assert page_entries(client, "events") == [
        (f"http://testserver/events/{event.pk}/", day(event.updated_at))
        for event in (upcoming, past, cancelled)
    ]
    listed = sitemap_locations(client)
    for event in (upcoming, past, cancelled):
        assert listed.count(f"http://testserver{event.get_absolute_url()}") == 1


def test_a_deleted_tour_date_is_not_listed(client):
    kept, deleted = make_event(), make_event()
    address = f"http://testserver{deleted.get_absolute_url()}"
    deleted.delete()
    assert address not in sitemap_locations(client)
    assert f"http://testserver{kept.get_absolute_url()}" in sitemap_locations(client)


def test_the_tour_dates_page_and_the_index_are_purged_when_a_date_changes(client, page_cache):
    first = make_event()
    assert client.get("/sitemap-events.xml")["X-Page-Cache"] == "miss"
    assert client.get("/sitemap-events.xml")["X-Page-Cache"] == "hit"
    assert client.get("/sitemap-home.xml")["X-Page-Cache"] == "miss"
    assert client.get("/sitemap-home.xml")["X-Page-Cache"] == "hit"
    assert client.get("/sitemap.xml")["X-Page-Cache"] == "miss"
    assert client.get("/sitemap.xml")["X-Page-Cache"] == "hit"
    first.venue = "Another Hall"
    first.save()
    for address in ("/sitemap-events.xml", "/sitemap-home.xml", "/sitemap.xml"):
        assert client.get(address)["X-Page-Cache"] == "miss", address
    second = make_event()
    address = second.get_absolute_url()
    response = client.get("/sitemap-events.xml")
    assert response["X-Page-Cache"] == "miss"
    assert address in response.content.decode()
    second.delete()
    response = client.get("/sitemap-events.xml")
    assert response["X-Page-Cache"] == "miss"
    assert address not in response.content.decode()


def test_the_fixed_pages_are_purged_when_a_review_is_published(client, page_cache):
    project = make_project()
    draft = make_article(status=Article.Status.DRAFT, reviewed_project=project, rating=6)
    assert ("http://testserver/reviews/", None) in page_entries(client, "home")
    assert client.get("/sitemap-home.xml")["X-Page-Cache"] == "hit"
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    reviews = ("http://testserver/reviews/", day(draft.published_at))
    assert reviews in page_entries(client, "home")


def news_items(client):
    root = xml(client.get("/sitemap-news.xml"))
    return [
        (
            url.find(f"{NS}loc").text,
            url.find(f"{NEWS}news/{NEWS}title").text,
            url.find(f"{NEWS}news/{NEWS}publication_date").text,
            url.find(f"{NEWS}news/{NEWS}publication/{NEWS}name").text,
            url.find(f"{NEWS}news/{NEWS}publication/{NEWS}language").text,
        )
        for url in root.iter(f"{NS}url")
    ]


def test_the_news_sitemap_lists_the_last_two_days_stories_newest_first(client, settings):
    now = timezone.now().replace(microsecond=0)
    settings.SITE_NAME = "MTV News"
    recent = make_article(
        headline="Kanye West & Spike Jonze <Short Film>", published_at=now - timedelta(hours=1)
    )
    older = make_article(published_at=now - timedelta(hours=47))
    make_article(published_at=now - timedelta(hours=49))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    items = news_items(client)
    assert [item[0] for item in items] == [
        f"http://testserver{recent.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]
    assert items[0][1] == "Kanye West & Spike Jonze <Short Film>"
    assert items[0][3:] == ("MTV News", "en")
    assert items[0][2] == timezone.localtime(recent.published_at).isoformat()


def test_the_news_sitemap_holds_at_most_its_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_MOST", 2)
    stories = [make_article() for _ in range(3)]
    assert len(news_items(client)) == 2
    assert stories[0].get_absolute_url() not in client.get("/sitemap-news.xml").content.decode()


def test_the_news_sitemap_is_purged_when_a_story_is_published(client, page_cache):
    assert news_items(client) == []
    assert client.get("/sitemap-news.xml")["X-Page-Cache"] == "hit"
    make_article(headline="Kanye West, Spike Jonze collaborate")
    assert [item[1] for item in news_items(client)] == ["Kanye West, Spike Jonze collaborate"]
