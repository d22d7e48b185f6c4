"""Writers and editors, enforced on the server for every path: the change form, the add form,
direct POSTs, bulk actions and delete."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article, make_contributor, post_change_form

pytestmark = pytest.mark.django_db


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


def test_writers_cannot_add_change_or_delete_corrections():
    writers = Group.objects.get(name="Writers").permissions.values_list("codename", flat=True)
    assert not {"add_correction", "change_correction", "delete_correction"} & set(writers)
    assert "view_correction" in writers


def correction_rows(article, *rows, delete=()):
    """The corrections inline as a browser posts it: the stored rows, then `rows` added."""
    data = {}
    stored = list(article.corrections.order_by("noted_at", "pk"))
    for n, correction in enumerate(stored):
        data.update(
            {
                f"corrections-{n}-id": correction.pk,
                f"corrections-{n}-article": article.pk,
                f"corrections-{n}-kind": correction.kind,
                f"corrections-{n}-text": correction.text,
                f"corrections-{n}-noted_at_0": correction.noted_at.strftime("%Y-%m-%d"),
                f"corrections-{n}-noted_at_1": correction.noted_at.strftime("%H:%M:%S"),
            }
        )
        if n in delete:
            data[f"corrections-{n}-DELETE"] = "on"
    for n, text in enumerate(rows, start=len(stored)):
        data.update(
            {
                f"corrections-{n}-kind": "correction",
                f"corrections-{n}-text": text,
                f"corrections-{n}-noted_at_0": "2020-01-02",
                f"corrections-{n}-noted_at_1": "10:00:00",
            }
        )
    data["corrections-TOTAL_FORMS"] = len(stored) + len(rows)
    data["corrections-INITIAL_FORMS"] = len(stored)
    return data


@pytest.mark.parametrize("granted", [False, True], ids=["writer", "writer-given-the-permission"])
def test_a_writer_cannot_add_a_correction_to_their_own_draft(writer, granted):
    from django.contrib.auth.models import Permission

    user, client = writer
    if granted:
        user.user_permissions.add(*Permission.objects.filter(codename__endswith="_correction"))
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    page = client.get(change_url(own)).content.decode()
    assert 'name="corrections-TOTAL_FORMS"' not in page or "Add another correction" not in page
    save_form(client, own, **correction_rows(own, "A writer's correction."))
    assert not own.corrections.exists()


def test_a_writer_cannot_change_a_correction(writer):
    from articles.models import Correction

    user, client = writer
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    correction = Correction.objects.create(article=own, text="An editor's correction.")
    data = correction_rows(own)
    data["corrections-0-text"] = "Rewritten by a writer."
    save_form(client, own, **data)
    correction.refresh_from_db()
    assert correction.text == "An editor's correction."


def test_a_correction_on_a_published_story_is_never_deleted(editor):
    from articles.models import Correction

    _, client = editor
    article = make_article(headline="Live story")
    correction = Correction.objects.create(article=article, text="The record.")
    page = client.get(change_url(article)).content.decode()
    assert 'name="corrections-0-DELETE"' not in page
    # Not even when the same save takes the story back to draft.
    for status in ("published", "draft"):
        save_form(client, article, status=status, **correction_rows(article, delete=[0]))
        assert Correction.objects.filter(pk=correction.pk).exists()
    # Its text may change: the story's revisions keep the old one.
    article.refresh_from_db()
    article.status = Article.Status.PUBLISHED
    article.save()
    data = correction_rows(article)
    data["corrections-0-text"] = "The record, clarified."
    assert save_form(client, article, **data).status_code == 302
    correction.refresh_from_db()
    assert correction.text == "The record, clarified."


def test_an_editor_deletes_a_correction_on_a_draft(editor):
    from articles.models import Correction

    _, client = editor
    article = make_article(status=Article.Status.DRAFT)
    Correction.objects.create(article=article, text="Not yet public.")
    assert save_form(client, article, **correction_rows(article, delete=[0])).status_code == 302
    assert not article.corrections.exists()


def test_a_writers_form_offers_only_the_states_they_may_save(writer, editor):
    user, client = writer
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    for url in (change_url(own), reverse("admin:articles_article_add")):
        page = client.get(url).content.decode()
        assert 'value="draft"' in page and 'value="in_review"' in page
        assert 'value="published"' not in page
    page = editor[1].get(change_url(own)).content.decode()
    assert 'value="published"' in page


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("publish_now", "Writers cannot publish"),
        ("schedule", "Writers cannot publish"),
        ("back_to_draft", "Writers cannot publish"),
        ("delete_selected", "Writers cannot delete"),
    ],
)
def test_a_refused_bulk_action_says_why(writer, action, reason):
    user, client = writer
    own = make_article(status=Article.Status.DRAFT, created_by=user)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [own.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(reason in m for m in shown), shown
    assert not any("No action selected" in m for m in shown)
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_submitting_someone_elses_story_says_why_it_was_skipped(writer):
    _, client = writer
    other = make_article(status=Article.Status.DRAFT)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_for_review", "_selected_action": [other.pk]},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "writers submit only their own stories" in shown


def test_only_editors_are_offered_to_recover_deleted_stories(writer, editor):
    url = reverse("admin:articles_article_recoverlist")
    assert url not in writer[1].get(reverse("admin:articles_article_changelist")).content.decode()
    assert url in editor[1].get(reverse("admin:articles_article_changelist")).content.decode()
