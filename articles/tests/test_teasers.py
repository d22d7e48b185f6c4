"""Teasers kept between pages: each edit to what a teaser shows appears at the next view of
every list showing it, with the page cache off, and only the edited story's teaser is rendered
again."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from articles.teasers import with_teasers
from newsroom import tagcache
from newsroom.testing import make_article, make_artist, make_contributor, make_image

pytestmark = pytest.mark.django_db


def mention(artist):
    return f'[artist id="{artist.external_id}"]{artist.name}[/artist]'


def lists_showing(article, artist, tag):
    return ["/", artist.get_absolute_url(), reverse("articles:tag", args=[tag.slug])]


@pytest.fixture
def story():
    artist = make_artist(name="Kanye West")
    writer = make_contributor(name="Jayson Rodriguez")
    article = make_article(
        headline="A short film", body=mention(artist), contributors=[writer], tags=["Short films"]
    )
    return article, artist, writer, article.tags.get()


def test_a_headline_edit_shows_on_every_list(client, story):
    article, artist, _, tag = story
    urls = lists_showing(article, artist, tag)
    for url in urls:
        assert "A short film" in client.get(url).content.decode()
    article.headline = "A short film, finished"
    article.save()
    for url in urls:
        assert "A short film, finished" in client.get(url).content.decode(), url


def test_a_contributor_rename_and_a_new_byline_show(client, story):
    article, artist, writer, tag = story
    urls = lists_showing(article, artist, tag)
    for url in urls:
        client.get(url)
    writer.name = "J. Rodriguez"
    writer.save()
    for url in urls:
        assert "By J. Rodriguez" in client.get(url).content.decode(), url
    Byline.objects.create(
        article=article, contributor=make_contributor(name="MTV News"), position=1
    )
    for url in urls:
        assert "By J. Rodriguez and MTV News" in client.get(url).content.decode(), url


def test_a_new_lead_image_shows(client, story):
    article, *_ = story
    assert 'class="teaser-image"' not in client.get("/").content.decode()
    article.lead_image = make_image(alt_text="On set")
    article.save()
    assert 'class="teaser-image"' in client.get("/").content.decode()


def test_an_unpublished_story_leaves_every_list(client, story):
    article, artist, _, tag = story
    client.get("/")
    article.status = Article.Status.DRAFT
    article.save()
    assert "A short film" not in client.get("/").content.decode()
    assert "A short film" not in client.get(artist.get_absolute_url()).content.decode()


def byline_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if 'FROM "articles_byline"' in q["sql"]]


def test_only_the_edited_story_is_rendered_again(client):
    stories = [make_article(contributors=[make_contributor()]) for _ in range(5)]
    assert len(byline_queries(client, "/")) == 1  # all five rendered, bylines in one query
    assert byline_queries(client, "/") == []  # all five kept
    stories[2].headline = "Changed"
    stories[2].save()
    (query,) = byline_queries(client, "/")
    # Only the changed story's bylines are loaded.
    assert f"IN ({stories[2].pk})" in query


@pytest.mark.parametrize("count", [1, 20])
def test_a_list_of_kept_teasers_costs_one_query_however_long(
    client, count, django_assert_num_queries
):
    for _ in range(count):
        make_article(contributors=[make_contributor()], lead_image=make_image())
    client.get("/")
    # The page's ids (the count is kept too); no story, no bylines, no images.
    with django_assert_num_queries(1):
        client.get("/")


def test_the_front_pages_lead_story_has_its_own_shape(client):
    make_article(headline="Older", lead_image=make_image())
    make_article(headline="Newest", lead_image=make_image())
    page = client.get("/").content.decode()
    lead, rest = page.split('<div class="lead-story">', 1)[1].split("</div>", 1)
    assert "Newest" in lead and 'class="teaser-image"' in lead
    assert "Older" in rest and 'class="teaser-thumb"' in rest
    # Page 2 has no lead story: the same story there is a plain teaser.
    assert (
        'class="teaser-thumb"' in with_teasers(Article.objects.filter(headline="Newest"))[0].teaser
    )


def test_a_teaser_rendered_from_a_story_purged_meanwhile_is_not_kept():
    article = make_article(headline="Before")
    with tagcache.recording():
        loaded = list(Article.objects.for_teasers().filter(pk=article.pk))
        # Saved by another process after this page loaded the story, before its teaser is kept.
        Article.objects.filter(pk=article.pk).update(headline="After")
        tagcache.purge([tagcache.tag(article)])
        assert "Before" in with_teasers(loaded)[0].teaser
    fresh = with_teasers(Article.objects.for_teasers().filter(pk=article.pk))
    assert "After" in fresh[0].teaser


def test_teaser_text_is_escaped(client):
    make_article(headline="<script>alert(1)</script>", dek="<b>dek</b>")
    page = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;dek&lt;/b&gt;" in page


def save_while_the_page_renders(monkeypatch, article, headline):
    """Another process saves `article` after the view has read the stories it lists and before
    their teasers are kept: while the first teaser is rendered."""
    import articles.teasers as teasers

    original, done = teasers.render_to_string, []

    def racing(*args, **kwargs):
        if not done:
            done.append(True)
            Article.objects.filter(pk=article.pk).update(headline=headline)
            tagcache.purge([tagcache.tag(article)])
        return original(*args, **kwargs)

    monkeypatch.setattr(teasers, "render_to_string", racing)


def test_a_story_saved_while_related_stories_render_is_not_kept_stale(client, monkeypatch):
    writer = make_contributor(name="Writer")
    main = make_article(tags=["Shared"])
    other = make_article(headline="Old headline", tags=["Shared"], contributors=[writer])
    save_while_the_page_renders(monkeypatch, other, "New headline")
    assert "Old headline" in client.get(main.get_absolute_url()).content.decode()
    monkeypatch.undo()
    # The same level-3 teaser on the writer's page: the saved headline.
    assert "New headline" in client.get(writer.get_absolute_url()).content.decode()


def test_a_related_story_saved_after_it_is_loaded_is_not_kept_stale(client, monkeypatch):
    """Another process saves a related story after the page's query loaded it, before its
    teaser is rendered and kept."""
    from articles.models import ArticleQuerySet

    main = make_article(tags=["Shared"])
    other = make_article(headline="Old headline", tags=["Shared"])
    original = ArticleQuerySet.related

    def racing(self, article, count):
        ids, found = original(self, article, count)
        Article.objects.filter(pk=other.pk).update(headline="New headline")
        tagcache.purge([tagcache.tag(other)])
        return ids, found

    monkeypatch.setattr(ArticleQuerySet, "related", racing)
    assert "Old headline" in client.get(main.get_absolute_url()).content.decode()
    monkeypatch.undo()
    assert "New headline" in client.get(main.get_absolute_url()).content.decode()


def test_a_story_saved_while_search_renders_is_not_kept_stale(client, monkeypatch):
    other = make_article(headline="Old falsetto headline")
    save_while_the_page_renders(monkeypatch, other, "New falsetto headline")
    client.get("/search/", {"q": "falsetto"})
    monkeypatch.undo()
    assert "New falsetto headline" in client.get("/search/", {"q": "falsetto"}).content.decode()


def test_a_photo_that_cannot_be_read_once_is_not_kept_missing(client):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from images import renditions

    image = make_image()
    make_article(headline="With photo", lead_image=image)
    original = default_storage.open(image.file.name).read()
    default_storage.delete(image.file.name)  # the storage fails to give it, for a moment
    assert 'class="teaser-image"' not in client.get("/").content.decode()
    default_storage.save(image.file.name, ContentFile(original))
    renditions.forget_known()
    assert 'class="teaser-image"' in client.get("/").content.decode()


def test_a_list_loads_only_the_stories_whose_teaser_is_not_kept(django_assert_num_queries):
    from articles.teasers import Kept

    newest, middle, oldest = (
        make_article(headline=name, published_at=when)
        for name, when in (
            ("Newest", timezone.now() - timedelta(hours=1)),
            ("Middle", timezone.now() - timedelta(hours=2)),
            ("Oldest", timezone.now() - timedelta(hours=3)),
        )
    )
    with_teasers(Article.objects.published().for_teasers())
    middle.headline = "Middle, changed"
    middle.save()
    # The ids; the story whose teaser went; its bylines.
    with django_assert_num_queries(3):
        listed = with_teasers(Article.objects.published().for_teasers())
    assert [item.pk for item in listed] == [newest.pk, middle.pk, oldest.pk]
    assert [type(item) for item in listed] == [Kept, Article, Kept]
    assert "Middle, changed" in listed[1].teaser and "Newest" in listed[0].teaser
    with django_assert_num_queries(1):
        listed = with_teasers(Article.objects.published().for_teasers())
    assert all(isinstance(item, Kept) for item in listed)
    assert "Middle, changed" in listed[1].teaser


@pytest.mark.parametrize("change", ["delete", "unpublish"])
def test_a_story_gone_between_reading_ids_and_loading_it_is_left_out(monkeypatch, change):
    first, second = make_article(headline="Stays"), make_article(headline="Goes")
    queryset = Article.objects.published().for_teasers()[:20]
    real_fetch_many = tagcache.fetch_many

    def fetch_then_delete(keys, **kwargs):
        found = real_fetch_many(keys, **kwargs)
        gone = Article.objects.filter(pk=second.pk)
        gone.delete() if change == "delete" else gone.update(status=Article.Status.DRAFT)
        return found

    monkeypatch.setattr(tagcache, "fetch_many", fetch_then_delete)
    listed = with_teasers(queryset)
    assert [item.pk for item in listed] == [first.pk]
