import re

import html5lib
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.views import RELATED_ARTICLES
from newsroom.testing import (
    make_article,
    make_artist,
    make_contributor,
    make_image,
    make_project,
)
from projects.models import Credit

pytestmark = pytest.mark.django_db

SEED_SLUG = "kanye-west-spike-jonze-collaborate-on-short-film"
DRAFT = {"status": Article.Status.DRAFT}


def future():
    return {"published_at": timezone.now() + timezone.timedelta(days=1)}


def days_ago(days):
    return timezone.now() - timezone.timedelta(days=days)


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def article_page(client, article):
    return html_of(client.get(article.get_absolute_url()))


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed_story", verbosity=0)


# Home


def test_home_leads_with_the_newest_story_then_the_latest(client):
    older = make_article(headline="Older story", published_at=days_ago(2))
    newest = make_article(headline="Newest story")
    html = html_of(client.get("/"))
    lead = html[html.index('class="lead-story"') :]
    assert lead.index(newest.headline) < lead.index(older.headline)
    assert html.count('class="lead-story"') == 1


def test_home_second_page_has_no_lead_story(client):
    for day in range(25):
        make_article(published_at=days_ago(day + 1))
    html = html_of(client.get("/?page=2"))
    assert 'class="lead-story"' not in html
    assert html.count('class="article-teaser"') == 5


def test_home_hides_drafts_and_future_articles(client):
    make_article(headline="Secret draft", **DRAFT)
    make_article(headline="Tomorrow's news", **future())
    html = html_of(client.get("/"))
    assert "Secret draft" not in html
    assert "Tomorrow" not in html


@pytest.mark.parametrize("page", ["abc", "0", "99", "-1"])
def test_invalid_or_out_of_range_page_is_not_found(client, page):
    make_article()
    assert client.get(f"/?page={page}").status_code == 404


def test_pagination_marks_the_current_page_and_links_neighbours(client):
    for day in range(45):
        make_article(published_at=days_ago(day + 1))
    html = html_of(client.get("/?page=2"))
    nav = html[html.index('<nav class="pagination"') :]
    assert 'aria-label="Pages"' in nav
    assert re.search(r'<a href="\?page=2" aria-current="page">', nav)
    assert 'rel="prev" href="?page=1"' in nav
    assert 'rel="next" href="?page=3"' in nav
    assert nav.count('aria-current="page"') == 1


def test_kept_counts_follow_saves_links_and_the_clock(client):
    """The number of stories a list counts for its pages is kept between views (the page cache
    is off here); a new story, a new link to the list's subject, unpublishing and a scheduled
    story's time coming each change the pages at the next view."""
    import time

    for day in range(20):
        make_article(tags=["Tour"], published_at=days_ago(day + 1))
    assert client.get("/?page=2").status_code == 404
    assert client.get("/tags/tour/?page=3").status_code == 404

    newest = make_article()
    assert client.get("/?page=2").status_code == 200
    newest.tags.add("Tour")
    assert html_of(client.get("/tags/tour/?page=3")).count('class="article-teaser"') == 1
    newest.status = Article.Status.DRAFT
    newest.save()
    assert client.get("/?page=2").status_code == 404
    assert client.get("/tags/tour/?page=3").status_code == 404

    make_article(published_at=timezone.now() + timezone.timedelta(seconds=2))
    assert client.get("/?page=2").status_code == 404
    time.sleep(2.2)
    assert client.get("/?page=2").status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_home_queries_do_not_grow_with_articles(client, count, django_assert_num_queries):
    writer = make_contributor()
    for _ in range(count):
        make_article(contributors=[writer, make_contributor()], tags=["News"])
    # Count, the stories' ids, the stories whose teaser is not kept, their bylines with their
    # contributors; when the next scheduled story goes live (once per change to any story).
    with django_assert_num_queries(5):
        html = html_of(client.get("/"))
    # Then the count is kept, and the teasers: the stories' ids alone.
    with django_assert_num_queries(1):
        assert html_of(client.get("/")) == html
    assert html.count('class="article-teaser"') == count


# Article


def test_article_shows_byline_links_dates_and_tag_links(client):
    writer = make_contributor(name="Ann Writer", slug="ann-writer")
    article = make_article(contributors=[writer], tags=["Hip hop"], published_at=timezone.now())
    html = article_page(client, article)
    assert '<a class="byline" href="/contributors/ann-writer/">Ann Writer</a>' in html
    stamp = timezone.localtime(article.published_at).isoformat()
    assert f'<time datetime="{stamp}">' in html
    assert '<a href="/tags/hip-hop/" rel="tag">Hip hop</a>' in html
    assert "Updated" not in html


def test_article_changed_after_publication_shows_updated_time(client):
    article = make_article(published_at=days_ago(3))
    assert not re.search(r"Updated <time", article_page(client, article))
    article.body = "A rewritten paragraph."
    article.save()
    html = article_page(client, article)
    assert re.search(r'Updated <time datetime="[^"]+">', html)


def test_article_lists_a_card_for_each_mentioned_artist_in_order_of_mention(client):
    first = make_artist(name="Zed First", summary="Plays first.")
    second = make_artist(name="Amy Second")
    article = make_article(body=f"{mention(first)} met {mention(second)}.")
    html = article_page(client, article)
    section = html[html.index("Artists in this story") :]
    assert section.count('class="artist-card"') == 2
    assert section.index("Zed First") < section.index("Amy Second")
    assert "Plays first." in section
    assert f'href="{first.get_absolute_url()}"' in section


def test_article_without_artists_has_no_artist_section(client):
    html = article_page(client, make_article())
    assert "Artists in this story" not in html


def test_related_articles_share_artists_or_tags_most_shared_first(client):
    singer, drummer = make_artist(), make_artist()
    article = make_article(body=f"{mention(singer)} {mention(drummer)}", tags=["Tour"])
    one = make_article(headline="Shares one artist", body=mention(singer))
    make_article(headline="Shares nothing")
    most = make_article(
        headline="Shares two artists and a tag",
        body=f"{mention(singer)} {mention(drummer)}",
        tags=["Tour"],
        published_at=days_ago(5),
    )
    tag_only = make_article(headline="Shares the tag", tags=["Tour"], published_at=days_ago(9))
    make_article(headline="Draft sharing everything", body=mention(singer), tags=["Tour"], **DRAFT)
    make_article(headline="Future sharing everything", body=mention(singer), **future())
    html = article_page(client, article)
    related = html[html.index("Related stories") :]
    assert related.index(most.headline) < related.index(one.headline)
    assert related.index(one.headline) < related.index(tag_only.headline)
    assert "Shares nothing" not in related
    assert "Draft sharing" not in related
    assert "Future sharing" not in related
    assert related.count(article.headline) == 0


@pytest.mark.parametrize("count", [1, 15])
def test_article_page_queries_do_not_grow_with_tags_artists_projects_or_related(
    client, count, django_assert_num_queries
):
    artists = [make_artist() for _ in range(count)]
    for artist in artists:
        Credit.objects.create(project=make_project(), artist=artist, role="performer")
    tags = [f"Tag {n}" for n in range(count)]
    body = " ".join(mention(artist) for artist in artists)
    article = make_article(body=body, tags=tags, contributors=[make_contributor()])
    article.related_projects.set([make_project() for _ in range(count)])
    for _ in range(count):
        make_article(body=body, tags=tags, contributors=[make_contributor()])
    # An empty cache: the story's snapshot (it has none); the article; its bylines, tags,
    # corrections, related projects and artists
    # with all their cards show (artists, credits, disciplines), from which the body's links and
    # the profile cards are built with no query of their own; the related stories (found and
    # loaded in one query) and their bylines; the time the next scheduled story goes live.
    with django_assert_num_queries(12):
        html = article_page(client, article)
    assert html.count('class="artist-card"') == count
    assert html.count('class="artist-link"') == count
    assert html.count('<article class="article-teaser"') == min(count, RELATED_ARTICLES)
    # Then, with everything kept, none.
    with django_assert_num_queries(0):
        assert article_page(client, article) == html


@pytest.mark.parametrize("count", [1, 12])
def test_article_page_queries_do_not_grow_with_any_kind_of_shortcode(
    client, count, django_assert_num_queries
):
    artists = [make_artist() for _ in range(count)]
    projects = [make_project() for _ in range(count)]
    for artist, project in zip(artists, projects, strict=True):
        Credit.objects.create(project=project, artist=artist, role="performer")
    writers = [make_contributor() for _ in range(count)]
    photos = [make_image(size=(40, 30)) for _ in range(count)]
    body = "\n\n".join(
        [" ".join(mention(artist) for artist in artists)]
        + [f'[project slug="{project.slug}"]{project.title}[/project]' for project in projects]
        + [f'[contributor slug="{writer.slug}"]{writer.name}[/contributor]' for writer in writers]
        + [f'[image id="{photo.pk}" /]' for photo in photos]
        + ['[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]']
    )
    article = make_article(body=body, tags=["Tour"], contributors=writers, lead_image=photos[0])
    for n in range(count):
        Correction.objects.create(article=article, text=f"Correction {n}.")
        make_article(body=mention(artists[0]), contributors=[writers[0]])
    # An empty cache: the 12 of the test above; the projects the body names and, for their
    # cards, the projects and their credits; the contributors it names (their link is all
    # their mention shows); its photos.
    with django_assert_num_queries(17):
        html = article_page(client, article)
    assert html.count('class="artist-link"') == count
    assert html.count('class="project-link"') == count
    assert html.count('class="contributor-link"') == count
    assert html.count('<figure class="body-image">') == count
    assert html.count("Correction ") >= count
    assert html.count('<article class="article-teaser"') == min(count, RELATED_ARTICLES)
    with django_assert_num_queries(0):
        assert article_page(client, article) == html


def test_seed_story_page_has_cards_tags_projects_and_links(client, seeded):
    html = html_of(client.get(reverse("articles:detail", kwargs={"slug": SEED_SLUG})))
    assert 'href="/contributors/mtv-news/"' in html
    assert '<a href="/tags/808s-heartbreak/" rel="tag">808s &amp; Heartbreak</a>' in html
    assert "Artists in this story" in html
    assert 'href="/projects/kanye-west-spike-jonze-short-film/"' in html


# Tag pages


def test_tag_page_lists_only_published_articles_with_the_tag(client):
    shown = make_article(headline="Tagged and out", tags=["Remixes"])
    make_article(headline="Tagged draft", tags=["Remixes"], **DRAFT)
    make_article(headline="Tagged tomorrow", tags=["Remixes"], **future())
    make_article(headline="Other tag", tags=["Tours"])
    html = html_of(client.get("/tags/remixes/"))
    assert "<h1" in html and "Remixes" in html
    assert shown.headline in html
    assert "Tagged draft" not in html
    assert "Tagged tomorrow" not in html
    assert "Other tag" not in html


def test_tag_only_drafts_carry_is_not_found(client):
    make_article(tags=["Secret signing"], **DRAFT)
    make_article(tags=["Secret signing"], **future())
    assert client.get("/tags/secret-signing/").status_code == 404


def test_unknown_tag_is_not_found(client):
    assert client.get("/tags/nothing-here/").status_code == 404


def test_unicode_tag_links_to_a_working_page(client):
    article = make_article(tags=["Beyoncé"])
    html = article_page(client, article)
    href = re.search(r'<a href="(/tags/[^"]+)" rel="tag">Beyoncé</a>', html).group(1)
    assert article.headline in html_of(client.get(href))


def test_tag_page_is_paginated(client):
    for day in range(12):
        make_article(tags=["Live"], published_at=days_ago(day + 1))
    assert html_of(client.get("/tags/live/?page=2")).count('class="article-teaser"') == 2
    assert client.get("/tags/live/?page=3").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_tag_page_queries_do_not_grow_with_articles(client, count, django_assert_num_queries):
    for _ in range(count):
        make_article(tags=["Live"], contributors=[make_contributor()])
    # Tag, count, ids, the stories, bylines; when the next scheduled story goes live.
    with django_assert_num_queries(6):
        html = html_of(client.get("/tags/live/"))
    # Then the tag, the count and the teasers are kept: the stories' ids alone.
    with django_assert_num_queries(1):
        assert html_of(client.get("/tags/live/")) == html


# Search


def search(client, q, **params):
    return client.get(reverse("articles:search"), {"q": q, **params})


def test_empty_search_shows_a_prompt_and_runs_no_query(client, django_assert_num_queries):
    make_article()
    with django_assert_num_queries(0):
        html = html_of(search(client, "   "))
    assert "Type a word or a name" in html
    assert 'class="article-teaser"' not in html


def test_search_without_q_shows_the_prompt(client):
    assert "Type a word or a name" in html_of(client.get("/search/"))


def test_search_matches_headline_dek_body_artist_and_project_names(client):
    artist = make_artist(name="Zebediah Quill")
    project = make_project(title="Marmalade Skies")
    by_headline = make_article(headline="Xylophone revival")
    by_dek = make_article(dek="A xylophone in every home")
    by_body = make_article(body="Bring the XYLOPHONE.")
    by_artist = make_article(body=mention(artist))
    by_project = make_article()
    by_project.related_projects.add(project)
    expected = {
        "xylophone": [by_headline, by_dek, by_body],
        "quill": [by_artist],
        "marmalade": [by_project],
    }
    for q, articles in expected.items():
        html = html_of(search(client, q))
        assert [a.headline for a in articles if a.headline not in html] == [], q


def test_search_needs_every_word(client):
    make_article(headline="Red guitar")
    make_article(headline="Blue guitar")
    html = html_of(search(client, "guitar red"))
    assert "Red guitar" in html
    assert "Blue guitar" not in html


def test_search_lists_matching_artists_and_projects(client):
    artist = make_artist(name="Nightmare Kids")
    project = make_project(title="Nightmare Suite")
    article = make_article(body=f'[artist id="{artist.external_id}" /]')
    article.related_projects.add(project)
    html = html_of(search(client, "nightmare"))
    assert f'<a href="{artist.get_absolute_url()}">Nightmare Kids</a>' in html
    assert f'<a href="{project.get_absolute_url()}">Nightmare Suite</a>' in html


def test_search_never_finds_drafts_or_future_articles(client):
    make_article(headline="Embargoed scoop", **DRAFT)
    make_article(headline="Scheduled scoop", **future())
    html = html_of(search(client, "scoop"))
    assert "Embargoed" not in html
    assert "Scheduled" not in html
    assert "0 stories" in html


def test_long_search_is_shortened_with_a_message(client):
    make_article(headline="Needle")
    html = html_of(search(client, "needle " + "x" * 500))
    assert "only its first 200 characters were used" in html
    assert 'value="needle ' in html
    assert "x" * 194 not in html


def test_search_text_is_escaped(client):
    html = html_of(search(client, '"><script>alert(1)</script>'))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_drops_control_characters(client):
    make_article(headline="Needle")
    html = html_of(search(client, "nee\x00dle\x07"))
    assert 'value="nee dle"' in html


def test_tag_address_with_a_control_character_is_not_found(client):
    assert client.get("/tags/%00/").status_code == 404
    assert client.get("/feeds/tags/%00/").status_code == 404


def test_search_pagination_keeps_the_query(client):
    for day in range(25):
        make_article(headline=f"Bassline {day}", published_at=days_ago(day + 1))
    html = html_of(search(client, "bassline"))
    assert 'href="?q=bassline&amp;page=2"' in html
    assert html_of(search(client, "bassline", page=2)).count('class="article-teaser"') == 5
    assert search(client, "bassline", page="x").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_search_queries_do_not_grow_with_results(client, count, django_assert_num_queries):
    for n in range(count):
        make_article(headline=f"Synth {n}", contributors=[make_contributor()])
        make_artist(name=f"Synth Player {n}")
        make_project(title=f"Synth Album {n}")
    # The count, the page's ids, the highlighted snippets, the stories whose teaser is not kept
    # and their bylines, the matching artists and projects in one. On SQLite, the snippets read
    # the body texts, then ask FTS5 for the stories whose body does not show the words (here
    # the headlines hold them), and the names found through trigrams are counted first.
    with django_assert_num_queries(8 if connection.vendor == "sqlite" else 6):
        html_of(search(client, "synth"))


# Error pages


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_missing_page_is_a_friendly_404(client, production):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&rsquo;t find that page" in html
    assert 'action="/search/"' in html
    assert "Traceback" not in html and "URLconf" not in html


def test_missing_article_is_a_friendly_404(client, production):
    response = client.get("/articles/never-written/")
    assert response.status_code == 404
    assert "We can&rsquo;t find that page" in response.content.decode()


def test_server_error_page_needs_no_database_or_request_context(
    production, monkeypatch, django_assert_num_queries
):
    def broken(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.views.HomeView.get_queryset", broken)
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Newsroom" in html
    assert "the database went away" not in html


# Markup every public page shares


PAGES = [
    "/",
    f"/articles/{SEED_SLUG}/",
    "/artists/kanye-west/",
    "/contributors/mtv-news/",
    "/projects/808s-heartbreak/",
    "/projects/kanye-west-spike-jonze-short-film/",
    "/tags/kanye-west/",
    "/search/?q=kanye",
    "/search/",
]


def parse(html):
    return html5lib.parse(html, namespaceHTMLElements=False)


@pytest.mark.parametrize("url", PAGES)
def test_page_has_landmarks_one_h1_and_no_skipped_heading_levels(client, seeded, url):
    tree = parse(html_of(client.get(url)))
    body = tree.find("body")
    assert [child.tag for child in body if child.tag in {"header", "main", "footer"}] == [
        "header",
        "main",
        "footer",
    ]
    levels = [int(el.tag[1]) for el in tree.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"h{before} is followed by h{after}"


@pytest.mark.parametrize("url", PAGES)
def test_every_image_has_alt_text_and_every_field_a_label(client, seeded, url):
    tree = parse(html_of(client.get(url)))
    for image in tree.iter("img"):
        assert image.get("alt"), f"{image.get('src')} has no alt text"
    labelled = {label.get("for") for label in tree.iter("label")}
    for field in tree.iter("input"):
        assert field.get("id") in labelled
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_pages_name_a_favicon_the_site_serves(client):
    html = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" type="image/png" href="([^"]+)">', html)
    assert match
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_favicon_ico_leads_to_the_site_icon(client, admin_client):
    """The admin's pages name no icon, so browsers ask for /favicon.ico."""
    assert "favicon" not in admin_client.get("/admin/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert client.head("/favicon.ico").status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("suffix", ["/", ""])
def test_legacy_address_redirects_with_or_without_trailing_slash(client, suffix):
    article = make_article(legacy_path="/news/1608065/some-story/")
    response = client.get(f"/news/1608065/some-story{suffix}")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_legacy_address_of_a_draft_is_not_found(client):
    make_article(legacy_path="/news/1/draft/", status=Article.Status.DRAFT)
    assert client.get("/news/1/draft/").status_code == 404


def test_search_does_not_name_artists_only_drafts_mention(client):
    secret = make_artist(name="Zedd Secretname")
    make_article(body=f'[artist id="{secret.external_id}" /]', status=Article.Status.DRAFT)
    html = client.get("/search/?q=Secretname").content.decode()
    assert "Zedd Secretname" not in html


def test_a_tag_of_only_punctuation_gets_a_usable_slug(client):
    article = make_article(tags=["!!!"])
    tag = article.tags.get()
    assert tag.slug.startswith("tag-")
    assert client.get(f"/tags/{tag.slug}/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


def test_search_ignores_shortcode_syntax(client):
    artist = make_artist(name="Kanye West", external_id=1230523)
    make_article(headline="A story", body=f'[artist id="{artist.external_id}"]Ye[/artist] spoke.')
    assert "A story" not in html_of(search(client, "1230523"))
    assert "A story" not in html_of(search(client, "artist"))
    assert "A story" in html_of(search(client, "Ye spoke"))


def test_every_page_carries_a_content_security_policy(client, admin_client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert admin_client.get("/admin/")["Content-Security-Policy"] == policy


def test_kept_counts_follow_a_deleted_story_and_a_moved_byline(client):
    """A story's links to artists and projects go with it in join tables that send no signal,
    and a byline can be given to another contributor: the lists of both sides are purged."""
    from articles.models import Byline

    artist = make_artist(slug="jane-doe")
    project = make_project(slug="the-album")
    first, second = make_contributor(slug="first"), make_contributor(slug="second")
    stories = [
        make_article(body=f'[artist id="{artist.external_id}"]Jane[/artist]', contributors=[first])
        for _ in range(11)
    ]
    for story in stories:
        story.related_projects.add(project)
    for url in ("/artists/jane-doe/", "/projects/the-album/", "/contributors/first/"):
        assert client.get(f"{url}?page=2").status_code == 200, url
    assert client.get("/contributors/second/").status_code == 200

    byline = Byline.objects.get(article=stories[0], contributor=first)
    byline.contributor = second
    byline.save()
    assert client.get("/contributors/first/?page=2").status_code == 404
    assert html_of(client.get("/contributors/second/")).count('class="article-teaser"') == 1

    stories[1].delete()
    for url in ("/artists/jane-doe/", "/projects/the-album/"):
        assert client.get(f"{url}?page=2").status_code == 404, url
