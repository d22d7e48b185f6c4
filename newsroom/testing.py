"""Builders for test data: sensible defaults, keyword overrides, only what a test reads."""

from __future__ import annotations

import itertools

from django.utils import timezone

_seq = itertools.count(1)


def make_contributor(**fields):
    from people.models import Contributor

    n = next(_seq)
    fields.setdefault("name", f"Writer {n}")
    fields.setdefault("slug", f"writer-{n}")
    return Contributor.objects.create(**fields)


def make_artist(**fields):
    from people.models import Artist

    n = next(_seq)
    fields.setdefault("name", f"Artist {n}")
    fields.setdefault("slug", f"artist-{n}")
    fields.setdefault("external_id", 900000 + n)
    return Artist.objects.create(**fields)


def make_project(**fields):
    from projects.models import MediaProject

    n = next(_seq)
    fields.setdefault("title", f"Project {n}")
    fields.setdefault("slug", f"project-{n}")
    fields.setdefault("kind", MediaProject.Kind.ALBUM)
    return MediaProject.objects.create(**fields)


def make_article(*, contributors=(), tags=(), **fields):
    from articles.models import Article, Byline

    n = next(_seq)
    fields.setdefault("headline", f"Headline {n}")
    fields.setdefault("slug", f"headline-{n}")
    fields.setdefault("body", "A paragraph.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timezone.timedelta(hours=1))
    article = Article.objects.create(**fields)
    for position, contributor in enumerate(contributors):
        Byline.objects.create(article=article, contributor=contributor, position=position)
    if tags:
        article.tags.add(*tags)
    return article
