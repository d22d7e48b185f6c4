"""/projects/: every project by kind, newest first."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.testing import make_artist, make_project
from projects.models import Credit, MediaProject

pytestmark = pytest.mark.django_db

Kind = MediaProject.Kind


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return re.findall(r'<a href="/projects/[^"]+/">([^<]*)</a>', html)


def test_projects_are_grouped_by_kind_newest_first(client):
    make_project(title="Old album", kind=Kind.ALBUM, release_year=2001)
    make_project(title="New album", kind=Kind.ALBUM, release_date=datetime.date(2010, 5, 1))
    make_project(title="Announced album", kind=Kind.ALBUM)
    make_project(title="A short film", kind=Kind.SHORT_FILM, release_year=2009)
    make_project(title="A song", kind=Kind.SONG, release_year=2005)
    html = html_of(client.get("/projects/"))
    headings = re.findall(r'<h2 id="kind-\d+">([^<]*)</h2>', html)
    assert headings == ["Albums", "Songs", "Short films"]
    assert titles(html) == ["Announced album", "New album", "Old album", "A song", "A short film"]


def test_a_kind_narrows_the_list_and_unknown_kinds_are_ignored(client):
    make_project(title="An album", kind=Kind.ALBUM)
    make_project(title="A film", kind=Kind.SHORT_FILM)
    assert titles(html_of(client.get("/projects/?kind=short_film"))) == ["A film"]
    assert len(titles(html_of(client.get("/projects/?kind=nonsense")))) == 2


def test_projects_name_who_made_them(client):
    project = make_project(title="I'm Here", kind=Kind.SHORT_FILM)
    Credit.objects.create(project=project, artist=make_artist(name="Spike Jonze"), role="director")
    Credit.objects.create(project=project, artist=make_artist(name="Someone Else"), role="editor")
    html = html_of(client.get("/projects/"))
    assert '<span class="by">by Spike Jonze</span>' in html
    assert "Someone Else" not in html


def test_the_list_is_paginated(client):
    for n in range(51):
        make_project(title=f"Album {n:03d}", release_year=1950 + n)
    assert len(titles(html_of(client.get("/projects/")))) == 50
    assert titles(html_of(client.get("/projects/?page=2"))) == ["Album 000"]


@pytest.mark.parametrize("count", [1, 30])
def test_queries_do_not_grow_with_projects(client, count):
    make_project()
    with CaptureQueriesContext(connection) as few:
        html_of(client.get("/projects/"))
    for n in range(count):
        project = make_project(kind=list(Kind)[n % len(Kind)])
        Credit.objects.create(project=project, artist=make_artist(), role="performer")
    with CaptureQueriesContext(connection) as many:
        html_of(client.get("/projects/"))
    assert len(many.captured_queries) == len(few.captured_queries) == 3
