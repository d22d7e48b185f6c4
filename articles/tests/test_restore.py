"""Compare, the edit-conflict refusal and restore on a story with every relation; what a restore
brings back and what it leaves as it is."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction
from newsroom.testing import (
    form_values,
    make_article,
    make_contributor,
    make_story_with_everything,
    post_change_form,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def versions(article):
    """The article's versions, newest first."""
    return list(
        Version.objects.get_for_object(article)
        .select_related("revision")
        .order_by("-revision__date_created", "-pk")
    )


@pytest.fixture
def story(admin_client):
    article = make_story_with_everything(status=Article.Status.DRAFT, headline="First headline")
    assert post_change_form(admin_client, article, headline="Second headline").status_code == 302
    return article


def test_compare_shows_bylines_and_lead_photo_of_a_story_with_every_relation(admin_client, story):
    byline = story.bylines.order_by("position").first()
    byline.contributor = make_contributor(name="Desk Writer")
    byline.save()
    assert post_change_form(admin_client, story, headline="Third headline").status_code == 302
    newest, older = versions(story)[:2]
    url = reverse("admin:articles_article_compare", args=[story.pk])
    response = admin_client.get(url, {"a": older.pk, "b": newest.pk})
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["diff"]["fields"]}
    assert rows["Bylines"]["changed"]
    assert "Desk Writer" in rows["Bylines"]["after"]
    assert "Desk Writer" not in rows["Bylines"]["before"]
    assert story.lead_image.title in rows["Lead photo"]["after"]
    assert "Film" in rows["Tags"]["after"] and "Tours" in rows["Tags"]["after"]
    assert "misstated the running time" in rows["Corrections"]["after"]
    assert rows["Related projects"]["after"] and not rows["Related projects"]["changed"]


def test_the_conflict_refusal_shows_what_changed_on_a_story_with_every_relation(
    admin_client, story
):
    other = Client()
    other.force_login(User.objects.create_superuser("bob", "bob@example.com", "x"))
    stale = form_values(other.get(change_url(story)).content.decode(), "article_form")
    assert post_change_form(admin_client, story, headline="Saved first").status_code == 302
    stale.update(headline="Saved second", _save="Save")
    response = other.post(change_url(story), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article after you opened it." in html
    assert "<del>Second headline</del>" in html and "<ins>Saved first</ins>" in html
    story.refresh_from_db()
    assert story.headline == "Saved first"


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def test_restoring_a_live_story_brings_back_its_content_and_keeps_it_live(admin_client):
    from people.models import Contributor

    article = make_story_with_everything(headline="First headline", dek="First dek")
    lead, bylines = article.lead_image_id, list(article.contributors.order_by("bylines__position"))
    tags = set(article.tags.names())
    projects = set(article.related_projects.values_list("pk", flat=True))
    assert post_change_form(admin_client, article, headline="Kept headline").status_code == 302
    kept = versions(article)[0]
    # Later: new words, another byline, no tags, no related projects, another correction.
    data = {"headline": "Later headline", "dek": "Later dek", "body": "Later body.", "tags": ""}
    data["related_projects"] = []
    assert post_change_form(admin_client, article, **data).status_code == 302
    article.bylines.all().delete()
    article.bylines.create(contributor=make_contributor(name="Later Writer"), position=0)
    Correction.objects.create(article=article, text="A later correction.")
    article.refresh_from_db()
    published_at, corrections = article.published_at, set(article.corrections.values_list("pk"))

    url = revision_url(article, kept)
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "What saving this restore changes" in html
    assert "<del>Later headline</del>" in html and "<ins>Kept headline</ins>" in html
    assert "keeps its state (<strong>Live</strong>)" in html
    form = form_values(html, "article_form")
    assert form["status"] == "published" and form["published_at_0"]
    form["_save"] = "Save"
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context and response.context["errors"]

    article.refresh_from_db()
    assert (article.headline, article.dek) == ("Kept headline", "First dek")
    assert article.is_published and article.published_at == published_at
    assert article.lead_image_id == lead
    assert (
        list(Contributor.objects.filter(bylines__article=article).order_by("bylines__position"))
        == bylines
    )
    assert set(article.tags.names()) == tags
    assert set(article.related_projects.values_list("pk", flat=True)) == projects
    assert set(article.corrections.values_list("pk")) == corrections
    assert versions(article)[0].revision.get_comment().startswith("Restored the content")


def test_opening_the_restore_page_changes_nothing(admin_client, story):
    before = versions(story)[-1]
    page = admin_client.get(revision_url(story, before))
    assert page.status_code == 200
    story.refresh_from_db()
    assert story.headline == "Second headline"
    assert story.bylines.count() == 2 and story.tags.count() == 2


def test_the_seed_story_keeps_its_original_as_its_first_revision(admin_client):
    from django.core.management import call_command

    call_command("loaddata", "seed_story", verbosity=0)
    article = Article.objects.get()
    original_body = article.body
    assert post_change_form(admin_client, article, body="Rewritten.").status_code == 302
    newest, first = versions(article)
    assert first.field_dict["body"] == original_body
    assert first.revision.date_created < newest.revision.date_created
    assert newest.field_dict["body"] == "Rewritten."
    assert post_change_form(admin_client, article, body="Again.").status_code == 302
    assert len(versions(article)) == 3  # kept once, not before every edit


def test_a_story_first_changed_by_a_bulk_action_keeps_its_original(admin_client):
    article = make_story_with_everything(status=Article.Status.DRAFT, headline="From an import")
    another = make_article(status=Article.Status.DRAFT, headline="From the ORM")
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk, another.pk]},
    )
    assert versions(another)[-1].field_dict["status"] == "draft"
    newest, first = versions(article)
    assert first.field_dict["status"] == "draft"
    assert newest.field_dict["status"] == "published"
    assert {"Byline", "Correction", "TaggedArticle"} <= {
        v._model.__name__ for v in first.revision.version_set.all()
    }


def test_restoring_other_words_on_a_live_story_counts_as_an_update(admin_client):
    from datetime import timedelta

    article = make_story_with_everything(headline="Launch headline")
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(days=3), revised_at=None
    )
    assert post_change_form(admin_client, article, headline="Typo fixed").status_code == 302
    # Times are kept to the second: the edit is moved an hour back, so the restore's own
    # time is later whatever second it falls in.
    revised_after_edit = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(revised_at=revised_after_edit)
    article.refresh_from_db()
    first = versions(article)[-1]
    url = revision_url(article, first)
    form = form_values(admin_client.get(url).content.decode(), "article_form")
    form["_save"] = "Save"
    assert admin_client.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Launch headline"
    assert article.revised_at > revised_after_edit


@pytest.mark.parametrize("page", ["history", "compare"])
def test_history_and_compare_cost_the_same_queries_at_one_and_many(admin_client, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(bylines, saves):
        article = make_story_with_everything()
        for _ in range(bylines):
            article.bylines.create(contributor=make_contributor(), position=9)
        for n in range(saves):
            assert post_change_form(admin_client, article, headline=f"Save {n}").status_code == 302
        newest, older = versions(article)[:2]
        if page == "history":
            url = reverse("admin:articles_article_history", args=[article.pk])
            params = {}
        else:
            url = reverse("admin:articles_article_compare", args=[article.pk])
            params = {"a": older.pk, "b": newest.pk}
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url, params).status_code == 200
        return len(captured)

    assert queries(bylines=0, saves=1) == queries(bylines=6, saves=6)


def test_restoring_a_review_brings_back_its_score(admin_client):
    from decimal import Decimal

    from newsroom.testing import make_project

    album = make_project()
    article = make_story_with_everything(reviewed_project=album, rating=Decimal("8.4"))
    assert post_change_form(admin_client, article, headline="Reviewed").status_code == 302
    kept = versions(article)[0]
    assert post_change_form(admin_client, article, rating="6.0").status_code == 302
    url = revision_url(article, kept)
    page = admin_client.get(url)
    rows = {row["label"]: row for row in page.context["restore"]["fields"]}
    assert rows["Score"]["changed"] and rows["Score"]["after"] == "8.4"
    form = form_values(page.content.decode(), "article_form")
    form["_save"] = "Save"
    assert admin_client.post(url, form).status_code == 302
    article.refresh_from_db()
    assert (article.reviewed_project, article.rating) == (album, Decimal("8.4"))
    assert article.is_published
