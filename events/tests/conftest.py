import datetime
import zoneinfo

import pytest

from newsroom.testing import make_artist, make_event


def venue_time(zone, *args):
    """A time on a venue's clock, as an aware datetime."""
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.fixture
def artist(db):
    return make_artist(name="Jane Doe", slug="jane-doe")


@pytest.fixture
def future_event(artist):
    return make_event(performers=[artist], venue="Salle Une", city="Lyon")


__all__ = ["venue_time", "make_event"]
