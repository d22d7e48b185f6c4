"""Control characters and noncharacters never reach the database, and feeds stay well-formed
even for rows that hold them from before."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from newsroom.testing import make_article, make_artist, make_contributor, sitemap_locations
from newsroom.text import clean_line, clean_lines, drop_invisible
from people.models import Artist

pytestmark = pytest.mark.django_db

FEEDS = ["/feeds/latest/", "/feeds/latest/atom/"]


@pytest.mark.parametrize(
    "dirty,line,lines",
    [
        ("Kanye\x0bWest returns", "Kanye West returns", "Kanye\nWest returns"),
        ("A\x01B", "AB", "AB"),
        ("tab\there", "tab here", "tab\there"),
        ("two\r\nlines", "two lines", "two\nlines"),
        ("old\rMac\r\n\r\nfile", "old Mac file", "old\nMac\n\nfile"),
        ("non\uffffchar\U0001fffe", "nonchar", "nonchar"),
        ("lone \ud800 surrogate", "lone surrogate", "lone  surrogate"),
        ("C1 \x85 next line", "C1 next line", "C1 \n next line"),
        ("🎤 Kanye  West\u200b", "🎤 Kanye West", "🎤 Kanye  West\u200b"),
        ("\ufeffKanye\u00a0\u00a0West\u2060 ", "Kanye West", "\ufeffKanye\u00a0\u00a0West\u2060 "),
        ("MTV\x00 News\x00", "MTV News", "MTV News"),
        (
            "Jay\u00a0Z  and\u2009 Beyoncé",
            "Jay\u00a0Z and Beyoncé",
            "Jay\u00a0Z  and\u2009 Beyoncé",
        ),
        ("👩\u200d🎤 and \u200cZWNJ", "👩\u200d🎤 and \u200cZWNJ", "👩\u200d🎤 and \u200cZWNJ"),
        ("  Padded  ", "Padded", "  Padded  "),
        ("Beyoncé 🎤", "Beyoncé 🎤", "Beyoncé 🎤"),
    ],
)
def test_text_cleaning_rules(dirty, line, lines):
    assert clean_line(dirty) == line
    assert clean_lines(dirty) == lines
    assert drop_invisible(line) == line


def test_no_control_character_reaches_the_database_from_any_model():
    artist = make_artist(name="Kanye\x08 West", summary="Rapper\x0bproducer")
    contributor = make_contributor(name="MTV\x00 News")
    article = make_article(
        headline="Kanye\x0bWest returns\uffff",
        dek="A dek\x01",
        body=f'[artist id="{artist.external_id}"]Kanye[/artist]\x0bnext line',
        tags=["Word\x0bTag"],
    )
    artist.refresh_from_db()
    contributor.refresh_from_db()
    article.refresh_from_db()
    assert artist.name == "Kanye West"
    assert artist.summary == "Rapper producer"
    assert contributor.name == "MTV News"
    assert article.headline == "Kanye West returns"
    assert article.dek == "A dek"
    assert article.body.endswith("[/artist]\nnext line")
    assert list(article.artists.all()) == [artist]
    assert [tag.name for tag in article.tags.all()] == ["Word Tag"]


def test_the_admin_stores_pasted_breaks_as_spaces(admin_client):
    from articles.tests.test_admin import article_form_data

    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(headline="Kanye\x0bWest returns", dek="Dek\x01", body="Body\x0bline"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert (article.headline, article.dek, article.body) == (
        "Kanye West returns",
        "Dek",
        "Body\nline",
    )


def parse_xml(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_feeds_stay_well_formed_for_rows_that_already_hold_control_characters(client):
    artist = make_artist(slug="kanye-west", name="Kanye West")
    article = make_article(
        body=f'[artist id="{artist.external_id}"]Kanye[/artist]',
        tags=["Tours"],
        contributors=[make_contributor(name="MTV News")],
    )
    # Written around save(), as rows from before the cleaning or from raw SQL would be.
    Article.objects.filter(pk=article.pk).update(
        headline="Kanye\x0bWest returns\uffff", dek="A dek\x01"
    )
    Artist.objects.filter(pk=artist.pk).update(name="Kanye\x08 West")
    Tag.objects.filter(name="Tours").update(name="Word\x0bTag")
    from people.models import Contributor

    Contributor.objects.filter(name="MTV News").update(name="MTV\x1f News")
    tag = Tag.objects.get(name="Word\x0bTag")
    urls = [
        *FEEDS,
        f"/feeds/artists/{artist.slug}/",
        f"/feeds/artists/{artist.slug}/atom/",
        f"/feeds/tags/{tag.slug}/",
        f"/feeds/tags/{tag.slug}/atom/",
    ]
    for url in urls:
        document = parse_xml(client.get(url))
        text = " ".join(ET.tostring(document, encoding="unicode").split())
        assert "Kanye West returns" in text, url
        assert "\x0b" not in text and "\uffff" not in text
    assert any(article.get_absolute_url() in loc for loc in sitemap_locations(client))


PASTED = "🎤 Kanye  West\u200b"


def test_one_line_fields_typed_in_the_admin_lose_zero_width_and_doubled_spaces(admin_client):
    from articles.tests.test_admin import article_form_data

    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(headline=PASTED, dek="A dek\x00 with a NUL", body="Body\x00 text."),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert (article.headline, article.dek, article.body) == (
        "🎤 Kanye West",
        "A dek with a NUL",
        "Body text.",
    )


def test_a_nul_is_cleaned_not_refused_and_a_form_shown_again_holds_the_clean_text(admin_client):
    from articles.tests.test_admin import article_form_data

    # Refused for another reason: the form comes back with what was typed, cleaned.
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(headline="Kanye\x00 West", slug="not a slug"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Null characters are not allowed" not in html
    assert "\x00" not in html and "\ufffd" not in html
    assert 'value="Kanye West"' in html


def test_every_admin_form_of_the_site_cleans_text_before_checking_it(admin_client):
    from django.conf import settings
    from django.contrib import admin

    from newsroom.forms import CleanTextMixin

    checked = 0
    for model, model_admin in admin.site._registry.items():
        # The site's own apps, not Django's or a library's.
        path = model._meta.app_config.path
        if not path.startswith(str(settings.BASE_DIR)) or "site-packages" in path:
            continue
        for inline in model_admin.inlines:
            if set(inline.fields or ()) <= set(inline.readonly_fields):
                continue  # nothing to type
            assert issubclass(inline.form, CleanTextMixin), inline
        assert issubclass(model_admin.form, CleanTextMixin), model_admin
        checked += 1
    assert checked >= 6
    from newsroom.testing import form_values

    url = reverse("admin:people_artist_add")
    data = form_values(admin_client.get(url).content.decode(), "artist_form")
    data.update(name=PASTED + "\x00", slug="kanye-west", external_id="1230523")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Artist.objects.get(slug="kanye-west").name == "🎤 Kanye West"
