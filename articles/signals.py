"""Keep derived data in step with what editors and loaddata write."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from people.models import Artist, Contributor
from projects.models import Credit, MediaProject

from . import rendering, services
from .models import Article


@receiver(post_save, sender=Article, dispatch_uid="articles.sync_mentions")
def article_saved(sender, instance, raw, **kwargs):
    services.sync_mentions(instance)
    if raw:
        # loaddata sets many-to-many values from the fixture after this signal; deriving again
        # once the load commits makes the body win over any stale list a fixture carries.
        transaction.on_commit(lambda: services.sync_mentions(instance))


@receiver(post_save, sender=Artist, dispatch_uid="articles.artist_saved")
@receiver(post_save, sender=MediaProject, dispatch_uid="articles.project_saved")
def linked_record_saved(sender, instance, **kwargs):
    rendering.bump_generation()
    # A new or re-identified artist or project may resolve shortcodes that pointed at nothing.
    tag = "artist" if sender is Artist else "project"
    ident = instance.external_id if sender is Artist else instance.pk
    services.resync_articles_containing(tag, [instance.slug, str(ident or "")])


@receiver(post_save, sender=Contributor, dispatch_uid="articles.contributor_saved")
@receiver(post_save, sender=Credit, dispatch_uid="articles.credit_saved")
@receiver(post_delete, sender=Artist, dispatch_uid="articles.artist_deleted")
@receiver(post_delete, sender=MediaProject, dispatch_uid="articles.project_deleted")
@receiver(post_delete, sender=Contributor, dispatch_uid="articles.contributor_deleted")
@receiver(post_delete, sender=Credit, dispatch_uid="articles.credit_deleted")
def linked_record_changed(sender, **kwargs):
    rendering.bump_generation()
