import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.testing import make_artist, make_project
from projects.models import Credit, MediaProject, ProjectRelation

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    """The queries one GET of `url` runs, once the process-wide caches (content types) are warm."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_credits(project, count):
    for _ in range(count):
        Credit.objects.create(project=project, artist=make_artist(), role=Credit.Role.PERFORMER)


def add_relations(project, count):
    for _ in range(count):
        ProjectRelation.objects.create(
            source=project, target=make_project(), relation=ProjectRelation.Relation.TRACK_ON
        )


def change_url(project):
    return reverse("admin:projects_mediaproject_change", args=[project.pk])


def test_project_change_page_query_count_does_not_grow_with_credits(
    admin_client, django_assert_num_queries
):
    project = make_project()
    add_credits(project, 1)
    few = queries_for(admin_client, change_url(project))
    add_credits(project, 9)
    with django_assert_num_queries(few):
        response = admin_client.get(change_url(project))
    assert response.content.decode().count("selected>Artist ") == 10


def test_project_change_page_query_count_does_not_grow_with_relations(
    admin_client, django_assert_num_queries
):
    project = make_project()
    add_relations(project, 1)
    few = queries_for(admin_client, change_url(project))
    add_relations(project, 9)
    with django_assert_num_queries(few):
        response = admin_client.get(change_url(project))
    assert response.content.decode().count("selected>Project ") == 10


def test_project_changelist_query_count_does_not_grow_with_projects(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:projects_mediaproject_changelist")
    add_credits(make_project(), 2)
    few = queries_for(admin_client, url)
    for _ in range(14):
        add_credits(make_project(), 2)
    with django_assert_num_queries(few):
        admin_client.get(url)


def test_credit_changelist_query_count_does_not_grow_with_credits(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:projects_credit_changelist")
    add_credits(make_project(), 1)
    few = queries_for(admin_client, url)
    for _ in range(14):
        add_credits(make_project(), 1)
    with django_assert_num_queries(few):
        admin_client.get(url)


def test_relation_changelist_query_count_does_not_grow_with_relations(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:projects_projectrelation_changelist")
    add_relations(make_project(), 1)
    few = queries_for(admin_client, url)
    for _ in range(14):
        add_relations(make_project(), 1)
    with django_assert_num_queries(few):
        admin_client.get(url)


def test_credit_change_page_labels_artist_and_project_from_one_query(admin_client):
    credit = Credit.objects.create(
        project=make_project(title="Heartless"),
        artist=make_artist(name="Hype Williams"),
        role=Credit.Role.DIRECTOR,
    )
    url = reverse("admin:projects_credit_change", args=[credit.pk])
    # The session, the user, and the credit with its artist and project.
    assert queries_for(admin_client, url) == 3
    html = admin_client.get(url).content.decode()
    assert f'<option value="{credit.artist.pk}" selected>Hype Williams</option>' in html
    assert f'<option value="{credit.project.pk}" selected>Heartless</option>' in html


def test_relation_change_page_labels_both_projects_from_one_query(admin_client):
    relation = ProjectRelation.objects.create(
        source=make_project(title="Heartless"),
        target=make_project(title="808s & Heartbreak"),
        relation=ProjectRelation.Relation.TRACK_ON,
    )
    url = reverse("admin:projects_projectrelation_change", args=[relation.pk])
    assert queries_for(admin_client, url) == 3
    html = admin_client.get(url).content.decode()
    assert f'<option value="{relation.source.pk}" selected>Heartless</option>' in html
    assert f'<option value="{relation.target.pk}" selected>808s &amp; Heartbreak</option>' in html


def test_project_change_page_shows_the_credited_artist(admin_client):
    project = make_project()
    artist = make_artist(name="Spike Jonze")
    Credit.objects.create(project=project, artist=artist, role=Credit.Role.DIRECTOR)
    html = admin_client.get(change_url(project)).content.decode()
    assert 'name="credits-TOTAL_FORMS"' in html
    assert 'name="outgoing_relations-TOTAL_FORMS"' in html
    row = html[html.index('<select name="credits-0-artist"') :]
    row = row[: row.index("</select>")]
    assert f'<option value="{artist.pk}" selected>Spike Jonze</option>' in row
    # Editors still search for artists rather than scroll a list of every one.
    assert 'data-field-name="artist"' in row
    assert "admin-autocomplete" in row


def project_form_data(
    project, credits=(), relations=(), extra_credits=(), incoming=(), extra_incoming=()
):
    """The change form as the browser posts it, with the inline rows given as field dicts."""
    data = {
        "title": project.title,
        "slug": project.slug,
        "kind": project.kind,
        "status": project.status,
        "synopsis": "",
        "label": "",
        "release_date": "",
        "release_year": "",
        "release_note": "",
        "running_time_min": "",
        "running_time_max": "",
        "shot_from": "",
        "shot_until": "",
        "shoot_note": "",
        "shoot_location": "",
    }
    for prefix, initial, rows in [
        ("credits", len(credits), [*credits, *extra_credits]),
        ("outgoing_relations", len(relations), list(relations)),
        ("incoming_relations", len(incoming), [*incoming, *extra_incoming]),
    ]:
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def credit_row(credit, **changes):
    row = {
        "id": credit.pk,
        "project": credit.project_id,
        "artist": credit.artist_id,
        "role": credit.role,
        "order": credit.order,
    }
    if credit.is_known_for:
        row["is_known_for"] = "on"
    row.update(changes)
    return row


def test_saving_the_project_saves_edited_credits(admin_client):
    project = make_project()
    first = Credit.objects.create(project=project, artist=make_artist(), role="director")
    second = Credit.objects.create(project=project, artist=make_artist(), role="producer", order=1)
    replacement = make_artist()
    newcomer = make_artist()
    target = make_project()
    relation = ProjectRelation.objects.create(source=project, target=target, relation="track_on")
    data = project_form_data(
        project,
        credits=[
            credit_row(first, role="writer", is_known_for="on"),
            credit_row(second, artist=replacement.pk, order=5),
        ],
        relations=[
            {
                "id": relation.pk,
                "source": project.pk,
                "relation": "featured_in",
                "target": target.pk,
                "position": "",
            }
        ],
        extra_credits=[
            {"project": project.pk, "artist": newcomer.pk, "role": "editor", "order": 2}
        ],
    )
    response = admin_client.post(change_url(project), data)
    assert response.status_code == 302, response.context["errors"]
    saved = {(c.artist_id, c.role, c.order, c.is_known_for) for c in project.credits.all()}
    assert saved == {
        (first.artist_id, "writer", 0, True),
        (replacement.pk, "producer", 5, False),
        (newcomer.pk, "editor", 2, False),
    }
    relation.refresh_from_db()
    assert relation.relation == "featured_in"


def test_a_refused_save_shows_the_newly_chosen_artist(admin_client):
    project = make_project()
    credit = Credit.objects.create(project=project, artist=make_artist(), role="director")
    chosen = make_artist(name="Hype Williams")
    data = project_form_data(project, credits=[credit_row(credit, artist=chosen.pk, role="")])
    response = admin_client.post(change_url(project), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{chosen.pk}" selected>Hype Williams</option>' in html
    assert MediaProject.objects.get().credits.get().artist_id == credit.artist_id


def test_an_album_lists_and_edits_its_tracks_from_its_own_page(admin_client):
    album = make_project(title="808s & Heartbreak")
    heartless = make_project(title="Heartless", kind="song")
    amazing = make_project(title="Amazing", kind="song")
    track = ProjectRelation.objects.create(
        source=heartless, target=album, relation="track_on", position=3
    )
    html = admin_client.get(change_url(album)).content.decode()
    assert 'name="incoming_relations-TOTAL_FORMS"' in html
    row = html[html.index('<select name="incoming_relations-0-source"') :]
    assert (
        f'<option value="{heartless.pk}" selected>Heartless</option>'
        in row[: row.index("</select>")]
    )
    data = project_form_data(
        album,
        incoming=[
            {
                "id": track.pk,
                "target": album.pk,
                "source": heartless.pk,
                "relation": "track_on",
                "position": "3",
            },
        ],
        extra_incoming=[
            {"target": album.pk, "source": amazing.pk, "relation": "track_on", "position": "4"},
        ],
    )
    response = admin_client.post(change_url(album), data)
    assert response.status_code == 302, response.context["errors"]
    tracks = ProjectRelation.objects.filter(target=album).order_by("position")
    assert [(r.source, r.position) for r in tracks] == [(heartless, 3), (amazing, 4)]
