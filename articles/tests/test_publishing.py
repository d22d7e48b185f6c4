"""States (draft, in review, scheduled, live) and the publishing actions in the article list."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


def act(client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(reverse(CHANGELIST), data)


def future(hours=24):
    return timezone.now() + timedelta(hours=hours)


def test_states_and_their_labels():
    draft = make_article(status=Article.Status.DRAFT)
    review = make_article(status=Article.Status.IN_REVIEW)
    scheduled = make_article(published_at=future())
    live = make_article()
    assert [a.state for a in (draft, review, scheduled, live)] == [
        "draft",
        "in_review",
        "scheduled",
        "live",
    ]
    assert scheduled.state_label.startswith("Scheduled: goes live ")
    assert live.state_label == "Live"
    assert list(Article.objects.in_state("scheduled")) == [scheduled]
    assert list(Article.objects.published()) == [live]


def test_the_list_shows_and_filters_scheduled_articles(admin_client):
    make_article(headline="Out now")
    make_article(headline="Coming soon", published_at=future())
    page = admin_client.get(reverse(CHANGELIST), {"state": "scheduled"}).content.decode()
    assert "Coming soon" in page and "Out now" not in page
    assert "Scheduled: goes live" in page


def test_the_change_page_says_when_a_scheduled_article_goes_live(admin_client):
    article = make_article(published_at=future())
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    expected = timezone.localtime(article.published_at).strftime("%A %-d %B %Y, %H:%M")
    assert f"Scheduled: goes live {expected}" in page.content.decode()


def test_publish_now_publishes_now_whatever_time_was_there(admin_client, client):
    draft_with_future_time = make_article(status=Article.Status.DRAFT, published_at=future(48))
    scheduled = make_article(published_at=future())
    live = make_article(published_at=timezone.now() - timedelta(days=3))
    before = timezone.now()
    response = act(admin_client, "publish_now", [draft_with_future_time, scheduled, live])
    assert response.status_code == 302
    for article in (draft_with_future_time, scheduled):
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert before.replace(microsecond=0) <= article.published_at <= timezone.now()
        assert client.get(article.get_absolute_url()).status_code == 200
    old = live.published_at
    live.refresh_from_db()
    assert live.published_at == old
    message = list(admin_client.get(reverse(CHANGELIST)).context["messages"])[0].message
    assert message == "Published 2 article(s) now. 1 already live left as they were."
    assert LogEntry.objects.filter(object_id=str(scheduled.pk), change_message="Published now.")


def test_schedule_asks_for_a_time_then_schedules(admin_client, client):
    article = make_article(status=Article.Status.DRAFT)
    page = act(admin_client, "schedule", [article])
    assert page.status_code == 200
    assert "Go live at" in page.content.decode()
    when = timezone.localtime(future(5)).replace(second=0, microsecond=0)
    response = act(
        admin_client,
        "schedule",
        [article],
        apply="1",
        publish_at_0=when.strftime("%Y-%m-%d"),
        publish_at_1=when.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "scheduled"
    assert article.published_at == when
    # Readers see it at that time, by the one query-time rule, with nothing to run.
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_schedule_refuses_a_time_in_the_past_and_keeps_the_selection(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    past = timezone.localtime() - timedelta(days=1)
    page = act(
        admin_client,
        "schedule",
        [article],
        apply="1",
        publish_at_0=past.strftime("%Y-%m-%d"),
        publish_at_1="10:00:00",
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pick a time in the future" in html
    assert f'name="_selected_action" value="{article.pk}"' in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_send_back_to_draft_keeps_the_note_in_the_history(admin_client, client):
    article = make_article()
    act(admin_client, "back_to_draft", [article], apply="1", note="Check the quote in par. 3")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.change_message == "Sent back to draft: Check the quote in par. 3"


def test_submit_for_review(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    act(admin_client, "submit_for_review", [article])
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


@pytest.fixture
def writer_client(client):
    user = User.objects.create_user("writer", password="x", is_staff=True)
    for codename in (
        "add_article",
        "change_article",
        "view_article",
        "add_byline",
        "change_byline",
    ):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


def test_without_the_publish_permission_an_article_cannot_be_published(writer_client):
    response = writer_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            headline="Mine", status="published", published_at_0="2020-01-01", published_at_1="10:00"
        ),
    )
    assert response.status_code == 200
    assert "Only editors can publish or schedule an article" in response.content.decode()
    assert not Article.objects.exists()
    response = writer_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(headline="Mine", status="in_review"),
    )
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_without_the_publish_permission_the_actions_do_nothing(writer_client):
    draft = make_article(status=Article.Status.DRAFT)
    live = make_article()
    page = writer_client.get(reverse(CHANGELIST)).content.decode()
    assert "publish_now" not in page and "back_to_draft" not in page
    act(writer_client, "publish_now", [draft])
    act(writer_client, "back_to_draft", [live], apply="1")
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert live.status == Article.Status.PUBLISHED
