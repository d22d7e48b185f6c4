"""Share links: a signed, expiring, revocable preview of a draft or scheduled article."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db


def draft(**fields):
    return make_article(status=Article.Status.DRAFT, headline="Not out yet", **fields)


def test_a_share_link_shows_the_draft_with_a_banner_noindex_and_no_caching(client):
    article = draft(body="Secret body.")
    response = client.get(article.get_share_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret body." in html
    assert "not public yet" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    # The draft itself stays hidden at its public address.
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_share_link_shows_a_scheduled_article_before_it_goes_live(client):
    article = make_article(published_at=timezone.now() + timedelta(days=1), body="Soon.")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Soon." in client.get(article.get_share_url()).content.decode()


def test_a_share_link_to_a_live_article_leads_to_its_public_page(client):
    article = make_article()
    response = client.get(article.get_share_url())
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_an_expired_share_link_is_not_found(client, settings):
    article = draft()
    url = article.get_share_url()
    settings.SHARE_PREVIEW_SECONDS = -1
    assert client.get(url).status_code == 404


def test_a_tampered_share_link_is_not_found(client):
    article = draft()
    other = draft(slug="other-draft")
    token = article.share_token()
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"a": other.pk, "k": other.preview_key}, salt="not-the-salt")
    for bad in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "x" + token,
        forged,
        "garbage",
        f"{payload}x:{rest}",
    ]:
        assert client.get(reverse("articles:share", kwargs={"token": bad})).status_code == 404


def test_a_new_preview_key_revokes_links_given_out(client):
    article = draft()
    url = article.get_share_url()
    assert client.get(url).status_code == 200
    article.revoke_share_links()
    assert client.get(url).status_code == 404
    assert client.get(article.get_share_url()).status_code == 200


def test_every_article_gets_its_own_preview_key():
    first, second = draft(slug="a"), draft(slug="b")
    assert first.preview_key and first.preview_key != second.preview_key


def test_the_change_page_shows_the_share_link_and_the_action_revokes(admin_client):
    article = draft()
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    # The link is signed when the page is drawn: its time may be a second off from one made now.
    token = re.search(r'"/preview/([^"/]+)/"', page.content.decode()).group(1)
    assert Article.objects.from_share_token(token) == article
    old_key = article.preview_key
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "revoke_share_links", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.preview_key != old_key
