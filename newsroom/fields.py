"""Model fields shared by the apps."""

from django.db import models

from . import identifiers


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


# Each service's id column: its length (None for MusicBrainz's UUIDs) and the format it checks.
# IMDb names people (nm…) and titles (tt…): the model passes the validator for what it holds.
_MUSIC_WEB_COLUMNS = {
    "musicbrainz_id": (None, []),
    "wikidata_id": (20, [identifiers.validate_wikidata]),
    "spotify_id": (22, [identifiers.validate_spotify]),
    "apple_music_id": (20, [identifiers.validate_digits]),
    "discogs_id": (20, [identifiers.validate_digits]),
    "imdb_id": (12, []),
}


def music_web_id(field: str, help_text: str, *, validators=()) -> models.Field:
    """A record's id on a music-web service (`field` is one of `identifiers.ID_FIELDS`):
    unique, since each names one record there; an empty one is NULL."""
    length, checks = _MUSIC_WEB_COLUMNS[field]
    options = {
        "verbose_name": f"{identifiers.BY_FIELD[field].label} id",
        "null": True,
        "blank": True,
        "unique": True,
        "help_text": help_text,
    }
    if length is None:
        return models.UUIDField(**options)
    return models.CharField(max_length=length, validators=[*checks, *validators], **options)
