"""Publication, update and correction times are stored to the second, so every `<time
datetime>` a page prints is valid HTML (at most three digits of a second)."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article, post_change_form

pytestmark = pytest.mark.django_db

# HTML's "valid global date and time string", with at most three digits of a second.
VALID_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})"
)
MICROSECONDS = timedelta(microseconds=514332)


def datetimes_on(client, url):
    html = client.get(url).content.decode()
    found = re.findall(r'<time datetime="([^"]*)"', html)
    found += re.findall(r'<meta property="article:\w+_time" content="([^"]*)"', html)
    return found


def check_page_times(client, article):
    for url in (article.get_absolute_url(), "/"):
        found = datetimes_on(client, url)
        assert found, url
        for value in found:
            if len(value) > 10:  # a full time, not a release date
                assert VALID_DATETIME.fullmatch(value), (url, value)


def test_publish_now_stores_the_time_to_the_second(admin_client, client):
    draft = make_article(status=Article.Status.DRAFT)
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at.microsecond == 0
    check_page_times(client, draft)


def test_publishing_from_the_change_form_without_a_time_stores_it_to_the_second(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(status=Article.Status.PUBLISHED, published_at_0="", published_at_1=""),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at is not None and article.published_at.microsecond == 0


def test_a_typed_time_an_edit_and_a_correction_are_stored_to_the_second(admin_client, client):
    article = make_article(
        published_at=timezone.now() - timedelta(days=2) + MICROSECONDS, dek="First dek"
    )
    assert article.published_at.microsecond == 0
    response = post_change_form(admin_client, article, dek="A later dek")
    assert response.status_code == 302
    Correction.objects.create(article=article, text="An earlier version misspelled a name.")
    article.refresh_from_db()
    assert article.published_at.microsecond == 0
    assert article.revised_at is not None and article.revised_at.microsecond == 0
    assert article.corrections.get().noted_at.microsecond == 0
    check_page_times(client, article)


def test_times_written_in_bulk_or_loaded_are_stored_to_the_second():
    when = timezone.now() - timedelta(hours=3) + MICROSECONDS
    Article.objects.bulk_create(
        [Article(headline="Bulk", slug="bulk", body="Text.", status="published", published_at=when)]
    )
    assert Article.objects.get(slug="bulk").published_at.microsecond == 0


def test_the_migration_takes_fractions_off_times_already_stored(client):
    article = make_article()
    Correction.objects.create(article=article, text="Clarified.")
    # Written past the field, as rows stored before the field kept whole seconds.
    when = article.published_at.replace(microsecond=514332)
    Article.objects.filter(pk=article.pk).update(published_at=when, revised_at=when)
    Correction.objects.update(noted_at=when)
    migration = importlib.import_module("articles.migrations.0018_times_to_the_second")
    migration.times_to_the_second(apps, None)
    article.refresh_from_db()
    assert article.published_at == when.replace(microsecond=0)
    assert article.revised_at == when.replace(microsecond=0)
    assert Correction.objects.get().noted_at == when.replace(microsecond=0)
