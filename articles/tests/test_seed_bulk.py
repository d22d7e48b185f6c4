"""seed_bulk: bulk synthetic data with its derived data in step, never loaded twice."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article
from articles.services import check_body
from newsroom.testing import make_article
from people.models import Artist
from projects.models import MediaProject

pytestmark = pytest.mark.django_db

SMALL = ["--articles", "40", "--artists", "15", "--projects", "12", "--contributors", "4",
         "--tags", "6", "--images", "2"]  # fmt: skip


def test_loads_the_numbers_asked_with_bodies_that_check_clean_and_derived_data_in_step(client):
    call_command("seed_bulk", *SMALL, stdout=io.StringIO())
    assert Article.objects.count() == 40
    assert Artist.objects.count() == 15 and MediaProject.objects.count() == 12
    articles = list(Article.objects.all())
    assert any(a.body.count("[artist") >= 5 for a in articles)
    for article in articles[:10]:
        assert [p for p in check_body(article.body) if p.severity == "error"] == []
    # What saving each article would derive: nothing is stale.
    report = io.StringIO()
    call_command("rederive_articles", "--check", stdout=report)
    assert "0 of 40 article(s) stale" in report.getvalue()
    mentioned = Article.objects.filter(body__contains="[artist").first()
    assert mentioned.artists.exists()
    published = Article.objects.published().first()
    response = client.get(reverse("articles:detail", kwargs={"slug": published.slug}))
    assert response.status_code == 200


def test_refuses_a_database_with_articles_and_never_loads_twice():
    make_article()
    with pytest.raises(CommandError, match="already holds 1 articles"):
        call_command("seed_bulk", *SMALL)
    call_command("seed_bulk", *SMALL, "--add", stdout=io.StringIO())
    assert Article.objects.count() == 41
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bulk", *SMALL, "--add", stdout=io.StringIO())
    assert Article.objects.count() == 41


def test_refuses_nonsense_counts():
    with pytest.raises(CommandError, match="--articles must be at least 1"):
        call_command("seed_bulk", "--articles", "0")
