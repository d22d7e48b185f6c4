"""Who may change what readers see: one rule that the change form, bulk actions, restore and
recover, corrections, former addresses and the photo library all ask.

Editors hold the "Can publish, schedule and unpublish articles" permission and change anything
their model permissions allow. Writers change only their own stories (created by them, or whose
byline names the contributor tied to their account) while those are drafts or in review: never
a published story, live or scheduled, never a deleted one, never a correction, and no library
photo a published story shows.
"""

from __future__ import annotations

from django.db.models import Q

from .models import Article

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def may_change_article(user, article) -> bool:
    """Whether `user` may change `article` as it is stored (or as a restore would leave it)."""
    if can_publish(user):
        return True
    return article.status != Article.Status.PUBLISHED and article.is_owned_by(user)


def may_recover(user) -> bool:
    """Bringing back a deleted story is an editor's decision."""
    return can_publish(user)


def may_correct(user) -> bool:
    """Corrections are the newsroom's public record: editors add and change them."""
    return can_publish(user)


def may_delete_correction(user, article) -> bool:
    """A correction on a published story stays: its text may change (the story's revisions keep
    the old one), but readers were told, so it is never taken away."""
    if not can_publish(user):
        return False
    if article is None or article.pk is None:
        return True
    # As stored and as the form would leave it: unpublishing in the same save does not count.
    stored = Article.objects.filter(pk=article.pk, status=Article.Status.PUBLISHED).exists()
    return not stored and article.status != Article.Status.PUBLISHED


def articles_showing(image):
    """The articles that show `image`, as their lead photo or with `[image id="…"]` in the body."""
    from . import rendering
    from .shortcodes import Shortcode

    candidates = Article.objects.filter(
        Q(lead_image=image) | (Q(body__contains="[image") & Q(body__contains=str(image.pk)))
    ).only("pk", "status", "created_by", "lead_image", "body")
    found = []
    for article in candidates:
        if article.lead_image_id == image.pk:
            found.append(article)
            continue
        # The body only names the id somewhere: it shows the photo if a tag resolves to it.
        tags = [
            node
            for node in rendering.parse(article.body)
            if isinstance(node, Shortcode) and node.name == "image"
        ]
        if any(str(node.attrs.get("id", "")).strip() == str(image.pk) for node in tags):
            found.append(article)
    return found


def may_change_image(user, image) -> bool:
    """Editors change any photo; writers a photo that only their own unpublished stories show
    (or none does), never one a published or scheduled story shows."""
    if can_publish(user):
        return True
    # Asked several times while one change page renders, about the same loaded photo.
    showing = getattr(image, "_articles_showing", None)
    if showing is None:
        showing = image._articles_showing = articles_showing(image)
    return all(
        article.status != Article.Status.PUBLISHED and article.is_owned_by(user)
        for article in showing
    )
