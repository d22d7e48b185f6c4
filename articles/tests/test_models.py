import pytest
from django.utils import timezone

from articles.models import Article
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db


def test_published_selects_only_published_articles_whose_time_has_come():
    now = timezone.now()
    past = make_article(headline="Past", published_at=now - timezone.timedelta(minutes=1))
    make_article(headline="Future", published_at=now + timezone.timedelta(minutes=1))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(
        headline="Draft with a date",
        status=Article.Status.DRAFT,
        published_at=now - timezone.timedelta(days=1),
    )
    assert list(Article.objects.published()) == [past]


def test_is_published_agrees_with_the_queryset():
    now = timezone.now()
    assert make_article(published_at=now - timezone.timedelta(seconds=1)).is_published
    assert not make_article(published_at=now + timezone.timedelta(hours=1)).is_published
    assert not make_article(status=Article.Status.DRAFT).is_published


def test_clean_normalises_the_legacy_address():
    article = Article(legacy_path="news/1608065/story", status=Article.Status.DRAFT)
    article.clean()
    assert article.legacy_path == "/news/1608065/story/"


def test_clean_dates_an_undated_published_article():
    article = Article(status=Article.Status.PUBLISHED)
    article.clean()
    assert article.published_at is not None


def test_article_str_and_url():
    article = make_article(headline="Big news", slug="big-news")
    assert str(article) == "Big news"
    assert article.get_absolute_url() == "/articles/big-news/"
