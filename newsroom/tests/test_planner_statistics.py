"""SQLite's query planner has statistics to go by, so one artist's stories are found through
the artist's index rather than by walking every published story."""

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from newsroom.db import refresh_planner_statistics
from newsroom.testing import make_artist

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_an_artists_stories_are_found_through_the_artists_index():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum keeps its own statistics")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(headline=f"Story {n}", slug=f"story-{n}", body="Text.", status="published",
                published_at=now)
        for n in range(500)
    )  # fmt: skip
    # Every story mentions one of 50 artists; the one looked up is in one story.
    others = [make_artist() for _ in range(50)]
    Mention = Article.artists.through
    Mention.objects.bulk_create(
        Mention(article=article, artist=others[n % 50])
        for n, article in enumerate(Article.objects.all())
    )
    artist = make_artist()
    Article.objects.get(slug="story-7").artists.add(artist)
    stories = Article.objects.published().filter(artists=artist)

    refresh_planner_statistics()

    assert "artist_id" in plan(stories).split("\n")[0], plan(stories)
    assert stories.count() == 1


def test_migrate_leaves_statistics_behind():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum keeps its own statistics")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 1
