import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import Event, EventPerformer
from newsroom.testing import make_artist, make_event, make_project

from .conftest import venue_time

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def days_from_now(days, **kwargs):
    return timezone.now() + datetime.timedelta(days=days, **kwargs)


# /events/


def test_upcoming_dates_are_listed_by_day_on_the_venues_clock(client, artist):
    make_event(
        performers=[artist],
        venue="Hall West",
        city="Los Angeles",
        region="California",
        country="US",
        timezone="America/Los_Angeles",
        # 03:30 UTC on the 13th is 20:30 on the 12th in Los Angeles (PDT).
        starts_at=datetime.datetime(2031, 6, 13, 3, 30, tzinfo=datetime.UTC),
    )
    html = html_of(client.get("/events/"))
    assert "Thursday 12 June 2031" in html
    assert '20:30 <abbr title="America/Los_Angeles">PDT</abbr>' in html
    assert "Hall West</a>, Los Angeles, California, United States of America" in html
    assert '<a href="/artists/jane-doe/">Jane Doe</a>' in html
    assert 'datetime="2031-06-12T20:30:00-07:00"' in html


def test_past_dates_are_not_listed_and_order_is_soonest_first(client, artist):
    make_event(performers=[artist], venue="Long Gone", starts_at=days_from_now(-2))
    make_event(performers=[artist], venue="Later On", starts_at=days_from_now(20))
    make_event(performers=[artist], venue="Coming Soon", starts_at=days_from_now(3))
    # Started an hour ago without an end: still on tonight.
    make_event(performers=[artist], venue="On Now", starts_at=days_from_now(0, hours=-1))
    html = html_of(client.get("/events/"))
    assert "Long Gone" not in html
    assert html.index("On Now") < html.index("Coming Soon") < html.index("Later On")


def test_dates_filter_by_country_and_city(client, artist):
    make_event(performers=[artist], venue="Paris Hall", city="Paris", country="FR")
    make_event(performers=[artist], venue="Lyon Hall", city="Lyon", country="FR")
    make_event(
        performers=[artist],
        venue="Berlin Hall",
        city="Berlin",
        country="DE",
        timezone="Europe/Berlin",
    )
    html = html_of(client.get("/events/?country=fr"))
    assert "Paris Hall" in html and "Lyon Hall" in html and "Berlin Hall" not in html
    assert '<option value="FR" selected>France</option>' in html
    html = html_of(client.get("/events/?city=lyon"))
    assert "Lyon Hall" in html and "Paris Hall" not in html
    assert "<option selected>Lyon</option>" in html
    html = html_of(client.get("/events/?country=DE&city=Paris"))
    assert "No upcoming dates here." in html


@pytest.mark.parametrize(
    "query", ["country=ZZ", "country=%3Cscript%3E", "city=" + "x" * 5000, "city=Ly%00on", "page=x"]
)
def test_unknown_filters_are_ignored_or_find_nothing(client, future_event, query):
    response = client.get(f"/events/?{query}")
    if query == "page=x":
        assert response.status_code == 404
        return
    html = html_of(response)
    assert "<script>" not in html.split("</header>")[1].split('<script type="application/ld')[0]


def test_no_upcoming_dates(client):
    assert "No upcoming dates." in html_of(client.get("/events/"))


def test_dates_are_paginated(client, artist):
    for day in range(52):
        make_event(performers=[artist], starts_at=days_from_now(day + 1))
    assert html_of(client.get("/events/?page=2")).count('class="event-row') == 2
    assert client.get("/events/?page=9").status_code == 404


def test_events_page_escapes_user_text(client):
    make_event(
        performers=[make_artist(name="<script>a</script>")],
        venue="<img src=x onerror=alert(1)>",
        city='"><b>',
    )
    html = html_of(client.get("/events/"))
    assert "<img src=x" not in html
    assert "<script>a</script>" not in html
    assert '"><b>' not in html


@pytest.mark.parametrize("count", [1, 50])
def test_events_page_queries_do_not_grow_with_dates(client, count, django_assert_num_queries):
    project = make_project(kind="tour")
    for n in range(count):
        make_event(
            performers=[make_artist(), make_artist()],
            project=project,
            city=f"City {n % 7}",
            starts_at=days_from_now(n + 1),
        )
    # The count, the dates with their projects, their performers, the cities and countries.
    with django_assert_num_queries(4):
        html = html_of(client.get("/events/"))
    assert html.count('class="event-row') == count


# The artist page


def test_artist_page_lists_upcoming_dates_and_links_past_ones(client, artist):
    other = make_artist(name="Support Act")
    make_event(performers=[artist, other], venue="Salle Une", starts_at=days_from_now(5))
    make_event(performers=[artist], venue="Old Hall", starts_at=days_from_now(-30))
    make_event(performers=[other], venue="Not Hers", starts_at=days_from_now(6))
    html = html_of(client.get("/artists/jane-doe/"))
    assert "Salle Une" in html
    assert "Support Act" in html
    assert "Old Hall" not in html and "Not Hers" not in html
    assert 'href="/artists/jane-doe/past-dates/"' in html
    assert 'href="/artists/jane-doe/events.ics"' in html
    assert 'type="text/calendar"' in html
    past = html_of(client.get("/artists/jane-doe/past-dates/"))
    assert "Old Hall" in past and "Salle Une" not in past


def test_artist_page_says_when_there_are_no_upcoming_dates(client, artist):
    assert "No upcoming dates." in html_of(client.get("/artists/jane-doe/"))
    assert "No past dates." in html_of(client.get("/artists/jane-doe/past-dates/"))


def test_past_dates_of_an_unknown_artist_are_not_found(client):
    assert client.get("/artists/nobody/past-dates/").status_code == 404


def test_cancelled_and_rescheduled_dates_say_so(client, artist):
    make_event(
        performers=[artist],
        venue="Called Off",
        status=Event.Status.CANCELLED,
        ticket_url="https://tickets.example/called-off",
    )
    make_event(
        performers=[artist],
        venue="Moved Hall",
        status=Event.Status.RESCHEDULED,
        starts_at=venue_time("Europe/Paris", 2031, 7, 1, 20),
        previous_starts_at=venue_time("Europe/Paris", 2031, 6, 1, 21),
    )
    html = html_of(client.get("/artists/jane-doe/"))
    assert "Cancelled" in html
    # No ticket link for a date that is off (the structured data keeps its offer).
    assert 'href="https://tickets.example/called-off"' not in html
    assert "Moved from Sun 1 Jun 2031, 21:00 CEST." in html


@pytest.mark.parametrize("count", [1, 50])
def test_artist_page_queries_with_dates(client, artist, count, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_artist(slug="no-dates")
    with CaptureQueriesContext(connection) as without_dates:
        html_of(client.get("/artists/no-dates/"))
    for n in range(count):
        make_event(performers=[artist, make_artist()], starts_at=days_from_now(n + 1))
    cache.clear()  # both pages from a cold cache
    # What the page reads without dates (the look-up of dates included), and their line-ups.
    with django_assert_num_queries(len(without_dates) + 1):
        html = html_of(client.get("/artists/jane-doe/"))
    assert html.count('class="event-row') == count
    # The dates are kept with the artist: no query for them on the next view.
    with CaptureQueriesContext(connection) as again:
        assert html_of(client.get("/artists/jane-doe/")) == html
    assert not [q for q in again.captured_queries if "events_" in q["sql"]]


@pytest.mark.parametrize("count", [1, 50])
def test_past_dates_page_queries(client, artist, count, django_assert_num_queries):
    for n in range(count):
        make_event(performers=[artist, make_artist()], starts_at=days_from_now(-n - 1))
    # The artist, the count, the dates, their line-ups.
    with django_assert_num_queries(4):
        html = html_of(client.get("/artists/jane-doe/past-dates/"))
    assert html.count('class="event-row') == count


# Purging


@pytest.mark.usefixtures("page_cache")
def test_changing_a_date_purges_the_pages_showing_it(client, artist, future_event):
    for path in ("/events/", "/artists/jane-doe/", "/events.ics", "/artists/jane-doe/events.ics"):
        assert client.get(path)["X-Page-Cache"] == "miss"
        assert client.get(path)["X-Page-Cache"] == "hit"
    future_event.venue = "Salle Deux"
    future_event.save()
    for path in ("/events/", "/artists/jane-doe/", "/events.ics", "/artists/jane-doe/events.ics"):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Salle Deux" in response.content.decode(), path


@pytest.mark.usefixtures("page_cache")
def test_a_new_date_or_performer_purges_the_artists_pages(client, artist):
    assert "No upcoming dates." in html_of(client.get("/artists/jane-doe/"))
    client.get("/events/")
    event = make_event(performers=[artist], venue="Brand New Hall")
    assert "Brand New Hall" in html_of(client.get("/artists/jane-doe/"))
    assert "Brand New Hall" in html_of(client.get("/events/"))
    EventPerformer.objects.filter(event=event).delete()
    assert "No upcoming dates." in html_of(client.get("/artists/jane-doe/"))


@pytest.mark.usefixtures("page_cache")
def test_renaming_a_performer_purges_the_events_page(client, artist, future_event):
    client.get("/events/")
    artist.name = "Jane Q. Doe"
    artist.save()
    assert "Jane Q. Doe" in html_of(client.get("/events/"))


def test_a_date_leaves_the_kept_list_when_it_ends(client, artist, settings):
    from events.views import kept_upcoming
    from newsroom import tagcache

    ending = make_event(
        performers=[artist],
        starts_at=days_from_now(0, hours=-2),
        ends_at=days_from_now(0, seconds=30),
    )
    with tagcache.recording() as rec:
        assert kept_upcoming(artist) == [ending]
    assert rec.deadline() == pytest.approx(ending.ends_at.timestamp(), abs=1)


@pytest.mark.usefixtures("page_cache")
def test_the_page_cache_keeps_known_places_only(client, future_event):
    assert client.get("/events/?country=FR&city=Lyon")["X-Page-Cache"] == "miss"
    assert client.get("/events/?country=FR&city=Lyon")["X-Page-Cache"] == "hit"
    for query in ("city=Atlantis", "country=fr", "country=ZZ", "city=lyon", "page=01"):
        response = client.get(f"/events/?{query}")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response, query


def test_the_events_page_is_kept_until_the_soonest_date_ends(rf, artist):
    from events.views import EventListView
    from newsroom import tagcache

    soonest = make_event(performers=[artist], starts_at=days_from_now(0, hours=-1))
    make_event(performers=[artist], starts_at=days_from_now(2))
    with tagcache.recording() as rec:
        EventListView.as_view()(rf.get("/events/")).render()
    # Six hours after a date without an end starts, it leaves the list.
    expected = soonest.starts_at + datetime.timedelta(hours=6)
    assert rec.deadline() == pytest.approx(expected.timestamp(), abs=1)
    assert {"list:events.event", "list:events.eventperformer"} <= rec.tags


@pytest.mark.usefixtures("page_cache")
def test_deleting_a_date_purges_the_pages_showing_it(client, artist, future_event):
    for path in ("/events/", "/artists/jane-doe/", "/artists/jane-doe/events.ics"):
        assert "Salle Une" in html_of(client.get(path))
    future_event.delete()
    for path in ("/events/", "/artists/jane-doe/", "/artists/jane-doe/events.ics"):
        assert "Salle Une" not in html_of(client.get(path)), path


# A date's page


def test_a_dates_page_shows_it_past_or_upcoming(client, artist):
    event = make_event(
        performers=[artist],
        venue="Hall West",
        street_address="1 Example Street",
        postal_code="90001",
        city="Los Angeles",
        region="California",
        country="US",
        timezone="America/Los_Angeles",
        starts_at=venue_time("America/Los_Angeles", 2031, 6, 12, 20, 30),
    )
    html = html_of(client.get(f"/events/{event.pk}/"))
    assert "<h1>Jane Doe at Hall West</h1>" in html
    assert "Thu 12 Jun 2031, 20:30" in html
    assert "1 Example Street<br>90001 Los Angeles, California" in html
    assert 'href="/artists/jane-doe/events.ics"' in html
    assert f'"url": "http://testserver/events/{event.pk}/"' in html
    past = make_event(performers=[artist], venue="Old Hall", starts_at=days_from_now(-100))
    assert "Old Hall" in html_of(client.get(past.get_absolute_url()))
    assert client.get("/events/999999/").status_code == 404


def test_rows_and_the_admin_link_to_the_dates_page(client, admin_client, future_event):
    html = html_of(client.get("/events/"))
    assert f'<a href="/events/{future_event.pk}/">Salle Une</a>, Lyon' in html
    change = html_of(admin_client.get(f"/admin/events/event/{future_event.pk}/change/"))
    assert "View on site" in change


def test_a_dates_page_reads_a_fixed_number_of_queries(client, artist, django_assert_num_queries):
    event = make_event(performers=[artist, make_artist(), make_artist()])
    # The date with its project, its line-up.
    with django_assert_num_queries(2):
        html_of(client.get(event.get_absolute_url()))


@pytest.mark.usefixtures("page_cache")
def test_a_dates_page_follows_its_changes(client, artist, future_event):
    url = future_event.get_absolute_url()
    assert "Salle Une" in html_of(client.get(url))
    EventPerformer.objects.create(event=future_event, artist=make_artist(name="Late Addition"))
    assert "Late Addition" in html_of(client.get(url))
    future_event.venue = "Salle Deux"
    future_event.save()
    assert "Salle Deux" in html_of(client.get(url))
