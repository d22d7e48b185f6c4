"""Article teasers: the headline, dek, bylines, date and photo that lists of stories show.

The same story's teaser appears on the front page, its tags' and artists' pages, search and
"Related stories", so each is rendered once and kept in the shared cache until what it shows
changes (the story, its bylines and their contributors, its photo: `tagcache.tags_of`). A list
then costs one query for its stories and one look-up of their teasers; only the stories whose
teaser is not kept have their bylines loaded, all in one query, and are rendered.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from newsroom import tagcache

TEMPLATE = "articles/includes/article_teaser.html"
CACHE_SECONDS = 60 * 60 * 24 * 7


@functools.cache
def _template_version() -> str:
    """A digest of the teaser template, so that teasers kept by an earlier release of it are
    not used by this one."""
    source = get_template(TEMPLATE).template.source
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


def _key(pk: int, level: int, lead: bool) -> str:
    return f"articles:teaser:{_template_version()}:{pk}:{level}:{int(lead)}"


class Kept:
    """A story in a list whose teaser was kept: its id and teaser are all a list shows."""

    __slots__ = ("pk", "teaser")

    def __init__(self, pk: int) -> None:
        self.pk = pk


def with_teasers(
    articles: Iterable, *, level: int = 2, lead_first: bool = False, ids: list | None = None
) -> list:
    """`articles` as a list, each with `teaser`: its teaser's HTML at heading `level`, the first
    one in the front page's large-photo shape when `lead_first`. With `ids`, the list is those
    stories of the queryset `articles`, in that order (for a caller that has kept them).

    Give a queryset not yet evaluated (`Article.objects.for_teasers()`) where there is one: only
    the stories' ids are read at first, and only the stories whose teaser is not kept are
    loaded, after the time from which a purge of one of them keeps a teaser rendered from the
    story as it was from being stored. Those whose teaser was kept then come back as `Kept`,
    with their id and teaser alone."""
    from .models import Byline

    started = time.time_ns()
    outer = tagcache.current()
    if outer is not None:  # the request being recorded may have loaded them before now
        started = min(started, outer.started)
    if ids is not None:
        pks = list(ids)
    elif isinstance(articles, QuerySet) and articles._result_cache is None:
        pks = list(articles.values_list("pk", flat=True))
    else:
        articles = list(articles)
        pks = [article.pk for article in articles]
    shapes = {pk: (level, lead_first and index == 0) for index, pk in enumerate(pks)}
    keys = {pk: _key(pk, *shape) for pk, shape in shapes.items()}
    found = tagcache.fetch_many(keys.values())
    if not isinstance(articles, list):
        # From the list's own query, without its page limits: one no longer on the list (since
        # unpublished or deleted) since its id was read is left out.
        unsliced = articles.all()
        unsliced.query.clear_limits()
        loaded = unsliced.in_bulk([pk for pk in pks if keys[pk] not in found])
        articles = [loaded.get(pk, Kept(pk)) for pk in pks if keys[pk] in found or pk in loaded]
    missing = [article for article in articles if keys[article.pk] not in found]
    if missing:
        if not all("bylines" in getattr(a, "_prefetched_objects_cache", {}) for a in missing):
            bylines = Byline.objects.select_related("contributor").order_by("position")
            prefetch_related_objects(missing, Prefetch("bylines", queryset=bylines))
        fresh = {}
        for article in missing:
            shape_level, lead = shapes[article.pk]
            html = render_to_string(
                TEMPLATE, {"article": article, "level": shape_level, "lead": lead}
            )
            found[keys[article.pk]] = html
            if article.lead_image_id and "<img" not in html:
                # The photo could not be read this time (storage unavailable): shown without it
                # now, not kept so.
                continue
            rec = tagcache.Recording(started, tagcache.tags_of(article))
            fresh[keys[article.pk]] = (html, rec)
        tagcache.store_many(fresh, CACHE_SECONDS)
    for article in articles:
        article.teaser = mark_safe(found[keys[article.pk]])
    return articles
