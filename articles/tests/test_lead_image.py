"""The lead photo: on the article page, in listings, in link previews and structured data."""

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from newsroom.testing import make_article, make_artist, make_contributor, make_image

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def meta(html, name):
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    return match and match.group(1)


def stored_size(url):
    name = url.removeprefix("http://testserver/media/")
    with default_storage.open(name, "rb") as fh:
        return PILImage.open(io.BytesIO(fh.read())).size


def photo(**fields):
    fields.setdefault("size", (1600, 1200))
    return make_image(**fields)


def test_article_page_shows_the_lead_photo_with_caption_and_credit(client):
    image = photo(
        alt_text="Two people on a film set",
        caption="On set in Los Angeles",
        credit="Photo: Staff",
    )
    article = make_article(lead_image=image)
    html = html_of(client.get(article.get_absolute_url()))
    figure = re.search(r'<figure class="lead-image">.*?</figure>', html, re.S).group()
    assert "<picture>" in figure
    assert 'type="image/webp"' in figure
    assert 'alt="Two people on a film set"' in figure
    assert 'loading="eager"' in figure and 'fetchpriority="high"' in figure
    assert (
        "On set in Los Angeles" in figure and '<span class="credit">Photo: Staff</span>' in figure
    )
    assert "1600w" not in figure and "1280w" in figure  # widths up to the original's
    assert image.file.url not in html  # never the original


def test_link_previews_use_a_1200_by_630_crop_and_the_large_card(client):
    article = make_article(lead_image=photo(alt_text="A stage"))
    html = html_of(client.get(article.get_absolute_url()))
    image = meta(html, "og:image")
    assert image.startswith("http://testserver/media/renditions/")
    assert stored_size(image) == (1200, 630)
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
    assert meta(html, "og:image:alt") == "A stage"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == image


def test_a_small_original_is_never_upscaled_for_previews(client):
    article = make_article(lead_image=photo(size=(800, 600)))
    html = html_of(client.get(article.get_absolute_url()))
    assert stored_size(meta(html, "og:image")) == (800, 420)


def test_json_ld_image_has_square_four_three_and_wide_crops(client):
    article = make_article(lead_image=photo())
    html = html_of(client.get(article.get_absolute_url()))
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    sizes = [stored_size(url) for url in data["image"]]
    assert sizes == [(1200, 1200), (1200, 900), (1200, 675)]


def test_without_a_lead_photo_the_page_has_no_figure_and_the_small_card(client):
    html = html_of(client.get(make_article().get_absolute_url()))
    assert "lead-image" not in html
    assert meta(html, "twitter:card") == "summary"


def test_home_leads_with_the_photo_and_shows_thumbnails_and_text_only_teasers(client):
    make_article(headline="Oldest, no photo")
    make_article(headline="Middle", lead_image=photo(size=(800, 600)))
    make_article(headline="Newest", lead_image=photo(size=(800, 600)))
    html = html_of(client.get("/"))
    lead = re.search(r'<div class="lead-story">.*?</div>\s*</article>', html, re.S).group()
    assert "Newest" in lead and 'data-layout="photo"' in lead and 'class="teaser-image"' in lead
    assert html.count('data-layout="thumbnail"') == 1
    assert html.count('class="teaser-thumb"') == 1
    assert html.count('data-layout="text"') == 1


def test_a_lead_photo_cannot_be_deleted_from_under_a_story():
    image = photo(size=(400, 300))
    make_article(lead_image=image)
    with pytest.raises(ProtectedError):
        image.delete()


def listing_urls():
    return {
        "home": lambda ctx: "/",
        "tag": lambda ctx: "/tags/news/",
        "artist": lambda ctx: f"/artists/{ctx['artist'].slug}/",
        "contributor": lambda ctx: f"/contributors/{ctx['writer'].slug}/",
    }


@pytest.mark.parametrize("page", ["home", "tag", "artist", "contributor"])
def test_listing_queries_do_not_grow_with_articles_or_photos(client, page):
    writer = make_contributor()
    artist = make_artist()
    ctx = {"writer": writer, "artist": artist}
    url = listing_urls()[page](ctx)
    body = f'[artist id="{artist.external_id}"]{artist.name}[/artist]'

    def add(with_photo):
        make_article(
            contributors=[writer],
            tags=["News"],
            body=body,
            lead_image=photo(size=(400, 300)) if with_photo else None,
        )

    counts = []
    for batch in ([False], [False] * 5, [True] * 5):  # 1, 6 and 11 stories, the last with photos
        for with_photo in batch:
            add(with_photo)
        with CaptureQueriesContext(connection) as captured:
            html = html_of(client.get(url))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2]
    assert html.count("teaser-thumb") + html.count("teaser-image") == 5


def test_feed_entries_start_with_the_lead_photo_at_absolute_addresses(client):
    from xml.etree import ElementTree

    make_article(
        lead_image=photo(size=(800, 600), caption="On stage", credit="Photo: Staff"),
        body="The story.",
    )
    for url, path in [
        ("/feeds/latest/", ".//{http://purl.org/rss/1.0/modules/content/}encoded"),
        ("/feeds/latest/atom/", ".//{http://www.w3.org/2005/Atom}content"),
    ]:
        content = ElementTree.fromstring(client.get(url).content).find(path).text
        assert content.startswith('<figure class="lead-image">')
        assert 'src="http://testserver/media/renditions/' in content
        assert 'srcset="http://testserver/media/renditions/' in content
        assert "On stage" in content and "Photo: Staff" in content
        assert content.rstrip().endswith("<p>The story.</p>")
