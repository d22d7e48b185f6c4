"""What partners who sync need beyond the published records themselves: when each story last
changed in any way the API shows (its own fields, bylines, tags, corrections, and the records it
links to), and what stopped being public (deleted, unpublished, given a new address)."""

from django.db import models
from django.utils import timezone


class ArticleChange(models.Model):
    """When anything the API shows of an article last changed. Written by `api.signals` on
    saves of the article and of everything it shows; `updated_since` filters on it."""

    # The article's id, not a foreign key: a byline deleted with its article notes a change
    # while the article is being deleted; the row goes once the article has.
    article_id = models.BigIntegerField(primary_key=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.article_id} changed {self.changed_at:%Y-%m-%d %H:%M}"


class Tombstone(models.Model):
    """A record that readers could see and no longer can at this address: deleted,
    unpublished (back to draft, or rescheduled) or moved to a new slug. Removed again when an
    article at that address is published."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        ARTIST = "artist", "Artist"
        CONTRIBUTOR = "contributor", "Contributor"
        PROJECT = "project", "Project"

    class Reason(models.TextChoices):
        DELETED = "deleted", "Deleted"
        UNPUBLISHED = "unpublished", "Unpublished"
        MOVED = "moved", "Moved to a new address"

    kind = models.CharField(max_length=20, choices=Kind)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=200)
    reason = models.CharField(max_length=20, choices=Reason)
    gone_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-gone_at", "-pk"]
        indexes = [models.Index(fields=["kind", "gone_at"], name="tombstone_kind_gone_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_tombstone_address"),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug} {self.reason}"
