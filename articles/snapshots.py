"""The article page's snapshot (`newsroom.snapshots`): the parts of a live story's page, written
after each change to the story, read back in one query when a reader asks for the page and the
cache holds nothing of it.

The related stories are the one part not checked by tags: they depend on every other story.
A snapshot's list is used for as long as the cache would keep it (an hour, and not past the
time the next scheduled story goes live), and only the stories on it still published are
shown; past that, the list is worked out again.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import RequestFactory

from newsroom import snapshots, tagcache

log = logging.getLogger(__name__)

RELATED_SECONDS = 60 * 60
# A list taken from a snapshot is kept this long: it may be as old as the snapshot.
RELATED_RESTORED_SECONDS = 5 * 60


def key(slug: str) -> str:
    return f"articles.page:{slug}"


def build(pks: list[int]) -> int:
    """Write the snapshots of these stories' pages, for those that are live; how many. A story
    whose page cannot be built is logged and left without one."""
    from .models import Article

    written = 0
    live = Article.objects.published().filter(pk__in=pks).only("slug")
    for pk, slug, path in ((a.pk, a.slug, a.get_absolute_url()) for a in live):
        try:
            written += _build_one(pk, slug, path)
        except Exception:  # a snapshot is an optimisation: the page is built without it
            log.exception("Could not write the snapshot of %s", path)
    return written


def _build_one(pk: int, slug: str, path: str) -> bool:
    from .views import ArticleDetailView

    request = RequestFactory().get(path, SERVER_NAME=_host())
    request.user = AnonymousUser()
    started = time.time_ns()
    with snapshots.capture() as captured:
        response = ArticleDetailView.as_view()(request, slug=slug)
        response.render()
    if response.status_code != 200:
        return False
    from .models import related_key
    from .views import RELATED_ARTICLES

    # Kept as the cache keeps it: an hour at most, and not past the next scheduled story's
    # time (it may be related).
    ids, _, expires = captured.get(related_key(pk, RELATED_ARTICLES), ([], None, None))
    until = time.time() + RELATED_SECONDS
    extra = {"pk": pk, "related": ids, "related_until": min(until, expires or until)}
    return snapshots.save(key(slug), captured, started, extra)


def _host() -> str:
    """A host the site answers to. What is kept is the same for every host (pages build their
    absolute addresses from the request, outside what they keep)."""
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host.strip("[]") if host.startswith("[") else host
    return "localhost"


def restore(slug: str, count: int) -> dict | None:
    """What the page of the story at `slug` can be built from ahead of the cache
    (`tagcache.overlay`): the story, when the cache holds it (its tags are passed on to the
    recording in progress, and the page reads it without asking the cache again); else the
    parts from its snapshot, with the `count` stories related to it, when the snapshot is up to
    date; else None. A snapshot's parts are not put back into the cache: read from the
    snapshot, they cost the page three short queries."""
    from .models import Article, related_key

    live_key = Article.LIVE_KEY.format(schema=tagcache.schema(), slug=slug)
    kept = tagcache.fetch(live_key)
    if kept is not None:
        return {live_key: (kept, (), None)}
    found = snapshots.load(key(slug))
    if found is None:
        return None
    entries, extra = found
    now = time.time()
    related = extra["related"] if now < extra["related_until"] else []
    # Whether the story is live at this address, and which related stories still are: the
    # snapshot's tags say so already, this says so whatever wrote to the database.
    live = set(
        Article.objects.published()
        .filter(Q(pk=extra["pk"], slug=slug) | Q(pk__in=related))
        .values_list("pk", flat=True)
    )
    if extra["pk"] not in live:
        return None
    if now < extra["related_until"]:
        ids = [pk for pk in related if pk in live]
        entries[related_key(extra["pk"], count)] = (ids, set(), now + RELATED_RESTORED_SECONDS)
    return entries
