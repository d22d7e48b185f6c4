"""Snapshots: the parts of a page that `newsroom.tagcache` keeps, also written to the database.

The cache makes pages quick while it holds their parts. With an empty cache (a deploy with a
new cache, or a cache outage) every part of a page is computed again from the records, several
times the work of a page whose parts are kept. A snapshot is those parts, captured while the
page is built once after an edit (`capture`), pickled into one row (`save`), and read back in
one query when a reader asks for the page and the cache has nothing (`load`); the view then
runs with them in front of the cache (`tagcache.overlay`), and puts them back into the cache.

A snapshot is right as long as none of its tags was purged since its computation started. The
database keeps when each tag was last purged (`newsroom.models.TagVersion`), written by every
purge once the edit's transaction has committed (`tagcache.purge_on_commit`), one statement in
a transaction of its own: two editors' saves never wait on each other's tags, so never
deadlock. A snapshot read between the commit and that write is at most that much behind, as
with the cache. Tags of lists of a whole model ("list:…", purged by every save of that model)
are not recorded, and the parts that depend on them are not in snapshots.

Which snapshots to write again: a purge of a record's own tag ("articles.article:12") names a
record whose page may have changed. Apps register a builder for a label (`register`); the
records named are queued as their purges are written, and built once the response has gone
out (`build_pending`, on `request_finished`), or by a command when it ends. A page whose
snapshot is missing or out of date (a story loaded in bulk, a linked artist renamed) is built
as without one, and has its snapshot written after that response (`heal`).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connection

log = logging.getLogger(__name__)

LIST_PREFIX = "list:"
_BATCH = 500


def digest(tag: str) -> str:
    return hashlib.blake2b(tag.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def recorded(tag: str) -> bool:
    """Whether purges of `tag` are written to the database."""
    from .tagcache import EVERYTHING

    return not tag.startswith(LIST_PREFIX) and tag != EVERYTHING


_builders: dict[str, Callable[[list[int]], None]] = {}
_pending = threading.local()


def register(label: str, builder: Callable[[list[int]], None]) -> None:
    """Call `builder(pks)` for the records of `label` ("articles.article") whose own tag was
    purged, once the request or command that purged them is done."""
    _builders[label] = builder


def _queue(tags: Iterable[str]) -> None:
    for tag in tags:
        label, _, pk = tag.rpartition(":")
        if label in _builders and pk.isdigit():
            queued = getattr(_pending, "queue", None)
            if queued is None:
                queued = _pending.queue = {}
            queued.setdefault(label, set()).add(int(pk))


# A page built without an up-to-date snapshot has one written after its response, at most one
# every this many seconds in a process: a crawler reading an imported archive, whose stories
# have none, costs each worker one more page build every few seconds, not one a request.
HEAL_SECONDS = 2.0
_last_heal = [0.0]


def heal(label: str, pk: int) -> bool:
    """Queue the snapshot of the record of `label` and `pk`, whose page was just built without
    an up-to-date one (none yet, or a linked record changed since), unless this process queued
    one less than HEAL_SECONDS ago. Whether it was queued."""
    now = time.monotonic()
    if capturing() is not None or now - _last_heal[0] < HEAL_SECONDS:
        return False  # (a snapshot being written builds its page without one, as it must)
    _last_heal[0] = now
    _queue([f"{label}:{pk}"])
    return True


def clear_pending() -> None:
    _pending.queue = None


def build_pending(**kwargs) -> None:
    """Build the snapshots queued by this thread's purges."""
    queued = getattr(_pending, "queue", None)
    _pending.queue = None
    for label, pks in (queued or {}).items():
        try:
            _builders[label](sorted(pks))
        except Exception:  # a snapshot is an optimisation: its page is built without it
            log.exception("Could not write the snapshots of %s %s", label, sorted(pks))


def bump(tags: Iterable[str]) -> None:
    """Note in the database that `tags` were purged now, and queue the snapshots of the records
    they name to be written again."""
    from .models import TagVersion

    tags = set(tags)
    _queue(tags)
    names = sorted({digest(t) for t in tags if recorded(t)})
    if not names:
        return
    now = time.time_ns()
    table = connection.ops.quote_name(TagVersion._meta.db_table)
    # One prepared statement for every tag (an import purges thousands at once).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (tag, version) VALUES (%s, %s) "
            "ON CONFLICT (tag) DO UPDATE SET version = excluded.version",
            [(name, now) for name in names],
        )


def purged_since(digests: list[str], started: int) -> bool:
    """Whether one of the tags with these digests was purged after `started` (ns)."""
    from .models import TagVersion

    table = connection.ops.quote_name(TagVersion._meta.db_table)
    with connection.cursor() as cursor:
        for at in range(0, len(digests), _BATCH):
            batch = digests[at : at + _BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE version > %s AND tag IN ({marks}) LIMIT 1",
                [started, *batch],
            )
            if cursor.fetchone() is not None:
                return True
    return False


_capturing: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "snapshot_capturing", default=None
)


@contextmanager
def capture():
    """Inside, nothing is taken from the cache (every part is computed from the records), and
    each part stored is also noted in the dict this yields: key -> (value, tags, expires)."""
    captured: dict = {}
    token = _capturing.set(captured)
    try:
        yield captured
    finally:
        _capturing.reset(token)


def capturing() -> dict | None:
    return _capturing.get()


def save(key: str, captured: dict, started: int, extra: dict | None = None) -> bool:
    """Write the parts `captured` since `started` under `key`, leaving out those that depend on
    lists of a whole model or have expired; False (and nothing written) when a purge came
    during their computation."""
    from .models import Snapshot
    from .tagcache import EVERYTHING, schema

    now = time.time()
    entries = {}
    for name, (value, tags, expires) in captured.items():
        if any(not recorded(t) and t != EVERYTHING for t in tags):
            continue
        if expires is not None and expires <= now:
            continue
        entries[name] = (value, sorted(t for t in tags if recorded(t)), expires)
    digests = sorted({digest(t) for _, names, _ in entries.values() for t in names})
    if purged_since(digests, started):
        return False
    data = {"entries": entries, "digests": digests, "extra": extra or {}}
    Snapshot.objects.update_or_create(
        key=key,
        defaults={
            "schema": schema(),
            "started": started,
            "data": pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
        },
    )
    return True


def load(key: str) -> tuple[dict, dict] | None:
    """The parts kept under `key` (key -> (value, tags, expires)) and what else was kept with
    them, while none of their tags was purged since their computation started; else None. Two
    short queries."""
    from .models import Snapshot
    from .tagcache import schema

    table = connection.ops.quote_name(Snapshot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT started, data FROM {table} WHERE {connection.ops.quote_name('key')} = %s "
            "AND schema = %s",
            [key, schema()],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    started, data = row
    try:
        data = pickle.loads(bytes(data))
    except Exception:  # written by a release whose classes have since changed
        log.warning("Snapshot %s could not be read", key, exc_info=True)
        return None
    if purged_since(data["digests"], started):
        return None
    now = time.time()
    entries = {k: v for k, v in data["entries"].items() if v[2] is None or v[2] > now}
    return entries, data["extra"]


def forget(keys: Iterable[str]) -> None:
    from .models import Snapshot

    Snapshot.objects.filter(key__in=list(keys)).delete()
