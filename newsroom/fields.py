"""Model fields shared by the apps."""

from django.db import models


class WholeSecondsDateTimeField(models.DateTimeField):
    """A time kept to the second, however it was set (a form, "Publish now", `timezone.now()`,
    loaddata, `bulk_create`): pages print it in `<time datetime>`, which allows at most three
    digits of a second, and readers are never told less than a minute."""

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is not None and value.microsecond:
            value = value.replace(microsecond=0)
            setattr(model_instance, self.attname, value)
        return value
