"""A story's body in a feed is bounded: its leading part, then a link to the story, so a feed of
huge stories stays small."""

from xml.etree import ElementTree

import html5lib
import pytest
from django.conf import settings
from django.utils import timezone

from articles import feeds, rendering
from articles.models import Article
from newsroom.testing import make_article, make_artist, make_image

pytestmark = pytest.mark.django_db

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
READ_ON = "Read the whole story on"


@pytest.fixture
def kanye(db):
    return make_artist(name="Kanye West", slug="kanye-west", external_id=1230523)


def mentions(count, artist):
    tag = f'[artist id="{artist.external_id}"]Kanye West[/artist]'
    return "\n\n".join(f"Take {n}: {tag} and Spike Jonze on set." for n in range(count))


def rss_contents(client, url="/feeds/latest/"):
    response = client.get(url)
    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content).find("channel")
    items = channel.iter("item")
    return response, {item.findtext("link"): item.findtext(CONTENT) for item in items}


def parsed(html):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)


def check_bounded(html, article):
    """Within the limit, well-formed, and ending with a link to the whole story."""
    assert len(html) <= feeds.FEED_BODY_CHARS + 500
    fragment = parsed(html)
    last = list(fragment)[-1]
    assert "".join(last.itertext()) == f"{READ_ON} {settings.SITE_NAME}"
    assert last.find("a").get("href") == f"http://testserver{article.get_absolute_url()}"
    return fragment


def test_a_story_with_thousands_of_mentions_ends_with_a_link_to_it(client, kanye):
    article = make_article(body=mentions(3000, kanye))
    _, contents = rss_contents(client)
    fragment = check_bounded(contents[f"http://testserver{article.get_absolute_url()}"], article)
    links = [a for a in fragment.iter("a") if a.get("href", "").endswith("/artists/kanye-west/")]
    assert 100 < len(links) <= feeds.FEED_BODY_TAGS
    # Whole paragraphs: the last one shown is complete.
    assert "".join(list(fragment)[-2].itertext()).endswith("and Spike Jonze on set.")


def test_a_story_with_thousands_of_photos_is_bounded_in_rss_and_atom(client):
    image = make_image(alt_text="Spike Jonze on set", caption="On set", credit="MTV News")
    article = make_article(body="\n\n".join(f'[image id="{image.pk}" /]' for _ in range(2000)))
    _, contents = rss_contents(client)
    fragment = check_bounded(contents[f"http://testserver{article.get_absolute_url()}"], article)
    assert 0 < len(list(fragment.iter("figure"))) <= feeds.FEED_BODY_TAGS
    atom = ElementTree.fromstring(client.get("/feeds/latest/atom/").content)
    check_bounded(atom.find(f"{ATOM}entry/{ATOM}content").text, article)


def test_a_long_story_of_plain_text_is_cut_at_a_paragraph(client):
    paragraph = "Kanye West and Spike Jonze collaborate on a short film. " * 20
    article = make_article(body="\n\n".join([paragraph.strip()] * 200))
    _, contents = rss_contents(client)
    check_bounded(contents[f"http://testserver{article.get_absolute_url()}"], article)


def test_a_story_of_ordinary_length_is_whole_in_the_feed(client, kanye):
    article = make_article(body=mentions(40, kanye))
    _, contents = rss_contents(client)
    html = contents[f"http://testserver{article.get_absolute_url()}"]
    assert READ_ON not in html
    assert html.count("/artists/kanye-west/") == 40


def test_a_feed_of_twenty_huge_stories_stays_a_few_megabytes(client, kanye):
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Huge {n}",
            slug=f"huge-{n}",
            body=f"Story {n}.\n\n" + mentions(600, kanye),
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=n + 1),
        )
        for n in range(20)
    )
    response, contents = rss_contents(client)
    assert len(contents) == 20
    assert all(READ_ON in html for html in contents.values())
    assert len(response.content) < 20 * (feeds.FEED_BODY_CHARS + 5_000)


@pytest.mark.parametrize(
    "body, max_chars, max_tags, expected",
    [
        ("One.\n\nTwo.", 100, 10, ("One.\n\nTwo.", False)),
        ("One.\n\nTwo.\n\nThree.", 12, 10, ("One.\n\nTwo.", True)),
        (
            'A [artist id="1" /] b.\n\nC [artist id="2" /] d.\n\nE.',
            100,
            1,
            ('A [artist id="1" /] b.', True),
        ),
        ('A [artist id="1"]long\n\ntext[/artist] b.\n\nC.', 30, 10, ("A", True)),
        (
            'A [artist id="1"]long\n\ntext[/artist] b.\n\nC.',
            40,
            10,
            ('A [artist id="1"]long\n\ntext[/artist] b.', True),
        ),
        ("word " * 10, 12, 10, ("word word", True)),
    ],
)
def test_leading_part(body, max_chars, max_tags, expected):
    assert rendering.leading_part(body, max_chars=max_chars, max_tags=max_tags) == expected


def test_bounded_html_closes_what_it_cuts():
    html = "<p>One</p>\n<ul>\n<li>two</li>\n<li>three</li>\n</ul>\n<p>four</p>"
    assert rendering.bounded_html(html, 1000) == (html, False)
    assert rendering.bounded_html(html, 30) == ("<p>One</p>\n<ul>\n<li>two</li></ul>", True)
