"""The row a save replaces, read once per save however many rules compare with it.

Several rules look at what a record was before it is saved: the links it had (purging),
whether a story's text changed ("Updated"), its former address, whether it stops being public
(the API's list of what went), an artist's ids (shortcodes). Each reading the row on its own
cost a query apiece on every save; they share one read instead."""

from __future__ import annotations

_KEY = "_stored_row"


def forget(sender, instance, **kwargs) -> None:
    """pre_save, connected before every other rule: a new save reads the row afresh."""
    instance.__dict__.pop(_KEY, None)


def stored_row(instance) -> dict | None:
    """The values of `instance`'s columns (by attribute name, `author_id`) as the database
    holds them before the save under way; None for a record not yet in the database. Call it
    from a pre_save rule: a post_save rule gets the same values only if one did."""
    if instance.pk is None:
        return None
    if _KEY not in instance.__dict__:
        model = type(instance)
        columns = [field.attname for field in model._meta.concrete_fields]
        found = model._base_manager.filter(pk=instance.pk).values(*columns)
        instance.__dict__[_KEY] = found.first()
    return instance.__dict__[_KEY]
