"""/artists/: every artist A–Z with photo or monogram and published story count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from newsroom.testing import make_article, make_artist

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


def names(html):
    return re.findall(r'<span class="artist-tile-name">([^<]*)</span>', html)


def test_artists_are_listed_a_to_z_under_their_letter(client):
    for name in ("spike Jonze", "Kanye West", "Arcade Fire", "50 Cent", "Karen O"):
        make_artist(name=name)
    html = html_of(client.get("/artists/"))
    assert names(html) == ["50 Cent", "Arcade Fire", "Kanye West", "Karen O", "spike Jonze"]
    headings = re.findall(r'<h2 id="letter-\d+">([^<]*)</h2>', html)
    assert headings == ["#", "A", "K", "S"]


def test_each_artist_has_a_photo_or_monogram_and_links_to_the_profile(client):
    make_artist(name="Kanye West", slug="kanye-west")
    html = html_of(client.get("/artists/"))
    assert '<a class="artist-tile" href="/artists/kanye-west/">' in html
    assert '<img src="/photos/artists/kanye-west/96/"' in html
    assert client.get("/photos/artists/kanye-west/96/").status_code == 200


def test_story_counts_include_only_published_stories(client):
    artist = make_artist(name="Kanye West")
    make_artist(name="Nobody Yet")
    make_article(body=mention(artist))
    make_article(body=mention(artist))
    make_article(body=mention(artist), status=Article.Status.DRAFT)
    make_article(body=mention(artist), published_at=timezone.now() + timezone.timedelta(days=1))
    html = html_of(client.get("/artists/"))
    assert 'Kanye West</span>\n              <span class="artist-tile-count">2 stories' in html
    assert "No stories yet" in html


def test_a_letter_narrows_the_list(client):
    for name in ("Kanye West", "Arcade Fire", "50 Cent"):
        make_artist(name=name)
    assert names(html_of(client.get("/artists/?letter=k"))) == ["Kanye West"]
    assert names(html_of(client.get("/artists/?letter=%23"))) == ["50 Cent"]
    # Anything else is ignored rather than an error.
    assert len(names(html_of(client.get("/artists/?letter=<script>")))) == 3


def test_the_list_is_paginated(client):
    for n in range(61):
        make_artist(name=f"Artist {n:03d}")
    assert len(names(html_of(client.get("/artists/")))) == 60
    assert names(html_of(client.get("/artists/?page=2"))) == ["Artist 060"]


@pytest.mark.parametrize("count", [1, 30])
def test_queries_do_not_grow_with_artists_or_stories(client, count):
    make_artist()
    with CaptureQueriesContext(connection) as few:
        html_of(client.get("/artists/"))
    for _ in range(count):
        artist = make_artist()
        make_article(body=mention(artist))
    with CaptureQueriesContext(connection) as many:
        html_of(client.get("/artists/"))
    assert len(many.captured_queries) == len(few.captured_queries) == 2


def test_the_site_header_links_to_artists_and_projects(client):
    html = html_of(client.get("/"))
    assert '<a href="/artists/">Artists</a>' in html
    assert '<a href="/projects/">Projects</a>' in html
    html = html_of(client.get("/artists/"))
    assert '<a href="/artists/" aria-current="page">Artists</a>' in html
