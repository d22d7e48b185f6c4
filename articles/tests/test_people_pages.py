import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import Article
from newsroom.testing import make_article, make_artist, make_contributor, make_project
from people.models import Discipline
from projects.models import Credit, MediaProject

pytestmark = pytest.mark.django_db

DRAFT = {"status": Article.Status.DRAFT}


def future():
    return {"published_at": timezone.now() + timezone.timedelta(days=1)}


def days_ago(days):
    return timezone.now() - timezone.timedelta(days=days)


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def credit(artist, role="performer", **project_fields):
    project = make_project(**project_fields)
    Credit.objects.create(project=project, artist=artist, role=role)
    return project


# Artist page


def test_artist_page_shows_profile_photo_and_disciplines(client):
    artist = make_artist(name="Jane Doe", slug="jane-doe", summary="Sings.", bio="Line one.")
    artist.disciplines.add(Discipline.objects.create(name="Musician", slug="musician"))
    html = html_of(client.get("/artists/jane-doe/"))
    assert "<h1>Jane Doe</h1>" in html
    assert '<p class="disciplines">Musician</p>' in html
    assert "Sings." in html and "<p>Line one.</p>" in html
    assert 'src="/photos/artists/jane-doe/320/" alt="Monogram of Jane Doe"' in html


def test_artist_projects_are_grouped_by_kind_with_roles_newest_first(client):
    artist = make_artist(slug="jane-doe")
    old = credit(artist, title="Old Album", kind=MediaProject.Kind.ALBUM, release_year=2001)
    new = credit(
        artist,
        title="New Album",
        kind=MediaProject.Kind.ALBUM,
        release_date=datetime.date(2020, 5, 1),
    )
    upcoming = credit(artist, title="Next Album", kind=MediaProject.Kind.ALBUM)
    film = credit(artist, role="director", title="A Film", kind=MediaProject.Kind.SHORT_FILM)
    Credit.objects.create(project=film, artist=artist, role="producer")
    html = html_of(client.get("/artists/jane-doe/"))
    projects = html[html.index('id="projects-title"') :]
    assert projects.index("<h3>Albums</h3>") < projects.index("<h3>Short films</h3>")
    albums = projects[: projects.index("<h3>Short films</h3>")]
    assert albums.index(upcoming.title) < albums.index(new.title) < albums.index(old.title)
    films = projects[projects.index("<h3>Short films</h3>") :]
    assert films.count(film.title) == 1
    assert "Director, Producer" in films


def test_artist_page_lists_only_published_articles_mentioning_the_artist(client):
    artist = make_artist(slug="jane-doe")
    make_article(headline="About her", body=mention(artist))
    make_article(headline="Draft about her", body=mention(artist), **DRAFT)
    make_article(headline="Future about her", body=mention(artist), **future())
    make_article(headline="About someone else")
    html = html_of(client.get("/artists/jane-doe/"))
    assert "About her" in html
    assert "Draft about her" not in html
    assert "Future about her" not in html
    assert "About someone else" not in html


def test_artist_articles_are_paginated(client):
    artist = make_artist(slug="jane-doe")
    for day in range(12):
        make_article(body=mention(artist), published_at=days_ago(day + 1))
    assert html_of(client.get("/artists/jane-doe/")).count('class="article-teaser"') == 10
    assert html_of(client.get("/artists/jane-doe/?page=2")).count('class="article-teaser"') == 2
    assert client.get("/artists/jane-doe/?page=3").status_code == 404
    assert client.get("/artists/jane-doe/?page=abc").status_code == 404


def test_artist_page_links_the_artist_feeds(client):
    make_artist(slug="jane-doe")
    html = html_of(client.get("/artists/jane-doe/"))
    assert '<a href="/feeds/artists/jane-doe/">RSS</a>' in html
    assert 'href="/feeds/artists/jane-doe/atom/"' in html


def test_unknown_artist_is_not_found(client):
    assert client.get("/artists/nobody/").status_code == 404


def test_artist_page_escapes_user_text(client):
    make_artist(slug="jane-doe", name="<script>x</script>", summary='"><img src=x>')
    html = html_of(client.get("/artists/jane-doe/"))
    assert "<script>x</script>" not in html
    assert "<img src=x>" not in html


@pytest.mark.parametrize("count", [1, 15])
def test_artist_page_queries_do_not_grow_with_projects_or_articles(
    client, count, django_assert_num_queries
):
    artist = make_artist(slug="jane-doe")
    for n in range(count):
        artist.disciplines.add(Discipline.objects.create(name=f"Skill {n}", slug=f"skill-{n}"))
        project = credit(artist, kind=list(MediaProject.Kind)[n % len(MediaProject.Kind)])
        # Each a review of their work as well: listed under their reviews and in the news.
        make_article(
            body=mention(artist),
            contributors=[make_contributor()],
            reviewed_project=project,
            rating=Decimal("6.5"),
        )
    # Artist, disciplines, credits with their projects, the reviews' ids, count, ids, the
    # stories, bylines (the reviews' and the news' teasers are the same); when the next
    # scheduled story goes live; the upcoming tour dates (none).
    with django_assert_num_queries(10):
        html = html_of(client.get("/artists/jane-doe/"))
    assert html.count('class="teaser-score"') == 2 * min(count, 10)
    # Then the artist with their disciplines and credits, their dates, the reviews' ids, the
    # count and the teasers are kept: the stories' ids alone.
    with django_assert_num_queries(1):
        assert html_of(client.get("/artists/jane-doe/")) == html


# Contributor page


def test_contributor_page_lists_only_their_published_articles(client):
    writer = make_contributor(name="Ann Writer", slug="ann", role="Staff writer")
    make_article(headline="Her story", contributors=[writer])
    make_article(headline="Her draft", contributors=[writer], **DRAFT)
    make_article(headline="Her scheduled story", contributors=[writer], **future())
    make_article(headline="Someone else's story", contributors=[make_contributor()])
    html = html_of(client.get("/contributors/ann/"))
    assert "<h1>Ann Writer</h1>" in html
    assert "Staff writer" in html
    assert "Her story" in html
    assert "Her draft" not in html
    assert "Her scheduled story" not in html
    assert "Someone else" not in html


def test_contributor_articles_are_paginated(client):
    writer = make_contributor(slug="ann")
    for day in range(11):
        make_article(contributors=[writer], published_at=days_ago(day + 1))
    assert html_of(client.get("/contributors/ann/?page=2")).count('class="article-teaser"') == 1
    assert client.get("/contributors/ann/?page=9").status_code == 404


def test_unknown_contributor_is_not_found(client):
    assert client.get("/contributors/nobody/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_contributor_page_queries_do_not_grow_with_articles(
    client, count, django_assert_num_queries
):
    writer = make_contributor(slug="ann")
    for _ in range(count):
        make_article(contributors=[writer, make_contributor()])
    # Contributor, count, ids, the stories, bylines; when the next scheduled story goes live.
    with django_assert_num_queries(6):
        html = html_of(client.get("/contributors/ann/"))
    # Then the contributor, the count and the teasers are kept: the stories' ids alone.
    with django_assert_num_queries(1):
        assert html_of(client.get("/contributors/ann/")) == html
