from django.db import models
from django.db.models import F, Q

from newsroom import identifiers
from newsroom.db import AtomicSaveMixin
from newsroom.fields import music_web_id
from newsroom.natural_keys import BySlugQuerySet, SlugNaturalKey


class MediaProjectQuerySet(BySlugQuerySet):
    def with_credits(self):
        return self.prefetch_related(
            models.Prefetch(
                "credits", queryset=Credit.objects.select_related("artist").order_by("order", "pk")
            )
        )

    def newest_first_by_kind(self):
        """Grouped by kind in the order kinds are declared, newest first within each; undated
        projects are the announced and upcoming ones, so they lead their kind."""
        kind_order = models.Case(
            *[
                models.When(kind=kind, then=models.Value(position))
                for position, kind in enumerate(MediaProject.Kind.values)
            ],
            output_field=models.IntegerField(),
        )
        return self.order_by(
            kind_order,
            F("release_year").desc(nulls_first=True),
            F("release_date").desc(nulls_last=True),
            "title",
            "pk",
        )

    def by_artist(self, artist):
        return self.filter(credits__artist=artist).distinct()


class MediaProject(AtomicSaveMixin, SlugNaturalKey, models.Model):
    class Kind(models.TextChoices):
        ALBUM = "album", "Album"
        EP = "ep", "EP"
        SONG = "song", "Song"
        MUSIC_VIDEO = "music_video", "Music video"
        SHORT_FILM = "short_film", "Short film"
        FEATURE_FILM = "feature_film", "Feature film"
        DOCUMENTARY = "documentary", "Documentary"
        TOUR = "tour", "Tour"

    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        IN_PRODUCTION = "in_production", "In production"
        IN_POST_PRODUCTION = "in_post_production", "In post-production"
        UPCOMING = "upcoming", "Upcoming"
        RELEASED = "released", "Released"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    status = models.CharField(max_length=20, choices=Status, default=Status.ANNOUNCED)
    is_untitled = models.BooleanField(
        default=False, help_text="The title is a working description, not an announced title."
    )
    synopsis = models.TextField(blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When only the year is known. Filled from the date."
    )
    release_note = models.CharField(
        max_length=200, blank=True, help_text="For example: No set release date."
    )
    running_time_min = models.PositiveSmallIntegerField(
        "running time from (minutes)", null=True, blank=True
    )
    running_time_max = models.PositiveSmallIntegerField(
        "running time to (minutes)",
        null=True,
        blank=True,
        help_text="Leave empty when the running time is exact.",
    )
    shot_from = models.DateField(null=True, blank=True)
    shot_until = models.DateField(null=True, blank=True)
    shoot_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="When exact dates are unknown. For example: Two days at the end of January 2009.",
    )
    shoot_location = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=200, blank=True, help_text="Record label or studio.")
    # Ids on the music web: unique, since each names one work there (an empty one is NULL).
    musicbrainz_id = music_web_id(
        "musicbrainz_id",
        "For a record: its MusicBrainz release group id, from its release-group link.",
    )
    wikidata_id = music_web_id("wikidata_id", "For example: Q193398.")
    spotify_id = music_web_id(
        "spotify_id",
        "The 22 characters after /album/ or /track/ in its Spotify link.",
    )
    apple_music_id = music_web_id(
        "apple_music_id",
        "The digits at the end of its Apple Music link.",
    )
    discogs_id = music_web_id(
        "discogs_id",
        "For a record: the digits after /master/ in its Discogs link.",
    )
    imdb_id = music_web_id(
        "imdb_id",
        "For a film or video. For example: tt0386117.",
        validators=[identifiers.validate_imdb_title],
    )
    play_links = models.TextField(
        "more places to listen or watch",
        blank=True,
        validators=[identifiers.validate_play_links],
        help_text=(
            "One https:// address a line: the YouTube video, the Bandcamp page… Spotify and "
            "Apple Music come from their ids."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MediaProjectQuerySet.as_manager()

    class Meta:
        # Undated (announced, upcoming) last on every database.
        ordering = [F("release_year").desc(nulls_last=True), "title"]
        # Search's projects walk it in order (newest first) and stop at the first few that match.
        indexes = [models.Index(fields=["-release_year", "title"], name="project_year_title_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(running_time_max__isnull=True)
                | Q(running_time_min__isnull=False, running_time_max__gte=F("running_time_min")),
                name="project_running_time_range",
                violation_error_message="The running time must run from the shorter to the longer.",
            ),
            models.CheckConstraint(
                condition=Q(shot_until__isnull=True)
                | Q(shot_from__isnull=False, shot_until__gte=F("shot_from")),
                name="project_shoot_dates_in_order",
                violation_error_message="The shoot must end on or after the day it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.release_date:
            self.release_year = self.release_date.year
        super().save(*args, **kwargs)

    # Its page, with the stories about it, is the site's: ABSOLUTE_URL_OVERRIDES in
    # newsroom/settings.py gives it `get_absolute_url`.

    @property
    def same_as(self):
        """Its pages elsewhere, on each service it has an id on."""
        return identifiers.same_as(self.kind, self)

    @property
    def id_links(self):
        """(service, address) of its page on each service it has an id on."""
        return identifiers.links(self.kind, self)

    @property
    def listen_links(self):
        """(service, address) of each place readers can listen to or watch it."""
        return identifiers.play_links(self.kind, self)

    @property
    def plays_as(self):
        """ "Watch" for films and videos, "Listen" for the rest."""
        return "Watch" if self.kind in identifiers.FILMS else "Listen"

    def credits_in_order(self):
        return self.credits.select_related("artist").order_by("order", "pk")

    @property
    def running_time(self):
        if self.running_time_min is None:
            return ""
        if self.running_time_max and self.running_time_max != self.running_time_min:
            return f"{self.running_time_min}\u2013{self.running_time_max} min"
        return f"{self.running_time_min} min"

    @property
    def release_display(self):
        if self.release_date:
            return self.release_date.strftime("%B %-d, %Y")
        if self.release_year:
            return str(self.release_year)
        return self.release_note or "No set release date"


# Who a project is by, where a line names its makers: who performs a record, who directs a film.
BY_ROLES = {"performer": "By", "director": "Directed by"}


def makers(credits) -> list[tuple[str, list]]:
    """Who a project is by, from its credits: [("By", [performers]), ("Directed by",
    [directors])], each artist once per role, in credit order, roles without credits left out."""
    found: dict[str, list] = {role: [] for role in BY_ROLES}
    for credit in credits:
        artists = found.get(credit.role)
        if artists is not None and credit.artist not in artists:
            artists.append(credit.artist)
    return [(BY_ROLES[role], artists) for role, artists in found.items() if artists]


# Section headings for lists of projects of one kind.
KIND_PLURALS = {
    MediaProject.Kind.ALBUM: "Albums",
    MediaProject.Kind.EP: "EPs",
    MediaProject.Kind.SONG: "Songs",
    MediaProject.Kind.MUSIC_VIDEO: "Music videos",
    MediaProject.Kind.SHORT_FILM: "Short films",
    MediaProject.Kind.FEATURE_FILM: "Feature films",
    MediaProject.Kind.DOCUMENTARY: "Documentaries",
    MediaProject.Kind.TOUR: "Tours",
}


class ProjectRelationManager(models.Manager):
    def get_by_natural_key(self, source_slug, relation, target_slug):
        return self.get(source__slug=source_slug, relation=relation, target__slug=target_slug)


class ProjectRelation(models.Model):
    class Relation(models.TextChoices):
        TRACK_ON = "track_on", "is a track on"
        FEATURED_IN = "featured_in", "is featured in"
        VIDEO_FOR = "video_for", "is the video for"
        SOUNDTRACK_OF = "soundtrack_of", "is the soundtrack of"

    source = models.ForeignKey(
        MediaProject, on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    relation = models.CharField(max_length=20, choices=Relation)
    target = models.ForeignKey(
        MediaProject, on_delete=models.CASCADE, related_name="incoming_relations"
    )
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Track number, for a track on an album."
    )

    objects = ProjectRelationManager()

    class Meta:
        ordering = ["target", F("position").asc(nulls_last=True), "source__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "relation", "target"], name="unique_project_relation"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="project_relation_not_to_itself",
                violation_error_message="A project cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_relation_display()} {self.target}"

    def natural_key(self):
        return (self.source.slug, self.relation, self.target.slug)

    natural_key.dependencies = ["projects.mediaproject"]


class CreditManager(models.Manager):
    def get_by_natural_key(self, project_slug, artist_slug, role):
        return self.get(project__slug=project_slug, artist__slug=artist_slug, role=role)


class Credit(AtomicSaveMixin, models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        PRODUCER = "producer", "Producer"
        EXECUTIVE_PRODUCER = "executive_producer", "Executive producer"
        PERFORMER = "performer", "Performer"
        STARRING = "starring", "Starring"
        WRITER = "writer", "Writer"
        SONGWRITER = "songwriter", "Songwriter"
        COMPOSER = "composer", "Composer"
        EDITOR = "editor", "Editor"
        CINEMATOGRAPHER = "cinematographer", "Cinematographer"
        FEATURED = "featured", "Featured artist"

    project = models.ForeignKey(MediaProject, on_delete=models.CASCADE, related_name="credits")
    artist = models.ForeignKey("people.Artist", on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=30, choices=Role)
    order = models.PositiveSmallIntegerField(default=0)
    is_known_for = models.BooleanField(
        "known for",
        default=False,
        help_text="Show this project on the artist's profile card.",
    )

    objects = CreditManager()

    class Meta:
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "artist", "role"], name="unique_credit_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.artist} — {self.get_role_display()}, {self.project}"

    def natural_key(self):
        return (self.project.slug, self.artist.slug, self.role)

    natural_key.dependencies = ["projects.mediaproject", "people.artist"]
