"""The live preview endpoint: staff only, the public renderer's HTML and the body's problems."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from newsroom.testing import make_artist

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/preview/"


def test_preview_renders_with_the_public_renderer_and_lists_problems(admin_client):
    artist = make_artist(name="Kanye West", external_id=1230523)
    body = 'Hi *[artist id="1230523"]Kanye West[/artist]*.\n\n[artist id="99"]Nobody[/artist]'
    response = admin_client.post(URL, {"body": body})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert f'href="{artist.get_absolute_url()}"' in data["html"]
    assert "<em>" in data["html"]
    [problem] = data["problems"]
    assert (problem["line"], problem["column"], problem["severity"]) == (3, 1, "error")
    assert "matches no artist" in problem["message"]


def test_preview_escapes_what_the_editor_typed(admin_client):
    data = admin_client.post(URL, {"body": "<script>alert(1)</script>"}).json()
    assert "<script>" not in data["html"]
    assert "&lt;script&gt;" in data["html"]


def test_preview_is_for_staff_who_may_write_articles(client):
    response = client.post(URL, {"body": "x"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    user = User.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)
    assert client.post(URL, {"body": "x"}).status_code == 403


def test_preview_answers_post_only(admin_client):
    assert admin_client.get(URL).status_code == 405


def test_the_change_form_carries_the_preview_address(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-preview-url="{URL}"' in page
    assert "js/admin-preview.js" in page


def insert(client, kind, q=""):
    return client.get(f"/admin/articles/article/insert/{kind}/", {"q": q})


def test_insert_finds_artists_with_the_tag_to_insert(admin_client):
    make_artist(name="Kanye West", external_id=1230523, slug="kanye-west")
    make_artist(name="Spike Jonze", external_id=None, slug="spike-jonze")
    results = insert(admin_client, "artist", "kanye").json()["results"]
    assert [r["shortcode"] for r in results] == ['[artist id="1230523"]Kanye West[/artist]']
    assert results[0]["picture"] == "/photos/artists/kanye-west/96/"
    [spike] = insert(admin_client, "artist", "jonze").json()["results"]
    assert spike["shortcode"] == '[artist slug="spike-jonze"]Spike Jonze[/artist]'


def test_insert_finds_projects_and_photos(admin_client):
    from newsroom.testing import make_project

    make_project(title="Heartless", slug="heartless")
    [project] = insert(admin_client, "project", "heart").json()["results"]
    assert project["shortcode"] == '[project slug="heartless"]Heartless[/project]'
    assert insert(admin_client, "image", "").json() == {"results": []}
    assert insert(admin_client, "nothing").status_code == 404


def test_insert_is_for_staff_who_may_write_articles(client):
    assert insert(client, "artist").status_code == 302
    client.force_login(User.objects.create_user("visitor", password="x", is_staff=True))
    assert insert(client, "artist").status_code == 403


def test_preview_of_a_body_over_the_limit_says_so_without_rendering(admin_client, settings):
    settings.MAX_BODY_CHARS = 100
    data = admin_client.post(URL, {"body": "x" * 150}).json()
    assert data["html"] == ""
    assert data["problems"][0]["message"].startswith(
        "The body has 150 characters; an article can have at most 100."
    )
