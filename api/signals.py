"""Keep `ArticleChange` and `Tombstone` in step with every save that changes what the API
shows, whichever path saves (the admin, imports, management commands)."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from articles import services
from articles.models import Article, Byline, Correction, TaggedArticle
from images.models import Image
from newsroom.rows import stored_row
from people.models import Artist, Contributor
from projects.models import MediaProject

from . import changes


@receiver(pre_save, sender=Article, dispatch_uid="api.article_before")
def remember_visibility(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = stored_row(instance)
    instance._api_before = (
        None if old is None else {f: old[f] for f in ("slug", "status", "published_at")}
    )


@receiver(post_save, sender=Article, dispatch_uid="api.article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    changes.article_saved(instance, instance.__dict__.pop("_api_before", None), raw=raw)


@receiver(services.articles_created, sender=Article, dispatch_uid="api.articles_created")
def articles_created(sender, articles, **kwargs):
    changes.articles_created(articles)


@receiver(post_delete, sender=Article, dispatch_uid="api.article_deleted")
def article_deleted(sender, instance, **kwargs):
    changes.article_deleted(instance)


@receiver(post_save, sender=Byline, dispatch_uid="api.byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="api.byline_deleted")
@receiver(post_save, sender=Correction, dispatch_uid="api.correction_saved")
@receiver(post_delete, sender=Correction, dispatch_uid="api.correction_deleted")
@receiver(post_delete, sender=TaggedArticle, dispatch_uid="api.tagging_deleted")
def part_changed(sender, instance, **kwargs):
    changes.stamp(
        [instance.article_id if sender is not TaggedArticle else instance.content_object_id]
    )


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        changes.stamp([instance.pk])
    elif action == "pre_clear":
        changes.stamp_where(_linking(sender, instance))
    else:
        changes.stamp(pk_set or [])


def _linking(through, instance) -> Q:
    """Articles linked to `instance` through the join table `through`."""
    for field in through._meta.concrete_fields:
        if field.is_relation and field.related_model is type(instance)._meta.concrete_model:
            column = "content_object_id" if through is TaggedArticle else "article_id"
            rows = through.objects.filter(**{field.attname: instance.pk}).values(column)
            return Q(pk__in=rows)
    return Q(pk__in=[])


for _through in (
    Article.tags.through,
    Article.related_projects.through,
    Article.artists.through,
    Article.projects.through,
):
    m2m_changed.connect(_links_changed, sender=_through, dispatch_uid=f"api.links:{_through}")


@receiver(post_save, sender=Artist, dispatch_uid="api.artist_saved")
@receiver(pre_delete, sender=Artist, dispatch_uid="api.artist_deleted")
def artist_changed(sender, instance, **kwargs):
    changes.stamp_where(Q(artists=instance))


@receiver(post_save, sender=MediaProject, dispatch_uid="api.project_saved")
@receiver(pre_delete, sender=MediaProject, dispatch_uid="api.project_deleted")
def project_changed(sender, instance, **kwargs):
    changes.stamp_where(Q(projects=instance) | Q(related_projects=instance))


@receiver(post_save, sender=Contributor, dispatch_uid="api.contributor_saved")
@receiver(pre_delete, sender=Contributor, dispatch_uid="api.contributor_deleted")
def contributor_changed(sender, instance, **kwargs):
    named = Q(body__contains="[contributor") & Q(body__contains=instance.slug)
    changes.stamp_where(Q(bylines__contributor=instance) | named)


@receiver(post_save, sender=Image, dispatch_uid="api.image_saved")
@receiver(pre_delete, sender=Image, dispatch_uid="api.image_deleted")
def image_changed(sender, instance, **kwargs):
    shown = Q(body__contains="[image") & Q(body__contains=f'"{instance.pk}"')
    changes.stamp_where(Q(lead_image=instance) | shown)


@receiver(post_save, sender=Tag, dispatch_uid="api.tag_saved")
@receiver(pre_delete, sender=Tag, dispatch_uid="api.tag_deleted")
def tag_changed(sender, instance, **kwargs):
    changes.stamp_where(Q(tagged_items__tag=instance))


@receiver(pre_save, sender=Artist, dispatch_uid="api.artist_before")
@receiver(pre_save, sender=Contributor, dispatch_uid="api.contributor_before")
@receiver(pre_save, sender=MediaProject, dispatch_uid="api.project_before")
def remember_slug(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        old = stored_row(instance)
        instance._api_slug = None if old is None else old["slug"]


@receiver(post_save, sender=Artist, dispatch_uid="api.artist_moved")
@receiver(post_save, sender=Contributor, dispatch_uid="api.contributor_moved")
@receiver(post_save, sender=MediaProject, dispatch_uid="api.project_moved")
def record_moved(sender, instance, **kwargs):
    before = instance.__dict__.pop("_api_slug", None)
    changes.record_saved(instance, before)


@receiver(post_delete, sender=Artist, dispatch_uid="api.artist_gone")
@receiver(post_delete, sender=Contributor, dispatch_uid="api.contributor_gone")
@receiver(post_delete, sender=MediaProject, dispatch_uid="api.project_gone")
def record_deleted(sender, instance, **kwargs):
    changes.record_deleted(instance)
