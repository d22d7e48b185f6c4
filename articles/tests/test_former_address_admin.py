"""The former addresses' admin: who may change a story manages its addresses, an address leads
to one story and never hides a story's own page, and what is added there redirects at once."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, FormerAddress
from newsroom.testing import make_article, make_contributor, make_story_with_everything

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_formeraddress_add")
CHANGELIST = reverse("admin:articles_formeraddress_changelist")
DRAFT = {"status": Article.Status.DRAFT}


def change_url(address):
    return reverse("admin:articles_formeraddress_change", args=[address.pk])


def delete_url(address):
    return reverse("admin:articles_formeraddress_delete", args=[address.pk])


def add(client, path, article):
    return client.post(ADD, {"path": path, "article": article.pk})


def errors(response):
    assert response.status_code == 200
    form = response.context["adminform"].form
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def own_draft(user, **fields):
    return make_article(**DRAFT, contributors=[make_contributor(user=user)], **fields)


# Permissions: the rule of articles/roles.py


def test_both_groups_may_ask_and_the_rule_decides():
    from django.contrib.auth.models import Group

    wanted = {f"{action}_formeraddress" for action in ("add", "change", "delete", "view")}
    for name in ("Writers", "Editors"):
        group = Group.objects.get(name=name)
        assert wanted <= set(group.permissions.values_list("codename", flat=True)), name


def test_an_editor_adds_an_address_to_anyones_story_and_it_redirects_at_once(client, editor):
    _, admin = editor
    story = make_story_with_everything(slug="the-story-now")
    response = add(admin, "https://old.example/news/1608065/the-old-story", story)
    assert response.status_code == 302
    (address,) = FormerAddress.objects.filter(article=story)
    assert address.path == "/news/1608065/the-old-story/"
    redirect = client.get("/news/1608065/the-old-story/")
    assert (redirect.status_code, redirect["Location"]) == (301, "/articles/the-story-now/")
    # Without its last slash, as old links circulate.
    assert client.get("/news/1608065/the-old-story")["Location"] == "/articles/the-story-now/"


def test_a_writer_manages_the_addresses_of_their_own_unpublished_story(writer):
    user, client = writer
    story = own_draft(user)
    assert add(client, "/old/draft-address/", story).status_code == 302
    address = FormerAddress.objects.get(article=story)
    response = client.post(change_url(address), {"path": "/old/other/", "article": story.pk})
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.path == "/old/other/"
    assert client.post(delete_url(address), {"post": "yes"}).status_code == 302
    assert not FormerAddress.objects.exists()


def test_a_writer_cannot_give_someone_elses_story_an_address(writer):
    _, client = writer
    story = make_article(**DRAFT, headline="Not yours")
    found = errors(add(client, "/old/taken-over/", story))
    assert found == {
        "article": ["You may not change this story, so you cannot give it former addresses."]
    }
    assert not FormerAddress.objects.exists()


def test_a_writer_cannot_give_their_own_published_story_an_address(writer):
    user, client = writer
    story = make_article(contributors=[make_contributor(user=user)])
    assert "article" in errors(add(client, "/old/live/", story))
    assert not FormerAddress.objects.exists()


def test_a_writer_cannot_change_or_remove_someone_elses_address(writer):
    _, client = writer
    story = make_article(slug="someone-elses")
    address = story.keep_address("/news/1/someone-elses/")
    page = client.get(change_url(address))
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    response = client.post(change_url(address), {"path": "/hijacked/", "article": story.pk})
    assert response.status_code == 403
    assert client.post(delete_url(address), {"post": "yes"}).status_code == 403
    address.refresh_from_db()
    assert address.path == "/news/1/someone-elses/"


def test_a_writer_cannot_move_their_address_to_someone_elses_story(writer):
    user, client = writer
    mine = own_draft(user)
    address = mine.keep_address("/old/mine/")
    theirs = make_article(**DRAFT)
    response = client.post(change_url(address), {"path": "/old/mine/", "article": theirs.pk})
    assert "article" in errors(response)
    address.refresh_from_db()
    assert address.article == mine


def test_a_writers_bulk_delete_refuses_addresses_of_stories_they_may_not_change(writer):
    user, client = writer
    mine = own_draft(user).keep_address("/old/mine/")
    theirs = make_article().keep_address("/old/theirs/")
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk], "post": "yes"}
    assert client.post(CHANGELIST, data).status_code == 403
    assert FormerAddress.objects.count() == 2
    data[ACTION_CHECKBOX_NAME] = [mine.pk]
    assert client.post(CHANGELIST, data).status_code == 302
    assert list(FormerAddress.objects.all()) == [theirs]


def test_an_editor_changes_and_removes_anyones_address(editor):
    _, client = editor
    story = make_article()
    address = story.keep_address("/old/one/")
    response = client.post(change_url(address), {"path": "/old/two/", "article": story.pk})
    assert response.status_code == 302
    assert client.post(delete_url(address), {"post": "yes"}).status_code == 302
    assert not FormerAddress.objects.exists()


# Validation


def test_a_storys_current_address_is_refused(editor):
    _, client = editor
    story = make_article(slug="live-story", headline="Live story")
    other = make_article()
    assert errors(add(client, "/articles/live-story/", other)) == {
        "path": [
            "/articles/live-story/ is the current address of the story “Live story”: readers "
            "find the story there, so it cannot lead elsewhere."
        ]
    }
    # With a query string, the story's page still answers there.
    found = errors(add(client, "https://example.com/articles/live-story?ref=x", other))
    assert found["path"][0].startswith("/articles/live-story/?ref=x is the current address")
    # Its own address too: the story is already there.
    assert "path" in errors(add(client, "/articles/live-story/", story))
    # A draft's address as well: it is the story's once it is published.
    make_article(slug="coming-soon", **DRAFT)
    assert "path" in errors(add(client, "/articles/coming-soon/", other))
    assert not FormerAddress.objects.exists()


def test_an_address_another_story_keeps_is_refused_however_it_is_written(editor):
    _, client = editor
    first = make_article(headline="First story")
    first.keep_address("/news/42/old-story/")
    second = make_article()
    for path in (
        "/news/42/old-story/",
        "news/42/old-story",
        "https://old.example/news/42/old-story",
    ):
        assert errors(add(client, path, second)) == {
            "path": [
                "/news/42/old-story/ already leads to the story “First story”. An address leads "
                "to one story: remove it there first."
            ]
        }
    assert FormerAddress.objects.get().article == first


def test_an_address_saved_again_unchanged_is_not_its_own_duplicate(editor):
    _, client = editor
    story = make_article()
    address = story.keep_address("/old/same/")
    response = client.post(change_url(address), {"path": "/old/same", "article": story.pk})
    assert response.status_code == 302


def test_an_address_too_long_to_keep_is_refused(editor):
    _, client = editor
    # Kept with a slash at each end: 501 characters.
    found = errors(add(client, "a" * 499, make_article()))
    assert found["path"][0].startswith("An address is at most 500 characters")


# The screens


def test_the_list_shows_address_story_and_time_and_searches_both(editor):
    _, client = editor
    story = make_article(headline="Kanye West returns", slug="kanye-returns")
    story.keep_address("/news/1/kanye/")
    draft = make_article(headline="Another story", **DRAFT)
    draft.keep_address("/news/2/other/")
    html = client.get(CHANGELIST).content.decode()
    assert "/news/1/kanye/" in html and "/news/2/other/" in html
    story_link = reverse("admin:articles_article_change", args=[story.pk])
    assert f'<a href="{story_link}">Kanye West returns</a>' in html
    assert "Created at" in html
    by_address = client.get(CHANGELIST, {"q": "news/2"}).content.decode()
    assert "/news/2/other/" in by_address and "/news/1/kanye/" not in by_address
    by_story = client.get(CHANGELIST, {"q": "Kanye"}).content.decode()
    assert "/news/1/kanye/" in by_story and "/news/2/other/" not in by_story


def test_the_list_shows_a_storys_addresses_from_its_change_page(editor):
    _, client = editor
    story = make_article()
    story.keep_address("/news/1/mine/")
    make_article().keep_address("/news/2/not-mine/")
    response = client.get(CHANGELIST, {"article__id__exact": story.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "/news/1/mine/" in html and "/news/2/not-mine/" not in html


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_reads_a_fixed_number_of_queries(editor, count):
    _, client = editor
    for n in range(count):
        make_article().keep_address(f"/news/{n}/old/")
    client.get(CHANGELIST)  # content types and the like, cached per process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    # The session, the user and their permissions, the counts (filtered and in all), the
    # page of rows with their stories: the same at 1 and 20 rows.
    assert len(queries) == 7, [q["sql"] for q in queries.captured_queries]


def test_the_story_is_chosen_by_autocomplete(editor):
    _, client = editor
    make_article(headline="Kanye West returns")
    html = client.get(ADD).content.decode()
    assert 'class="admin-autocomplete' in html
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "formeraddress",
            "field_name": "article",
            "term": "Kanye",
        },
    )
    assert found.status_code == 200
    assert [result["text"] for result in found.json()["results"]] == ["Kanye West returns"]


def test_the_story_page_in_the_admin_shows_its_addresses_read_only(editor):
    _, client = editor
    story = make_article()
    story.keep_address("/news/1/<b>old</b>/")
    html = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "<code>/news/1/&lt;b&gt;old&lt;/b&gt;/</code>" in html
    assert f'href="{CHANGELIST}?article__id__exact={story.pk}"' in html
    assert f'href="{ADD}?article={story.pk}"' in html
    # Read-only: no field of the form takes addresses.
    assert 'name="former_addresses' not in html
