import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from newsroom.testing import make_article, make_artist, make_contributor, make_project
from projects.models import Credit, MediaProject, ProjectRelation

pytestmark = pytest.mark.django_db

DRAFT = {"status": Article.Status.DRAFT}


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed_story", verbosity=0)


def test_seed_short_film_shows_kind_status_release_running_time_and_shoot(client, seeded):
    html = html_of(client.get("/projects/kanye-west-spike-jonze-short-film/"))
    assert "Short film &middot; In post-production" in html
    assert "<dt>Release</dt><dd>No set release date</dd>" in html
    assert "<dt>Running time</dt><dd>10\u201315 min</dd>" in html
    assert "Two days at the end of January 2009" in html
    assert "<dt>Location</dt><dd>Los Angeles</dd>" in html
    assert 'Director: <a href="/artists/spike-jonze/">Spike Jonze</a>' in html
    assert 'Producer: <a href="/artists/vincent-landay/">Vincent Landay</a>' in html


def test_seed_film_lists_the_song_featured_in_it(client, seeded):
    html = html_of(client.get("/projects/kanye-west-spike-jonze-short-film/"))
    featured = html[html.index("<h3>Music featured</h3>") :]
    assert 'href="/projects/see-you-in-my-nightmares/"' in featured


def test_seed_song_names_the_album_it_is_on(client, seeded):
    html = html_of(client.get("/projects/see-you-in-my-nightmares/"))
    assert "is a track on" in html
    assert 'href="/projects/808s-heartbreak/">808s &amp; Heartbreak</a>' in html


def test_album_lists_its_tracks_in_track_order(client, seeded):
    html = html_of(client.get("/projects/808s-heartbreak/"))
    tracks = html[html.index('<ol class="tracks">') :]
    order = ["Welcome to Heartbreak", "Amazing", "Paranoid", "See You in My Nightmares"]
    assert sorted(order, key=tracks.index) == order
    assert '<li value="10">' in tracks


def test_release_date_and_shoot_dates_are_machine_readable(client):
    project = make_project(
        release_date=datetime.date(2009, 10, 16),
        shot_from=datetime.date(2008, 4, 1),
        shot_until=datetime.date(2008, 9, 30),
    )
    html = html_of(client.get(project.get_absolute_url()))
    assert '<time datetime="2009-10-16">October 16, 2009</time>' in html
    assert '<time datetime="2008-04-01">April 1, 2008</time>' in html
    assert '<time datetime="2008-09-30">' in html


def test_coverage_lists_only_published_articles_about_or_mentioning_the_project(client):
    project = make_project(slug="the-album")
    about = make_article(headline="About it")
    about.related_projects.add(project)
    make_article(headline="Mentions it", body='[project slug="the-album"]The Album[/project]')
    draft = make_article(headline="Draft about it", **DRAFT)
    draft.related_projects.add(project)
    scheduled = make_article(
        headline="Scheduled about it", published_at=timezone.now() + timezone.timedelta(days=1)
    )
    scheduled.related_projects.add(project)
    html = html_of(client.get("/projects/the-album/"))
    coverage = html[html.index("Coverage") :]
    assert "About it" in coverage
    assert "Mentions it" in coverage
    assert "Draft about it" not in html
    assert "Scheduled about it" not in html


def test_coverage_is_paginated_without_duplicates(client):
    project = make_project(slug="the-album")
    for day in range(11):
        article = make_article(
            body='[project slug="the-album"]it[/project]',
            published_at=timezone.now() - timezone.timedelta(days=day + 1),
        )
        article.related_projects.add(project)
    assert html_of(client.get("/projects/the-album/")).count('class="article-teaser"') == 10
    assert html_of(client.get("/projects/the-album/?page=2")).count('class="article-teaser"') == 1
    assert client.get("/projects/the-album/?page=abc").status_code == 404


def test_unknown_project_is_not_found(client):
    assert client.get("/projects/nothing/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_project_page_queries_do_not_grow_with_credits_relations_or_coverage(
    client, count, django_assert_num_queries
):
    album = make_project(slug="the-album", kind=MediaProject.Kind.ALBUM)
    film = make_project(kind=MediaProject.Kind.FEATURE_FILM)
    ProjectRelation.objects.create(source=album, relation="soundtrack_of", target=film)
    for n in range(count):
        Credit.objects.create(project=album, artist=make_artist(), role="performer")
        song = make_project(kind=MediaProject.Kind.SONG)
        ProjectRelation.objects.create(source=song, relation="track_on", target=album, position=n)
        # Each a review of the album as well: listed under its reviews and its coverage.
        article = make_article(
            contributors=[make_contributor()], reviewed_project=album, rating=Decimal("7.5")
        )
        article.related_projects.add(album)
    # Project, credits with artists, outgoing and incoming relations with their projects,
    # the reviews' ids, count, ids, the stories, bylines (the reviews' and the coverage's
    # teasers are the same); when the next scheduled story goes live.
    with django_assert_num_queries(10):
        html = html_of(client.get("/projects/the-album/"))
    assert html.count('class="article-teaser"') == 2 * min(count, 10)
    # Then the project with its credits and relations, the count and the teasers are kept:
    # the stories' ids alone.
    with django_assert_num_queries(1):
        assert html_of(client.get("/projects/the-album/")) == html
