"""[image id="…" /]: library photos in story bodies."""

import re

import html5lib
import pytest

from articles import services
from articles.rendering import render_body
from newsroom.testing import make_article, make_image

pytestmark = pytest.mark.django_db


def strict_parse(html):
    html5lib.HTMLParser(strict=True).parseFragment(html)


def photo(**fields):
    fields.setdefault("size", (1000, 750))
    return make_image(**fields)


def test_an_image_tag_on_its_own_line_is_a_figure_outside_any_paragraph():
    image = photo(alt_text="A crowd at a show", caption="The first night", credit="Photo: Staff")
    html = str(render_body(f'Before.\n\n[image id="{image.pk}" /]\n\nAfter.'))
    strict_parse(html)
    assert html.startswith("<p>Before.</p>")
    assert html.endswith("<p>After.</p>")
    figure = re.search(r"<figure[^>]*>.*?</figure>", html, re.S).group()
    assert not re.search(r"<p>[^<]*<figure", html)
    img = re.search(r"<img [^>]*>", figure).group()
    for attribute in (
        'alt="A crowd at a show"',
        'loading="lazy"',
        'decoding="async"',
        'width="640"',
        'height="480"',
        'sizes="',
        "srcset=",
    ):
        assert attribute in img
    assert "320w" in img and "960w" in img and "1280w" not in img
    assert '<source type="image/webp"' in figure
    assert (
        '<figcaption>The first night <span class="credit">Photo: Staff</span></figcaption>'
        in figure
    )


def test_a_caption_attribute_overrides_the_library_caption_per_tag():
    image = photo(caption="Library caption")
    body = f'[image id="{image.pk}" caption="Seen from the balcony" /]\n\n[image id="{image.pk}" /]'
    html = str(render_body(body))
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    assert captions == ["Seen from the balcony", "Library caption"]


def test_the_caption_attribute_is_escaped():
    image = photo()
    html = str(render_body(f'[image id="{image.pk}" caption="<script>alert(1)</script>" /]'))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_image_tag_inside_a_line_of_text_stays_in_its_paragraph_as_a_picture():
    image = photo()
    html = str(render_body(f'Look: [image id="{image.pk}" /] there.'))
    strict_parse(html)
    assert "<figure" not in html
    assert re.fullmatch(r"<p>Look: <picture>.*</picture> there\.</p>", html, re.S)


def test_an_unknown_id_renders_nothing_and_is_a_save_time_error():
    html = str(render_body('Before.\n\n[image id="424242" /]\n\nAfter.'))
    assert "<figure" not in html and "<img" not in html and "424242" not in html
    assert re.sub(r"<[^>]+>|\s", "", html) == "Before.After."
    problems = services.check_body('Before.\n\n[image id="424242" /]')
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, 1, "error")]
    assert "matches no image" in problems[0].message


@pytest.mark.parametrize(
    "tag, message",
    [("[image /]", "needs the id"), ('[image id="twelve" /]', "must be a number")],
)
def test_a_malformed_image_tag_is_a_save_time_error(tag, message):
    problems = services.check_body(tag)
    assert message in problems[0].message and problems[0].severity == "error"


def test_the_original_file_never_reaches_the_page():
    image = photo()
    html = str(render_body(f'[image id="{image.pk}" /]'))
    assert image.file.url not in html


@pytest.mark.parametrize("count", [1, 25])
def test_images_are_looked_up_in_one_query_however_many(count, django_assert_num_queries):
    images = [photo(size=(320, 240)) for _ in range(count)]
    body = "\n\n".join(f'[image id="{image.pk}" /]' for image in images)
    with django_assert_num_queries(1):
        html = str(render_body(body))
    assert html.count("<figure") == count


@pytest.mark.parametrize("count", [1, 25])
def test_article_page_queries_do_not_grow_with_body_images(client, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    baseline = make_article(body="Text only.")
    with CaptureQueriesContext(connection) as plain:
        client.get(baseline.get_absolute_url())
    images = [photo(size=(320, 240)) for _ in range(count)]
    article = make_article(body="\n\n".join(f'[image id="{i.pk}" /]' for i in images))
    with CaptureQueriesContext(connection) as rich:
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('<figure class="body-image">') == count
    # One more query than a body without tags: the one batched image look-up.
    assert len(rich.captured_queries) == len(plain.captured_queries) + 1


def test_changing_an_image_shows_on_pages_at_once(client):
    image = photo(caption="Old caption")
    article = make_article(body=f'[image id="{image.pk}" /]')
    assert "Old caption" in client.get(article.get_absolute_url()).content.decode()
    image.caption = "New caption"
    image.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "New caption" in html and "Old caption" not in html


def test_feeds_carry_body_photos_with_absolute_addresses(client):
    from xml.etree import ElementTree

    image = photo(caption="In the feed")
    make_article(body=f'Text.\n\n[image id="{image.pk}" /]')
    root = ElementTree.fromstring(client.get("/feeds/latest/").content)
    content = root.find(".//{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert '<figure class="body-image">' in content
    assert re.search(r'<img src="http://testserver/media/renditions/[^"]+\.jpg"', content)
    assert "/media/renditions/" in content and " /media/" not in content
    assert "In the feed" in content
