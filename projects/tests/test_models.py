import datetime

import pytest
from django.db import IntegrityError, transaction

from newsroom.testing import make_project
from projects.models import MediaProject, ProjectRelation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "low, high, shown",
    [(None, None, ""), (10, None, "10 min"), (10, 15, "10\u201315 min"), (12, 12, "12 min")],
)
def test_running_time_display(low, high, shown):
    project = MediaProject(title="F", running_time_min=low, running_time_max=high)
    assert project.running_time == shown


def test_running_time_range_must_be_in_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(running_time_min=15, running_time_max=10)


def test_shoot_dates_must_be_in_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(shot_from=datetime.date(2009, 1, 30), shot_until=datetime.date(2009, 1, 1))


def test_release_year_follows_release_date():
    project = make_project(release_date=datetime.date(2008, 11, 24))
    assert project.release_year == 2008
    assert project.release_display == "November 24, 2008"


def test_release_display_without_a_date():
    assert MediaProject(release_note="No set release date").release_display == (
        "No set release date"
    )
    assert MediaProject(release_year=2008).release_display == "2008"
    assert MediaProject().release_display == "No set release date"


def test_project_cannot_relate_to_itself():
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectRelation.objects.create(source=project, target=project, relation="track_on")


def test_str_and_url():
    project = make_project(title="808s & Heartbreak", slug="808s-heartbreak")
    assert str(project) == "808s & Heartbreak"
    assert project.get_absolute_url() == "/projects/808s-heartbreak/"
