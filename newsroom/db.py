"""Database helpers shared by the apps."""

import os
import sqlite3
from urllib.parse import unquote, urlsplit

from django.db import router, transaction


class AtomicSaveMixin:
    """save() in one transaction with everything its signals derive: a row and the data kept
    in step with it (an article's body text and mentions, the articles re-linked when an
    artist is renamed) commit together or not at all, whoever saves and however."""

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)


def refresh_planner_statistics(using="default") -> None:
    """Have the database gather fresh statistics for its query planner, after a bulk load.

    Without them the planner guesses, and at thousands of articles it guesses wrong: SQLite
    walked every published story to find one artist's (4 ms at 10,000 instead of 0.05 ms), and
    PostgreSQL, just after a load, expected a dozen published stories and filtered all of them
    by the search words instead of using the search index (30 ms instead of 2 ms). PostgreSQL's
    autovacuum catches up by itself after a while; SQLite has nothing of the kind, so `migrate`
    (run on every deploy) refreshes its statistics too."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def sqlite_file(connection) -> str | None:
    """The file a SQLite connection opens (its NAME may be a `file:` URI), or None for an
    in-memory database or another database."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    name = str(connection.settings_dict["NAME"])
    return unquote(urlsplit(name).path) if name.startswith("file:") else name


def create_sqlite_file(connection) -> None:
    """Create the connection's SQLite file if it is missing (for `migrate` on a fresh machine:
    the site itself opens the file only when it exists)."""
    path = sqlite_file(connection)
    if path and not os.path.exists(path):
        sqlite3.connect(path).close()


def sqlite_file_problem(connection) -> str | None:
    """Why the connection's SQLite file cannot take writes (gone, or read-only), if it cannot.
    An open connection keeps reading a deleted file, and SQLite opens a write-protected file
    read-only without a word, so a query alone would not tell."""
    path = sqlite_file(connection)
    if path is None:
        return None
    if not os.path.exists(path):
        return f"the SQLite file {path} is missing"
    if not os.access(path, os.W_OK):
        return f"the SQLite file {path} is read-only"
    return None
