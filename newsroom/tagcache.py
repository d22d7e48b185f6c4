"""Cache entries that know which records they show, so a change purges exactly those entries.

While something is computed inside `recording()`, every model instance of the apps in
`CACHE_TAGGED_APPS` that is loaded is noted as a tag ("people.artist:12"), and code may add tags
of its own with `depend()`: "about:people.artist:12" for a list of what is about that artist,
"list:articles.article" for a list of articles, "ref:artist:slug=x" for a shortcode that found
nothing yet. An entry stored with `store()` keeps the version of each of its tags; `fetch()`
returns it only while every version is unchanged. `purge(tags)` gives those tags new versions,
which is all a purge costs, whatever number of entries show them.

Versions are nanosecond timestamps. An entry is only stored if none of its tags was purged
since its computation started, so a purge that races a render can never leave a stale entry
behind; and a version missing from the cache (evicted) is a new one, which no stored entry has.

Entries found inside a recording pass their tags (and expiry) on to it: a page built from a
cached body depends on what the body shows.

A purge the cache could not take (it was down: `newsroom.cache`) is remembered by the process
and written as soon as the cache answers again, before anything is read from it, and by a
background thread retrying every CACHE_RETRY_SECONDS meanwhile: a Redis restarted from its
saved data, or a file cache whose folder was read-only, still holds the entries those purges
were for. Every entry also depends on the `EVERYTHING` tag, purged instead when more tags
were lost than a process keeps in memory.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from . import cache as resilient_cache
from . import snapshots

log = logging.getLogger(__name__)

VERSION_PREFIX = "tagcache:v:"
# A tag every entry depends on, purged when a process lost too many purges to replay them.
EVERYTHING = "everything"


def tag(instance) -> str:
    """The tag of one record: "app_label.model:pk"."""
    return f"{instance._meta.concrete_model._meta.label_lower}:{instance.pk}"


def about(instance) -> str:
    """The tag of lists of what relates to one record (its stories, its credits)."""
    return f"about:{tag(instance)}"


def about_key(label: str, pk) -> str:
    return f"about:{label}:{pk}"


def pointed_at_key(label: str, pk) -> str:
    """The tag of the records that point at one record by foreign key (an artist's credits):
    narrower than `about`, which a story about the record purges too."""
    return f"fk:{label}:{pk}"


@functools.cache
def schema() -> str:
    """A digest of every tracked model's name and columns, for the keys of entries that hold
    records (with what was loaded alongside): records pickled by a release with other models or
    columns are never read by another."""
    from django.apps import apps

    shapes = sorted(
        f"{model._meta.label_lower}:{','.join(f.attname for f in model._meta.concrete_fields)}"
        for model in apps.get_models()
        if model._meta.app_label in _tracked()
    )
    return hashlib.blake2b(";".join(shapes).encode(), digest_size=6).hexdigest()


def list_of(model) -> str:
    """The tag of lists of a model's records, purged whenever one is saved or deleted."""
    return f"list:{model._meta.concrete_model._meta.label_lower}"


@dataclass
class Recording:
    started: int = field(default_factory=time.time_ns)
    tags: set[str] = field(default_factory=set)
    # The time the result stops being right by itself (a scheduled story going live): the
    # earliest of these callables' answers, asked only when the result is stored.
    deadlines: list[Callable[[], datetime | None]] = field(default_factory=list)
    expires: float | None = None

    def deadline(self) -> float | None:
        """The earliest expiry as a Unix time, or None."""
        times = [self.expires] if self.expires is not None else []
        for deadline in dict.fromkeys(self.deadlines):
            when = deadline()
            if when is not None:
                times.append(when.timestamp())
        return min(times) if times else None


_current: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "tagcache_recording", default=None
)


def current() -> Recording | None:
    """The recording in progress, if any."""
    return _current.get()


@contextmanager
def recording():
    """Record the tags of what is computed inside; nested recordings pass theirs outward."""
    outer = _current.get()
    rec = Recording()
    token = _current.set(rec)
    try:
        yield rec
    finally:
        _current.reset(token)
        if outer is not None:
            outer.tags |= rec.tags
            outer.deadlines.extend(rec.deadlines)
            if rec.expires is not None:
                outer.expires = min(outer.expires or rec.expires, rec.expires)


def tags_of(instance, *, depth: int = 3) -> set[str]:
    """The tags of a loaded record, of the related records loaded with it (select_related
    and prefetch_related, `depth` steps away), and of the records pointing at it (a new
    credit): what a template showing it depends on."""
    found: set[str] = set()
    if hasattr(instance, "_meta"):
        found.add(pointed_at_key(instance._meta.concrete_model._meta.label_lower, instance.pk))
    todo = [(instance, 0)]
    while todo:
        obj, level = todo.pop()
        if obj is None or not hasattr(obj, "_meta") or obj.pk is None:
            continue
        name = tag(obj)
        if name in found:
            continue
        if obj._meta.app_label in _tracked():
            found.add(name)
        if level >= depth:
            continue
        todo.extend((related, level + 1) for related in obj._state.fields_cache.values())
        for related in getattr(obj, "_prefetched_objects_cache", {}).values():
            todo.extend((item, level + 1) for item in related)
        for value in vars(obj).values():  # prefetches kept with to_attr
            if isinstance(value, list) and value and hasattr(value[0], "_meta"):
                todo.extend((item, level + 1) for item in value)
    return found


def depend(*tags: str) -> None:
    """Note that what is being recorded depends on these tags."""
    rec = _current.get()
    if rec is not None:
        rec.tags.update(tags)


def depend_until(deadline: Callable[[], datetime | None]) -> None:
    """Note that what is being recorded may change by itself at the time `deadline()` gives."""
    rec = _current.get()
    if rec is not None:
        rec.deadlines.append(deadline)


def note_loaded(sender, instance, **kwargs) -> None:
    """post_init receiver: a record loaded while recording is a dependency."""
    rec = _current.get()
    if rec is not None and instance.pk is not None and sender._meta.app_label in _tracked():
        rec.tags.add(tag(instance))


def _tracked() -> list[str]:
    # Asked for every record loaded while recording: the setting itself, not a copy of it.
    return settings.CACHE_TAGGED_APPS


def versions(tags: Iterable[str]) -> dict[str, int]:
    """The current version of each tag. A tag never purged (or whose version was evicted) gets
    one now: minus the time, so that it is new to every entry stored before, yet never taken
    for a purge (purges write the time, positive). `EVERYTHING` is the exception: unpurged it
    is 0, so that the file cache's random culls, which may drop its key, never empty the
    whole cache."""
    keys = {VERSION_PREFIX + t: t for t in tags}
    if not keys:
        return {}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found and keys[key] != EVERYTHING]
    if missing:
        now = -time.time_ns()
        for key in missing:
            cache.add(key, now, None)
        found.update(cache.get_many(missing))
    return {keys[key]: found.get(key, 0) for key in keys}


# Every purge also writes a new purge sequence. A process remembers, per entry, the sequence at
# which it last found the entry's versions current; while the sequence has not moved, it serves
# the entry without looking them up again. A page under a spike of readers then costs two cache
# reads (the entry and the sequence, in one round trip), however many records it shows.
SEQUENCE_KEY = "tagcache:sequence"
_MEMORY_SIZE = 10_000
_checked: dict[str, tuple[int, int]] = {}


def _remember(key: str, sequence, token: int) -> None:
    if sequence is None:
        return
    if len(_checked) >= _MEMORY_SIZE:
        _checked.clear()
    _checked[key] = (sequence, token)


def fetch(key: str, *, propagate: bool = True):
    """The value stored under `key` if none of its tags changed since, else None. Its tags are
    passed on to the recording in progress unless `propagate` is False."""
    return fetch_many([key], propagate=propagate).get(key)


def fetch_many(keys: Iterable[str], *, propagate: bool = True) -> dict[str, object]:
    """The values stored under `keys` whose tags have not changed since, in one look-up of the
    entries and at most one of their versions."""
    keys = list(keys)
    if snapshots.capturing() is not None:  # every part computed afresh, for a snapshot
        return {}
    values = {}
    laid = _overlay.get()
    if laid:
        rec = _current.get() if propagate else None
        for key in [k for k in keys if k in laid]:
            value, tags, expires = laid[key]
            values[key] = value
            keys.remove(key)
            if rec is not None:
                rec.tags.update(tags)
                if expires is not None:
                    rec.expires = min(rec.expires or expires, expires)
        if not keys:
            return values
    found = cache.get_many([*keys, SEQUENCE_KEY])
    sequence = found.pop(SEQUENCE_KEY, None)
    if sequence is None:  # never purged yet, or evicted
        cache.add(SEQUENCE_KEY, time.time_ns(), None)
    now = time.time()
    entries = {
        k: e
        for k, e in found.items()
        # Entries stored by an earlier release in another shape are not used.
        if isinstance(e, tuple) and len(e) == 4 and (e[2] is None or now < e[2])
    }
    unchecked = {
        k for k, e in entries.items() if sequence is None or _checked.get(k) != (sequence, e[3])
    }
    current = versions({t for k in unchecked for t in entries[k][1]})
    rec = _current.get() if propagate else None
    for key, (value, stored, expires, token) in entries.items():
        if key in unchecked:
            if any(current.get(t) != v for t, v in stored.items()):
                continue
            _remember(key, sequence, token)
        values[key] = value
        if rec is not None:
            rec.tags.update(t for t in stored if t != EVERYTHING)
            if expires is not None:
                rec.expires = min(rec.expires or expires, expires)
    return values


_overlay: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "tagcache_overlay", default=None
)


@contextmanager
def overlay(entries: dict):
    """Inside, the values of `entries` (key -> (value, tags, expires), from a snapshot) are
    found ahead of the cache, with their tags: the cache may be empty, or down."""
    token = _overlay.set(entries)
    try:
        yield
    finally:
        _overlay.reset(token)


def store(key: str, value, rec: Recording, timeout: int, *, propagate: bool = True) -> bool:
    """Keep `value`, computed under `rec`, for at most `timeout` seconds; False if a purge of
    one of its tags came while it was computed (it may hold what was purged) or it has
    expired already. Its tags are passed on to the recording in progress, which is using the
    value, unless `propagate` is False."""
    return bool(store_many({key: (value, rec)}, timeout, propagate=propagate))


def store_many(entries: dict[str, tuple[object, Recording]], timeout: int, *, propagate=True):
    """`store` for several values at once, with one look-up of all their tags' versions and one
    write; the keys that were stored."""
    outer = _current.get() if propagate else None
    if outer is not None:  # what is stored is being used by what is recorded around it
        for _, rec in entries.values():
            outer.tags |= rec.tags
    captured = snapshots.capturing()
    if captured is not None:
        for key, (value, rec) in entries.items():
            captured[key] = (value, set(rec.tags), rec.deadline())
    current = versions({EVERYTHING} | {t for _, rec in entries.values() for t in rec.tags})
    now = time.time()
    kept, stored = {}, []
    for key, (value, rec) in entries.items():
        mine = {t: current[t] for t in (*rec.tags, EVERYTHING)}
        # A version newer than the computation is a purge that came during it.
        if any(version > rec.started for version in mine.values()):
            continue
        expires = rec.deadline()
        seconds = timeout if expires is None else min(timeout, int(expires - now))
        if seconds <= 0:
            continue
        entry = (value, mine, expires, time.time_ns())
        if seconds != timeout:  # rare (scheduled stories): on its own, with its own timeout
            cache.set(key, entry, seconds)
        else:
            kept[key] = entry
        stored.append(key)
    if kept:
        cache.set_many(kept, timeout)
    return stored


_deferred: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "tagcache_deferred", default=None
)


@contextmanager
def purges_deferred(*, clear_over: int | None = None):
    """Inside, purges are collected and written together when the block ends, or when the
    function it yields is called: for a bulk write (an import of thousands of stories), where a
    purge per save costs more than the saves. Entries stored meanwhile keep the versions they
    read, so they are out of date once the purges are written.

    With more than `clear_over` tags to purge at once, `EVERYTHING` is purged instead: one
    write rather than one per tag, and every entry is out of date."""
    pending: set[str] = set()
    token = _deferred.set(pending)

    def flush() -> None:
        tags = set(pending)
        pending.clear()
        snapshots.bump(tags)
        if clear_over is not None and len(tags) > clear_over:
            tags = {EVERYTHING}
        _write_purge(tags)

    try:
        yield flush
    finally:
        _deferred.reset(token)
        flush()


def purge(tags: Iterable[str], *, database: bool = True) -> None:
    """Every entry showing one of `tags` is out of date from now on, and so, unless `database`
    is False, is every snapshot showing one (`newsroom.snapshots`)."""
    tags = set(tags)
    pending = _deferred.get()
    if pending is not None:
        pending.update(tags)
        return
    if database:
        snapshots.bump(tags)
    _write_purge(tags)


def _write_purge(tags: Iterable[str]) -> None:
    tags = sorted(set(tags))
    if not tags:
        return
    now = time.time_ns()
    # The sequence last, so a process that sees the new sequence finds the new versions.
    versions = {VERSION_PREFIX + t: now for t in tags} | {SEQUENCE_KEY: now}
    if cache.set_many(versions, None):
        _lose(tags)
    if getattr(settings, "CDN_PURGE_URL", ""):
        _purge_cdn(tags)


# Purges the cache did not take, written when it answers again.
_LOST_MAX = 10_000
_lost: set[str] = set()
_lost_lock = threading.Lock()
_retrying: threading.Thread | None = None


def _lose(tags: list[str]) -> None:
    global _retrying
    with _lost_lock:
        _lost.update(tags)
        if len(_lost) > _LOST_MAX:
            _lost.clear()
            _lost.add(EVERYTHING)
        if _retrying is None or not _retrying.is_alive():
            _retrying = threading.Thread(target=_retry, name="tagcache-lost-purges", daemon=True)
            _retrying.start()


def lost_purges() -> set[str]:
    """The tags this process could not purge and has not purged since."""
    with _lost_lock:
        return set(_lost)


def replay_lost_purges() -> None:
    """Purge what could not be purged while the cache was down."""
    with _lost_lock:
        tags = sorted(_lost)
        _lost.clear()
    if tags:
        log.warning("Purging %d tags the cache missed while it was down", len(tags))
        # The database took them when they were purged: the cache alone missed them.
        _write_purge(tags)


def _retry() -> None:
    # Also without a request: the process that lost the purges may be idle when the cache
    # returns, while others serve what those purges were for.
    while lost_purges():
        time.sleep(max(settings.CACHE_RETRY_SECONDS, 1))
        if resilient_cache.is_down():
            cache.get(SEQUENCE_KEY)  # tries the cache again; replays when it answers
        else:
            replay_lost_purges()


resilient_cache.on_recovery(replay_lost_purges)


def purge_on_commit(tags: Iterable[str] | Callable[[], Iterable[str]]) -> None:
    """Purge now, for reads later in the same transaction, and again once it commits: a render
    by another process between the two saw the old data, and must not stay in use. `tags` may
    be a callable, asked each time, for tags that depend on what the transaction writes."""
    connection = transaction.get_connection()
    # While purges are deferred nothing is written before the commit anyway: the tags are
    # worked out once, when it comes. The database's record of purges (for snapshots) is
    # written once committed, in a statement of its own (see `newsroom.snapshots`).
    if _deferred.get() is None or not connection.in_atomic_block:
        purge(tags() if callable(tags) else tags, database=not connection.in_atomic_block)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: purge(tags() if callable(tags) else tags), robust=True)


def _purge_cdn(tags: list[str]) -> None:
    """Ask the CDN in front to drop what it keeps under these tags (the pages send them in
    CDN_TAG_HEADER), one request per tag to CDN_PURGE_URL with {tag} filled in, in the
    background so an editor's save never waits on it."""
    urls = [settings.CDN_PURGE_URL.format(tag=quote(t, safe="")) for t in tags]

    def send() -> None:
        for url in urls:
            try:
                request = Request(url, method=settings.CDN_PURGE_METHOD)
                for name, value in settings.CDN_PURGE_HEADERS.items():
                    request.add_header(name, value)
                with urlopen(request, timeout=5) as response:
                    response.read()
            except OSError as error:
                log.warning("CDN purge failed", extra={"url": url, "error": str(error)})

    thread = threading.Thread(target=send, name="cdn-purge", daemon=True)
    thread.start()
    _cdn_threads.append(thread)
    del _cdn_threads[:-20]


_cdn_threads: list[threading.Thread] = []


def wait_for_cdn_purges(timeout: float = 10) -> None:
    """Wait for the CDN purge requests sent so far (for tests and management commands)."""
    for thread in list(_cdn_threads):
        thread.join(timeout)
