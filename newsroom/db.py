"""Database helpers shared by the apps."""

from django.db import router, transaction


class AtomicSaveMixin:
    """save() in one transaction with everything its signals derive: a row and the data kept
    in step with it (an article's body text and mentions, the articles re-linked when an
    artist is renamed) commit together or not at all, whoever saves and however."""

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
