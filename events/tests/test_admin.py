import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from events.models import Event, EventPerformer
from newsroom.testing import make_artist, make_event, make_project

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/events/event/"


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_changelist_shows_dates_with_a_performer_thumbnail(admin_client, artist, future_event):
    html = html_of(admin_client.get(CHANGELIST))
    assert 'src="/photos/artists/jane-doe/96/"' in html
    assert "Jane Doe" in html
    assert "Salle Une" in html
    assert "CET" in html or "CEST" in html


@pytest.mark.parametrize("term", ["jane", "salle", "lyon"])
def test_changelist_searches_performer_venue_and_city(admin_client, future_event, term):
    make_event(performers=[make_artist(name="Someone Else")], venue="Other", city="Oslo")
    html = html_of(admin_client.get(CHANGELIST, {"q": term}))
    assert "Salle Une" in html
    assert "Oslo" not in html


def test_changelist_filters_upcoming_and_past(admin_client, artist, future_event):
    make_event(
        performers=[artist],
        venue="Long Gone Hall",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    upcoming = html_of(admin_client.get(CHANGELIST, {"when": "upcoming"}))
    assert "Salle Une" in upcoming and "Long Gone Hall" not in upcoming
    past = html_of(admin_client.get(CHANGELIST, {"when": "past"}))
    assert "Long Gone Hall" in past and "Salle Une" not in past


def test_changelist_filters_by_date(admin_client, artist):
    make_event(performers=[artist], venue="Next Week Hall")
    make_event(
        performers=[artist],
        venue="Next Year Hall",
        starts_at=timezone.now() + datetime.timedelta(days=400),
    )
    year = (timezone.localtime() + datetime.timedelta(days=400)).year
    html = html_of(admin_client.get(CHANGELIST, {"starts_at__year": year}))
    assert "Next Year Hall" in html
    assert "Next Week Hall" not in html


@pytest.mark.parametrize("count", [1, 50])
def test_changelist_queries_do_not_grow(admin_client, count, django_assert_num_queries):
    project = make_project(kind="tour")
    for _ in range(count):
        make_event(performers=[make_artist(), make_artist()], project=project)
    admin_client.get(CHANGELIST)
    # Session, user, two counts (filtered and in all), the dates with their projects, their
    # performers, the date hierarchy's range and days, the countries for the filter.
    with django_assert_num_queries(9):
        html = html_of(admin_client.get(CHANGELIST))
    assert html.count("/photos/artists/") == count


def test_adding_a_date_with_its_performers(admin_client, artist):
    project = make_project(title="World Tour", kind="tour")
    second = make_artist(name="Support Act")
    response = admin_client.post(
        reverse("admin:events_event_add"),
        {
            "status": "scheduled",
            "project": project.pk,
            "timezone": "America/New_York",
            "starts_at_0": "2031-12-31",
            "starts_at_1": "21:00",
            "venue": "Hall East",
            "city": "New York",
            "region": "New York",
            "country": "US",
            "ticket_url": "tickets.example/hall-east",
            "performances-TOTAL_FORMS": "2",
            "performances-INITIAL_FORMS": "0",
            "performances-0-artist": artist.pk,
            "performances-0-position": "0",
            "performances-1-artist": second.pk,
            "performances-1-position": "1",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2032, 1, 1, 2, 0, tzinfo=datetime.UTC)
    assert event.ticket_url == "https://tickets.example/hall-east"
    assert event.performer_list == [artist, second]
    assert event.project == project


def test_a_refused_date_keeps_what_was_typed_and_saves_nothing(admin_client, artist):
    response = admin_client.post(
        reverse("admin:events_event_add"),
        {
            "status": "scheduled",
            "timezone": "Mars/Olympus_Mons",
            "starts_at_0": "2031-12-31",
            "starts_at_1": "21:00",
            "venue": "Hall East",
            "city": "New York",
            "country": "US",
            "performances-TOTAL_FORMS": "1",
            "performances-INITIAL_FORMS": "0",
            "performances-0-artist": artist.pk,
            "performances-0-position": "0",
        },
    )
    html = html_of(response)
    assert "is not a time zone name" in html
    assert 'value="Hall East"' in html
    assert not Event.objects.exists() and not EventPerformer.objects.exists()


def test_autocomplete_finds_artists_and_projects_for_events(admin_client, artist):
    make_project(title="World Tour", kind="tour")
    for model, term, expected in (("eventperformer", "jane", "Jane Doe"),):
        response = admin_client.get(
            "/admin/autocomplete/",
            {"app_label": "events", "model_name": model, "field_name": "artist", "term": term},
        )
        assert expected in response.content.decode()
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "events", "model_name": "event", "field_name": "project", "term": "world"},
    )
    assert "World Tour" in response.content.decode()


def test_the_artist_admin_shows_upcoming_dates(admin_client, artist, future_event):
    make_event(
        performers=[artist],
        venue="Long Gone Hall",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    html = html_of(admin_client.get(reverse("admin:people_artist_change", args=[artist.pk])))
    assert "Upcoming dates" in html
    assert "Salle Une, Lyon" in html
    assert reverse("admin:events_event_change", args=[future_event.pk]) in html
    assert "Long Gone Hall" not in html


def test_an_artist_with_dates_is_not_deleted_and_merging_moves_their_dates(artist, future_event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        artist.delete()
    keep = make_artist(name="Jane Doe (the one to keep)")
    services.merge_artists(sources=[artist], target=keep)
    assert future_event.performer_list == [keep]


def test_editors_manage_dates_and_writers_see_them(client, django_user_model, future_event):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    writer = django_user_model.objects.create_user("writer", password="x", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    change = reverse("admin:events_event_change", args=[future_event.pk])
    client.force_login(editor)
    assert client.get(reverse("admin:events_event_add")).status_code == 200
    assert 'name="_save"' in html_of(client.get(change))
    client.force_login(writer)
    assert client.get(reverse("admin:events_event_add")).status_code == 403
    html = html_of(client.get(change))
    assert 'name="_save"' not in html and "Salle Une" in html


def test_the_country_filter_lists_countries_with_dates_only(admin_client, future_event):
    html = html_of(admin_client.get(CHANGELIST))
    assert "?country=FR" in html
    assert "?country=DE" not in html
