"""The page cache: what readers are served from it, what purges it, and what never enters it."""

import os
import random
import string
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Correction
from newsroom import tagcache
from newsroom.testing import (
    make_article,
    make_artist,
    make_contributor,
    make_image,
    make_project,
)
from projects.models import Credit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def view(client, url, **headers):
    """GET `url`: the response and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def served_from_cache(client, url):
    response, queries = view(client, url)
    return response.get("X-Page-Cache") == "hit" and queries == 0


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


def test_a_public_page_is_served_again_without_the_database(client):
    article = make_article()
    first, _ = view(client, article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    second, queries = view(client, article.get_absolute_url())
    assert queries == 0 and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # What the middleware below the cache adds is kept with the page.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "ETag"):
        assert second[header] == first[header]


@pytest.mark.parametrize(
    "url", ["/", "/artists/", "/projects/", "/search/?q=kanye", "/feeds/latest/"]
)
def test_every_kind_of_public_page_is_kept(client, url):
    artist = make_artist(name="Kanye West")
    make_article(headline="Kanye news", body=mention(artist))
    view(client, url)
    assert served_from_cache(client, url)


def test_an_artist_edit_shows_on_every_page_that_shows_them_and_purges_nothing_else(client):
    artist = make_artist(summary="Rapper and producer.")
    about = [make_article(body=f"First {mention(artist)}."), make_article(body=mention(artist))]
    other = make_article(body="Nothing about them.")
    pages = [a.get_absolute_url() for a in about] + [artist.get_absolute_url()]
    for url in [*pages, other.get_absolute_url()]:
        view(client, url)

    artist.summary = "Rapper, producer and designer."
    artist.save()

    for url in pages:
        response, _ = view(client, url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Rapper, producer and designer." in response.content.decode(), url
    assert served_from_cache(client, other.get_absolute_url())


def test_an_article_edit_purges_its_page_and_the_lists_it_is_on(client):
    artist = make_artist()
    tag_article = make_article(body=mention(artist), tags=["Premieres"])
    unrelated = make_article(body="Elsewhere.", tags=["Tours"])
    urls = [tag_article.get_absolute_url(), "/", artist.get_absolute_url(), "/tags/premieres/"]
    for url in [*urls, unrelated.get_absolute_url(), "/tags/tours/"]:
        view(client, url)

    tag_article.headline = "A new headline"
    tag_article.save()

    for url in urls:
        response, _ = view(client, url)
        assert "A new headline" in response.content.decode(), url
    assert served_from_cache(client, unrelated.get_absolute_url())
    assert served_from_cache(client, "/tags/tours/")


def test_unpublishing_takes_the_story_off_its_page_and_every_list(client):
    artist = make_artist()
    article = make_article(headline="Soon gone", body=mention(artist))
    for url in (article.get_absolute_url(), "/", artist.get_absolute_url(), "/feeds/latest/"):
        assert "Soon gone" in view(client, url)[0].content.decode()
    article.status = Article.Status.DRAFT
    article.save()
    assert view(client, article.get_absolute_url())[0].status_code == 404
    for url in ("/", artist.get_absolute_url(), "/feeds/latest/"):
        assert "Soon gone" not in view(client, url)[0].content.decode(), url


@pytest.mark.parametrize(
    "change",
    [
        "contributor name",
        "named contributor's name",
        "byline",
        "correction",
        "tag name",
        "project title",
        "image caption",
    ],
)
def test_each_edit_path_shows_on_the_article_page_at_once(client, change):
    writer = make_contributor(name="Jane Writer")
    named = make_contributor(name="Named Only")
    project = make_project(title="Old Title")
    image = make_image(caption="Old caption")
    article = make_article(
        body=(
            f'[project slug="{project.slug}"]the film[/project], with '
            f'[contributor slug="{named.slug}" /].\n\n[image id="{image.pk}" /]'
        ),
        contributors=[writer],
        tags=["Films"],
    )
    article.related_projects.add(project)
    url = article.get_absolute_url()
    view(client, url)
    assert served_from_cache(client, url)

    if change == "contributor name":
        writer.name, expected = "Jane Q. Writer", "Jane Q. Writer"
        writer.save()
    elif change == "named contributor's name":
        named.name, expected = "Named Elsewhere", ">Named Elsewhere</a>"
        named.save()
    elif change == "byline":
        Byline.objects.create(
            article=article, contributor=make_contributor(name="Second Writer"), position=1
        )
        expected = "Second Writer"
    elif change == "correction":
        Correction.objects.create(article=article, text="An earlier version misspelled it.")
        expected = "misspelled"
    elif change == "tag name":
        tag = article.tags.get()
        tag.name, expected = "Short films", "Short films"
        tag.save()
    elif change == "project title":
        project.title, expected = "New Title", "New Title"
        project.save()
    else:
        image.caption, expected = "New caption", "New caption"
        image.save()

    response, _ = view(client, url)
    assert expected in response.content.decode()


def test_a_credit_shows_on_the_project_and_artist_pages(client):
    artist = make_artist(name="Spike Jonze")
    project = make_project(title="We Were Once a Fairytale")
    make_article(body=f'[project slug="{project.slug}"]the film[/project]')
    for url in (project.get_absolute_url(), artist.get_absolute_url()):
        view(client, url)
    Credit.objects.create(project=project, artist=artist, role=Credit.Role.DIRECTOR)
    assert "Spike Jonze" in view(client, project.get_absolute_url())[0].content.decode()
    artist_page = view(client, artist.get_absolute_url())[0].content.decode()
    assert "We Were Once a Fairytale" in artist_page


def test_a_new_artist_resolves_a_tag_that_named_nobody(client):
    article = make_article(body='[artist slug="new-name"]Newcomer[/artist] plays tonight.')
    url = article.get_absolute_url()
    assert 'href="/artists/new-name/"' not in view(client, url)[0].content.decode()
    make_artist(name="Newcomer", slug="new-name")
    assert 'href="/artists/new-name/"' in view(client, url)[0].content.decode()


def test_a_scheduled_story_appears_on_time(client):
    make_article(headline="Already out")
    # Publication times are kept to the second: at least two seconds from now.
    when = timezone.now().replace(microsecond=0) + timedelta(seconds=3)
    make_article(headline="Coming up", published_at=when)
    assert "Coming up" not in view(client, "/")[0].content.decode()
    assert served_from_cache(client, "/")
    time.sleep((when - timezone.now()).total_seconds() + 0.2)
    response, _ = view(client, "/")
    assert "Coming up" in response.content.decode()


def test_signed_in_requests_are_never_served_from_or_stored_in_the_page_cache(client):
    article = make_article(headline="Public story")
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT)
    editor = User.objects.create_superuser("editor", "e@example.com", "pw")
    staff = type(client)()
    staff.force_login(editor)

    view(client, article.get_absolute_url())  # kept for anonymous readers
    response, queries = view(staff, article.get_absolute_url())
    assert "X-Page-Cache" not in response and queries > 0
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    preview, _ = view(staff, draft.get_absolute_url())
    assert preview.status_code == 200 and "Secret draft" in preview.content.decode()
    assert view(client, draft.get_absolute_url())[0].status_code == 404
    # Nor is anything a staff request saw kept for the next reader of the home page.
    view(staff, "/")
    assert view(client, "/")[0]["X-Page-Cache"] == "miss"


def test_a_request_with_messages_waiting_is_neither_served_from_nor_stored_in_the_cache(client):
    url = make_article().get_absolute_url()
    client.cookies["messages"] = "waiting"
    for _ in range(2):
        response, _ = view(client, url)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
    del client.cookies["messages"]
    assert view(client, url)[0]["X-Page-Cache"] == "miss"


def test_share_links_are_never_kept(client):
    draft = make_article(headline="Shared draft", status=Article.Status.DRAFT)
    url = reverse("articles:share", kwargs={"token": draft.share_token()})
    first, _ = view(client, url)
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    second, queries = view(client, url)
    assert "X-Page-Cache" not in second and queries > 0


def test_public_pages_carry_validators_and_answer_conditional_requests_with_304(client):
    article = make_article()
    url = article.get_absolute_url()
    first, _ = view(client, url)
    control = first["Cache-Control"]
    assert "public" in control and "s-maxage=60" in control
    assert "stale-while-revalidate=30" in control and "max-age=0" in control
    assert "Cookie" in first["Vary"]
    etag, modified = first["ETag"], first["Last-Modified"]

    again, queries = view(client, url, if_none_match=etag)
    assert again.status_code == 304 and queries == 0 and not again.content
    assert view(client, url, if_modified_since=modified)[0].status_code == 304
    assert view(client, url, if_none_match='"something-else"')[0].status_code == 200

    article.headline = "Changed"
    article.save()
    changed, _ = view(client, url, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_304s_with_the_page_cache_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = make_article().get_absolute_url()
    first, _ = view(client, url)
    assert first["ETag"] and "public" in first["Cache-Control"]
    assert view(client, url, if_none_match=first["ETag"])[0].status_code == 304


def test_made_up_query_parameters_bypass_the_cache_and_tracking_ones_are_ignored(client):
    url = make_article().get_absolute_url()
    view(client, url)
    assert served_from_cache(client, url + "?utm_source=newsletter&fbclid=abc")
    for n in range(3):
        response, _ = view(client, f"{url}?x={n}")
        assert response.status_code == 200 and "X-Page-Cache" not in response


def kept_entries() -> int:
    """How many entries the shared cache holds."""
    from django.core.cache import cache

    location = getattr(cache, "_dir", None)
    if location is None:
        pytest.skip("counts the file cache's entries; CACHE_URL names another cache")
    return sum(1 for name in os.listdir(location) if name.endswith(".djcache"))


def test_random_query_values_never_fill_the_cache(client):
    artist = make_artist(name="Kanye West")
    make_project(kind="album")
    for _ in range(3):  # two pages of stories about the artist
        make_article(body=mention(artist), tags=["music"])
    good = ["/", "/artists/?letter=K", "/projects/?kind=album", "/search/?q=Kanye"]
    good += [f"/artists/{artist.slug}/?page=1", "/tags/music/?page=1"]
    for url in good:
        view(client, url)
        assert served_from_cache(client, url), url
    before = kept_entries()
    rng = random.Random(17)

    def made_up():
        word = "".join(rng.choices(string.ascii_letters + string.digits + "%-_ ", k=8))
        return rng.choice([str(rng.randint(-5, 10**9)), "0" + str(rng.randint(1, 3)), word])

    pages = [
        ("/", "page"),
        ("/artists/", "letter"),
        ("/projects/", "kind"),
        ("/search/", "q"),
        (f"/artists/{artist.slug}/", "page"),
        ("/projects/", "page"),
    ]
    statuses = set()
    for n in range(1000):
        path, name = pages[n % len(pages)]
        if n % 10 == 9:  # a parameter no page reads
            name = made_up()
        response = client.get(path, {name: made_up()})
        statuses.add(response.status_code)
        assert response.get("X-Page-Cache") != "hit"
    assert statuses <= {200, 404}
    assert kept_entries() - before <= 5
    # Pages that accepted their parameters are kept as before.
    for url in good:
        assert served_from_cache(client, url), url


@pytest.mark.parametrize(
    "url",
    [
        "/artists/?letter=k",  # the page shows K
        "/artists/?letter=KK",
        "/projects/?kind=bogus",
        "/projects/?kind=album&kind=song",
        "/?page=01",
        "/?page=last",
        "/search/?q=nothing+matches+this",
        "/search/?q=Kanye++",
    ],
)
def test_values_a_page_does_not_take_as_given_are_answered_uncached(client, url):
    artist = make_artist(name="Kanye West")
    make_article(body=mention(artist))
    for _ in range(2):
        response, queries = view(client, url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response and queries > 0
        assert "public" in response["Cache-Control"] and response["ETag"]


def test_a_page_number_that_exists_is_kept(client):
    make_article()
    view(client, "/?page=1")
    assert served_from_cache(client, "/?page=1")
    assert view(client, "/?page=2")[0].status_code == 404
    assert view(client, "/?page=2")[0].get("X-Page-Cache") is None


def test_a_page_rendered_while_what_it_shows_was_purged_is_not_kept(client):
    artist = make_artist()
    with tagcache.recording() as rec:
        tagcache.depend(tagcache.tag(artist))
        tagcache.purge([tagcache.tag(artist)])  # as another process's save would, mid-render
    assert tagcache.store("page:test", "stale", rec, 60) is False
    assert tagcache.fetch("page:test") is None


class _PurgeRecorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_POST(self):
        self.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    _PurgeRecorder.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _PurgeRecorder.seen
    server.shutdown()


def test_the_cdn_hook_is_sent_each_purged_tag_that_pages_list(client, settings, cdn):
    address, seen = cdn
    settings.CDN_PURGE_URL = address + "/purge/{tag}"
    settings.CDN_TAG_HEADER = "Cache-Tag"
    artist = make_artist()
    article = make_article(body=mention(artist))
    response, _ = view(client, article.get_absolute_url())
    tag = tagcache.tag(artist)
    assert tag in response["Cache-Tag"].split()
    tagcache.wait_for_cdn_purges()
    seen.clear()

    artist.save()
    tagcache.wait_for_cdn_purges()
    assert f"/purge/{tag.replace(':', '%3A')}" in seen


def test_a_new_known_for_credit_shows_on_the_cards_of_stories_that_mention_the_artist(client):
    artist = make_artist()
    article = make_article(body=mention(artist))
    url = article.get_absolute_url()
    assert "Known for" not in view(client, url)[0].content.decode()
    project = make_project(title="Runaway")
    Credit.objects.create(project=project, artist=artist, role="director", is_known_for=True)
    response = view(client, url)[0]
    html = response.content.decode()
    assert html.count("Runaway") >= 2  # the card in the body and the one beside it


def test_the_cards_built_from_the_page_s_own_artists_follow_their_projects_and_disciplines(
    client,
):
    """The article page loads its artists once, with their credits and disciplines, and builds
    the body's cards and the profile cards from them: each change to what those show is purged
    from the kept artists as well as from the cards."""
    from people.models import Discipline

    artist = make_artist(name="Spike Jonze")
    project = make_project(title="Where the Wild Things Are")
    Credit.objects.create(project=project, artist=artist, role="director", is_known_for=True)
    url = make_article(body=mention(artist)).get_absolute_url()
    html = view(client, url)[0].content.decode()
    assert html.count("Where the Wild Things Are") == 2  # in the body's card and beside it
    assert view(client, url)[0]["X-Page-Cache"] == "hit"

    project.title = "Her"
    project.save()
    html = view(client, url)[0].content.decode()
    assert "Known for: Her</span>" in html  # the body's card
    assert ">Her</a>" in html  # the profile card
    assert "Where the Wild Things Are" not in html

    artist.disciplines.add(Discipline.objects.create(name="Director", slug="director"))
    html = view(client, url)[0].content.decode()
    assert '<p class="disciplines">Director</p>' in html
    assert view(client, url)[0]["X-Page-Cache"] == "hit"


def test_a_host_not_allowed_is_a_400_and_keeps_nothing(client):
    article = make_article()
    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})
    assert response.status_code == 400
    assert view(client, article.get_absolute_url())[0]["X-Page-Cache"] == "miss"


def test_head_requests_are_answered_from_the_kept_page(client):
    url = make_article().get_absolute_url()
    view(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.head(url)
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    assert len(queries) == 0 and not response.content


def test_a_missing_page_is_not_kept(client):
    response, _ = view(client, "/articles/no-such-story/")
    assert response.status_code == 404
    response, queries = view(client, "/articles/no-such-story/")
    assert response.status_code == 404 and "X-Page-Cache" not in response and queries > 0


def test_saving_one_story_about_an_artist_leaves_other_stories_cards_and_bodies_cached(
    client, monkeypatch
):
    from articles import rendering

    artist = make_artist()
    first = make_article(body=f"One {mention(artist)}.")
    second = make_article(body=f"Two {mention(artist)}.")
    view(client, first.get_absolute_url())
    second.headline = "Retitled"
    second.save()

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendering, "render_body", refuse)
    monkeypatch.setattr(rendering, "render_to_string", refuse)
    # The first story's page shows the second among related stories, so it is rendered again,
    # but from its cached body and cards.
    response, _ = view(client, first.get_absolute_url())
    assert response.status_code == 200 and "Retitled" in response.content.decode()


def test_a_view_that_chose_its_own_cache_control_keeps_it(client):
    artist = make_artist()
    url = reverse("people:photo", args=["artists", artist.slug, 96])
    first, _ = view(client, url)
    assert first.status_code == 200 and "max-age=86400" in first["Cache-Control"]
    second, _ = view(client, url)
    assert second["X-Page-Cache"] == "hit" and second["Cache-Control"] == first["Cache-Control"]
