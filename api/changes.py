"""What partners who sync learn from: when each story last changed as the API shows it
(`ArticleChange`), and which addresses stopped being public (`Tombstone`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from newsroom import tagcache

from .models import ArticleChange, Tombstone

# Purged whenever a change or a tombstone is written: `updated_since` lists and the list of
# what is gone depend on it.
CHANGES_TAG = "api:changes"

KINDS = {
    "people.artist": Tombstone.Kind.ARTIST,
    "people.contributor": Tombstone.Kind.CONTRIBUTOR,
    "projects.mediaproject": Tombstone.Kind.PROJECT,
}


def stamp(article_ids: Iterable[int | None]) -> None:
    """Note that these articles changed now."""
    ids = sorted({pk for pk in article_ids if pk is not None})
    if not ids:
        return
    now = timezone.now()
    ArticleChange.objects.bulk_create(
        [ArticleChange(article_id=pk, changed_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["article_id"],
        update_fields=["changed_at"],
        batch_size=500,
    )
    tagcache.purge_on_commit([CHANGES_TAG])


def stamp_where(condition: Q) -> None:
    """Note that the articles matching `condition` changed now (a record they show changed)."""
    stamp(Article.objects.filter(condition).values_list("pk", flat=True).distinct())


def _was_live(before: dict | None) -> bool:
    return (
        before is not None
        and before["status"] == Article.Status.PUBLISHED
        and before["published_at"] is not None
        and before["published_at"] <= timezone.now()
    )


def bury(kind: str, object_id: int, slug: str, reason: str) -> None:
    Tombstone.objects.update_or_create(
        kind=kind,
        slug=slug,
        defaults={"object_id": object_id, "reason": reason, "gone_at": timezone.now()},
    )
    tagcache.purge_on_commit([CHANGES_TAG])


def article_saved(article: Article, before: dict | None, *, raw: bool) -> None:
    stamp([article.pk])
    if raw:
        return
    if _was_live(before):
        if not article.is_published:
            bury(Tombstone.Kind.ARTICLE, article.pk, before["slug"], Tombstone.Reason.UNPUBLISHED)
        elif before["slug"] != article.slug:
            bury(Tombstone.Kind.ARTICLE, article.pk, before["slug"], Tombstone.Reason.MOVED)
    if article.is_published:
        # Its address is public again. (A scheduled story's is from its publication time on:
        # `gone` leaves out addresses a published story holds.)
        Tombstone.objects.filter(kind=Tombstone.Kind.ARTICLE, slug=article.slug).delete()


def articles_created(articles: list[Article]) -> None:
    """`article_saved` for new articles written in bulk (`articles.services.create_articles`)."""
    stamp(article.pk for article in articles)
    public = [article.slug for article in articles if article.is_published]
    if public:
        Tombstone.objects.filter(kind=Tombstone.Kind.ARTICLE, slug__in=public).delete()


def article_deleted(article: Article) -> None:
    ArticleChange.objects.filter(article_id=article.pk).delete()
    known = Tombstone.objects.filter(kind=Tombstone.Kind.ARTICLE, object_id=article.pk).exists()
    if article.status == Article.Status.PUBLISHED or known:
        bury(Tombstone.Kind.ARTICLE, article.pk, article.slug, Tombstone.Reason.DELETED)


def record_saved(record, slug_before: str | None) -> None:
    kind = KINDS[record._meta.label_lower]
    if slug_before == record.slug:
        return
    if slug_before:
        bury(kind, record.pk, slug_before, Tombstone.Reason.MOVED)
    # A record new at an address, or moved to one, is no longer gone from it.
    Tombstone.objects.filter(kind=kind, slug=record.slug).delete()


def record_deleted(record) -> None:
    bury(KINDS[record._meta.label_lower], record.pk, record.slug, Tombstone.Reason.DELETED)


def gone(kind: str, since=None):
    """Tombstones of `kind`, newest first, leaving out addresses public again: a story
    rescheduled and then gone live keeps its tombstone until it is saved."""
    found = Tombstone.objects.filter(kind=kind)
    if since is not None:
        found = found.filter(gone_at__gt=since)
    if kind == Tombstone.Kind.ARTICLE:
        found = found.exclude(slug__in=Article.objects.published().values("slug"))
    return found.order_by("-gone_at", "-pk")
