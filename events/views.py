import datetime
import hashlib

from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from django_countries import countries

from newsroom import pagecache, tagcache
from people.models import Artist

from . import calendars
from .models import SHOW_LENGTH, Event, EventPerformer

# How long a list of upcoming dates is kept in the shared cache at most.
CACHE_SECONDS = 60 * 60 * 24


def ends_listing(event) -> datetime.datetime:
    """When a date leaves the upcoming ones (see `EventQuerySet.upcoming`)."""
    return event.ends_at or event.starts_at + SHOW_LENGTH


def next_change() -> datetime.datetime | None:
    """When the soonest upcoming date leaves the list, and lists of upcoming dates change."""
    soonest = Event.objects.upcoming().only("starts_at", "ends_at").first()
    return ends_listing(soonest) if soonest else None


def last_change() -> datetime.datetime | None:
    """When the list of upcoming dates last changed, near enough: the latest edit of one of
    them, or the time the most recent past date left it, whichever is later."""
    edited = Event.objects.upcoming().aggregate(latest=Max("updated_at"))["latest"]
    gone = Event.objects.past().only("starts_at", "ends_at").first()
    times = [edited, ends_listing(gone) if gone else None]
    return max((time for time in times if time is not None), default=None)


def depend_on_dates() -> None:
    """What shows dates depends on every date, its line-up, and the time the soonest ends."""
    tagcache.depend(tagcache.list_of(Event), tagcache.list_of(EventPerformer))
    tagcache.depend_until(next_change)


def by_day(events):
    """[(date, [event, …]), …] by the day on the venue's clock, in order of the days."""
    days: dict[datetime.date, list] = {}
    for event in events:
        days.setdefault(event.local_start.date(), []).append(event)
    return sorted(days.items(), key=lambda item: item[0])


def kept_upcoming(artist) -> list[Event]:
    """An artist's upcoming dates with their line-ups, kept in the shared cache until one of
    them, a line-up they are in, or the artist's dates change, or the first one ends."""
    key = f"events:upcoming:{tagcache.schema()}:{artist.pk}"
    events = tagcache.fetch(key)
    if events is None:
        rec = tagcache.Recording(tags={tagcache.about(artist)})
        with tagcache.recording() as loading:
            events = list(Event.objects.upcoming().by_performer(artist).with_performers())
        for event in events:
            rec.tags |= tagcache.tags_of(event)
        rec.tags |= loading.tags
        rec.started = loading.started
        if events:
            rec.expires = min(ends_listing(event) for event in events).timestamp()
        tagcache.store(key, events, rec, CACHE_SECONDS)
    if events:
        # The list changes by itself when its first date ends; the entry and the page with it.
        soonest = min(ends_listing(event) for event in events)
        tagcache.depend_until(lambda: soonest)
    return events


def kept_events(ids) -> list[Event]:
    """The dates with these ids that exist, in the order given, with their line-ups: kept in
    the shared cache until one of them, its line-up or a performer changes (or, while an id
    finds nothing, until any date is saved)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    digest = hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=12).hexdigest()
    key = f"events:by-id:{tagcache.schema()}:{digest}"
    events = tagcache.fetch(key)
    if events is None:
        with tagcache.recording() as rec:
            found = Event.objects.with_performers().in_bulk(ids)
        events = [found[pk] for pk in ids if pk in found]
        for event in events:
            rec.tags |= tagcache.tags_of(event)
        if len(events) < len(ids):
            # A date created with a missing id.
            rec.tags.add(tagcache.list_of(Event))
        tagcache.store(key, events, rec, CACHE_SECONDS)
    return events


class EventListView(pagecache.PageNumberMixin, ListView):
    """Upcoming dates by day, soonest first; one city or country when the reader picks one."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        country = request.GET.get("country", "").upper()
        self.country = country if country in countries else ""
        # Control characters never name a city, and PostgreSQL refuses NUL in a string.
        typed = "".join(ch if ch.isprintable() else " " for ch in request.GET.get("city", "")[:200])
        self.city = " ".join(typed.split())[:100]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        depend_on_dates()
        events = Event.objects.upcoming().with_performers()
        if self.country:
            events = events.filter(country=self.country)
        if self.city:
            events = events.filter(city__iexact=self.city)
        return events

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        places = (
            Event.objects.upcoming()
            .order_by("country", "city")
            .values_list("country", "city")
            .distinct()
        )
        cities = sorted(
            {city for country, city in places if country == self.country or not self.country}
        )
        # Only places with dates are kept by the page cache: any other is answered uncached.
        known = {city.casefold(): city for city in cities}
        if not self.city or self.city.casefold() in known:
            pagecache.accept(self.request, city=known.get(self.city.casefold(), ""))
        pagecache.accept(self.request, country=self.country)
        context.update(
            days=by_day(context["events"]),
            country=self.country,
            city=self.city,
            countries=sorted(
                {(code, countries.name(code)) for code, _ in places}, key=lambda c: c[1]
            ),
            cities=cities,
            is_filtered=bool(self.country or self.city),
        )
        return context


class EventDetailView(DetailView):
    """One date, past or upcoming, with its line-up."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.with_performers()

    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        # Its line-up: a performer added or removed.
        tagcache.depend(tagcache.about(event))
        return event

    def get_context_data(self, **kwargs):
        return super().get_context_data(event_list=[self.object], **kwargs)


class ArtistPastEventsView(pagecache.PageNumberMixin, ListView):
    """An artist's past dates, most recent first."""

    template_name = "events/artist_past_events.html"
    context_object_name = "events"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.artist = get_object_or_404(Artist.objects.only("name", "slug"), slug=kwargs["slug"])
        tagcache.depend(tagcache.about(self.artist))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        depend_on_dates()
        return Event.objects.past().by_performer(self.artist).with_performers()

    def get_context_data(self, **kwargs):
        return super().get_context_data(artist=self.artist, **kwargs)


def site_calendar(request):
    depend_on_dates()
    events = Event.objects.for_calendar().with_performers()[: calendars.MAX_EVENTS]
    return calendars.response(request, events, name="Tour dates", filename="events.ics")


def artist_calendar(request, slug):
    artist = get_object_or_404(Artist.objects.only("name", "slug"), slug=slug)
    tagcache.depend(tagcache.about(artist))
    depend_on_dates()
    events = Event.objects.for_calendar().by_performer(artist).with_performers()
    events = events[: calendars.MAX_EVENTS]
    return calendars.response(
        request, events, name=f"{artist.name}: tour dates", filename=f"{artist.slug}.ics"
    )
