"""MusicEvent structured data, checked against schema.org's names."""

import json
import re

import pytest

from events.models import Event, EventPerformer
from newsroom.testing import make_article, make_artist, make_event, make_story_with_everything
from newsroom.tests import schemaorg

from .conftest import venue_time

pytestmark = pytest.mark.django_db

# Enumerated properties and the schema.org enumeration their values are members of.
ENUMERATIONS = {
    "eventStatus": "EventStatusType",
    "eventAttendanceMode": "EventAttendanceModeEnumeration",
}


def check_vocabulary(item):
    assert schemaorg.problems(item) == []
    members = schemaorg.vocabulary()["members"]
    for key, enumeration in ENUMERATIONS.items():
        if key in item:
            member = item[key].removeprefix("https://schema.org/")
            assert members.get(member) == enumeration, f"{key}: {item[key]}"


def music_events(html):
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    items = []
    for text in found:
        data = json.loads(text)
        items += [d for d in (data if isinstance(data, list) else [data])]
    return [item for item in items if item["@type"] == "MusicEvent"]


def test_a_date_is_a_music_event_with_place_performers_and_offer(client, artist):
    band = make_artist(name="The Band", is_group=True, wikidata_id="Q1")
    make_event(
        performers=[artist, band],
        venue="Hall West",
        street_address="1 Example Street",
        city="Los Angeles",
        region="CA",
        postal_code="90001",
        country="US",
        timezone="America/Los_Angeles",
        starts_at=venue_time("America/Los_Angeles", 2031, 11, 1, 20, 0),
        ends_at=venue_time("America/Los_Angeles", 2031, 11, 1, 23, 0),
        ticket_url="https://tickets.example/west",
    )
    (item,) = music_events(client.get("/events/").content.decode())
    check_vocabulary(item)
    assert item["@context"] == "https://schema.org"
    assert item["name"] == "Jane Doe, The Band at Hall West"
    # The venue's offset: Los Angeles is on daylight time (UTC-7) until 2 November 2031.
    assert item["startDate"] == "2031-11-01T20:00:00-07:00"
    assert item["endDate"] == "2031-11-01T23:00:00-07:00"
    assert item["eventStatus"] == "https://schema.org/EventScheduled"
    assert item["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert item["location"] == {
        "@type": "Place",
        "name": "Hall West",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1 Example Street",
            "addressLocality": "Los Angeles",
            "addressRegion": "CA",
            "postalCode": "90001",
            "addressCountry": "US",
        },
    }
    assert item["performer"] == [
        {"@type": "Person", "name": "Jane Doe", "url": "http://testserver/artists/jane-doe/"},
        {
            "@type": "MusicGroup",
            "name": "The Band",
            "url": f"http://testserver/artists/{band.slug}/",
            "sameAs": ["https://www.wikidata.org/wiki/Q1"],
        },
    ]
    assert item["offers"] == {"@type": "Offer", "url": "https://tickets.example/west"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Event.Status.POSTPONED, "https://schema.org/EventPostponed"),
        (Event.Status.CANCELLED, "https://schema.org/EventCancelled"),
    ],
)
def test_status_is_schema_orgs(client, artist, status, expected):
    make_event(performers=[artist], status=status)
    (item,) = music_events(client.get("/artists/jane-doe/").content.decode())
    check_vocabulary(item)
    assert item["eventStatus"] == expected


def test_rescheduled_keeps_the_previous_start(client, artist):
    make_event(
        performers=[artist],
        status=Event.Status.RESCHEDULED,
        starts_at=venue_time("Europe/Paris", 2031, 12, 1, 20),
        previous_starts_at=venue_time("Europe/Paris", 2031, 6, 1, 20),
    )
    (item,) = music_events(client.get("/events/").content.decode())
    check_vocabulary(item)
    assert item["eventStatus"] == "https://schema.org/EventRescheduled"
    # Winter and summer offsets of the same venue.
    assert item["startDate"] == "2031-12-01T20:00:00+01:00"
    assert item["previousStartDate"] == "2031-06-01T20:00:00+02:00"


def test_moved_online_is_at_a_virtual_location(client, artist):
    make_event(
        performers=[artist],
        status=Event.Status.MOVED_ONLINE,
        online_url="https://stream.example/show",
    )
    (item,) = music_events(client.get("/events/").content.decode())
    check_vocabulary(item)
    assert item["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert item["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert item["location"] == {"@type": "VirtualLocation", "url": "https://stream.example/show"}


def test_names_cannot_close_the_script(client):
    make_event(performers=[make_artist(name="</script><script>alert(1)</script>")])
    html = client.get("/events/").content.decode()
    assert "<script>alert(1)" not in html
    (item,) = music_events(html)
    assert item["performer"][0]["name"] == "</script><script>alert(1)</script>"


def test_no_dates_no_event_data(client, artist):
    assert music_events(client.get("/artists/jane-doe/").content.decode()) == []


# A story that places a date: its page carries the date's MusicEvent beside its NewsArticle.


def json_ld_items(html):
    items = []
    for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(text)
        items += data if isinstance(data, list) else [data]
    return items


def test_a_story_placing_a_date_carries_its_music_event(client, artist):
    event = make_event(
        performers=[artist],
        venue="Salle Une",
        street_address="1 Rue Example",
        city="Lyon",
        postal_code="69001",
        country="FR",
        timezone="Europe/Paris",
        starts_at=venue_time("Europe/Paris", 2031, 6, 12, 20, 30),
        status=Event.Status.POSTPONED,
        ticket_url="https://tickets.example/une",
    )
    article = make_story_with_everything()
    article.body += f'\n\nLive:\n\n[event id="{event.pk}" /]\n\nMore.'
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<figure class="event-card">' in html
    types = [item["@type"] for item in json_ld_items(html)]
    assert types == ["NewsArticle", "MusicEvent"]
    (item,) = music_events(html)
    check_vocabulary(item)
    assert item["name"] == "Jane Doe at Salle Une"
    assert item["url"] == f"http://testserver/events/{event.pk}/"
    assert item["startDate"] == "2031-06-12T20:30:00+02:00"
    assert item["eventStatus"] == "https://schema.org/EventPostponed"
    assert item["location"] == {
        "@type": "Place",
        "name": "Salle Une",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1 Rue Example",
            "addressLocality": "Lyon",
            "postalCode": "69001",
            "addressCountry": "FR",
        },
    }
    assert item["performer"] == [
        {"@type": "Person", "name": "Jane Doe", "url": "http://testserver/artists/jane-doe/"}
    ]
    assert item["offers"] == {"@type": "Offer", "url": "https://tickets.example/une"}


def test_a_story_carries_each_date_it_places_once_in_order_inline_ones_too(client, artist):
    first, second = make_event(performers=[artist]), make_event()
    body = (
        f'[event id="{second.pk}" /]\n\nSee her at [event id="{first.pk}" /] too, and at '
        f'[event id="{second.pk}" /].\n\n[event id="999999" /]'
    )
    html = client.get(make_article(body=body).get_absolute_url()).content.decode()
    assert [item["url"] for item in music_events(html)] == [
        f"http://testserver/events/{second.pk}/",
        f"http://testserver/events/{first.pk}/",
    ]


def test_a_story_without_dates_carries_no_music_event(client):
    make_event()
    html = client.get(make_story_with_everything().get_absolute_url()).content.decode()
    assert [item["@type"] for item in json_ld_items(html)] == ["NewsArticle"]


def test_a_storys_music_event_follows_the_date_and_its_line_up(client, artist):
    event = make_event(performers=[artist])
    article = make_article(body=f'[event id="{event.pk}" /]')
    assert music_events(client.get(article.get_absolute_url()).content.decode())
    event.status = Event.Status.CANCELLED
    event.save()
    (item,) = music_events(client.get(article.get_absolute_url()).content.decode())
    assert item["eventStatus"] == "https://schema.org/EventCancelled"
    band = make_artist(name="Support Band", is_group=True)
    EventPerformer.objects.create(event=event, artist=band, position=1)
    (item,) = music_events(client.get(article.get_absolute_url()).content.decode())
    assert [p["name"] for p in item["performer"]] == ["Jane Doe", "Support Band"]
    assert item["performer"][1]["@type"] == "MusicGroup"
    artist.name = "Jane Q. Doe"
    artist.save()
    (item,) = music_events(client.get(article.get_absolute_url()).content.decode())
    assert item["performer"][0]["name"] == "Jane Q. Doe"


def test_creating_the_date_a_story_names_adds_its_music_event(client, artist):
    article = make_article(body='[event id="987655" /]')
    assert music_events(client.get(article.get_absolute_url()).content.decode()) == []
    make_event(id=987655, performers=[artist])
    (item,) = music_events(client.get(article.get_absolute_url()).content.decode())
    assert item["url"] == "http://testserver/events/987655/"


HOSTILE = "</script><script>alert(1)</script>"


@pytest.mark.parametrize("page", ["story", "event"])
def test_hostile_names_stay_data_on_story_and_date_pages(client, page):
    event = make_event(
        performers=[make_artist(name=HOSTILE, slug="hostile")],
        venue=HOSTILE,
        city=HOSTILE + " & <b>",
        ticket_url="https://tickets.example/?a=1&b=</script>",
    )
    article = make_article(headline=HOSTILE, body=f'[event id="{event.pk}" /]')
    address = article.get_absolute_url() if page == "story" else event.get_absolute_url()
    html = client.get(address).content.decode()
    assert "<script>alert(1)" not in html
    # Every script element the page opens is closed once: no name closed one early.
    assert html.count("<script") == html.count("</script>")
    (item,) = music_events(html)
    assert item["name"] == f"{HOSTILE} at {HOSTILE}"
    assert item["performer"][0]["name"] == HOSTILE
    assert item["location"]["address"]["addressLocality"] == HOSTILE + " & <b>"
    assert item["offers"]["url"] == "https://tickets.example/?a=1&b=</script>"
