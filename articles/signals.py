"""Keep derived data in step with what editors and loaddata write."""

import hashlib

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from events.models import Event
from images.models import Image
from newsroom import tagcache
from newsroom.rows import stored_row
from people.models import Artist, Contributor
from projects.models import MediaProject

from . import rendering, search, services, sitemaps
from .handlers import ARTIST_ID_ATTRIBUTES
from .models import Article


@receiver(pre_save, sender=Tag, dispatch_uid="articles.tag_slug")
def give_every_tag_a_slug(sender, instance, **kwargs):
    # taggit slugifies the name, and a name of only punctuation or emoji slugifies to "", which
    # no tag page or feed address can carry.
    if not instance.slug:
        digest = hashlib.blake2b(instance.name.encode(), digest_size=4).hexdigest()
        instance.slug = f"tag-{digest}"


@receiver(pre_save, sender=Article, dispatch_uid="articles.body_text")
def derive_body_text(sender, instance, **kwargs):
    # Raw (loaddata) saves too, so a fixture can never carry a stale copy.
    instance.body_text = rendering.plain_text(instance.body)


@receiver(pre_save, sender=Article, dispatch_uid="articles.revised_at")
def note_substantive_change(sender, instance, raw, update_fields=None, **kwargs):
    # A full save that changes what readers read (headline, dek, body) is a revision; saves of
    # chosen fields (publishing, a merge rewriting shortcode ids) and loaddata are not.
    if raw or instance.pk is None or update_fields is not None:
        return
    old = stored_row(instance)
    if old is not None and (old["headline"], old["dek"], old["body"]) != (
        instance.headline,
        instance.dek,
        instance.body,
    ):
        instance.revised_at = timezone.now()


# What a save may change of a story's addresses.
ADDRESS_FIELDS = ("slug", "status", "legacy_path")
# A save of chosen fields, none of them an address.
ADDRESS_UNCHANGED = object()


@receiver(pre_save, sender=Article, dispatch_uid="articles.address_before")
def remember_address(sender, instance, raw, update_fields=None, **kwargs):
    instance._address_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(ADDRESS_FIELDS) & set(update_fields):
        instance._address_before = ADDRESS_UNCHANGED
        return
    old = stored_row(instance)
    instance._address_before = None if old is None else tuple(old[f] for f in ADDRESS_FIELDS)


@receiver(post_save, sender=Article, dispatch_uid="articles.former_addresses")
def keep_former_addresses(sender, instance, **kwargs):
    before = instance.__dict__.pop("_address_before", None)
    if before is not ADDRESS_UNCHANGED:
        services.keep_former_addresses(instance, before=before)


@receiver(pre_save, sender=Article, dispatch_uid="articles.reviewed_before")
def purge_reviews_of_work_before(sender, instance, raw, **kwargs):
    # The artists of the project a review was of list it until it is saved, whether it still
    # reviews that project or not (the lists of the project it reviews now are purged after).
    if raw or instance.pk is None:
        return
    from projects.models import Credit

    credited = Credit.objects.filter(project__reviews=instance.pk).values_list(
        "artist_id", flat=True
    )
    tagcache.purge_on_commit([tagcache.about_key("people.artist", pk) for pk in set(credited)])


@receiver(post_save, sender=Article, dispatch_uid="articles.sync_mentions")
def article_saved(sender, instance, raw, **kwargs):
    services.sync_mentions(instance)
    # The sitemap page that lists it, or would.
    tagcache.purge_on_commit([sitemaps.article_page_tag(instance.pk)])
    # Publishing, unpublishing or retitling a story changes the lists of stories about each
    # artist, project, tag and contributor it relates to (its own page is purged by newsroom).
    tagcache.purge_on_commit(lambda: Article.objects.filter(pk=instance.pk).cache_tags())
    if raw:
        # loaddata sets many-to-many values from the fixture after this signal; deriving again
        # once the load commits makes the body win over any stale list a fixture carries.
        transaction.on_commit(lambda: services.sync_mentions(instance))


@receiver(pre_delete, sender=Article, dispatch_uid="articles.purge_deleted_lists")
def article_deleted(sender, instance, **kwargs):
    # Its links to artists and projects go with it in Django's own join tables, which send no
    # signal: the lists of stories about each are found now, while the links still exist.
    tagcache.purge_on_commit(list(Article.objects.filter(pk=instance.pk).cache_tags()))
    tagcache.purge_on_commit([sitemaps.article_page_tag(instance.pk)])


@receiver(post_delete, sender=Article, dispatch_uid="articles.forget_search_entry")
def forget_search_entry(sender, instance, **kwargs):
    search.forget([instance.pk])


def _identity_fields(sender) -> tuple[str, ...]:
    """What shortcodes refer to a record by: its slug, its id, an artist's ids on the web."""
    if sender is Artist:
        return ("slug", "external_id", *ARTIST_ID_ATTRIBUTES.values())
    return ("slug", "pk")


def _identity(sender, instance) -> tuple[str, ...]:
    return tuple(
        "" if value is None else str(value)
        for value in (getattr(instance, field) for field in _identity_fields(sender))
    )


@receiver(pre_save, sender=Artist, dispatch_uid="articles.artist_identity")
@receiver(pre_save, sender=MediaProject, dispatch_uid="articles.project_identity")
def remember_identity(sender, instance, **kwargs):
    old = None
    row = stored_row(instance)
    if row is not None:
        columns = [sender._meta.pk.attname if f == "pk" else f for f in _identity_fields(sender)]
        old = tuple("" if row[c] is None else str(row[c]) for c in columns)
    instance._identity_changed = old != _identity(sender, instance)


@receiver(post_save, sender=Artist, dispatch_uid="articles.artist_saved")
@receiver(post_save, sender=MediaProject, dispatch_uid="articles.project_saved")
def linked_record_saved(sender, instance, **kwargs):
    # Their names are in the search vectors of the articles that link to them.
    linked = instance.mentioned_in.order_by().values_list("pk", flat=True)
    if sender is MediaProject:
        linked = linked.union(instance.articles.order_by().values_list("pk", flat=True))
    if search.full_text():
        search.update_vectors(linked)
    if getattr(instance, "_identity_changed", True):
        # A new or re-identified artist or project may resolve shortcodes that pointed at
        # nothing, or stop resolving ones that did.
        tag = "artist" if sender is Artist else "project"
        services.resync_articles_containing(tag, list(_identity(sender, instance)))
        for article in instance.mentioned_in.only("pk", "body"):
            services.sync_mentions(article)


@receiver(post_save, sender=Artist, dispatch_uid="articles.artist_refs")
@receiver(post_save, sender=MediaProject, dispatch_uid="articles.project_refs")
@receiver(post_save, sender=Contributor, dispatch_uid="articles.contributor_refs")
@receiver(post_save, sender=Image, dispatch_uid="articles.image_refs")
@receiver(post_save, sender=Event, dispatch_uid="articles.event_refs")
def record_may_resolve_tags(sender, instance, **kwargs):
    # Cached bodies with a tag naming this record that found nothing (a typo fixed by creating
    # or renaming the record) wait on these tags. Pages showing the record itself depend on
    # its own tag, which newsroom purges on every save.
    tag = {
        Artist: "artist",
        MediaProject: "project",
        Contributor: "contributor",
        Event: "event",
    }.get(sender, "image")
    idents = {"slug": getattr(instance, "slug", None)}
    idents["id"] = instance.external_id if sender is Artist else instance.pk
    if sender is Artist:
        idents.update(
            (attr, getattr(instance, field)) for attr, field in ARTIST_ID_ATTRIBUTES.items()
        )
    tagcache.purge_on_commit(
        [
            f"ref:{tag}:{attr}={rendering.reference_value(attr, value)}"
            for attr, value in idents.items()
            if value not in (None, "")
        ]
    )


@receiver(m2m_changed, sender=Article.related_projects.through, dispatch_uid="articles.related")
def related_projects_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # The projects a story is about are searched by name, like those its body links to.
    if action in ("post_add", "post_remove", "post_clear"):
        if reverse:
            ids = pk_set or []
        else:
            ids = [instance.pk]
        search.update_vectors(ids)
