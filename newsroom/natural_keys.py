"""Natural keys, so fixtures refer to records the way editors and shortcodes do (by slug) and
`loaddata` can move content between databases whose primary keys differ."""

from django.db import models


class BySlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class BySlugManager(models.Manager.from_queryset(BySlugQuerySet)):
    pass


class SlugNaturalKey:
    """For a model with a unique slug whose manager has `get_by_natural_key(slug)`."""

    def natural_key(self):
        return (self.slug,)
