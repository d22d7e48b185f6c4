"""A body's length is counted as it is stored: the CR LF line breaks a browser sends are one
character each, as the editor saw them in the text box."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db

PARAGRAPH = "Kanye West and Spike Jonze collaborate on a short film."


def body_of(length):
    """A body of `length` characters in paragraphs, with LF line breaks."""
    chunk = PARAGRAPH + "\n\n"
    text = (chunk * (length // len(chunk) + 1))[:length]
    # Ending in a character the form keeps (it strips spaces and line breaks at the ends).
    return text[:-1] + "."


def test_a_body_of_exactly_the_limit_sent_with_cr_lf_is_saved_as_typed(admin_client):
    body = body_of(settings.MAX_BODY_CHARS)
    assert len(body) == settings.MAX_BODY_CHARS and body.count("\n") > 6000
    sent = body.replace("\n", "\r\n")
    response = admin_client.post(
        reverse("admin:articles_article_add"), article_form_data(body=sent)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Article.objects.get().body
    assert stored == body and "\r" not in stored


def test_one_character_more_is_refused_with_the_count_the_editor_sees(admin_client):
    body = body_of(settings.MAX_BODY_CHARS + 1)
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(body=body.replace("\n", "\r\n")),
    )
    assert response.status_code == 200
    limit = settings.MAX_BODY_CHARS
    assert (
        f"The body has {limit + 1} characters; an article can have at most {limit}."
        in response.content.decode()
    )
    assert not Article.objects.exists()


def test_the_preview_counts_cr_lf_as_one_character(admin_client):
    body = body_of(settings.MAX_BODY_CHARS)
    data = admin_client.post(
        reverse("admin:articles_article_preview"), {"body": body.replace("\n", "\r\n")}
    ).json()
    assert data["html"]
    assert not [p for p in data["problems"] if "characters" in p["message"]]


def test_problems_are_placed_by_the_lines_the_editor_sees(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(body='First.\r\n\r\nSecond [artist id="999"]Nobody[/artist].'),
    )
    assert "Line 3, column 8:" in response.content.decode()


def test_bodies_stored_with_cr_lf_get_newlines(db):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body="One.\r\n\r\nTwo.\rThree.")
    migration = importlib.import_module("articles.migrations.0020_line_breaks_as_newlines")
    migration.line_breaks_as_newlines(apps, None)
    article.refresh_from_db()
    assert article.body == "One.\n\nTwo.\nThree."
