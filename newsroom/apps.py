from django.apps import AppConfig
from django.db.models.signals import pre_save


class NewsroomConfig(AppConfig):
    """Site-wide rules that hold for every model, whichever app defines it."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        pre_save.connect(clean_text_fields, dispatch_uid="newsroom.clean_text_fields")


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
