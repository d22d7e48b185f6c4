import datetime
import zoneinfo
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries
from django_countries.fields import CountryField

from newsroom.db import AtomicSaveMixin
from newsroom.links import reverse
from newsroom.validators import validate_sensible_time

# A date without an end stays among the upcoming ones this long after it starts: a show that
# began an hour ago is still on tonight.
SHOW_LENGTH = datetime.timedelta(hours=6)
# Calendars keep a date this many days after it: a subscriber's calendar still shows last
# week's show.
CALENDAR_PAST_DAYS = 30


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name zoneinfo knows here, A–Z (read once: it walks the files)."""
    return tuple(sorted(zoneinfo.available_timezones()))


@cache
def _zone_name_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def validate_time_zone(value):
    """An IANA time zone name this machine's zoneinfo knows, such as Europe/Paris."""
    if value not in _zone_name_set():
        raise ValidationError(
            '"%(value)s" is not a time zone name. Use one like Europe/Paris or America/Chicago.',
            code="unknown_time_zone",
            params={"value": value},
        )


@dataclass(frozen=True)
class VenueTime:
    """A time on a venue's clock as pages print it: formatted in Python, since a list of dates
    printed each part with Django's date filter spent most of its time there."""

    value: datetime.datetime

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    @property
    def date_iso(self) -> str:
        return self.value.date().isoformat()

    @property
    def day(self) -> str:
        return f"{self.value:%a} {self.value.day} {self.value:%b %Y}"

    @property
    def long_day(self) -> str:
        return f"{self.value:%A} {self.value.day} {self.value:%B %Y}"

    @property
    def date(self) -> str:
        return f"{self.value.day} {self.value:%B %Y}"

    @property
    def time(self) -> str:
        return f"{self.value:%H:%M}"

    @property
    def zone(self) -> str:
        return self.value.tzname() or ""


@cache
def _country_name(code: str, language: str | None) -> str:
    return str(countries.name(code))


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Dates that have not ended yet (those without an end: until SHOW_LENGTH after they
        start), soonest first."""
        now = now or timezone.now()
        return self.filter(
            Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - SHOW_LENGTH)
        ).order_by("starts_at", "pk")

    def past(self, now=None):
        """Dates that are over, most recent first."""
        now = now or timezone.now()
        return self.filter(
            Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now - SHOW_LENGTH)
        ).order_by("-starts_at", "-pk")

    def for_calendar(self, now=None):
        """What calendars carry: every date from CALENDAR_PAST_DAYS ago on, cancelled ones
        included (calendars that have them learn they are off), soonest first."""
        now = now or timezone.now()
        since = now - datetime.timedelta(days=CALENDAR_PAST_DAYS)
        return self.filter(starts_at__gte=since).order_by("starts_at", "pk")

    def by_performer(self, artist):
        return self.filter(performances__artist=artist)

    def with_performers(self):
        """With the project and each date's performers in billing order, in two queries more."""
        return self.select_related("project").prefetch_related(
            models.Prefetch(
                "performances",
                queryset=EventPerformer.objects.select_related("artist").order_by("position", "pk"),
                to_attr="billing",
            )
        )


class Event(AtomicSaveMixin, models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        POSTPONED = "postponed", "Postponed"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        MOVED_ONLINE = "moved_online", "Moved online"

    performers = models.ManyToManyField(
        "people.Artist", through="EventPerformer", related_name="events", blank=True
    )
    project = models.ForeignKey(
        "projects.MediaProject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="The tour or album this date promotes, if any.",
    )
    venue = models.CharField(max_length=200, help_text="For example: Madison Square Garden.")
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(
        max_length=100, blank=True, help_text="State, province or county, where it is used."
    )
    postal_code = models.CharField(max_length=20, blank=True)
    country = CountryField()
    timezone = models.CharField(
        "venue's time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="The IANA name of the venue's time zone, for example America/New_York.",
    )
    starts_at = models.DateTimeField(
        "starts", validators=[validate_sensible_time], help_text="In the venue's time zone."
    )
    ends_at = models.DateTimeField(
        "ends",
        null=True,
        blank=True,
        validators=[validate_sensible_time],
        help_text="Optional. In the venue's time zone.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.SCHEDULED)
    previous_starts_at = models.DateTimeField(
        "previously planned start",
        null=True,
        blank=True,
        validators=[validate_sensible_time],
        help_text="For a rescheduled date: when it was to start before. In the venue's time zone.",
    )
    ticket_url = models.URLField("ticket address", max_length=500, blank=True)
    online_url = models.URLField(
        "online address",
        max_length=500,
        blank=True,
        help_text="For a date moved online: where to watch it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at"], name="event_starts_at"),
            models.Index(fields=["country", "city"], name="event_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="The end must come after the start.",
            ),
            models.CheckConstraint(
                condition=~Q(status="rescheduled") | Q(previous_starts_at__isnull=False),
                name="event_rescheduled_keeps_previous_start",
                violation_error_message="A rescheduled date needs the start it had before.",
            ),
        ]

    def __str__(self):
        local = self.local_start
        day = local.strftime("%Y-%m-%d") if local else "no date"
        return f"{self.venue}, {self.city} ({day})"

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    @property
    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return datetime.UTC

    def in_venue_zone(self, value):
        return value.astimezone(self.zone) if value else None

    @property
    def local_start(self):
        return self.in_venue_zone(self.starts_at)

    @property
    def local_end(self):
        return self.in_venue_zone(self.ends_at)

    @property
    def local_previous_start(self):
        return self.in_venue_zone(self.previous_starts_at)

    @property
    def when(self):
        return VenueTime(self.local_start)

    @property
    def previous_when(self):
        return VenueTime(self.local_previous_start) if self.previous_starts_at else None

    @property
    def country_name(self):
        return _country_name(str(self.country), get_language())

    @property
    def performer_list(self):
        """The performers in billing order: from `with_performers()` when it was used."""
        billing = getattr(self, "billing", None)
        if billing is None:
            billing = self.performances.select_related("artist").order_by("position", "pk")
        return [performance.artist for performance in billing]

    @property
    def title(self):
        names = ", ".join(artist.name for artist in self.performer_list)
        return f"{names} at {self.venue}" if names else self.venue

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class EventPerformer(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="performances")
    # An artist with dates is not deleted by accident; merging artists moves their dates.
    artist = models.ForeignKey(
        "people.Artist", on_delete=models.PROTECT, related_name="performances"
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Billing order: the headliner first."
    )

    class Meta:
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "artist"], name="unique_event_performer"),
        ]

    def __str__(self):
        return f"{self.artist} at {self.event}"
