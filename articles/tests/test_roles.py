"""Writers and editors, enforced on the server for every path: the change form, the add form,
direct POSTs, bulk actions and delete."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article, make_contributor, post_change_form

pytestmark = pytest.mark.django_db


def member(name, group):
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def writer():
    return member("writer", "Writers")


@pytest.fixture
def editor():
    return member("editor", "Editors")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


save_form = post_change_form


def test_the_groups_exist_with_their_permissions():
    writers = set(Group.objects.get(name="Writers").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_image"} <= writers
    assert not {"publish_article", "delete_article", "change_artist"} & writers
    assert {"publish_article", "delete_article", "change_artist", "change_mediaproject"} <= editors
    assert {"change_contributor", "delete_image", "change_credit"} <= editors


def test_a_writer_drafts_edits_and_submits_their_own_story(writer):
    user, client = writer
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(headline="My story")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.created_by == user
    assert save_form(client, article, headline="My better story").status_code == 302
    assert save_form(client, article, status="in_review").status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("My better story", "in_review")


def test_a_writer_in_the_byline_may_edit_a_story_someone_else_created(writer):
    user, client = writer
    article = make_article(status=Article.Status.DRAFT, contributors=[make_contributor(user=user)])
    assert save_form(client, article, headline="Edited by the bylined writer").status_code == 302


def test_a_writer_cannot_change_someone_elses_story(writer):
    _, client = writer
    article = make_article(status=Article.Status.DRAFT, headline="Not yours")
    page = client.get(change_url(article))
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    data = article_form_data(headline="Taken over", slug=article.slug)
    assert client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Not yours"


def test_a_writer_cannot_change_their_own_story_once_published(writer):
    user, client = writer
    article = make_article(created_by=user, headline="Out")
    data = article_form_data(headline="Changed after publication", slug=article.slug)
    assert client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Out"


def test_a_writer_cannot_publish_by_any_path(writer):
    user, client = writer
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(status="published", published_at_0="2020-01-01", published_at_1="10:00"),
    )
    assert response.status_code == 200
    assert not Article.objects.exists()
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    response = save_form(client, own, status="published")
    assert response.status_code == 200
    for action in ("publish_now", "schedule", "back_to_draft"):
        client.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, "_selected_action": [own.pk], "apply": "1"},
        )
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_a_writer_cannot_delete(writer):
    user, client = writer
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    url = reverse("admin:articles_article_delete", args=[own.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=own.pk).exists()


def test_bulk_actions_skip_stories_a_writer_does_not_own(writer):
    user, client = writer
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    other = make_article(status=Article.Status.DRAFT)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_for_review", "_selected_action": [own.pk, other.pk]},
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == Article.Status.IN_REVIEW
    assert other.status == Article.Status.DRAFT


def test_an_editor_changes_publishes_and_deletes_anything(editor):
    _, client = editor
    article = make_article(status=Article.Status.DRAFT, headline="Someone's draft")
    assert save_form(client, article, headline="Edited").status_code == 302
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.is_published
    assert save_form(client, article, headline="Fixed after publication").status_code == 302
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
