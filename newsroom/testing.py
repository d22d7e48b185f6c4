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


def image_bytes(size=(1600, 1200), *, fmt="JPEG", color="#884422") -> bytes:
    """A generated test picture: a plain field with a lighter square at its centre, so crops
    can be told apart."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    width, height = size
    ImageDraw.Draw(image).rectangle(
        (width * 3 // 8, height * 3 // 8, width * 5 // 8, height * 5 // 8), fill="#eeeeee"
    )
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def make_image(*, size=(1600, 1200), name="photo.jpg", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image

    n = next(_seq)
    fields.setdefault("title", f"Image {n}")
    fields.setdefault("alt_text", f"Test picture {n}")
    image = Image(**fields)
    image.file = SimpleUploadedFile(name, image_bytes(size))
    image.save()
    return image
