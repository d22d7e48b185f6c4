"""Revisions: every admin save and publishing action keeps one; history, compare, restore."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.revisions import word_diff
from newsroom.testing import form_values, make_article, make_artist, post_change_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


save_form = post_change_form


def versions(article):
    return list(Version.objects.get_for_object(article).select_related("revision"))


def test_admin_saves_and_actions_keep_revisions_with_author_and_comment(admin_client, admin_user):
    article = make_article(status=Article.Status.DRAFT, body="First words.")
    assert save_form(admin_client, article, body="Second words.").status_code == 302
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
    )
    kept = versions(article)
    assert len(kept) == 3  # the story as it was created outside the admin, then two edits
    newest, older, original = kept
    assert original.field_dict["body"] == "First words."
    assert newest.revision.get_comment() == "Published now."
    assert newest.revision.user == admin_user
    assert newest.field_dict["status"] == "published"
    assert older.field_dict["body"] == "Second words."


def test_a_revision_keeps_tags_bylines_and_related_projects(admin_client):
    from newsroom.testing import make_contributor, make_project

    article = make_article(contributors=[make_contributor()], tags=["Tours"])
    article.related_projects.add(make_project())
    save_form(admin_client, article, headline="With everything")
    version, _original = versions(article)
    kinds = {v._model.__name__ for v in version.revision.version_set.all()}
    assert {"Article", "Byline", "TaggedArticle"} <= kinds
    assert version.field_dict["related_projects"]


def test_history_lists_revisions_and_compare_shows_a_word_diff(admin_client):
    article = make_article(body="The film runs <b>30</b> minutes.")
    save_form(admin_client, article, body="The film runs <b>35</b> minutes.", headline="New head")
    save_form(admin_client, article, body="The film runs <b>35</b> minutes. More.")
    history = admin_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Compare two revisions" in history.content.decode()
    newest, older, _original = versions(article)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = admin_client.get(url, {"a": older.pk, "b": newest.pk}).content.decode()
    assert "<ins> More.</ins>" in page
    assert "<b>" not in page.split('class="word-diff"')[1].split("</div>")[0]
    assert admin_client.get(url, {"a": "x", "b": newest.pk}).status_code == 404


def test_word_diff_marks_changes_and_escapes():
    html = word_diff("a <b>old</b> word", "a <b>new</b> word")
    assert "<del>&lt;b&gt;old&lt;/b&gt;</del><ins>&lt;b&gt;new&lt;/b&gt;</ins>" in html


def test_restoring_a_body_that_no_longer_validates_shows_its_problems(admin_client):
    artist = make_artist(name="Gone Artist", external_id=555)
    article = make_article(body=f'[artist id="{artist.external_id}"]Gone[/artist] was here.')
    save_form(admin_client, article, headline="Kept")
    save_form(admin_client, article, body="Nobody here now.")
    older = versions(article)[-1]
    article.artists.clear()
    artist.delete()
    url = reverse("admin:articles_article_revision", args=[article.pk, older.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode(), "article_form")
    data["_save"] = "Save"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "matches no artist" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Nobody here now."


def test_a_refused_save_shows_what_changed_and_keeps_what_was_typed(admin_client):
    from django.contrib.auth.models import User
    from django.test import Client

    article = make_article(body="The film runs 30 minutes.", headline="Short film")
    save_form(admin_client, article, headline="Short film")  # the revision both editors open
    other = Client()
    other.force_login(User.objects.create_superuser("bob", "bob@example.com", "x"))
    page = other.get(change_url(article))
    stale = form_values(page.content.decode(), "article_form")
    assert save_form(admin_client, article, body="The film runs 35 minutes.").status_code == 302
    stale.update(body="My own edit of the body.", _save="Save")
    response = other.post(change_url(article), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article after you opened it." in html
    assert "Changed since you opened this article, last by admin" in html
    assert "<del>30</del><ins>35</ins>" in html
    assert "My own edit of the body.</textarea>" in html
    article.refresh_from_db()
    assert article.body == "The film runs 35 minutes."


def test_history_shows_seconds_where_revisions_share_a_minute_and_compares_the_newest_two(
    admin_client,
):
    import datetime
    import re
    from zoneinfo import ZoneInfo

    from reversion.models import Revision

    article = make_article(headline="One")
    for headline in ("Two", "Three"):
        assert save_form(admin_client, article, headline=headline).status_code == 302
    newest, middle, original = versions(article)
    zone = ZoneInfo("America/New_York")
    times = {
        original: datetime.datetime(2026, 3, 2, 10, 0, 5, tzinfo=zone),
        middle: datetime.datetime(2026, 3, 2, 10, 0, 40, tzinfo=zone),
        newest: datetime.datetime(2026, 3, 2, 11, 30, 0, tzinfo=zone),
    }
    for version, when in times.items():
        Revision.objects.filter(pk=version.revision_id).update(date_created=when)
    html = admin_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert "10:00:05 a.m." in html and "10:00:40 a.m." in html
    assert "11:30 a.m." in html and "11:30:00" not in html
    selected = dict(re.findall(r'<select name="(\w)".*?<option value="(\d+)" selected', html, re.S))
    assert selected == {"a": str(middle.pk), "b": str(newest.pk)}


def test_first_revisions_kept_in_bulk_hold_what_reversion_keeps():
    import reversion
    from django.db import transaction
    from django.utils import timezone

    from articles import revisions
    from newsroom.testing import make_story_with_everything

    def kept(article):
        revision = Version.objects.get_for_object(article).get().revision
        return sorted(
            (v.content_type_id, v.object_id, v.serialized_data, v.object_repr)
            for v in revision.version_set.all()
        )

    stories = [make_story_with_everything(), make_story_with_everything()]
    by_reversion = []
    for story in stories:
        with transaction.atomic():
            with reversion.create_revision():
                reversion.add_to_revision(story)
            by_reversion.append(kept(story))
            transaction.set_rollback(True)
    now = timezone.now()
    revisions.keep_first_revisions(stories, comment="Kept in bulk.", date_created=now)
    for story, expected in zip(stories, by_reversion, strict=True):
        assert kept(story) == expected
        # The story, its two bylines, its tags and its correction.
        assert len(expected) == 1 + 2 + story.tags.count() + 1
        revision = Version.objects.get_for_object(story).get().revision
        assert (revision.get_comment(), revision.date_created) == ("Kept in bulk.", now)
