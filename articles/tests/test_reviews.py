"""Reviews: a story reviewing a project, with a score on one scale for the site."""

import json
import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from newsroom.testing import (
    make_article,
    make_artist,
    make_contributor,
    make_image,
    make_project,
    make_review,
    post_change_form,
)
from newsroom.tests.schemaorg import problems
from projects.models import Credit, MediaProject

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def days_ago(days):
    return timezone.now() - timezone.timedelta(days=days)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def teaser_headlines(html):
    return re.findall(r'class="article-teaser-headline"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def album():
    """808s & Heartbreak as the seed story has it: Kanye West's album on Island Def Jam."""
    project = make_project(
        title="808s & Heartbreak",
        kind=MediaProject.Kind.ALBUM,
        label="Island Def Jam",
        release_date=date(2008, 11, 24),
        status=MediaProject.Status.RELEASED,
    )
    kanye = make_artist(name="Kanye West", slug="kanye-west", external_id=1230523)
    Credit.objects.create(project=project, artist=kanye, role="performer")
    return project


@pytest.fixture
def full_review(album):
    """A review with every relation a story has: bylines, tags, a correction, a lead photo, a
    body photo, an embed, an artist and a project named in the body, a related project."""
    kanye = album.credits.get().artist
    photo = make_image(size=(40, 30))
    body = (
        f'[artist id="{kanye.external_id}"]Kanye West[/artist] on '
        f'[project slug="{album.slug}"]808s & Heartbreak[/project].\n\n'
        f'[image id="{photo.pk}" /]\n\n'
        '[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]'
    )
    review = make_review(
        project=album,
        rating="8.4",
        headline="Review: 808s & Heartbreak",
        body=body,
        contributors=[make_contributor(name="MTV News", is_organization=True)],
        tags=["808s & Heartbreak"],
        lead_image=make_image(size=(40, 30)),
    )
    review.related_projects.set([album])
    Correction.objects.create(article=review, text="A correction.")
    return review


# The model and the form


def test_a_score_without_a_reviewed_project_is_refused_by_the_database(db):
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(rating=Decimal("7.0"))


@pytest.mark.parametrize("rating", ["10.1", "-0.1"])
def test_a_score_off_the_scale_is_refused_by_the_database(db, rating):
    review = make_review()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=review.pk).update(rating=Decimal(rating))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10.5", "less than or equal to 10.0"),
        ("-1", "greater than or equal to 0.0"),
        ("8.45", "no more than 1 decimal place"),
        ("eight", "Enter a number"),
        ("100", "no more than 2 digits before the decimal point"),
    ],
)
def test_admin_refuses_a_score_off_the_scale_and_keeps_what_was_typed(admin_client, typed, message):
    review = make_review(rating="7.0")
    response = post_change_form(admin_client, review, rating=typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html
    review.refresh_from_db()
    assert review.rating == Decimal("7.0")


def test_admin_refuses_a_score_without_the_reviewed_project(admin_client):
    article = make_article()
    response = post_change_form(admin_client, article, rating="8.4")
    assert response.status_code == 200
    assert "A score needs the project it reviews" in response.content.decode()
    article.refresh_from_db()
    assert article.rating is None


def test_admin_saves_a_review_with_its_project_and_score(admin_client, album):
    article = make_article()
    response = post_change_form(admin_client, article, reviewed_project=str(album.pk), rating="10")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.reviewed_project, article.rating) == (album, Decimal("10.0"))
    assert article.is_review


# The review's page


def test_review_page_shows_the_score_with_what_is_reviewed(client, full_review):
    html = page(client, full_review.get_absolute_url())
    box = html[html.index('class="review-box"') : html.index("</aside>")]
    assert '<span class="score">8.4</span>' in box
    assert "Album review" in box
    assert ">808s &amp; Heartbreak</a>" in box
    assert 'By <a href="/artists/kanye-west/">Kanye West</a>' in box
    assert "Island Def Jam" in box
    assert '<time datetime="2008-11-24">November 24, 2008</time>' in box
    # Under the headline, above the story.
    assert html.index("<h1>") < html.index('class="review-box"') < html.index("article-body")


def test_film_review_names_its_director(client):
    film = make_project(kind=MediaProject.Kind.SHORT_FILM, title="A Short")
    Credit.objects.create(project=film, artist=make_artist(name="Dee Rector"), role="director")
    html = page(client, make_review(project=film, rating="6.0").get_absolute_url())
    assert "Short film review" in html
    assert re.search(r'Directed by <a href="[^"]+">Dee Rector</a>', html)


def test_review_without_a_score_shows_its_project_without_one(client, album):
    html = page(client, make_review(project=album, rating=None).get_absolute_url())
    assert 'class="review-box"' in html
    assert 'class="review-score"' not in html


def test_a_new_credit_on_the_reviewed_project_shows_on_the_review(client, album):
    review = make_review(project=album)
    page(client, review.get_absolute_url())
    Credit.objects.create(project=album, artist=make_artist(name="Kid Cudi"), role="performer")
    assert "Kid Cudi" in page(client, review.get_absolute_url())


@pytest.mark.parametrize("reviews", [1, 50])
def test_review_page_costs_one_query_more_than_the_same_story_unreviewed(
    client, reviews, full_review, django_assert_max_num_queries, django_assert_num_queries
):
    for _ in range(reviews - 1):
        make_review(project=full_review.reviewed_project)
    Article.objects.filter(pk=full_review.pk).update(reviewed_project=None, rating=None)
    with django_assert_max_num_queries(100) as plain:
        page(client, full_review.get_absolute_url())
    Article.objects.filter(pk=full_review.pk).update(
        reviewed_project=full_review.reviewed_project, rating=Decimal("8.4")
    )
    cache.clear()
    # An empty cache: what the story costs, and the credits of the project it reviews.
    with django_assert_num_queries(len(plain.captured_queries) + 1):
        html = page(client, full_review.get_absolute_url())
    assert '<span class="score">8.4</span>' in html
    with django_assert_num_queries(0):
        assert page(client, full_review.get_absolute_url()) == html


# JSON-LD


def test_review_json_ld_is_a_review_of_the_album_with_its_rating(client, full_review):
    data = json_ld(page(client, full_review.get_absolute_url()))
    assert data["@type"] == ["NewsArticle", "Review"]
    item = data["itemReviewed"]
    assert item["@type"] == "MusicAlbum"
    assert item["name"] == "808s & Heartbreak"
    assert item["datePublished"] == "2008-11-24"
    assert [artist["name"] for artist in item["byArtist"]] == ["Kanye West"]
    assert item["url"].endswith(full_review.reviewed_project.get_absolute_url())
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 8.4,
        "bestRating": 10.0,
        "worstRating": 0.0,
    }
    assert [author["name"] for author in data["author"]] == ["MTV News"]
    assert problems(data) == []


@pytest.mark.parametrize(
    ("kind", "schema_type", "role", "key"),
    [
        (MediaProject.Kind.ALBUM, "MusicAlbum", "performer", "byArtist"),
        (MediaProject.Kind.EP, "MusicAlbum", "performer", "byArtist"),
        (MediaProject.Kind.SONG, "MusicRecording", "performer", "byArtist"),
        (MediaProject.Kind.FEATURE_FILM, "Movie", "director", "director"),
        (MediaProject.Kind.SHORT_FILM, "Movie", "director", "director"),
        (MediaProject.Kind.DOCUMENTARY, "Movie", "director", "director"),
        (MediaProject.Kind.MUSIC_VIDEO, "MusicVideoObject", "director", "creator"),
        (MediaProject.Kind.TOUR, "CreativeWork", "performer", "creator"),
    ],
)
def test_item_reviewed_is_typed_by_kind_and_valid_schema_org(client, kind, schema_type, role, key):
    project = make_project(kind=kind, release_year=2009)
    Credit.objects.create(project=project, artist=make_artist(name="Maker"), role=role)
    data = json_ld(page(client, make_review(project=project).get_absolute_url()))
    assert data["itemReviewed"]["@type"] == schema_type
    assert data["itemReviewed"]["datePublished"] == "2009"
    assert [person["name"] for person in data["itemReviewed"][key]] == ["Maker"]
    assert problems(data) == []


def test_project_and_artist_json_ld_are_valid_schema_org(client, full_review):
    album = full_review.reviewed_project
    track = make_project(kind=MediaProject.Kind.SONG, title="Paranoid")
    album.incoming_relations.create(source=track, relation="track_on", position=1)
    for url in (album.get_absolute_url(), track.get_absolute_url(), "/artists/kanye-west/"):
        assert problems(json_ld(page(client, url))) == [], url


def test_the_vocabulary_check_finds_what_schema_org_lacks():
    assert problems({"@type": "Review", "ratingValue": 3}) == [
        "$.ratingValue: 'ratingValue' does not apply to Review"
    ]
    assert problems({"@type": "MusicAlbum", "byArtists": []}) == [
        "$.byArtists: property 'byArtists' is not in schema.org"
    ]
    assert problems({"@type": "Album"}) == ["$: type 'Album' is not in schema.org"]


# Teasers


def test_teasers_show_the_score_on_every_list(client, album):
    review = make_review(project=album, rating="9.1", tags=["Reviews"])
    make_article(headline="Plain news", tags=["Reviews"])
    for url in ("/", "/tags/reviews/", "/search/?q=Headline", "/reviews/"):
        html = page(client, url)
        assert '<span class="score">9.1</span>' in html, url
        assert html.count('class="teaser-score"') == 1, url
    assert review.headline in page(client, "/reviews/")


def test_a_changed_score_shows_on_kept_teasers(client, page_cache):
    review = make_review(rating="6.5")
    assert '<span class="score">6.5</span>' in page(client, "/")
    review.rating = Decimal("7.5")
    review.save()
    html = page(client, "/")
    assert '<span class="score">7.5</span>' in html
    assert "6.5" not in html


# /reviews/


def test_reviews_lists_published_reviews_newest_first(client):
    older = make_review(headline="Older review", published_at=days_ago(3))
    newer = make_review(headline="Newer review", published_at=days_ago(1))
    make_article(headline="Not a review")
    make_review(headline="Draft review", status=Article.Status.DRAFT)
    make_review(headline="Future review", published_at=timezone.now() + timezone.timedelta(1))
    assert teaser_headlines(page(client, "/reviews/")) == [newer.headline, older.headline]


def test_reviews_filter_by_kind_and_score_band(client):
    film = make_project(kind=MediaProject.Kind.FEATURE_FILM)
    make_review(headline="Great album", rating="9.3")
    make_review(headline="Good album", rating="8.0")
    make_review(headline="Great film", project=film, rating="9.0")
    make_review(headline="Weak film", project=film, rating="4.9")
    assert teaser_headlines(page(client, "/reviews/?kind=feature_film")) == [
        "Weak film",
        "Great film",
    ]
    assert teaser_headlines(page(client, "/reviews/?score=9")) == ["Great film", "Great album"]
    assert teaser_headlines(page(client, "/reviews/?kind=album&score=8")) == ["Good album"]
    assert teaser_headlines(page(client, "/reviews/?score=0")) == ["Weak film"]
    html = page(client, "/reviews/?kind=album&score=7")
    assert teaser_headlines(html) == []
    assert "No reviews match these choices yet." in html
    # What the reader chose stays chosen.
    assert '<option value="album" selected>' in html
    assert '<option value="7" selected>' in html


def test_reviews_ignore_an_unknown_kind_or_band(client):
    make_review(headline="Any review")
    for query in ("kind=opera", "score=11", "score=%3Cb%3E"):
        assert teaser_headlines(page(client, f"/reviews/?{query}")) == ["Any review"]


def test_reviews_page_is_kept_per_filter_and_purged_by_a_new_review(client, page_cache):
    make_review(headline="First review")
    assert client.get("/reviews/?score=8").headers["X-Page-Cache"] == "miss"
    assert client.get("/reviews/?score=8").headers["X-Page-Cache"] == "hit"
    make_review(headline="Second review", rating="8.8")
    html = page(client, "/reviews/?score=8")
    assert teaser_headlines(html) == ["Second review", "First review"]


@pytest.mark.parametrize("count", [1, 50])
def test_reviews_page_queries_do_not_grow_with_reviews(client, count, django_assert_num_queries):
    writer = make_contributor()
    for n in range(count):
        make_review(contributors=[writer], published_at=days_ago(n + 1))
    # The kept count, its ids, the stories whose teasers are not kept and their bylines, the
    # time the next scheduled story goes live.
    with django_assert_num_queries(5):
        html = page(client, "/reviews/")
    assert html.count('class="teaser-score"') == min(count, 20)
    with django_assert_num_queries(1):  # the ids of the page's stories
        page(client, "/reviews/")


def test_reviews_feeds_list_reviews_with_their_scores(client):
    make_article(headline="Plain news")
    make_review(headline="A review", rating="7.7")
    response = client.get(reverse("articles:reviews-rss"))
    channel = ElementTree.fromstring(response.content).find("channel")
    items = list(channel.iter("item"))
    assert [item.findtext("title") for item in items] == ["A review (7.7/10)"]
    assert "Score: 7.7 out of 10" in items[0].findtext("description")
    feed = ElementTree.fromstring(client.get(reverse("articles:reviews-atom")).content)
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == ["A review (7.7/10)"]
    html = page(client, "/reviews/")
    assert 'href="/feeds/reviews/"' in html and 'href="/feeds/reviews/atom/"' in html


# Artist and project pages


def test_project_and_artist_pages_list_their_reviews(client, album):
    review = make_review(project=album, headline="The album, reviewed")
    make_review(headline="Someone else's album")
    for url in (album.get_absolute_url(), "/artists/kanye-west/"):
        html = page(client, url)
        section = html[html.index('class="subject-reviews"') :]
        assert teaser_headlines(section)[:1] == [review.headline], url
        assert "Someone else" not in html


def test_artist_page_follows_reviews_of_their_work(client, album, page_cache):
    kanye = album.credits.get().artist
    other = make_project()
    review = make_review(project=other, headline="Moved review")
    assert "Moved review" not in page(client, kanye.get_absolute_url())
    # Now about one of his albums: his page shows it at once.
    review.reviewed_project = album
    review.save()
    assert "Moved review" in page(client, kanye.get_absolute_url())
    # And about another's again: it leaves his page.
    review.reviewed_project = other
    review.save()
    assert "Moved review" not in page(client, kanye.get_absolute_url())
    # A credit on the reviewed project brings it back.
    Credit.objects.create(project=other, artist=kanye, role="producer")
    assert "Moved review" in page(client, kanye.get_absolute_url())


@pytest.mark.parametrize("count", [1, 50])
def test_reviews_feed_queries_do_not_grow_with_reviews(client, count, django_assert_num_queries):
    writer = make_contributor()
    for n in range(count):
        make_review(contributors=[writer], tags=["Reviews"], published_at=days_ago(n + 1))
    # The reviews, bylines, tags, corrections, and the records their bodies link to (none).
    with django_assert_num_queries(4):
        response = client.get(reverse("articles:reviews-rss"))
    items = list(ElementTree.fromstring(response.content).find("channel").iter("item"))
    assert len(items) == min(count, 20)


def test_the_reviews_page_reads_the_reviews_index_not_every_story(client):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL's depend on its statistics")
    make_review()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/reviews/").status_code == 200
    reviews = [
        q["sql"]
        for q in captured.captured_queries
        if '"reviewed_project_id" IS NOT NULL' in q["sql"]
    ]
    assert reviews
    plans = []
    with connection.cursor() as cursor:
        for sql in reviews:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN articles_article" not in plan, plan
            plans.append(plan)
    assert any("article_review_idx" in plan for plan in plans), plans
