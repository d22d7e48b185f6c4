"""Every feed, channel and item, with names that are markup: well-formed XML whose HTML fields
hold the names as text and whose text fields hold them as typed."""

from xml.etree import ElementTree

import html5lib
import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Correction
from newsroom.testing import make_article, make_artist, make_contributor

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

HOSTILE = {
    "artist": "<img src=x onerror=alert(1)>",
    "contributor": "</description><script>alert(2)</script>",
    "tag": "<b onmouseover=alert(3)>Tag</b>",
    "headline": 'AT&T "Live" <i>at</i> ]]> Ally\'s',
    "dek": "<svg onload=alert(4)> & more",
    "correction": "<a href=javascript:alert(5)>x</a>",
}

FEEDS = {
    "latest": ("/feeds/latest/", None),
    "artist": ("/feeds/artists/hostile-artist/", "artist"),
    "contributor": ("/feeds/contributors/hostile-writer/", "contributor"),
    "tag": ("/feeds/tags/hostile-tag/", "tag"),
}
RELATION = {"artist": "that mention", "contributor": "by", "tag": "tagged"}


@pytest.fixture
def hostile_story(db):
    from taggit.models import Tag

    artist = make_artist(name=HOSTILE["artist"], slug="hostile-artist")
    writer = make_contributor(name=HOSTILE["contributor"], slug="hostile-writer")
    tag = Tag.objects.create(name=HOSTILE["tag"], slug="hostile-tag")
    article = make_article(
        headline=HOSTILE["headline"],
        dek=HOSTILE["dek"],
        body=f'Said [artist id="{artist.external_id}" /] to [artist id="{artist.external_id}"]'
        f"{HOSTILE['artist']}[/artist].",
        contributors=[writer],
        tags=[tag],
    )
    Correction.objects.create(article=article, text=HOSTILE["correction"], noted_at=timezone.now())
    return article


def fragment(html):
    """`html` parsed as a browser or feed reader would, refusing anything malformed."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)


def check_html(html, allowed_tags, *texts):
    elements = [e for e in fragment(html).iter() if e.tag != "DOCUMENT_FRAGMENT"]
    assert {e.tag for e in elements} <= allowed_tags, html
    for element in elements:
        assert not any(attr.startswith("on") for attr in element.attrib), html
        assert not (element.get("href") or "").startswith("javascript"), html
    shown = "".join(fragment(html).itertext())
    for text in texts:
        assert text in shown, (text, html)


def description(subject):
    if subject is None:
        return f"The latest stories from {settings.SITE_NAME}."
    return f"Stories from {settings.SITE_NAME} {RELATION[subject]} {HOSTILE[subject]}."


def title(subject):
    if subject is None:
        return f"{settings.SITE_NAME}: latest news"
    return f"{settings.SITE_NAME}: {HOSTILE[subject]}"


@pytest.mark.parametrize("feed", FEEDS)
def test_rss_channel_and_items_hold_hostile_names_as_text(client, hostile_story, feed):
    url, subject = FEEDS[feed]
    response = client.get(url)
    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("title") == title(subject)
    # Feed readers show a channel's description as HTML: the name arrives as text.
    check_html(channel.findtext("description"), set(), description(subject))
    [item] = channel.findall("item")
    assert item.findtext("title") == HOSTILE["headline"]
    assert item.findtext(CREATOR) == HOSTILE["contributor"]
    assert [c.text for c in item.findall("category")] == [HOSTILE["tag"]]
    check_html(item.findtext("description"), {"p", "strong"}, HOSTILE["dek"], HOSTILE["correction"])
    check_html(item.findtext(CONTENT), {"p", "a"}, f"Said {HOSTILE['artist']} to")


@pytest.mark.parametrize("feed", FEEDS)
def test_atom_feed_and_entries_hold_hostile_names_as_text(client, hostile_story, feed):
    url, subject = FEEDS[feed]
    response = client.get(url + "atom/")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == title(subject)
    subtitle = root.find(f"{ATOM}subtitle")
    assert subtitle.get("type", "text") == "text"
    assert subtitle.text == description(subject)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").get("type", "text") == "text"
    assert entry.findtext(f"{ATOM}title") == HOSTILE["headline"]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == HOSTILE["contributor"]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [HOSTILE["tag"]]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    check_html(summary.text, {"p", "strong"}, HOSTILE["dek"], HOSTILE["correction"])
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    check_html(content.text, {"p", "a"}, f"Said {HOSTILE['artist']} to")
