import json
import re
import uuid
from xml.etree import ElementTree

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.testing import (
    make_article,
    make_artist,
    make_contributor,
    make_event,
    make_image,
    make_project,
    sitemap_locations,
)
from people.models import Discipline
from projects.models import Credit, MediaProject, ProjectRelation

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DRAFT = {"status": Article.Status.DRAFT}


def future():
    return {"published_at": timezone.now() + timezone.timedelta(days=1)}


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def rss_titles(client, url):
    response = get_ok(client, url)
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return [item.findtext("title") for item in channel.iter("item")]


def atom_titles(client, url):
    response = get_ok(client, url)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, key):
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return match and match.group(1)


# Feeds


def test_latest_feeds_list_only_published_articles_newest_first(client):
    make_article(headline="Older", published_at=timezone.now() - timezone.timedelta(days=1))
    make_article(headline="Newer")
    make_article(headline="Draft", **DRAFT)
    make_article(headline="Future", **future())
    assert rss_titles(client, reverse("articles:rss")) == ["Newer", "Older"]
    assert atom_titles(client, reverse("articles:atom")) == ["Newer", "Older"]


def test_feed_item_carries_link_date_author_categories_and_escaped_dek(client):
    writer = make_contributor(name="Ann Writer")
    article = make_article(dek="Fish & <chips>", contributors=[writer], tags=["Food"])
    response = get_ok(client, reverse("articles:rss"))
    item = ElementTree.fromstring(response.content).find("channel/item")
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("pubDate")
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ann Writer"
    assert [c.text for c in item.iter("category")] == ["Food"]
    # The description is HTML, so the plain-text dek arrives escaped once inside the XML.
    assert item.findtext("description") == "Fish &amp; &lt;chips&gt;"


def test_artist_feeds_list_published_articles_mentioning_the_artist(client):
    artist = make_artist(slug="jane-doe")
    make_article(headline="About her", body=mention(artist))
    make_article(headline="Draft about her", body=mention(artist), **DRAFT)
    make_article(headline="Future about her", body=mention(artist), **future())
    make_article(headline="Not about her")
    assert rss_titles(client, "/feeds/artists/jane-doe/") == ["About her"]
    assert atom_titles(client, "/feeds/artists/jane-doe/atom/") == ["About her"]
    assert client.get("/feeds/artists/nobody/").status_code == 404


def test_contributor_feeds_list_published_articles_in_their_byline(client):
    writer = make_contributor(name="Jane Writer", slug="jane-writer")
    make_article(headline="Her story", contributors=[writer, make_contributor()])
    make_article(headline="Her draft", contributors=[writer], **DRAFT)
    make_article(headline="Her story tomorrow", contributors=[writer], **future())
    make_article(headline="Someone else's", contributors=[make_contributor()])
    assert rss_titles(client, "/feeds/contributors/jane-writer/") == ["Her story"]
    assert atom_titles(client, "/feeds/contributors/jane-writer/atom/") == ["Her story"]
    assert client.get("/feeds/contributors/nobody/").status_code == 404
    channel = ElementTree.fromstring(get_ok(client, "/feeds/contributors/jane-writer/").content)
    assert channel.findtext("channel/description").endswith("by Jane Writer.")
    assert channel.findtext("channel/link").endswith("/contributors/jane-writer/")
    page = get_ok(client, "/contributors/jane-writer/").content.decode()
    assert (
        'Follow Jane Writer: <a href="/feeds/contributors/jane-writer/">RSS</a> &middot; '
        '<a href="/feeds/contributors/jane-writer/atom/">Atom</a>'
    ) in page


def test_a_contributor_feed_follows_a_new_story_in_their_byline(client, page_cache):
    writer = make_contributor(slug="jane-writer")
    make_article(headline="First", contributors=[writer])
    assert rss_titles(client, "/feeds/contributors/jane-writer/") == ["First"]
    make_article(headline="Second", contributors=[writer])
    assert rss_titles(client, "/feeds/contributors/jane-writer/") == ["Second", "First"]


def test_tag_feeds_list_published_articles_with_the_tag(client):
    make_article(headline="Tagged", tags=["Remixes"])
    make_article(headline="Draft tagged", tags=["Remixes"], **DRAFT)
    make_article(headline="Untagged")
    assert rss_titles(client, "/feeds/tags/remixes/") == ["Tagged"]
    assert atom_titles(client, "/feeds/tags/remixes/atom/") == ["Tagged"]


def test_tag_feed_for_a_tag_only_drafts_carry_is_not_found(client):
    make_article(tags=["Secret signing"], **DRAFT)
    assert client.get("/feeds/tags/secret-signing/").status_code == 404


@pytest.mark.parametrize(
    "url,base_queries",
    [
        ("/feeds/latest/", 0),
        ("/feeds/latest/atom/", 0),
        ("/feeds/artists/feed-artist/", 1),
        ("/feeds/contributors/feed-writer/", 1),
        ("/feeds/tags/live/", 1),
    ],
)
@pytest.mark.parametrize("count", [1, 15])
def test_feed_queries_do_not_grow_with_items(
    client, url, base_queries, count, django_assert_num_queries
):
    artist = make_artist(slug="feed-artist")
    writer = make_contributor(slug="feed-writer")
    for _ in range(count):
        make_article(
            body=f"{mention(artist)} and {mention(make_artist())}",
            tags=["Live", "Other"],
            contributors=[writer, make_contributor()],
        )
    # The artist, contributor or tag, then articles, bylines, tags, corrections, and the artists all
    # full-text bodies link to, in one look-up.
    with django_assert_num_queries(base_queries + 5):
        get_ok(client, url)


def test_pages_advertise_their_feeds(client):
    artist = make_artist(slug="jane-doe")
    make_article(body=mention(artist), tags=["Remixes"])
    home = get_ok(client, "/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/feeds/latest/"' in home and 'href="/feeds/latest/atom/"' in home
    artist_page = get_ok(client, "/artists/jane-doe/").content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/rss\+xml"[^>]*'
        r'href="/feeds/artists/jane-doe/"',
        artist_page,
    )
    writer_page = get_ok(client, make_contributor(slug="jane-writer").get_absolute_url())
    assert re.search(
        r'<link rel="alternate" type="application/rss\+xml"[^>]*'
        r'href="/feeds/contributors/jane-writer/"',
        writer_page.content.decode(),
    )
    tag_page = get_ok(client, "/tags/remixes/").content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*'
        r'href="/feeds/tags/remixes/atom/"',
        tag_page,
    )


# Sitemap and robots.txt


def sitemap_urls(client):
    return {loc.removeprefix("http://testserver") for loc in sitemap_locations(client)}


def test_sitemap_lists_published_articles_and_what_they_reach(client):
    writer = make_contributor(slug="ann")
    artist = make_artist(slug="jane-doe")
    project = make_project(slug="the-album")
    article = make_article(body=mention(artist), contributors=[writer], tags=["Remixes"])
    article.related_projects.add(project)
    urls = sitemap_urls(client)
    assert {
        "/",
        article.get_absolute_url(),
        "/artists/jane-doe/",
        "/projects/the-album/",
        "/contributors/ann/",
        "/tags/remixes/",
    } <= urls


def test_sitemap_leaves_out_drafts_and_what_only_drafts_reach(client):
    writer = make_contributor(slug="new-hire")
    artist = make_artist(slug="secret-signing")
    project = make_project(slug="secret-album")
    draft = make_article(body=mention(artist), contributors=[writer], tags=["Hush"], **DRAFT)
    draft.related_projects.add(project)
    scheduled = make_article(tags=["Hush"], **future())
    urls = sitemap_urls(client)
    assert urls == {"/", "/reviews/", "/artists/", "/projects/", "/events/"}
    assert draft.get_absolute_url() not in urls
    assert scheduled.get_absolute_url() not in urls


@pytest.mark.parametrize("count", [1, 15])
def test_sitemap_queries_do_not_grow_with_items(client, count, django_assert_num_queries):
    for _ in range(count):
        article = make_article(
            body=mention(make_artist()), contributors=[make_contributor()], tags=["Live"]
        )
        article.related_projects.add(make_project())
        make_event(performers=[make_artist()])
    # The index: the article pages with their times; the fixed pages' latest changes (the
    # latest story and review, artist and project change, and for tour dates the latest edit
    # of an upcoming one and the latest past one); the count and the latest change in one for
    # the artists, the projects and the tour dates; a count for the contributors and the
    # tags, and the latest story for both.
    with django_assert_num_queries(14):
        get_ok(client, "/sitemap.xml")
    # A page of a section: its items, and a count for those paged by count; the fixed pages'
    # latest changes.
    for section, queries in [
        ("home", 6),
        ("articles", 1),
        ("artists", 2),
        ("projects", 2),
        ("tags", 2),
        ("events", 2),
    ]:
        with django_assert_num_queries(queries):
            get_ok(client, f"/sitemap-{section}.xml")


def test_robots_txt_points_at_the_sitemap_and_keeps_out_admin_and_search(client):
    response = get_ok(client, "/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /search/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text


# Meta tags for search engines and link previews


def test_article_meta_has_title_description_canonical_and_preview_tags(client):
    artist = make_artist(slug="jane-doe", name="Jane Doe")
    article = make_article(headline="Big news", dek="The short of it.", body=mention(artist))
    html = get_ok(client, article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert "<title>Big news | Newsroom</title>" in html
    assert meta(html, "description") == "The short of it."
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Big news"
    assert meta(html, "og:url") == url
    assert meta(html, "og:image") == "http://testserver/photos/artists/jane-doe/320/"
    assert meta(html, "og:image:alt") == "Monogram of Jane Doe"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:image") == meta(html, "og:image")


def test_article_preview_image_is_the_first_mentioned_artist(client):
    later = make_artist(slug="aaa-later", name="Aaa Later")
    first = make_artist(slug="zzz-first", name="Zzz First")
    article = make_article(body=f"{mention(first)} then {mention(later)}")
    html = get_ok(client, article.get_absolute_url()).content.decode()
    assert meta(html, "og:image") == "http://testserver/photos/artists/zzz-first/320/"


def test_article_without_artists_uses_the_default_share_image(client):
    html = get_ok(client, make_article().get_absolute_url()).content.decode()
    image = meta(html, "og:image")
    assert image == "http://testserver/static/img/share-default.png"
    # Without a lead photo of its own, a story gets the small card.
    assert meta(html, "twitter:card") == "summary"
    assert get_ok(client, image.removeprefix("http://testserver"))


def test_meta_tags_escape_user_text(client):
    article = make_article(headline='Quote " <b>bold</b>', dek='A "dek" <script>')
    html = get_ok(client, article.get_absolute_url()).content.decode()
    assert meta(html, "og:title") == "Quote &quot; &lt;b&gt;bold&lt;/b&gt;"
    assert meta(html, "description") == "A &quot;dek&quot; &lt;script&gt;"


def test_canonical_url_drops_the_query_but_keeps_later_page_numbers(client):
    for day in range(25):
        make_article(published_at=timezone.now() - timezone.timedelta(days=day + 1))
    assert '<link rel="canonical" href="http://testserver/">' in (
        get_ok(client, "/?utm_source=x").content.decode()
    )
    assert '<link rel="canonical" href="http://testserver/?page=2">' in (
        get_ok(client, "/?page=2&utm_source=x").content.decode()
    )


def test_artist_page_preview_image_is_the_artist_photo(client):
    make_artist(slug="jane-doe")
    html = get_ok(client, "/artists/jane-doe/").content.decode()
    assert meta(html, "og:type") == "profile"
    assert meta(html, "og:image") == "http://testserver/photos/artists/jane-doe/320/"


# JSON-LD


def test_article_json_ld_is_a_news_article_with_authors_publisher_and_mentions(client):
    writer = make_contributor(name="Ann Writer", slug="ann")
    artist = make_artist(
        name="Jane Doe",
        slug="jane-doe",
        musicbrainz_id=uuid.UUID("f27ec8db-af05-4f36-916e-3d57f91ecf5e"),
        wikidata_id="Q15935",
    )
    published = timezone.now() - timezone.timedelta(days=2)
    article = make_article(
        headline="Big news",
        dek="The short of it.",
        body=mention(artist),
        contributors=[writer],
        tags=["Tours"],
        published_at=published,
    )
    article.dek = "The short of it."
    article.headline = "Big news"
    article.body = mention(artist) + " More."
    article.save()
    data = json_ld(get_ok(client, article.get_absolute_url()).content.decode())
    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Big news"
    assert data["description"] == "The short of it."
    assert data["mainEntityOfPage"] == url
    assert data["datePublished"].startswith(published.date().isoformat())
    # Saved two days after publication: a real update.
    assert data["dateModified"] > data["datePublished"]
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Writer", "url": "http://testserver/contributors/ann/"}
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Newsroom"
    assert data["publisher"]["logo"]["url"].endswith("/static/img/share-default.png")
    assert data["image"] == ["http://testserver/photos/artists/jane-doe/320/"]
    assert data["keywords"] == ["Tours"]
    assert data["mentions"] == [
        {
            "@type": "Person",
            "name": "Jane Doe",
            "url": "http://testserver/artists/jane-doe/",
            "sameAs": [
                "https://musicbrainz.org/artist/f27ec8db-af05-4f36-916e-3d57f91ecf5e",
                "https://www.wikidata.org/wiki/Q15935",
            ],
        }
    ]


def test_a_desk_byline_is_an_organization_author(client):
    desk = make_contributor(name="MTV News", slug="mtv-news", is_organization=True)
    article = make_article(contributors=[desk])
    data = json_ld(get_ok(client, article.get_absolute_url()).content.decode())
    assert data["author"][0]["@type"] == "Organization"


def test_article_not_updated_has_date_modified_equal_to_published(client):
    article = make_article(published_at=timezone.now())
    data = json_ld(get_ok(client, article.get_absolute_url()).content.decode())
    assert data["dateModified"] == data["datePublished"]


def test_json_ld_cannot_break_out_of_its_script_element(client):
    hostile = '</script><script>alert("x")</script> & <!--'
    artist = make_artist(name=hostile)
    article = make_article(headline=hostile, dek=hostile, body=mention(artist))
    html = get_ok(client, article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["headline"] == hostile
    assert data["mentions"][0]["name"] == hostile
    assert '<script>alert("x")' not in html


def test_artist_json_ld_is_a_person_with_same_as_links(client):
    director = Discipline.objects.create(name="Director", slug="director")
    artist = make_artist(
        name="Jane Doe",
        slug="jane-doe",
        summary="Director.",
        wikidata_id="Q42",
        website="https://jane.example/",
    )
    artist.disciplines.add(director)
    data = json_ld(get_ok(client, "/artists/jane-doe/").content.decode())
    assert data["@type"] == "Person"
    assert data["name"] == "Jane Doe"
    assert data["url"] == "http://testserver/artists/jane-doe/"
    assert data["description"] == "Director."
    assert data["image"] == "http://testserver/photos/artists/jane-doe/320/"
    assert data["jobTitle"] == ["Director"]
    assert data["sameAs"] == ["https://www.wikidata.org/wiki/Q42", "https://jane.example/"]


def test_a_group_is_a_music_group_without_empty_same_as(client):
    make_artist(slug="the-group", is_group=True)
    data = json_ld(get_ok(client, "/artists/the-group/").content.decode())
    assert data["@type"] == "MusicGroup"
    assert "sameAs" not in data


def project_data(client, project):
    return json_ld(get_ok(client, project.get_absolute_url()).content.decode())


@pytest.mark.parametrize(
    "kind,schema_type",
    [
        (MediaProject.Kind.ALBUM, "MusicAlbum"),
        (MediaProject.Kind.EP, "MusicAlbum"),
        (MediaProject.Kind.SONG, "MusicRecording"),
        (MediaProject.Kind.SHORT_FILM, "Movie"),
        (MediaProject.Kind.FEATURE_FILM, "Movie"),
        (MediaProject.Kind.DOCUMENTARY, "Movie"),
        (MediaProject.Kind.MUSIC_VIDEO, "MusicVideoObject"),
        (MediaProject.Kind.TOUR, "CreativeWork"),
    ],
)
def test_project_json_ld_type_fits_the_kind(client, kind, schema_type):
    data = project_data(client, make_project(kind=kind))
    assert data["@type"] == schema_type


def test_movie_json_ld_has_director_actor_and_place(client):
    film = make_project(kind=MediaProject.Kind.SHORT_FILM, shoot_location="Los Angeles")
    Credit.objects.create(project=film, artist=make_artist(name="Dee Rector"), role="director")
    Credit.objects.create(project=film, artist=make_artist(name="Sta Ring"), role="starring")
    data = project_data(client, film)
    assert [p["name"] for p in data["director"]] == ["Dee Rector"]
    assert [p["name"] for p in data["actor"]] == ["Sta Ring"]
    assert data["locationCreated"] == {"@type": "Place", "name": "Los Angeles"}


def test_album_and_song_json_ld_link_each_other(client):
    album = make_project(kind=MediaProject.Kind.ALBUM, title="The Album", label="Def Label")
    song = make_project(kind=MediaProject.Kind.SONG, title="The Song", running_time_min=4)
    ProjectRelation.objects.create(source=song, relation="track_on", target=album, position=1)
    Credit.objects.create(project=album, artist=make_artist(name="Singer"), role="performer")
    album_data = project_data(client, album)
    assert album_data["numTracks"] == 1
    assert album_data["track"][0]["name"] == "The Song"
    assert album_data["albumRelease"]["recordLabel"]["name"] == "Def Label"
    assert [p["name"] for p in album_data["byArtist"]] == ["Singer"]
    song_data = project_data(client, song)
    assert song_data["inAlbum"]["name"] == "The Album"
    assert song_data["duration"] == "PT4M"


CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
FULL_BODY = (
    "## The *808s* sessions\n\n"
    "Said {kanye} of [the label](https://www.islandrecords.com/) and [news](/news/).\n\n"
    "> A quote with {kanye_self}\n\n"
    '[embed url="https://youtu.be/dQw4w9WgXcQ" /]\n\n'
    "<script>alert(1)</script> & [x](javascript:alert(1))"
)


def full_text_body():
    kanye = make_artist(external_id=1230523, name="Kanye West", slug="kanye-west")
    return FULL_BODY.format(kanye=mention(kanye), kanye_self='[artist id="1230523" /]')


def check_feed_html(html):
    # Well-formed and safe: strict HTML parse, nothing active, no cards, absolute addresses.
    fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)
    elements = list(fragment.iter())
    assert {e.tag for e in elements} - {"DOCUMENT_FRAGMENT"} <= {
        "p", "a", "h2", "em", "blockquote", "br", "strong", "ul", "ol", "li", "hr", "figure",
        "figcaption", "img", "span",
    }  # fmt: skip
    for element in elements:
        assert "profile-card" not in (element.get("class") or "")
        for attr, value in element.attrib.items():
            assert not attr.startswith("on")
            if attr in ("href", "src"):
                assert value.startswith(("http://testserver/", "https://")), value
    assert "<iframe" not in html and "<button" not in html and "<script" not in html
    assert '<a href="http://testserver/artists/kanye-west/">Kanye West</a>' in html
    assert '<a href="http://testserver/news/">news</a>' in html
    assert '<a href="https://www.islandrecords.com/" rel="noopener">the label</a>' in html
    assert '<a href="https://youtu.be/dQw4w9WgXcQ" rel="noopener">' in html
    assert "<h2>The <em>808s</em> sessions</h2>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; x" in html


def test_rss_items_carry_the_full_body(client):
    make_article(body=full_text_body())
    response = get_ok(client, reverse("articles:rss"))
    item = ElementTree.fromstring(response.content).find("channel/item")
    check_feed_html(item.findtext(CONTENT))


def test_atom_entries_carry_the_full_body(client):
    make_article(body=full_text_body())
    response = get_ok(client, reverse("articles:atom"))
    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    check_feed_html(content.text)


def test_feed_photos_have_absolute_addresses(client):
    image = make_image(caption="In the studio", credit="Photo: Newsroom")
    make_article(body=f'Before\n\n[image id="{image.pk}" /]\n\nAfter')
    response = get_ok(client, reverse("articles:rss"))
    html = ElementTree.fromstring(response.content).find("channel/item").findtext(CONTENT)
    fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)
    assert fragment.find(".//figure") is not None
    addresses = [el.get("src") for el in fragment.iter("img")]
    for el in fragment.iter():
        for candidate in (el.get("srcset") or "").split(","):
            if candidate.strip():
                addresses.append(candidate.split()[0])
    assert addresses
    assert all(url.startswith("http://testserver/") for url in addresses), addresses
    assert "In the studio" in html
