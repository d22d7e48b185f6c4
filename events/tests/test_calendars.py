"""The .ics feeds, parsed back with the icalendar package and read field by field."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from events.models import Event
from newsroom.testing import make_artist, make_event, make_project

from .conftest import venue_time

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_an_artists_calendar_reads_back_field_by_field(client, artist):
    project = make_project(title="World Tour", kind="tour")
    event = make_event(
        performers=[artist, make_artist(name="Support Act")],
        project=project,
        venue="Hall East",
        street_address="1 Example Street",
        city="New York",
        region="New York",
        postal_code="10001",
        country="US",
        timezone="America/New_York",
        starts_at=venue_time("America/New_York", 2031, 3, 7, 20, 0),
        ends_at=venue_time("America/New_York", 2031, 3, 7, 23, 0),
        ticket_url="https://tickets.example/hall-east",
    )
    cal = calendar_of(client.get("/artists/jane-doe/events.ics"))
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"].startswith("-//")
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"].endswith("Jane Doe: tour dates")
    (vevent,) = cal.walk("VEVENT")
    assert vevent["UID"] == f"event-{event.pk}@testserver"
    assert vevent["SUMMARY"] == "Jane Doe, Support Act at Hall East"
    assert vevent["LOCATION"] == (
        "Hall East, 1 Example Street, New York, New York, 10001, United States of America"
    )
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["URL"] == "https://tickets.example/hall-east"
    assert "World Tour" in vevent["DESCRIPTION"]
    start = vevent.decoded("DTSTART")
    assert start == datetime.datetime(2031, 3, 7, 20, 0, tzinfo=NEW_YORK)
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert vevent.decoded("DTEND") == datetime.datetime(2031, 3, 7, 23, 0, tzinfo=NEW_YORK)
    assert vevent.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"


def test_times_across_a_daylight_saving_change_keep_the_venues_clock(client, artist):
    # New York moves its clocks forward on 9 March 2031: 20:00 is UTC-5 before, UTC-4 after.
    before = make_event(
        performers=[artist],
        timezone="America/New_York",
        starts_at=venue_time("America/New_York", 2031, 3, 8, 20, 0),
    )
    after = make_event(
        performers=[artist],
        timezone="America/New_York",
        starts_at=venue_time("America/New_York", 2031, 3, 10, 20, 0),
    )
    cal = calendar_of(client.get("/artists/jane-doe/events.ics"))
    starts = {str(v["UID"]): v.decoded("DTSTART") for v in cal.walk("VEVENT")}
    first = starts[f"event-{before.pk}@testserver"]
    second = starts[f"event-{after.pk}@testserver"]
    assert (first.hour, second.hour) == (20, 20)
    assert first.astimezone(datetime.UTC).hour == 1
    assert second.astimezone(datetime.UTC).hour == 0
    assert first.utcoffset() == datetime.timedelta(hours=-5)
    assert second.utcoffset() == datetime.timedelta(hours=-4)
    # The zone itself describes both sides of the change.
    (zone,) = cal.walk("VTIMEZONE")
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    offsets = {sub.name: sub.decoded("TZOFFSETTO") for sub in zone.subcomponents}
    assert offsets["STANDARD"] == datetime.timedelta(hours=-5)
    assert offsets["DAYLIGHT"] == datetime.timedelta(hours=-4)


def test_cancelled_dates_stay_with_status_cancelled(client, artist):
    event = make_event(performers=[artist], status=Event.Status.CANCELLED)
    (vevent,) = calendar_of(client.get("/events.ics")).walk("VEVENT")
    assert vevent["UID"] == f"event-{event.pk}@testserver"
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SUMMARY"].startswith("Cancelled: ")


def test_rescheduled_and_postponed_dates(client, artist):
    make_event(
        performers=[artist],
        venue="Moved",
        status=Event.Status.RESCHEDULED,
        starts_at=venue_time("Europe/Paris", 2031, 7, 1, 20),
        previous_starts_at=venue_time("Europe/Paris", 2031, 6, 1, 21),
    )
    make_event(performers=[artist], venue="Later", status=Event.Status.POSTPONED)
    events = {v["SUMMARY"]: v for v in calendar_of(client.get("/events.ics")).walk("VEVENT")}
    moved = events["Jane Doe at Moved"]
    assert moved["STATUS"] == "CONFIRMED"
    assert "Rescheduled from Sunday 1 June 2031, 21:00 CEST." in moved["DESCRIPTION"]
    assert events["Postponed: Jane Doe at Later"]["STATUS"] == "TENTATIVE"


def test_uids_and_content_are_stable_between_requests(client, future_event):
    first = client.get("/events.ics").content
    assert client.get("/events.ics").content == first
    future_event.venue = "Salle Deux"
    future_event.save()
    cal = icalendar.Calendar.from_ical(client.get("/events.ics").content)
    (vevent,) = cal.walk("VEVENT")
    assert vevent["UID"] == f"event-{future_event.pk}@testserver"
    old = icalendar.Calendar.from_ical(first).walk("VEVENT")[0]
    assert vevent["LOCATION"].startswith("Salle Deux")
    assert vevent["SEQUENCE"] >= old["SEQUENCE"]


def test_calendars_keep_recent_past_dates_and_the_artists_own(client, artist):
    make_event(
        performers=[artist],
        venue="Last Week",
        starts_at=timezone.now() - datetime.timedelta(days=7),
    )
    make_event(
        performers=[artist],
        venue="Last Year",
        starts_at=timezone.now() - datetime.timedelta(days=365),
    )
    make_event(performers=[make_artist()], venue="Not Hers")
    mine = {
        v["LOCATION"].split(",")[0]
        for v in calendar_of(client.get("/artists/jane-doe/events.ics")).walk("VEVENT")
    }
    assert mine == {"Last Week"}
    every = {
        v["LOCATION"].split(",")[0] for v in calendar_of(client.get("/events.ics")).walk("VEVENT")
    }
    assert every == {"Last Week", "Not Hers"}


def test_text_is_escaped_as_rfc_5545_asks(client):
    make_event(performers=[make_artist(name="A; B, C\\D")], venue="Line\nBreak")
    body = client.get("/events.ics").content.decode()
    assert "SUMMARY:A\\; B\\, C\\\\D at Line Break" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_unknown_artist_calendar_is_not_found(client):
    assert client.get("/artists/nobody/events.ics").status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_calendar_queries_do_not_grow(client, artist, count, django_assert_num_queries):
    for n in range(count):
        make_event(
            performers=[artist, make_artist()],
            starts_at=timezone.now() + datetime.timedelta(days=n + 1),
        )
    # The artist, the dates with their projects, their line-ups.
    with django_assert_num_queries(3):
        cal = calendar_of(client.get("/artists/jane-doe/events.ics"))
    assert len(cal.walk("VEVENT")) == count


def test_zones_are_right_after_2038(client, artist):
    # Summer and winter in Paris in 2040: UTC+2, then UTC+1.
    summer = make_event(performers=[artist], starts_at=venue_time("Europe/Paris", 2040, 7, 1, 20))
    winter = make_event(performers=[artist], starts_at=venue_time("Europe/Paris", 2040, 12, 1, 20))
    cal = calendar_of(client.get("/events.ics"))
    starts = {str(v["UID"]): v.decoded("DTSTART") for v in cal.walk("VEVENT")}
    assert starts[f"event-{summer.pk}@testserver"].utcoffset() == datetime.timedelta(hours=2)
    assert starts[f"event-{winter.pk}@testserver"].utcoffset() == datetime.timedelta(hours=1)
    # The zone as written carries the year's changes to summer time and back, for clients
    # that read only the VTIMEZONE.
    (zone,) = cal.walk("VTIMEZONE")
    changes = {}
    for part in zone.subcomponents:
        starts = [part.decoded("DTSTART")]
        for rdate in (
            part.get("RDATE", []) if isinstance(part.get("RDATE"), list) else [part.get("RDATE")]
        ):
            if rdate is not None:
                starts += [period.dt for period in rdate.dts]
        for start in starts:
            if start.year == 2040:
                changes[part.name] = start
    assert changes["DAYLIGHT"].month == 3 and changes["STANDARD"].month == 10


def test_a_calendar_without_dates_has_no_events_and_still_one_component(client, artist, settings):
    cal = calendar_of(client.get("/artists/jane-doe/events.ics"))
    assert cal.walk("VEVENT") == []
    # RFC 5545: a calendar holds at least one component; here the site's time zone.
    assert [zone["TZID"] for zone in cal.walk("VTIMEZONE")] == [settings.TIME_ZONE]
