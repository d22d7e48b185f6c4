"""The revision screens obey the change form's rule (articles/roles.py): restore, recover, the
list of deleted stories and history, for each role, by GET and by direct POST."""

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from newsroom.testing import form_values, make_article, make_contributor, post_change_form

pytestmark = pytest.mark.django_db


def oldest_version(article):
    return Version.objects.get_for_object(article).order_by("revision__date_created", "pk")[0]


def version_with(article, headline):
    """The newest version of `article` whose headline was `headline`."""
    found = [
        version
        for version in Version.objects.get_for_object(article).order_by("-revision__date_created")
        if version.field_dict["headline"] == headline
    ]
    return found[0]


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def restore(client, article, version, **changes):
    """Open the restore form and save it as the browser would."""
    url = revision_url(article, version)
    page = client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode(), "article_form")
    data.update(changes, _save="Save")
    return client.post(url, data)


def drafted_then_published(writer, editor, *, when):
    """A story the writer drafted (a revision of theirs) that an editor then published."""
    user, writer_client = writer
    article = make_article(status=Article.Status.DRAFT, created_by=user, headline="Draft head")
    assert post_change_form(writer_client, article, headline="Writer's draft").status_code == 302
    published = {
        "status": "published",
        "published_at_0": timezone.localtime(when).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(when).strftime("%H:%M:%S"),
        "headline": "Edited and published",
    }
    assert post_change_form(editor[1], article, **published).status_code == 302
    article.refresh_from_db()
    return article


@pytest.mark.parametrize(
    "when",
    [timezone.now() - timezone.timedelta(days=1), timezone.now() + timezone.timedelta(days=3)],
    ids=["live", "scheduled"],
)
def test_a_writer_cannot_restore_their_draft_over_a_published_story(writer, editor, when):
    article = drafted_then_published(writer, editor, when=when)
    _, client = writer
    draft = version_with(article, "Writer's draft")
    assert draft.field_dict["status"] == "draft"
    url = revision_url(article, draft)
    assert client.get(url).status_code == 403
    data = {"headline": "Writer's draft", "slug": article.slug, "body": "x", "status": "draft"}
    assert client.post(url, {**data, "_save": "Save"}).status_code == 403
    article.refresh_from_db()
    assert (article.status, article.headline) == ("published", "Edited and published")


def test_an_editor_restores_a_published_story_and_it_stays_published(writer, editor):
    article = drafted_then_published(writer, editor, when=timezone.now() - timezone.timedelta(1))
    published_at = article.published_at
    response = restore(editor[1], article, version_with(article, "Writer's draft"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Writer's draft"
    assert (article.status, article.published_at) == ("published", published_at)
    assert article.is_published


def test_a_writer_restores_their_own_draft(writer):
    user, client = writer
    article = make_article(status=Article.Status.DRAFT, created_by=user, headline="First")
    post_change_form(client, article, headline="Second")
    post_change_form(client, article, headline="Third")
    assert restore(client, article, version_with(article, "Second")).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Second", "draft")


def test_a_writer_cannot_restore_someone_elses_draft(writer, editor):
    article = make_article(status=Article.Status.DRAFT, headline="Editor's draft")
    post_change_form(editor[1], article, headline="Editor's second draft")
    url = revision_url(article, oldest_version(article))
    _, client = writer
    assert client.get(url).status_code == 403
    assert client.post(url, {"headline": "Mine now", "_save": "Save"}).status_code == 403


def test_a_restore_that_would_leave_the_story_someone_elses_is_refused(writer, editor):
    """The writer is in the byline now, but not in the revision: after the restore the story
    would not be theirs."""
    user, client = writer
    article = make_article(status=Article.Status.DRAFT, headline="Desk story")
    post_change_form(editor[1], article, headline="Desk story, edited")
    before = version_with(article, "Desk story, edited")
    article.bylines.create(contributor=make_contributor(user=user), position=0)
    assert post_change_form(client, article, headline="Now with me").status_code == 302
    url = revision_url(article, before)
    assert client.get(url).status_code == 403
    assert client.post(url, {"headline": "x", "_save": "Save"}).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Now with me"
    assert article.bylines.filter(contributor__user=user).exists()


@pytest.fixture
def deleted(writer, editor):
    """A story the writer drafted, published and then deleted by an editor."""
    article = drafted_then_published(writer, editor, when=timezone.now() - timezone.timedelta(1))
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor[1].post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    return Version.objects.get_deleted(Article).get()


def test_a_writer_cannot_see_or_recover_deleted_stories(writer, deleted):
    _, client = writer
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    assert client.get(url).status_code == 403
    data = {"headline": "Back", "slug": "back", "body": "x", "status": "draft", "_save": "Save"}
    assert client.post(url, data).status_code == 403
    assert not Article.objects.exists()


def test_an_editor_recovers_a_deleted_story(editor, deleted):
    _, client = editor
    listing = client.get(reverse("admin:articles_article_recoverlist"))
    assert listing.status_code == 200
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    assert url in listing.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode(), "article_form")
    data["_save"] = "Save"
    assert client.post(url, data).status_code == 302
    assert Article.objects.filter(pk=deleted.object_id).exists()


def test_recover_takes_only_versions_of_deleted_stories(editor):
    article = make_article(status=Article.Status.DRAFT)
    post_change_form(editor[1], article, headline="Still here")
    url = reverse("admin:articles_article_recover", args=[oldest_version(article).pk])
    assert editor[1].get(url).status_code == 404


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_history_is_read_only_for_whoever_may_not_restore(role, writer, editor):
    article = drafted_then_published(writer, editor, when=timezone.now() - timezone.timedelta(1))
    _, client = {"writer": writer, "editor": editor}[role]
    page = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert page.status_code == 200
    links = revision_url(article, version_with(article, "Writer's draft")) in page.content.decode()
    assert links == (role == "editor")


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_compare_offers_to_restore_only_to_whoever_may(role, writer, editor):
    article = drafted_then_published(writer, editor, when=timezone.now() - timezone.timedelta(1))
    _, client = {"writer": writer, "editor": editor}[role]
    older = version_with(article, "Writer's draft")
    newest = version_with(article, "Edited and published")
    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = client.get(url, {"a": older.pk, "b": newest.pk})
    assert page.status_code == 200
    assert (revision_url(article, older) in page.content.decode()) == (role == "editor")


def test_a_writer_posting_to_the_history_or_the_deleted_list_changes_nothing(writer, editor):
    article = drafted_then_published(writer, editor, when=timezone.now() - timezone.timedelta(1))
    _, client = writer
    history = reverse("admin:articles_article_history", args=[article.pk])
    page = client.post(history, {"headline": "Taken down", "status": "draft"})
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:articles_article_recoverlist"), {}).status_code == 403
    article.refresh_from_db()
    assert (article.status, article.headline) == ("published", "Edited and published")
