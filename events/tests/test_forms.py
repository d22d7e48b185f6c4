import datetime

import pytest

from events.forms import EventForm
from events.models import Event
from newsroom.testing import make_event

pytestmark = pytest.mark.django_db


def data(**changes):
    values = {
        "status": "scheduled",
        "starts_at_0": "2031-06-12",
        "starts_at_1": "20:00",
        "timezone": "Europe/Paris",
        "venue": "Salle Une",
        "city": "Lyon",
        "country": "FR",
    }
    values.update(changes)
    return values


def test_times_are_read_on_the_venues_clock_and_stored_in_utc():
    form = EventForm(data(timezone="America/Los_Angeles"))
    assert form.is_valid(), form.errors
    event = form.save()
    event.refresh_from_db()
    # 20:00 in Los Angeles in June (PDT, UTC-7) is 03:00 UTC the next day.
    assert event.starts_at == datetime.datetime(2031, 6, 13, 3, 0, tzinfo=datetime.UTC)
    assert event.local_start.strftime("%H:%M %Z") == "20:00 PDT"


def test_the_form_shows_the_venues_clock_when_editing():
    event = make_event(
        timezone="Asia/Tokyo",
        starts_at=datetime.datetime(2031, 1, 10, 10, 0, tzinfo=datetime.UTC),
    )
    form = EventForm(instance=event)
    assert form.initial["starts_at"] == datetime.datetime(2031, 1, 10, 19, 0)


@pytest.mark.parametrize("country", ["XX", "FRA", "", "fr-x"])
def test_unknown_country_is_a_form_error(country):
    form = EventForm(data(country=country))
    assert not form.is_valid()
    assert "country" in form.errors


@pytest.mark.parametrize("zone", ["Europe/Lyon", "CEST", "Paris", "../etc/passwd", ""])
def test_bad_time_zone_is_a_form_error_that_keeps_what_was_typed(zone):
    form = EventForm(data(timezone=zone))
    assert not form.is_valid()
    assert "timezone" in form.errors
    html = str(form["venue"]) + str(form["starts_at"])
    assert 'value="Salle Une"' in html
    assert 'value="2031-06-12"' in html


def test_end_before_start_is_a_form_error():
    form = EventForm(data(ends_at_0="2031-06-12", ends_at_1="19:00"))
    assert not form.is_valid()
    assert form.errors["ends_at"] == ["The end must come after the start."]


def test_end_after_midnight_is_fine():
    form = EventForm(data(ends_at_0="2031-06-13", ends_at_1="01:00"))
    assert form.is_valid(), form.errors


def test_rescheduled_without_the_previous_date_is_a_form_error():
    form = EventForm(data(status="rescheduled"))
    assert not form.is_valid()
    assert "previous_starts_at" in form.errors
    form = EventForm(
        data(status="rescheduled", previous_starts_at_0="2031-05-01", previous_starts_at_1="20:00")
    )
    assert form.is_valid(), form.errors
    event = form.save()
    assert event.local_previous_start.strftime("%Y-%m-%d %H:%M %Z") == "2031-05-01 20:00 CEST"


def test_a_time_the_clocks_skip_is_a_form_error():
    # Clocks in Paris go from 02:00 to 03:00 on the last Sunday of March 2031 (the 30th).
    form = EventForm(data(starts_at_0="2031-03-30", starts_at_1="02:30"))
    assert not form.is_valid()
    assert "does not exist in Europe/Paris" in form.errors["starts_at"][0]


def test_a_time_the_clocks_pass_twice_is_the_first():
    # Clocks go back from 03:00 to 02:00 on 26 October 2031: 02:30 is first in summer time.
    form = EventForm(data(starts_at_0="2031-10-26", starts_at_1="02:30"))
    assert form.is_valid(), form.errors
    assert form.save().starts_at == datetime.datetime(2031, 10, 26, 0, 30, tzinfo=datetime.UTC)


def test_the_database_refuses_an_end_before_the_start():
    from django.db import IntegrityError, transaction

    event = make_event()
    event.ends_at = event.starts_at - datetime.timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_the_database_refuses_rescheduled_without_previous_start():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(status=Event.Status.RESCHEDULED)


def test_the_time_zone_box_offers_the_zone_names():
    html = str(EventForm()["timezone"])
    assert 'list="time-zone-names"' in html
    assert '<option value="Europe/Paris">' in html
    assert html.count("<option") > 300
