"""Corrections and clarifications: on the page, in feeds and JSON-LD, and the "Updated" time."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(blocks[0])


def parse_time(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def published_days_ago(days, **fields):
    return make_article(published_at=timezone.now() - timedelta(days=days), **fields)


def test_corrections_are_listed_at_the_foot_with_kind_date_and_escaped_text(client):
    article = published_days_ago(3, body="The film runs 30 minutes.")
    Correction.objects.create(
        article=article,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version gave the wrong running time <script>x</script>.",
        noted_at=timezone.now() - timedelta(days=1),
    )
    Correction.objects.create(
        article=article, kind=Correction.Kind.CLARIFICATION, text="The shoot was in Los Angeles."
    )
    html = client.get(article.get_absolute_url()).content.decode()
    foot = html[html.index('class="corrections"') :]
    assert foot.index("<strong>Correction</strong>") < foot.index("<strong>Clarification</strong>")
    assert "&lt;script&gt;x&lt;/script&gt;" in foot
    assert "<script>x</script>" not in html
    # The foot comes after the body.
    assert html.index('class="article-body"') < html.index('class="corrections"')


def test_an_article_without_corrections_has_no_corrections_section(client):
    article = published_days_ago(3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="corrections"' not in html
    assert "Updated" not in html


def test_updated_time_follows_the_last_correction(client):
    article = published_days_ago(10)
    # Kept to the second.
    noted = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    Correction.objects.create(article=article, text="A fix.", noted_at=noted)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'Updated <time datetime="{timezone.localtime(noted).isoformat()}' in html
    data = json_ld(html)
    to_ms = noted.replace(microsecond=noted.microsecond // 1000 * 1000)
    assert parse_time(data["dateModified"]) == to_ms
    [comment] = data["correction"]
    assert comment["@type"] == "CorrectionComment"
    assert comment["text"] == "Correction: A fix."
    assert parse_time(comment["datePublished"]) == parse_time(data["dateModified"])


def test_a_substantive_change_after_publication_is_an_update(client):
    article = published_days_ago(5)
    assert not article.was_updated
    article.body = "A rewritten paragraph."
    article.save()
    article.refresh_from_db()
    assert article.revised_at is not None
    assert article.last_updated == article.revised_at
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated" in html


def test_saves_that_do_not_change_what_readers_read_are_not_updates():
    article = published_days_ago(5, body="Same words.")
    article.tags.add("news")
    article.source = "MTV News"
    article.save()
    article.status = Article.Status.PUBLISHED
    article.body = "Changed, but saved as a chosen field only."
    article.save(update_fields=["status", "updated_at"])
    article.refresh_from_db()
    assert article.revised_at is None
    assert not article.was_updated


def test_edits_within_the_grace_period_after_publication_are_not_updates():
    article = make_article(published_at=timezone.now() - timedelta(minutes=10))
    article.headline = "A better headline"
    article.save()
    article.refresh_from_db()
    assert article.revised_at is not None
    assert article.last_updated is None


def test_feeds_carry_corrections_and_their_time():
    from django.test import Client

    client = Client()
    article = published_days_ago(4, dek="The dek & more")
    noted = (timezone.now() - timedelta(hours=5)).replace(microsecond=0)
    Correction.objects.create(article=article, text="Wrong <b>date</b> & place.", noted_at=noted)
    rss = ET.fromstring(client.get("/feeds/latest/").content)
    description = rss.find("channel/item/description").text
    assert "The dek &amp; more" in description
    assert "<strong>Correction</strong>" in description
    assert "Wrong &lt;b&gt;date&lt;/b&gt; &amp; place." in description
    atom = ET.fromstring(client.get("/feeds/latest/atom/").content)
    updated = atom.find(f"{ATOM}entry/{ATOM}updated").text
    assert parse_time(updated) == noted


@pytest.mark.parametrize("count", [1, 6])
def test_article_page_queries_do_not_grow_with_corrections(
    client, count, django_assert_max_num_queries
):
    article = published_days_ago(3)
    for n in range(count):
        Correction.objects.create(article=article, text=f"Fix {n}.")
    with django_assert_max_num_queries(20) as captured:  # nothing kept yet
        client.get(article.get_absolute_url())
    correction_queries = [q for q in captured.captured_queries if "correction" in q["sql"]]
    assert len(correction_queries) == 1
    # Then they are kept with the page's other relations until one changes.
    with django_assert_max_num_queries(3) as captured:
        response = client.get(article.get_absolute_url())
    assert not [q for q in captured.captured_queries if "correction" in q["sql"]]
    assert f"Fix {count - 1}." in response.content.decode()


def test_admin_adds_a_correction_inline(admin_client):
    article = published_days_ago(2, headline="Story", slug="story")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": "",
        "body": article.body,
        "status": "published",
        "published_at_0": timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        "source": "",
        "legacy_path": "",
        "tags": "",
        "edited_version": form["edited_version"].value(),
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "corrections-0-kind": "clarification",
        "corrections-0-text": "The video premieres online.",
        "corrections-0-noted_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "corrections-0-noted_at_1": timezone.localtime().strftime("%H:%M:%S"),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    correction = article.corrections.get()
    assert correction.kind == "clarification"
    assert correction.text == "The video premieres online."
