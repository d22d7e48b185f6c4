"""schema.org MusicEvent data for pages that show tour dates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from newsroom import jsonld
from newsroom.links import reverse

from ..models import Event

register = template.Library()

STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.RESCHEDULED: "https://schema.org/EventRescheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    Event.Status.MOVED_ONLINE: "https://schema.org/EventMovedOnline",
}
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
ONLINE = "https://schema.org/OnlineEventAttendanceMode"


def _performer(request, artist) -> dict[str, Any]:
    return jsonld.compact(
        {
            "@type": "MusicGroup" if artist.is_group else "Person",
            "name": artist.name,
            "url": request.build_absolute_uri(artist.get_absolute_url()),
            "sameAs": artist.same_as,
        }
    )


def _location(event: Event) -> dict[str, Any]:
    if event.status == Event.Status.MOVED_ONLINE:
        return jsonld.compact(
            {"@type": "VirtualLocation", "url": event.online_url or event.ticket_url}
        )
    address = jsonld.compact(
        {
            "@type": "PostalAddress",
            "streetAddress": event.street_address,
            "addressLocality": event.city,
            "addressRegion": event.region,
            "postalCode": event.postal_code,
            "addressCountry": event.country.code,
        }
    )
    return {"@type": "Place", "name": event.venue, "address": address}


def music_event(request, event: Event) -> dict[str, Any]:
    """One date as a schema.org MusicEvent: times with the venue's offset from UTC."""
    performers = event.performer_list
    image = None
    if performers:
        photo = reverse("people:photo", args=["artists", performers[0].slug, 320])
        image = request.build_absolute_uri(photo)
    data = {
        "@context": "https://schema.org",
        "@type": "MusicEvent",
        "name": event.title,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat() if event.ends_at else None,
        "eventStatus": STATUS[event.status],
        "eventAttendanceMode": ONLINE if event.status == Event.Status.MOVED_ONLINE else OFFLINE,
        "location": _location(event),
        "performer": [_performer(request, artist) for artist in performers],
        "image": image,
    }
    if event.status == Event.Status.RESCHEDULED and event.previous_starts_at:
        data["previousStartDate"] = event.local_previous_start.isoformat()
    if event.ticket_url:
        data["offers"] = {"@type": "Offer", "url": event.ticket_url}
    return jsonld.compact(data)


@register.simple_tag(takes_context=True)
def events_json_ld(context, events) -> SafeString:
    """A MusicEvent for each date shown, in one script; nothing when there are none."""
    request = context["request"]
    items = [music_event(request, event) for event in events]
    if not items:
        return mark_safe("")
    return jsonld.script(items)
