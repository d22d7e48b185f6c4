import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom import tagcache
from newsroom.testing import make_article, make_artist, make_contributor

pytestmark = pytest.mark.django_db


def page(client, article):
    return client.get(reverse("articles:detail", kwargs={"slug": article.slug}))


def test_home_lists_published_articles_newest_first(client):
    older = make_article(headline="Older", published_at=timezone.now() - timezone.timedelta(days=2))
    newer = make_article(headline="Newer")
    make_article(headline="Secret draft", status=Article.Status.DRAFT)
    make_article(headline="Tomorrow", published_at=timezone.now() + timezone.timedelta(days=1))
    html = client.get("/").content.decode()
    assert html.index(newer.headline) < html.index(older.headline)
    assert newer.get_absolute_url() in html
    assert "Secret draft" not in html
    assert "Tomorrow" not in html


def test_draft_is_not_public(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert page(client, draft).status_code == 404


def test_future_article_is_not_public(client):
    future = make_article(published_at=timezone.now() + timezone.timedelta(hours=1))
    assert page(client, future).status_code == 404


def test_staff_with_change_permission_can_preview_a_draft(client):
    draft = make_article(status=Article.Status.DRAFT, headline="Work in progress")
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    response = page(client, draft)
    assert response.status_code == 200
    assert "Preview: this article is not public." in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_staff_without_permission_cannot_preview(client):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(User.objects.create_user("intern", password="pw", is_staff=True))
    assert page(client, draft).status_code == 404


def test_unknown_artist_id_renders_text_without_link(client):
    article = make_article(body='Hello [artist id="424242"]Nobody Known[/artist] there.')
    html = page(client, article).content.decode()
    assert "Hello Nobody Known there." in html
    assert "artist-link" not in html


def test_script_in_body_is_escaped(client):
    article = make_article(body='<script>alert("x")</script> and <b onclick="x()">bold</b>')
    html = page(client, article).content.decode()
    assert "<script>alert" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "<b onclick" not in html


def test_paragraphs_and_line_breaks(client):
    article = make_article(body="First paragraph.\n\nSecond one\nwith a break.\n\n\n\nThird.")
    html = page(client, article).content.decode()
    assert "<p>First paragraph.</p>" in html
    assert "<p>Second one<br>\nwith a break.</p>" in html
    assert "<p>Third.</p>" in html


def test_self_closing_artist_shows_the_artist_name(client):
    artist = make_artist(name="Spike Jonze", external_id=77)
    article = make_article(body='Directed by [artist id="77" /].')
    html = page(client, article).content.decode()
    assert (
        f'href="{artist.get_absolute_url()}" aria-describedby="mention-1">Spike Jonze</a>' in html
    )


def test_byline_links_to_contributors(client):
    writer = make_contributor(name="Ann Writer", slug="ann-writer")
    article = make_article(contributors=[writer])
    html = page(client, article).content.decode()
    assert 'href="/contributors/ann-writer/"' in html


def _body_with_artists(count):
    artists = [make_artist(name=f"Singer {i}") for i in range(count)]
    return " ".join(f'[artist id="{a.external_id}"]{a.name}[/artist]' for a in artists)


@pytest.mark.parametrize("count", [1, 25])
def test_article_page_queries_do_not_grow_with_artist_tags(
    client, count, django_assert_num_queries
):
    article = make_article(body=_body_with_artists(count), contributors=[make_contributor()])
    # An empty cache: the story's snapshot (it has none); the article; its bylines, tags,
    # corrections, related projects and artists
    # with what their cards show (artists, credits, disciplines), which the body's links and the
    # profile cards are built from; the related stories' ids (there are none); the time the
    # next scheduled story goes live.
    with django_assert_num_queries(11):
        response = page(client, article)
    assert response.content.decode().count('class="artist-link"') == count


def test_cached_body_is_not_parsed_again(client, django_assert_num_queries):
    article = make_article(body=_body_with_artists(3))
    page(client, article)
    # No query (no related article to load): the article, its body, the cards, the related
    # ids and the bylines, tags, corrections, artists and related projects come from the cache.
    with django_assert_num_queries(0):
        page(client, article)


def test_a_cached_page_view_does_not_parse_the_body(client, monkeypatch):
    article = make_article(body=_body_with_artists(3))
    first = page(client, article).content

    def refuse(*args, **kwargs):
        raise AssertionError("the body was parsed again")

    monkeypatch.setattr("articles.rendering.shortcodes.parse", refuse)
    assert page(client, article).content == first


def test_artist_change_refreshes_cached_cards(client):
    artist = make_artist(name="Old Name")
    article = make_article(body=f'[artist id="{artist.external_id}" /]')
    assert "Old Name" in page(client, article).content.decode()
    artist.name = "New Name"
    artist.save()
    assert "New Name" in page(client, article).content.decode()


def test_kept_page_relations_follow_every_edit(client):
    """Tags, corrections, artists and related projects are kept between views (the page cache
    is off here); each edit shows at the next view."""
    from articles.models import Correction
    from newsroom.testing import make_project

    article = make_article(tags=["Short films"])
    other = make_article(tags=["Short films"])
    page(client, other)
    assert "Short films" in page(client, article).content.decode()

    Correction.objects.create(article=article, text="The film runs 12 minutes.")
    assert "The film runs 12 minutes." in page(client, article).content.decode()

    article.tags.add("Music videos")
    assert "Music videos" in page(client, article).content.decode()
    tag = article.tags.get(name="Short films")
    tag.name = "Short film"
    tag.save()
    assert ">Short film<" in page(client, article).content.decode()
    assert ">Short film<" in page(client, other).content.decode()

    project = make_project(title="Where the Wild Things Are")
    article.related_projects.add(project)
    assert "Where the Wild Things Are" in page(client, article).content.decode()
    project.title = "Where the Wild Things Are (2009)"
    project.save()
    assert "Where the Wild Things Are (2009)" in page(client, article).content.decode()

    artist = make_artist(name="Spike Jonze")
    article.body = f'[artist id="{artist.external_id}"]Spike Jonze[/artist] directs.'
    article.save()
    assert "Artists in this story" in page(client, article).content.decode()
    article.tags.remove(tag)
    assert ">Short film<" not in page(client, article).content.decode()

    from articles.models import Byline

    writer = make_contributor(name="Jayson Rodriguez")
    Byline.objects.create(article=article, contributor=writer)
    assert ">Jayson Rodriguez</a>" in page(client, article).content.decode()
    writer.name = "J. Rodriguez"
    writer.save()
    assert ">J. Rodriguez</a>" in page(client, article).content.decode()
    Byline.objects.filter(article=article).delete()
    assert "J. Rodriguez" not in page(client, article).content.decode()


def test_kept_page_relations_do_not_carry_the_article(client):
    """Corrections point back at their article; what is kept for the page leaves it out, so a
    long body is not copied into the entry, and a hit still finds the article through them."""
    import pickle

    from django.core.cache import cache

    from articles.models import Correction

    article = make_article(body="A long paragraph. " * 10_000)
    Correction.objects.create(article=article, text="A fix.")
    first = page(client, article).content
    entry = cache.get(Article.PAGE_RELATIONS_KEY.format(schema=tagcache.schema(), pk=article.pk))
    assert entry is not None and len(pickle.dumps(entry)) < 10_000
    assert page(client, article).content == first
    article.load_page_relations()
    assert article.corrections.all()[0].article is article


@pytest.mark.parametrize("kept", [False, True])
def test_kept_page_relations_narrowed_further_are_this_articles(kept, django_assert_num_queries):
    """Relations put back from the cache behave as prefetched ones: read as they are without a
    query, and narrowed with a filter to this article's records alone."""
    from articles.models import Byline, Correction

    first, second = make_contributor(name="First Writer"), make_contributor(name="Second Writer")
    article = make_article(tags=["Short films", "Music videos"], contributors=[first, second])
    Correction.objects.create(article=article, text="A fix.")
    other = make_article(tags=["Short films", "Music videos"], contributors=[first, second])
    Correction.objects.create(article=other, text="Another fix.")
    if kept:
        Article.objects.get(pk=article.pk).load_page_relations()
    article = Article.objects.get(pk=article.pk)
    article.load_page_relations()
    with django_assert_num_queries(0):
        assert [b.contributor.name for b in article.bylines.all()] == [
            "First Writer",
            "Second Writer",
        ]
        assert sorted(t.name for t in article.tags.all()) == ["Music videos", "Short films"]
    assert list(article.tags.filter(name="Short films")) == list(
        other.tags.filter(name="Short films")
    )
    assert article.tags.filter(name="Short films").get().name == "Short films"
    assert list(article.bylines.filter(contributor=first)) == list(
        Byline.objects.filter(article=article, contributor=first)
    )
    assert [c.text for c in article.corrections.filter(text__startswith="A")] == ["A fix."]
    assert article.corrections.count() == 1


def test_kept_article_follows_every_edit_and_state(client, django_assert_num_queries):
    """The published article is kept between views (the page cache is off here): a save, a
    new slug, a change to its lead image, unpublishing and deleting each show at the next
    view, and an article that goes live by the clock is found when its time comes."""
    from newsroom.testing import make_image

    photo = make_image(alt_text="Spike Jonze on set")
    article = make_article(headline="Short film", lead_image=photo)
    assert page(client, article).status_code == 200
    with django_assert_num_queries(0):
        assert "Short film" in page(client, article).content.decode()

    article.headline = "Short film, long takes"
    article.save()
    assert "Short film, long takes" in page(client, article).content.decode()

    photo.alt_text = "Spike Jonze and Kanye West on set"
    photo.save()
    assert "Spike Jonze and Kanye West on set" in page(client, article).content.decode()

    old_slug = article.slug
    article.slug = "short-film-long-takes"
    article.save()
    assert client.get(f"/articles/{old_slug}/")["Location"] == "/articles/short-film-long-takes/"
    assert page(client, article).status_code == 200

    article.status = Article.Status.DRAFT
    article.save()
    assert page(client, article).status_code == 404

    later = make_article(published_at=timezone.now() + timezone.timedelta(hours=1))
    assert page(client, later).status_code == 404
    # Its time comes with no save: nothing was kept while it was not live.
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now())
    assert page(client, later).status_code == 200
    later.delete()
    assert page(client, later).status_code == 404


def test_kept_article_leaves_out_what_no_page_shows(client):
    article = make_article(body="A paragraph about the film.")
    page(client, article)
    kept = Article.live(article.slug)
    assert kept == article and "body_text" in kept.get_deferred_fields()
    assert kept.body == "A paragraph about the film."


def test_staff_preview_reads_the_article_as_it_stands(client):
    article = make_article(headline="Live headline")
    page(client, article)  # kept for readers
    Article.objects.filter(pk=article.pk).update(headline="Typed since, not saved by the admin")
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    assert "Typed since, not saved by the admin" in page(client, article).content.decode()


def test_kept_subjects_follow_every_edit(client, django_assert_num_queries):
    """Artist, project, contributor and tag pages keep their subject, with what they show of
    it, between views (the page cache is off here); each edit shows at the next view."""
    from taggit.models import Tag

    from newsroom.testing import make_project
    from people.models import Discipline
    from projects.models import Credit, ProjectRelation

    def get(url):
        response = client.get(url)
        return response.status_code, response.content.decode()

    artist = make_artist(name="Spike Jonze", summary="Director.")
    project = make_project(title="Where the Wild Things Are")
    make_article(body=f'[artist id="{artist.external_id}"]Spike Jonze[/artist] directs.')
    artist_url, project_url = artist.get_absolute_url(), project.get_absolute_url()
    get(artist_url)
    with django_assert_num_queries(1):  # its stories alone
        get(artist_url)

    artist.summary = "Director and producer."
    artist.save()
    assert "Director and producer." in get(artist_url)[1]
    artist.disciplines.add(Discipline.objects.create(name="Film director", slug="film-director"))
    assert "Film director" in get(artist_url)[1]
    Credit.objects.create(project=project, artist=artist, role=Credit.Role.DIRECTOR)
    assert "Where the Wild Things Are" in get(artist_url)[1]
    get(project_url)
    project.title = "Where the Wild Things Are (2009)"
    project.save()
    assert "Where the Wild Things Are (2009)" in get(artist_url)[1]

    assert "Spike Jonze" in get(project_url)[1]
    artist.name = "Spike Jonze, director"
    artist.save()
    assert "Spike Jonze, director" in get(project_url)[1]
    soundtrack = make_project(title="Soundtrack album")
    ProjectRelation.objects.create(source=soundtrack, relation="soundtrack_of", target=project)
    assert "Soundtrack album" in get(project_url)[1]

    writer = make_contributor(name="Jayson Rodriguez")
    make_article(contributors=[writer])
    writer_url = writer.get_absolute_url()
    assert "Jayson Rodriguez" in get(writer_url)[1]
    writer.name = "J. Rodriguez"
    writer.save()
    assert "J. Rodriguez" in get(writer_url)[1]

    tagged = make_article(tags=["Short films"])
    assert get("/tags/short-films/")[0] == 200
    tag = Tag.objects.get(name="Short films")
    tag.name = "Short film"
    tag.save()
    assert "Short film<" in get("/tags/short-films/")[1]
    tagged.status = Article.Status.DRAFT
    tagged.save()
    assert get("/tags/short-films/")[0] == 404
    tagged.status = Article.Status.PUBLISHED
    tagged.save()
    assert get("/tags/short-films/")[0] == 200
