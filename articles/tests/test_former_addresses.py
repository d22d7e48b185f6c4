"""A story's former addresses (earlier slugs, legacy addresses) lead to where it is now."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, FormerAddress, normalize_address
from newsroom.testing import make_article, post_change_form, sitemap_locations

pytestmark = pytest.mark.django_db

SEED_SLUG = "kanye-west-spike-jonze-collaborate-on-short-film"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed_story", verbosity=0)
    return Article.objects.get(slug=SEED_SLUG)


def sitemap_paths(client):
    return {loc.removeprefix("http://testserver") for loc in sitemap_locations(client)}


def rename(client, article, slug):
    response = post_change_form(client, article, slug=slug)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.slug == slug


def test_a_published_story_renamed_twice_keeps_both_old_addresses_in_one_hop(
    client, admin_client, seeded, page_cache
):
    first = f"/articles/{SEED_SLUG}/"
    # Kept in the page cache under its first address before the renames.
    assert client.get(first).status_code == 200
    rename(admin_client, seeded, "kanye-west-and-spike-jonze-make-a-short-film")
    rename(admin_client, seeded, "kanye-west-spike-jonze-short-film")
    current = "/articles/kanye-west-spike-jonze-short-film/"
    for old in (first, "/articles/kanye-west-and-spike-jonze-make-a-short-film/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == current
        # Kept by browsers and a CDN no longer than a page, not for ever.
        control = response["Cache-Control"]
        assert f"max-age={settings.PAGE_CACHE_BROWSER_SECONDS}" in control
        assert f"s-maxage={settings.PAGE_CACHE_CDN_SECONDS}" in control
    assert client.get(current).status_code == 200
    # The legacy address from the seed keeps working, straight to the current one.
    legacy = client.get("/news/1608065/kanye-west-spike-jonze-collaborate-on-short-film/")
    assert (legacy.status_code, legacy["Location"]) == (301, current)
    articles = {path for path in sitemap_paths(client) if path.startswith("/articles/")}
    assert articles == {current}


def test_an_old_address_keeps_its_query_string_and_answers_head(client):
    article = make_article(slug="before")
    article.slug = "after"
    article.save()
    response = client.get("/articles/before/?utm_source=newsletter")
    assert response["Location"] == "/articles/after/?utm_source=newsletter"
    assert client.head("/articles/before").status_code == 301


def test_a_post_to_an_old_address_is_still_not_found(client):
    make_article().keep_address("/2016/05/some-post/")
    assert client.post("/2016/05/some-post/").status_code == 404


def test_taking_a_former_slug_back_serves_the_story_there(client):
    article = make_article(slug="first")
    for slug in ("second", "first"):
        article.slug = slug
        article.save()
    assert client.get("/articles/first/").status_code == 200
    assert client.get("/articles/second/")["Location"] == "/articles/first/"
    assert list(article.former_addresses.values_list("path", flat=True)) == ["/articles/second/"]


def test_another_story_may_take_a_former_address(client):
    moved = make_article(slug="shared")
    moved.slug = "moved"
    moved.save()
    newcomer = make_article(slug="shared", headline="The newcomer")
    response = client.get("/articles/shared/")
    assert response.status_code == 200
    assert "The newcomer" in response.content.decode()
    assert not FormerAddress.objects.filter(path="/articles/shared/").exists()
    assert newcomer.former_addresses.count() == 0


def test_old_addresses_of_drafts_and_unpublished_stories_are_not_found(client):
    draft = make_article(slug="draft-before", status=Article.Status.DRAFT)
    draft.slug = "draft-after"
    draft.save()
    assert client.get("/articles/draft-before/").status_code == 404
    assert not FormerAddress.objects.exists()

    live = make_article(slug="live-before")
    live.slug = "live-after"
    live.save()
    live.status = Article.Status.DRAFT
    live.save()
    assert client.get("/articles/live-before/").status_code == 404
    scheduled = make_article(published_at=timezone.now() + timezone.timedelta(days=1))
    scheduled.keep_address("/soon-old/")
    assert client.get("/soon-old/").status_code == 404


def test_a_deleted_story_takes_its_old_addresses_with_it(client):
    article = make_article(slug="before")
    article.slug = "after"
    article.save()
    article.delete()
    assert client.get("/articles/before/").status_code == 404
    assert not FormerAddress.objects.exists()


def test_saving_other_fields_keeps_no_address(client):
    article = make_article(slug="steady")
    article.headline = "A new headline"
    article.save()
    article.save(update_fields=["status"])
    assert not FormerAddress.objects.exists()


@pytest.mark.parametrize(
    "kept, asked",
    [
        ("2016/05/some-post", "/2016/05/some-post/"),
        ("/2016/05/some-post/", "/2016/05/some-post"),
        ("https://old.example.com/2016/05/some-post/", "/2016/05/some-post/"),
        ("/2016/05/beyonc%C3%A9-live/", "/2016/05/beyoncé-live/"),
        ("/archives/123", "/archives/123/"),
    ],
)
def test_keep_address_leads_an_old_site_address_to_the_story(client, kept, asked):
    article = make_article()
    article.keep_address(kept)
    response = client.get(asked)
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_an_address_kept_with_its_query_string_answers_that_query_alone(client):
    article = make_article(slug="imported")
    other = make_article(slug="other")
    article.keep_address("/?p=123")
    other.keep_address("/archives/")
    assert client.get("/archives/?p=123")["Location"] == other.get_absolute_url() + "?p=123"
    # The home page answers "/?p=…" itself; whoever serves it finds the story this way.
    assert normalize_address("/?p=123") == "/?p=123"
    assert Article.objects.published().formerly_at("/?p=123").get() == article


def test_an_address_kept_by_another_story_moves_to_the_new_one(client):
    first, second = make_article(), make_article()
    first.keep_address("/news/1/old/")
    second.keep_address("/news/1/old")
    assert client.get("/news/1/old/")["Location"] == second.get_absolute_url()
    assert FormerAddress.objects.count() == 1


def test_keep_address_ignores_the_story_s_own_address_and_refuses_a_huge_one():
    article = make_article(slug="here")
    assert article.keep_address("/articles/here") is None
    with pytest.raises(ValueError):
        article.keep_address("/" + "x" * 600)
    assert not FormerAddress.objects.exists()


def test_a_new_legacy_address_leads_to_the_story_and_so_does_the_old_one(client, admin_client):
    article = make_article(legacy_path="/news/1/first/")
    response = post_change_form(admin_client, article, legacy_path="/news/1/second/")
    assert response.status_code == 302
    for old in ("/news/1/first/", "/news/1/second"):
        assert client.get(old)["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("renames", [1, 6])
def test_an_old_address_costs_the_same_queries_however_often_the_story_moved(
    client, renames, django_assert_num_queries
):
    article = make_article(slug="move-0")
    for n in range(1, renames + 1):
        article.slug = f"move-{n}"
        article.save()
    # The article page's look-ups of the missing slug (its snapshot, then the story), then the
    # former address.
    with django_assert_num_queries(3):
        response = client.get("/articles/move-0/")
    assert response["Location"] == f"/articles/move-{renames}/"
