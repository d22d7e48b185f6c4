from django.conf import settings
from django.db import models
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from images.validators import validate_image_upload
from newsroom import identifiers
from newsroom.db import AtomicSaveMixin
from newsroom.fields import music_web_id
from newsroom.natural_keys import BySlugManager, BySlugQuerySet, SlugNaturalKey


class Contributor(AtomicSaveMixin, SlugNaturalKey, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(max_length=100, blank=True, help_text="For example: Staff writer.")
    is_organization = models.BooleanField(
        "desk or publication",
        default=False,
        help_text="Tick for a byline that is not one person, such as a news desk.",
    )
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="people/contributors/%Y/%m/", blank=True, validators=[validate_image_upload]
    )
    photo_alt = models.CharField(
        "photo alt text",
        max_length=300,
        blank=True,
        help_text="Describe the photo for readers who cannot see it. Required with a photo.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributor",
        help_text="The staff account that writes as this contributor, if any.",
    )

    objects = BySlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    # Its page, with the stories in its bylines, is the site's: ABSOLUTE_URL_OVERRIDES in
    # newsroom/settings.py gives it `get_absolute_url`.

    def clean(self):
        _require_alt_text(self)


class Discipline(SlugNaturalKey, models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="For example: Director.")
    slug = models.SlugField(max_length=100, unique=True)

    objects = BySlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaggedItemManager(models.Manager):
    def get_by_natural_key(self, slug, tag_name):
        return self.get(content_object__slug=slug, tag__name=tag_name)


class TaggedArtist(TaggedItemBase):
    content_object = models.ForeignKey(
        "Artist", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = TaggedItemManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_artist_tag"),
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["people.artist", "taggit.tag"]


# Credits flagged "known for" come first on the card, then the artist's most recent work.
CARD_CREDIT_ORDER = (
    "-is_known_for",
    models.F("project__release_year").desc(nulls_last=True),
    "pk",
)


class ArtistQuerySet(BySlugQuerySet):
    def with_card_data(self):
        """Everything the profile card shows, in a fixed number of queries."""
        from projects.models import Credit

        return self.prefetch_related(
            models.Prefetch(
                "credits",
                queryset=Credit.objects.select_related("project").order_by(*CARD_CREDIT_ORDER),
                to_attr="card_credits",
            )
        )


class Artist(AtomicSaveMixin, SlugNaturalKey, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    external_id = models.PositiveBigIntegerField(
        "external id",
        unique=True,
        null=True,
        blank=True,
        help_text=(
            "The artist's number in the artist database, the one body shortcodes use: "
            '[artist id="1230523"]Kanye West[/artist]. Digits only. Leave it empty when the '
            'artist has none; shortcodes can then name the slug: [artist slug="kanye-west"].'
        ),
    )
    is_group = models.BooleanField(
        "band or group", default=False, help_text="Tick for a band, duo or other group."
    )
    disciplines = models.ManyToManyField(Discipline, blank=True, related_name="artists")
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown on the profile card."
    )
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="people/artists/%Y/%m/", blank=True, validators=[validate_image_upload]
    )
    photo_alt = models.CharField(
        "photo alt text",
        max_length=300,
        blank=True,
        help_text="Describe the photo for readers who cannot see it. Required with a photo.",
    )
    website = models.URLField(blank=True)
    # Ids on the music web: unique, since each names one artist there (an empty one is NULL).
    musicbrainz_id = music_web_id(
        "musicbrainz_id",
        "The artist's MusicBrainz id. For example: 164f0d73-1234-4e2c-8743-d77bf2191051.",
    )
    wikidata_id = music_web_id("wikidata_id", "For example: Q15935.")
    spotify_id = music_web_id(
        "spotify_id",
        "The 22 characters after /artist/ in the artist's Spotify link.",
    )
    apple_music_id = music_web_id(
        "apple_music_id",
        "The digits at the end of the artist's Apple Music link.",
    )
    discogs_id = music_web_id(
        "discogs_id",
        "The digits after /artist/ in the artist's Discogs link.",
    )
    imdb_id = music_web_id(
        "imdb_id",
        "For people in films. For example: nm0005069.",
        validators=[identifiers.validate_imdb_name],
    )
    play_links = models.TextField(
        "more places to listen or watch",
        blank=True,
        validators=[identifiers.validate_play_links],
        help_text=(
            "One https:// address a line: a YouTube channel, a Bandcamp page… Spotify and "
            "Apple Music come from their ids."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    tags = TaggableManager(blank=True, through=TaggedArtist)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Search's names walk it in order and stop at the first few that match.
        indexes = [models.Index(fields=["name"], name="artist_name_idx")]

    def __str__(self):
        return self.name

    # Its page, with the stories mentioning it, is the site's: ABSOLUTE_URL_OVERRIDES in
    # newsroom/settings.py gives it `get_absolute_url`.

    def clean(self):
        _require_alt_text(self)

    @property
    def known_for(self):
        """One or two projects for the card, from `with_card_data()` when it was used."""
        credits = getattr(self, "card_credits", None)
        if credits is None:
            credits = self.credits.select_related("project").order_by(*CARD_CREDIT_ORDER)
        projects = []
        for credit in credits:
            if credit.project not in projects:
                projects.append(credit.project)
            if len(projects) == 2:
                break
        return projects

    @property
    def same_as(self):
        """Its pages elsewhere: on each service it has an id on, and its website."""
        return identifiers.same_as("artist", self, self.website)

    @property
    def id_links(self):
        """(service, address) of its page on each service it has an id on."""
        return identifiers.links("artist", self)

    @property
    def listen_links(self):
        """(service, address) of each place readers can listen to or watch it."""
        return identifiers.play_links("artist", self)


def _require_alt_text(person):
    from django.core.exceptions import ValidationError

    if person.photo and not person.photo_alt.strip():
        raise ValidationError({"photo_alt": "Describe the photo for readers who cannot see it."})
