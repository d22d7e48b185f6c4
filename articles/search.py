"""Search over published articles, one interface on both databases: PostgreSQL's full-text
search where the site runs on PostgreSQL, SQLite's FTS5 where it runs on SQLite, and
highlighted snippets cut at word boundaries for the results page.

Each article's search entry holds its headline, its dek and the names of the artists and
projects it links to or is about, and its body text, weighted in that order: the headline most,
then the dek and the names, then the body. It is rewritten in the same transaction as every
article save and whenever a linked artist or project is renamed (`update_vectors`).

- PostgreSQL: a `search_vector` column (migration 0011, with a GIN index; the model does not
  declare it), weights A, B, B, C, ranked with `ts_rank`, queried with `websearch_to_tsquery`.
- SQLite: an FTS5 table, `articles_article_search` (migration 0016), one row per article with
  the article's id as its rowid, Porter stemming, ranked with `bm25` weighted as PostgreSQL
  weighs A, B and C. It holds its own copy of the text: an external-content table must be told
  a row's old values to forget them, and a renamed artist's old name is gone by then. A user's
  query is rebuilt from its words (`fts_query`), so FTS5's own syntax characters are plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import passages
from .passages import ELLIPSIS_AFTER, ELLIPSIS_BEFORE, SNIPPET_WORDS, START, STOP

CONFIG = "english"
FTS_TABLE = "articles_article_search"
# ts_rank weighs A, B and C 1.0, 0.4 and 0.2: the same proportions for headline, dek, names
# and body.
BM25 = f"bm25({FTS_TABLE}, 5.0, 2.0, 2.0, 1.0)"
ELLIPSIS = "\u2009…\u2009"


def full_text() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


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


def _names_sql(aggregate: str) -> str:
    """The names of the artists and projects article `a` links to or is about, as one text."""
    t = _tables()
    return (
        f"coalesce((SELECT {aggregate}(x.name, ' ') FROM {t['artist']} x JOIN {t['mentions']} m "
        f"ON m.artist_id = x.id WHERE m.article_id = a.id), '') || ' ' || "
        f"coalesce((SELECT {aggregate}(p.title, ' ') FROM {t['project']} p "
        f"WHERE p.id IN (SELECT mediaproject_id FROM {t['mentioned_projects']} "
        f"WHERE article_id = a.id UNION SELECT mediaproject_id FROM {t['related']} "
        f"WHERE article_id = a.id)), '')"
    )


def update_vectors(article_ids: Iterable[int]) -> None:
    """Rewrite the search entries of these articles (an article not found has none)."""
    ids = list(article_ids)
    if not ids or not full_text():
        return
    t = _tables()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"REPLACE INTO {FTS_TABLE} (rowid, headline, dek, names, body) "
                f"SELECT a.id, a.headline, a.dek, {_names_sql('group_concat')}, a.body_text "
                f"FROM {t['article']} a WHERE a.id IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )
        return
    sql = (
        f"UPDATE {t['article']} a SET search_vector = "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.headline, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.dek, '')), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', {_names_sql('string_agg')}), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(a.body_text, '')), 'C') "
        f"WHERE a.id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])


def forget(article_ids: Iterable[int]) -> None:
    """Drop the search entries of deleted articles (SQLite; PostgreSQL's go with the row)."""
    ids = list(article_ids)
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )


# A quoted phrase or a run of anything but spaces and quotes, either after an optional "-".
_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')
# What FTS5's unicode61 tokenizer keeps as a word: letters, digits and private-use characters.
_WORD = re.compile(r"[^\W_]+")


def _terms(query: str) -> tuple[list[list[str]], list[str]]:
    """The terms of `query`, each a list of words, as groups of which any term will do, and
    the terms it must not hold."""
    from .models import SEARCH_MAX_WORDS

    groups: list[list[list[str]]] = []
    excluded: list[list[str]] = []
    join_next = False
    count = 0
    for match in _QUERY_PART.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        text = match.group(2) if quoted else match.group(4)
        if not quoted and not negated and text.lower() == "or":
            join_next = bool(groups)
            continue
        words = _WORD.findall(text)
        if not words or count >= SEARCH_MAX_WORDS:
            continue
        count += 1
        # A quoted phrase, or a negated run ("-hip-hop"), is one term; other words each are.
        terms = [words] if quoted or negated else [[word] for word in words]
        if negated:
            excluded.extend(terms)
            continue
        if join_next:
            groups[-1].append(terms.pop(0))
        groups.extend([term] for term in terms)
        join_next = False
    return groups, excluded


def fts_query(query: str) -> str | None:
    """`query` as an FTS5 expression with PostgreSQL's web-search meaning: every word must
    appear, "a quoted phrase" in that order, `or` between two terms either of them, `-word`
    not that word. Every word goes in as a quoted string, so `*`, `^`, `:`, `(`, `NEAR`, `AND`
    and unbalanced quotes are plain text; None when nothing is left to look for."""
    groups, excluded = _terms(query)
    if not groups:
        return None

    def quoted(term: list[str]) -> str:
        return '"' + " ".join(term) + '"'

    expression = " AND ".join(
        "(" + " OR ".join(quoted(term) for term in group) + ")" for group in groups
    )
    return expression + "".join(f" NOT {quoted(term)}" for term in excluded)


def searched_words(query: str) -> list[str]:
    """The words `query` looks for (not those it excludes)."""
    groups, _ = _terms(query)
    return [word for group in groups for term in group for word in term]


def _tsquery() -> str:
    return f"websearch_to_tsquery('{CONFIG}', %s)"


def _balanced(query: str) -> str:
    """`query` with an unbalanced last quote made a space: PostgreSQL would read the rest of
    the query as a phrase, FTS5 as an error; both read the words as words."""
    if query.count('"') % 2:
        at = query.rindex('"')
        query = query[:at] + " " + query[at + 1 :]
    return query


def matching(queryset, query: str, *, ranked: bool = True):
    """`queryset` narrowed to full-text matches of `query`, best match first, or newest first
    when not `ranked`."""
    table = queryset.model._meta.db_table
    if connection.vendor == "sqlite":
        expression = fts_query(query)
        if expression is None:
            return queryset.none()
        if not ranked:
            # Newest first, for a query matching more stories than are ranked: the stories are
            # read in the order of the publication index and each is looked up among the
            # matches, so the first page stops early. ("+" keeps SQLite from driving the
            # query from the matches instead, which would read and sort every one of them.)
            # Gathering the matches first costs as many as there are: for words in most
            # stories, each story is looked for among them instead, one seek a story.
            if _matches_up_to(expression, EVERYWHERE) < EVERYWHERE:
                found = f"+{table}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
            else:
                found = (
                    f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                    f"AND rowid = {table}.id)"
                )
            return queryset.filter(
                RawSQL(found, [expression], output_field=BooleanField())
            ).order_by("-published_at", "-pk")
        # Ranked: the query is driven by the FTS5 table, whose cursor gives bm25 for each
        # match as it goes (bm25 is lower for a better match). A join of a virtual table is
        # beyond the ORM's expressions, hence extra().
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {table}.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
            select={"search_rank": f"-{BM25}"},
        ).order_by("-search_rank", "-published_at", "-pk")
    query = _balanced(query)
    found = queryset.filter(
        RawSQL(f"{table}.search_vector @@ {_tsquery()}", [query], output_field=BooleanField())
    )
    if not ranked:
        return found.order_by("-published_at", "-pk")
    rank = RawSQL(
        f"ts_rank({table}.search_vector, {_tsquery()})", [query], output_field=FloatField()
    )
    return found.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-pk")


def optimize_index(using: str = "default") -> None:
    """Merge the SQLite search index into one segment (FTS5's `optimize`).

    FTS5 adds a segment for each transaction that writes entries and merges them a few at a
    time, so a bulk load leaves many, and each look-up of a story among a word's matches seeks
    in every one: at 100,000 stories, 20 such look-ups took 1.2 ms, and 0.3 ms after merging
    (which took 4 s). Run after bulk loads and after every `migrate`."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite" or FTS_TABLE not in db.introspection.table_names():
        return
    with db.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")


# Past this many matches (drafts included), a story is looked for among the matches rather
# than the matches gathered: a story's seek costs about what gathering this many does.
EVERYWHERE = 5_000


def _matches_up_to(expression: str, limit: int) -> int:
    """How many entries match, counted from the FTS5 index alone up to `limit`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            "LIMIT %s)",
            [expression, limit],
        )
        return cursor.fetchone()[0]


def narrowed(queryset, query: str):
    """`queryset` narrowed to the articles matching `query`, in no particular order, for the
    database to plan as it sees fit (the admin's list sorts and filters it further)."""
    if connection.vendor != "sqlite":
        return matching(queryset, query, ranked=False).order_by()
    expression = fts_query(query)
    if expression is None:
        return queryset.none()
    table = queryset.model._meta.db_table
    if _matches_up_to(expression, EVERYWHERE) < EVERYWHERE:
        found = f"{table}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    else:  # as in `matching`: each story looked for among the matches
        found = (
            f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {table}.id)"
        )
    return queryset.filter(RawSQL(found, [expression], output_field=BooleanField()))


def count(queryset, query: str, up_to: int) -> int:
    """How many of `queryset` match `query`, counted no further than `up_to`, without
    ranking or ordering anything."""
    if connection.vendor == "sqlite":
        expression = fts_query(query)
        if expression is None:
            return 0
        table = queryset.model._meta.db_table
        # Driven by the FTS5 table, so the count stops at `up_to` matches.
        found = queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {table}.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
        )
    else:
        found = matching(queryset, query, ranked=False)
    return found.order_by()[:up_to].count()


def _marked(text: str) -> SafeString:
    """Escape `text`, then turn the START/STOP marks into <mark> elements."""
    html = escape(text)
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))


def snippets(ids: list[int], query: str) -> dict[int, SafeString]:
    """A short passage of the body of each article of `ids` with the searched words marked, by
    article pk, cut at word boundaries.

    SQLite: the passages are found in the body texts (`passages.around`), one query reading
    them; FTS5's own `snippet` is asked only for the stories whose body shows none of the words
    so found (a match in the headline or the names alone, or a word stemmed differently), in
    one more. PostgreSQL: `ts_headline`, one query."""
    ids = list(ids)
    if not ids or not query or not full_text():
        return {}
    if connection.vendor == "sqlite":
        searched = passages.Searched.of(searched_words(query))
        if searched is None:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, body_text FROM {_tables()['article']} "
                "WHERE id IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )
            bodies = cursor.fetchall()
        found = {}
        for pk, body in bodies:
            passage = passages.around(body or "", searched)
            if passage is not None:
                found[pk] = _marked(passage)
        rest = [pk for pk in ids if pk not in found]
        return found | (_fts_snippets(rest, fts_query(query)) if rest else {})
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=15, "
        f"MaxFragments=2, FragmentDelimiter={ELLIPSIS}"
    )
    sql = (
        f"SELECT id, ts_headline('{CONFIG}', coalesce(body_text, ''), {_tsquery()}, %s), "
        f"body_text FROM {_tables()['article']} WHERE id = ANY(%s)"
    )
    return _marked_snippets(sql, [_balanced(query), options, ids])


def _fts_snippets(ids: list[int], expression: str) -> dict[int, SafeString]:
    """FTS5's snippets of the bodies of these articles, one seek a story (a list of rowids
    would read every match of a common word)."""
    one = (
        f"SELECT rowid, snippet({FTS_TABLE}, 3, %s, %s, %s, {SNIPPET_WORDS}), body "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = %s"
    )
    sql = " UNION ALL ".join([one] * len(ids))
    return _marked_snippets(
        sql, [value for pk in ids for value in (START, STOP, ELLIPSIS, expression, pk)]
    )


def _marked_snippets(sql: str, params: list) -> dict[int, SafeString]:
    """The snippets `sql` gives as (pk, snippet, text) rows, widened to whole words and marked,
    for the rows whose snippet marks a word."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            pk: _marked(whole_words(text, body or ""))
            for pk, text, body in cursor.fetchall()
            if text and START in text
        }


def whole_words(snippet: str, text: str) -> str:
    """`snippet` (passages of `text` with START/STOP marks, joined by ELLIPSIS) with each
    passage widened to the whitespace around it, so that no word is cut, and an ellipsis
    wherever the text goes on. A word longer than LONGEST_WORD is cut instead."""
    parts = []
    for passage in snippet.split(ELLIPSIS.strip()):
        passage = passage.strip()
        plain = passage.replace(START, "").replace(STOP, "")
        begin = text.find(plain) if plain else -1
        if begin == -1:
            if plain:
                parts.append((True, passage, True))
            continue
        end = begin + len(plain)
        head, tail = passages.widened(text, begin, end)
        widened = text[head:begin] + passage + text[end:tail]
        parts.append((bool(text[:head].strip()), widened.strip(), bool(text[tail:].strip())))
    if not parts:
        return ""
    before = ELLIPSIS_BEFORE if parts[0][0] else ""
    after = ELLIPSIS_AFTER if parts[-1][2] else ""
    return before + ELLIPSIS.join(passage for _, passage, _ in parts) + after


# SQLite: each artist's name and each project's title in an FTS5 table of trigrams, kept by
# triggers on their tables, so that a name holding a word is found without reading every name.
# The triggers are (re)made after every `migrate` (`ensure_name_indexes`): SQLite remakes a
# table to alter it, and its triggers go with the old one.
NAME_INDEXES = {
    # FTS5 table: (table indexed, column)
    "articles_artist_name_search": ("people_artist", "name"),
    "articles_project_title_search": ("projects_mediaproject", "title"),
}
# Up to this many names found through the trigrams are read and sorted; past it, the names are
# read in their order, each checked, until enough are found.
FEW_NAMES = 200


def ensure_name_indexes(using: str = "default") -> None:
    """Make the trigram tables of names and their triggers where they are missing, and fill
    them (SQLite)."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        for fts, (table, column) in NAME_INDEXES.items():
            triggers = {f"{fts}_{when}" for when in ("insert", "update", "delete")}
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            if triggers <= {name for (name,) in cursor.fetchall()}:
                continue
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")
            cursor.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(name, tokenize = 'trigram')")
            cursor.execute(f"INSERT INTO {fts} (rowid, name) SELECT id, {column} FROM {table}")
            for trigger in triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(
                f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts} (rowid, name) VALUES (new.id, new.{column}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = old.id; "
                f"INSERT INTO {fts} (rowid, name) VALUES (new.id, new.{column}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = old.id; END"
            )


def _through_trigrams(words: list[str]) -> dict[str, tuple[str, list]]:
    """For each trigram table of NAME_INDEXES, a condition narrowing `r` to the names holding
    every word, found through its trigrams, where few enough hold them and every word can be
    looked up so (three characters or more, no LIKE wildcard); the tables left out are read
    in their order instead. One query counts for both tables."""
    if connection.vendor != "sqlite" or not words:
        return {}
    if any(len(word) < 3 or set(word) & {"%", "_", "\\"} for word in words):
        return {}
    where = " AND ".join("name LIKE %s" for _ in words)
    patterns = [f"%{word}%" for word in words]
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {where} LIMIT %s))"
        for fts in NAME_INDEXES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", [*patterns, FEW_NAMES] * len(NAME_INDEXES))
        found = cursor.fetchone()
    return {
        fts: (f"r.id IN (SELECT rowid FROM {fts} WHERE {where}) AND ", patterns)
        for fts, count in zip(NAME_INDEXES, found, strict=True)
        if count < FEW_NAMES
    }


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
    # Where few names hold the words, they are found through the trigrams (SQLite) and sorted;
    # else the names are read in order (artist_name_idx, project_year_title_idx) until enough
    # are found, which a word many names hold makes quick.
    narrowed = _through_trigrams(words)
    artist_narrow, artist_params = narrowed.get("articles_artist_name_search", ("", []))
    project_narrow, project_params = narrowed.get("articles_project_title_search", ("", []))
    # Undated projects last, as everywhere (SQLite sorts NULL last in descending order).
    undated_last = " NULLS LAST" if connection.vendor == "postgresql" else ""
    project_order = f"r.release_year DESC{undated_last}, r.title"
    # Both lists in one query, each numbered in its order.
    sql = (
        f"SELECT * FROM (SELECT 0 AS list, ROW_NUMBER() OVER (ORDER BY r.name) AS n, r.id, "
        f"r.name, r.slug, NULL AS kind FROM {t['artist']} r "
        f"WHERE {artist_narrow}{named('r.name')} AND {reached(t['mentions'], 'artist_id')} "
        f"ORDER BY r.name LIMIT %s) a "
        f"UNION ALL SELECT * FROM (SELECT 1 AS list, ROW_NUMBER() OVER (ORDER BY "
        f"{project_order}) AS n, r.id, r.title, r.slug, r.kind FROM {t['project']} r "
        f"WHERE {project_narrow}{named('r.title')} "
        f"AND ({reached(t['mentioned_projects'], 'mediaproject_id')} "
        f"OR {reached(t['related'], 'mediaproject_id')}) "
        f"ORDER BY {project_order} LIMIT %s) p ORDER BY list, n"
    )
    params = [
        *artist_params, *patterns, *when, limit,
        *project_params, *patterns, *when, *when, limit,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    db = connection.alias
    artists = [
        Artist.from_db(db, ["id", "name", "slug"], (pk, name, slug))
        for which, _, pk, name, slug, _ in rows
        if which == 0
    ]
    projects = [
        MediaProject.from_db(db, ["id", "title", "slug", "kind"], (pk, title, slug, kind))
        for which, _, pk, title, slug, kind in rows
        if which == 1
    ]
    return artists, projects
