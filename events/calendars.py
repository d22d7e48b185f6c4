"""Tour dates as iCalendar (RFC 5545), written by the icalendar package.

Each date is a VEVENT whose UID is its primary key at this site's address, so a subscriber's
calendar updates the same entry when a date moves. Times are on the venue's clock (DTSTART with
the venue's TZID) and every zone used comes with its VTIMEZONE, built from the same zoneinfo
data the site uses. Cancelled dates stay in the calendar with STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django_countries import countries

from .models import Event

SEQUENCE_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

# At most this many dates in one calendar (the busiest tours have a few hundred).
MAX_EVENTS = 1000

STATUS = {
    Event.Status.SCHEDULED: "CONFIRMED",
    Event.Status.RESCHEDULED: "CONFIRMED",
    Event.Status.MOVED_ONLINE: "CONFIRMED",
    # No new date yet: the time given may not hold.
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CANCELLED: "CANCELLED",
}

STATUS_PREFIX = {
    Event.Status.POSTPONED: "Postponed: ",
    Event.Status.CANCELLED: "Cancelled: ",
    Event.Status.MOVED_ONLINE: "Online: ",
}


def address(event: Event) -> str:
    parts = [event.venue, event.street_address, event.city, event.region, event.postal_code]
    parts.append(countries.name(event.country))
    return ", ".join(part for part in parts if part)


def uid(event: Event, host: str) -> str:
    return f"event-{event.pk}@{host}"


def vevent(event: Event, request) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", uid(event, request.get_host()))
    # The time the date was last changed, so the calendar stays the same between changes.
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    # Grows with every change, as RFC 5545 asks, so clients replace what they kept: seconds
    # since SEQUENCE_EPOCH, which stay within the format's 32-bit integer until 2094.
    component.add("sequence", max(0, int((event.updated_at - SEQUENCE_EPOCH).total_seconds())))
    component.add("dtstart", event.local_start)
    if event.ends_at:
        component.add("dtend", event.local_end)
    component.add("summary", STATUS_PREFIX.get(event.status, "") + event.title)
    component.add("location", address(event))
    component.add("status", STATUS[event.status])
    lines = []
    if event.project:
        lines.append(event.project.title)
    if event.status == Event.Status.RESCHEDULED and event.previous_starts_at:
        previous = event.local_previous_start
        lines.append(f"Rescheduled from {previous:%A %-d %B %Y, %H:%M} {previous.tzname()}.")
    if event.status == Event.Status.MOVED_ONLINE and event.online_url:
        lines.append(f"Online: {event.online_url}")
    if event.ticket_url:
        lines.append(f"Tickets: {event.ticket_url}")
    if lines:
        component.add("description", "\n".join(lines))
    link = event.ticket_url or event.online_url
    if link:
        component.add("url", link)
    return component


def calendar(events: Iterable[Event], request, *, name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Tour dates//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.SITE_NAME}: {name}")
    days = []
    for event in events:
        cal.add_component(vevent(event, request))
        days += [event.starts_at.date(), (event.ends_at or event.starts_at).date()]
    if days:
        # Each zone's rules over the calendar's span and a year either side, not icalendar's
        # default of 1970 to 2038: shorter, and right for dates after 2038.
        margin = datetime.timedelta(days=366)
        cal.add_missing_timezones(first_date=min(days) - margin, last_date=max(days) + margin)
    else:
        # RFC 5545 wants at least one component: a calendar with no dates carries the site's
        # time zone over this year and the next.
        year = datetime.date.today().year
        cal.add_component(
            icalendar.Timezone.from_tzid(
                settings.TIME_ZONE,
                first_date=datetime.date(year, 1, 1),
                last_date=datetime.date(year + 2, 1, 1),
            )
        )
    return cal


def response(request, events, *, name: str, filename: str) -> HttpResponse:
    body = calendar(events, request, name=name).to_ical()
    reply = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    reply["Content-Disposition"] = f'inline; filename="{filename}"'
    return reply
