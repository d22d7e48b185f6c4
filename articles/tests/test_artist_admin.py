import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article
from newsroom.testing import make_article, make_artist
from people.models import Artist

pytestmark = pytest.mark.django_db


def test_deleting_an_artist_mentioned_by_a_published_article_is_refused(admin_client):
    artist = make_artist(external_id=1)
    make_article(headline="Big story", body='[artist id="1"]K[/artist]')
    url = reverse("admin:people_artist_delete", args=[artist.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert "Big story" in html
    assert "merge this artist" in html
    response = admin_client.post(url, {"post": "yes"})
    assert Artist.objects.filter(pk=artist.pk).exists()


def test_bulk_delete_is_refused_too(admin_client):
    artist = make_artist(external_id=1)
    make_article(body='[artist id="1"]K[/artist]')
    admin_client.post(
        reverse("admin:people_artist_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [artist.pk], "post": "yes"},
    )
    assert Artist.objects.filter(pk=artist.pk).exists()


def test_an_artist_only_drafts_mention_can_be_deleted(admin_client):
    artist = make_artist(external_id=1)
    make_article(status=Article.Status.DRAFT, body='[artist id="1"]K[/artist]')
    admin_client.post(reverse("admin:people_artist_delete", args=[artist.pk]), {"post": "yes"})
    assert not Artist.objects.filter(pk=artist.pk).exists()


def test_merge_action_asks_then_merges(admin_client):
    keep = make_artist(name="Kanye West", external_id=1230523)
    dupe = make_artist(name="Kanye W.", external_id=5)
    article = make_article(body='[artist id="5"]Ye[/artist]')
    changelist = reverse("admin:people_artist_changelist")
    selected = {"action": "merge_artists", ACTION_CHECKBOX_NAME: [keep.pk, dupe.pk]}
    response = admin_client.post(changelist, selected)
    assert response.status_code == 200
    assert "Keep this artist" in response.content.decode()
    response = admin_client.post(changelist, {**selected, "apply": "1", "target": keep.pk})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == '[artist id="1230523"]Ye[/artist]'
    assert list(Artist.objects.all()) == [keep]


def test_merge_needs_two_artists(admin_client):
    artist = make_artist()
    response = admin_client.post(
        reverse("admin:people_artist_changelist"),
        {"action": "merge_artists", ACTION_CHECKBOX_NAME: [artist.pk]},
        follow=True,
    )
    assert "Select at least two artists" in response.content.decode()


def test_artist_changelist_query_count_is_flat(admin_client, django_assert_max_num_queries):
    for _ in range(25):
        make_artist()
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:people_artist_changelist"))
    assert response.status_code == 200


def test_merge_needs_permission_to_change_articles_and_credits(client):
    from django.contrib.auth.models import Permission, User

    keep = make_artist(external_id=1)
    dupe = make_artist(external_id=2)
    user = User.objects.create_user("deleter", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_artist", "change_artist", "delete_artist"])
    )
    client.force_login(user)
    changelist = reverse("admin:people_artist_changelist")
    assert "merge_artists" not in client.get(changelist).content.decode()
    client.post(
        changelist,
        {
            "action": "merge_artists",
            ACTION_CHECKBOX_NAME: [keep.pk, dupe.pk],
            "apply": "1",
            "target": keep.pk,
        },
    )
    assert Artist.objects.count() == 2


def test_the_lists_of_artists_and_contributors_count_their_stories(admin_client):
    import re

    from newsroom.testing import make_contributor

    artist, writer = make_artist(name="Counted Artist"), make_contributor(name="Counted Writer")
    mention = f'[artist id="{artist.external_id}"]x[/artist]'
    for _ in range(3):
        make_article(body=mention, contributors=[writer])
    for url, name in (
        (reverse("admin:people_artist_changelist"), "Counted Artist"),
        (reverse("admin:people_contributor_changelist"), "Counted Writer"),
    ):
        html = admin_client.get(url).content.decode()
        row = html[html.index(name) :]
        row = row[: row.index("</tr>")]
        assert re.search(r'<td class="field-(mention|article)_count">3</td>', row), row
