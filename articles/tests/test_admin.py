import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from newsroom.testing import make_article, make_artist

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed_story", verbosity=0)


def registered_models():
    return [
        m
        for m in admin.site._registry
        if m._meta.app_label
        in {
            "articles",
            "people",
            "projects",
            "taggit",
            "auth",
        }
    ]


def test_every_admin_page_loads_for_a_superuser(admin_client, seeded):
    for model in registered_models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert admin_client.get(add).status_code == 200, add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change


def article_form_data(**overrides):
    data = {
        "headline": "A new story",
        "slug": "a-new-story",
        "dek": "",
        "body": "Plain body.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "source": "",
        "legacy_path": "",
        "tags": "",
        "edited_version": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def add_article(client, **overrides):
    return client.post(reverse("admin:articles_article_add"), article_form_data(**overrides))


def test_admin_saves_a_valid_article_and_derives_artists(admin_client):
    artist = make_artist(external_id=1230523, name="Kanye West")
    response = add_article(admin_client, body='Hi [artist id="1230523"]Kanye West[/artist].')
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert list(article.artists.all()) == [artist]


def test_admin_refuses_unknown_artist_id_and_saves_nothing(admin_client):
    make_artist(name="Kanye West", external_id=1230523)
    response = add_article(
        admin_client, body='Hi.\n\nThen [artist id="999"]Kanye Wset[/artist] again.'
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 3, column 6" in html
    assert "matches no artist" in html
    assert "999" in html
    assert "Did you mean Kanye West?" in html
    # What the editor typed is kept in the form.
    assert "Kanye Wset" in html
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ('[artist id="abc"]X[/artist]', "id must be a number"),
        ('[artist id="1"]X', "Unclosed"),
        ("[artist]X[/artist]", "[artist] needs an id"),
    ],
)
def test_admin_refuses_malformed_artist_shortcodes(admin_client, body, message):
    make_artist(external_id=1)
    response = add_article(admin_client, body=body)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_admin_refuses_a_save_over_a_newer_edit(admin_client):
    article = make_article(body="Original.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    stale = article.updated_at.isoformat()
    article.body = "Someone else's edit."
    article.save()
    response = admin_client.post(
        url,
        article_form_data(
            headline=article.headline, slug=article.slug, body="My edit.", edited_version=stale
        ),
    )
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Someone else's edit."


def test_changelist_query_count_is_flat(admin_client, django_assert_max_num_queries):
    for _ in range(30):
        make_article()
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:articles_article_changelist"))


def test_change_page_query_count_does_not_grow_with_bylines(
    admin_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Byline
    from newsroom.testing import make_contributor

    article = make_article(contributors=[make_contributor()])
    url = reverse("admin:articles_article_change", args=[article.pk])
    # A first request warms the process-wide caches (content types) so both counts compare alike.
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for position in range(1, 8):
        Byline.objects.create(article=article, contributor=make_contributor(), position=position)
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert response.content.decode().count("selected>Writer ") == 8


def test_change_page_shows_the_byline_contributor(admin_client):
    from newsroom.testing import make_contributor

    contributor = make_contributor(name="Jocelyn Vena")
    article = make_article(contributors=[contributor])
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    row = html.decode()[html.decode().index('<select name="bylines-0-contributor"') :]
    row = row[: row.index("</select>")]
    assert f'<option value="{contributor.pk}" selected>Jocelyn Vena</option>' in row
    assert "admin-autocomplete" in row
