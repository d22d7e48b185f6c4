from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_save,
)


class NewsroomConfig(AppConfig):
    """Site-wide rules that hold for every model, whichever app defines it."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from django.core.signals import request_finished

        from . import rows, snapshots, tagcache

        # Snapshots of what the request changed, written once its response has gone out.
        request_finished.connect(snapshots.build_pending, dispatch_uid="newsroom.snapshots")

        # First of every pre_save rule: each save reads the row it replaces afresh (rows.py).
        pre_save.connect(rows.forget, dispatch_uid="newsroom.forget_stored_row")
        pre_save.connect(clean_text_fields, dispatch_uid="newsroom.clean_text_fields")
        post_init.connect(tagcache.note_loaded, dispatch_uid="newsroom.note_loaded")
        pre_save.connect(remember_links, dispatch_uid="newsroom.remember_links")
        post_save.connect(purge_saved, dispatch_uid="newsroom.purge_saved")
        post_delete.connect(purge_saved, dispatch_uid="newsroom.purge_deleted")
        m2m_changed.connect(purge_related, dispatch_uid="newsroom.purge_related")
        post_migrate.connect(refresh_statistics, dispatch_uid="newsroom.statistics")


def refresh_statistics(sender, app_config=None, using="default", **kwargs):
    """After `migrate` on SQLite, which keeps no statistics by itself: the planner's statistics
    for the data as it now stands. The signal comes once for each app with models; they are
    gathered after the last."""
    from django.apps import apps
    from django.db import connections

    from .db import refresh_planner_statistics

    if connections[using].vendor != "sqlite":
        return
    if app_config is [config for config in apps.get_app_configs() if config.models_module][-1]:
        refresh_planner_statistics(using)


def clean_text_fields(sender, instance, raw=False, **kwargs):
    """The one place where text meets the database: no control character (bar tab and newlines
    in fields that hold lines) and no noncharacter is stored, whichever path saves: the admin,
    the ORM, loaddata, a management command. One-line fields get pasted breaks as spaces."""
    from django.db import models

    from .text import clean_line, clean_lines

    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str) or not value:
            continue
        cleaned = clean_lines(value) if isinstance(field, models.TextField) else clean_line(value)
        if cleaned != value:
            setattr(instance, field.attname, cleaned)


def _tracked(model) -> bool:
    return model._meta.app_label in settings.CACHE_TAGGED_APPS


def _links(model) -> list:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def remember_links(sender, instance, raw=False, **kwargs):
    """Before a tracked record already in the database is saved: what it pointed at, so that a
    record moved to another (a byline given to another contributor) purges the lists of both."""
    links = _links(sender) if _tracked(sender) else []
    if raw or instance.pk is None or not links:
        return
    from .rows import stored_row

    instance._links_before = stored_row(instance)


def purge_saved(sender, instance, **kwargs):
    """A record saved or deleted: what shows it, lists of its kind, and lists of what relates to
    each record it points at, and pointed at before the save (a credit changes its project's
    and its artist's pages)."""
    from . import tagcache

    before = instance.__dict__.pop("_links_before", None) or {}
    tags = saved_tags(sender, instance, before)
    if tags:
        tagcache.purge_on_commit(tags)


def saved_tags(sender, instance, before: dict | None = None) -> list[str]:
    """What a record's save or deletion purges (see `purge_saved`): none for a model whose
    records are not cached. `before` is the row the save replaced, if any. A bulk write
    (`articles.services.create_articles`) purges the same tags for each record it writes."""
    if not _tracked(sender):
        return []
    from . import tagcache

    tags = [tagcache.tag(instance), tagcache.list_of(sender)]
    before = before or {}
    for field in _links(sender):
        label = field.related_model._meta.concrete_model._meta.label_lower
        for value in {getattr(instance, field.attname), before.get(field.attname)} - {None}:
            tags += [tagcache.about_key(label, value), tagcache.pointed_at_key(label, value)]
    return tags


def purge_related(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many link added or removed: both sides' pages and lists of what relates to them."""
    if action not in ("post_add", "post_remove", "pre_clear") or not _tracked(type(instance)):
        return
    from . import tagcache

    if action == "pre_clear":
        pk_set = _linked_pks(sender, instance, model)
    tagcache.purge_on_commit(linked_tags(sender, instance, model, pk_set))


def linked_tags(through, instance, model, pks) -> list[str]:
    """What adding or removing links from `instance` to the `model` records `pks` purges (see
    `purge_related`)."""
    from . import tagcache

    label = model._meta.concrete_model._meta.label_lower
    tags = [tagcache.tag(instance), tagcache.about(instance), tagcache.list_of(through)]
    for pk in pks or ():
        tags += [f"{label}:{pk}", tagcache.about_key(label, pk)]
    return tags


def _linked_pks(through, instance, model) -> list:
    """The primary keys of `model` records linked to `instance` through `through`."""
    source = target = None
    for field in through._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            if field.related_model is type(instance)._meta.concrete_model and source is None:
                source = field
            elif field.related_model is model._meta.concrete_model:
                target = field
    if source is None or target is None:
        return []
    rows = through.objects.filter(**{source.attname: instance.pk})
    return list(rows.values_list(target.attname, flat=True))
