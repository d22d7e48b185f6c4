"""Search over published articles: PostgreSQL full-text search where the site runs on
PostgreSQL, portable LIKE look-ups elsewhere, and highlighted snippets for the results page.

On PostgreSQL each article keeps a `search_vector` column (added by migration 0011, PostgreSQL
only, with a GIN index; the model does not declare it, so SQLite needs nothing): the headline
weighs most (A), then the dek and the names of the artists and projects it links to or is about
(B), then the body text (C). It is rewritten in the same transaction as every article save and
whenever a linked artist or project is renamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
# Marks around matched words in snippets: private-use characters never stored in a body.
START, STOP = "\ue000", "\ue001"
SNIPPET_WORDS = 35
SNIPPET_CHARS = 240


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _tables():
    from .models import Article

    return {
        "article": Article._meta.db_table,
        "mentions": Article.artists.through._meta.db_table,
        "mentioned_projects": Article.projects.through._meta.db_table,
        "related": Article.related_projects.through._meta.db_table,
        "artist": Article.artists.field.related_model._meta.db_table,
        "project": Article.projects.field.related_model._meta.db_table,
    }


def update_vectors(article_ids: Iterable[int]) -> None:
    """Rewrite the search vector of these articles in one statement (PostgreSQL only)."""
    ids = list(article_ids)
    if not ids or not full_text():
        return
    t = _tables()
    names = (
        f"coalesce((SELECT string_agg(x.name, ' ') FROM {t['artist']} x JOIN {t['mentions']} m "
        f"ON m.artist_id = x.id WHERE m.article_id = a.id), '') || ' ' || "
        f"coalesce((SELECT string_agg(p.title, ' ') FROM {t['project']} p "
        f"WHERE p.id IN (SELECT mediaproject_id FROM {t['mentioned_projects']} "
        f"WHERE article_id = a.id UNION SELECT mediaproject_id FROM {t['related']} "
        f"WHERE article_id = a.id)), '')"
    )
    sql = (
        f"UPDATE {t['article']} a SET search_vector = "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.headline, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.dek, '')), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', {names}), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.body_text, '')), 'C') "
        f"WHERE a.id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])


def _tsquery() -> str:
    return f"websearch_to_tsquery('{CONFIG}', %s)"


def matching(queryset, query: str, *, ranked: bool = True):
    """`queryset` narrowed to full-text matches of `query`, best match first (PostgreSQL), or
    newest first when not `ranked`."""
    table = queryset.model._meta.db_table
    found = queryset.filter(
        RawSQL(f"{table}.search_vector @@ {_tsquery()}", [query], output_field=BooleanField())
    )
    if not ranked:
        return found.order_by("-published_at", "-pk")
    return found.annotate(
        search_rank=RawSQL(
            f"ts_rank({table}.search_vector, {_tsquery()})", [query], output_field=FloatField()
        )
    ).order_by("-search_rank", "-published_at", "-pk")


def _marked(text: str) -> SafeString:
    """Escape `text`, then turn the START/STOP marks into <mark> elements."""
    html = escape(text)
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))


def snippets(articles, query: str) -> dict[int, SafeString]:
    """A short passage of each article's body with the searched words marked, by article pk:
    one query on PostgreSQL (ts_headline), none elsewhere (body_text is already loaded)."""
    articles = list(articles)
    if not articles or not query:
        return {}
    if full_text():
        return _postgres_snippets([article.pk for article in articles], query)
    return {article.pk: _portable_snippet(article.body_text, query) for article in articles}


def _postgres_snippets(ids: list[int], query: str) -> dict[int, SafeString]:
    table = _tables()["article"]
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=15, "
        "MaxFragments=2, FragmentDelimiter=\u2009…\u2009"
    )
    sql = (
        f"SELECT id, ts_headline('{CONFIG}', coalesce(body_text, ''), {_tsquery()}, %s) "
        f"FROM {table} WHERE id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, options, ids])
        return {pk: _marked(text) for pk, text in cursor.fetchall() if START in text}


def _portable_snippet(text: str, query: str) -> SafeString:
    words = [re.escape(word) for word in query.split() if word]
    if not words or not text:
        return mark_safe("")
    pattern = re.compile("|".join(words), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return mark_safe("")
    start = max(0, first.start() - SNIPPET_CHARS // 3)
    if start:
        # Start at a word boundary.
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    passage = text[start:end]
    marked = pattern.sub(lambda m: f"{START}{m.group()}{STOP}", passage)
    prefix = "…\u2009" if start else ""
    suffix = "\u2009…" if end < len(text) else ""
    return _marked(prefix + marked + suffix)


def _like_word(word: str) -> str:
    """A LIKE pattern for `word` anywhere, its own wildcards escaped (ESCAPE '\\')."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def names_matching(words: list[str], limit: int):
    """The artists and the projects whose name holds every word (case-insensitively), that a
    published story links to, `limit` of each, as the ORM's `icontains` would find them.

    Written out because this runs on every first page of results: the same look-ups built
    with nested `Exists` cost more to compile than to run, and on PostgreSQL the trigram
    indexes of migration 0015 serve `UPPER(name) LIKE`. Only names published stories reach,
    as in the sitemap: a search must not reveal who a story still in draft is about."""
    from people.models import Artist
    from projects.models import MediaProject

    from .models import Article

    t = _tables()
    if not words:
        return [], []
    patterns = [_like_word(word) for word in words]

    def named(column: str) -> str:
        return " AND ".join(f"UPPER({column}) LIKE UPPER(%s) ESCAPE '\\'" for _ in words)

    def reached(links: str, column: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {links} l JOIN {t['article']} s ON s.id = l.article_id "
            f"WHERE l.{column} = r.id AND s.status = %s AND s.published_at <= %s)"
        )

    # As the ORM would pass it: SQLite compares the stored text, in the connection's zone.
    when = [
        Article.Status.PUBLISHED.value,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    artists = Artist.objects.raw(
        f"SELECT r.id, r.name, r.slug FROM {t['artist']} r WHERE {named('r.name')} "
        f"AND {reached(t['mentions'], 'artist_id')} ORDER BY r.name LIMIT %s",
        [*patterns, *when, limit],
    )
    projects = MediaProject.objects.raw(
        f"SELECT r.id, r.title, r.slug, r.kind FROM {t['project']} r WHERE {named('r.title')} "
        f"AND ({reached(t['mentioned_projects'], 'mediaproject_id')} "
        f"OR {reached(t['related'], 'mediaproject_id')}) "
        f"ORDER BY r.release_year DESC, r.title LIMIT %s",
        [*patterns, *when, *when, limit],
    )
    return list(artists), list(projects)
