"""manage.py import_wordpress on an export shaped as WordPress writes it (fixtures/site.xml)."""

import html5lib
import pytest
from taggit.models import Tag

from articles.models import Article, Byline
from articles.services import check_body
from images.models import Image
from people.models import Contributor
from wordpress.models import ImportedAuthor, ImportedPost

from .conftest import FIXTURE, run_import

pytestmark = pytest.mark.django_db

STORY = "kanye-west-spike-jonze-collaborate-on-short-film"


def body_text(response) -> str:
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    body = next(el for el in tree.iter("div") if el.get("class") == "article-body")
    return "".join(body.itertext())


@pytest.fixture
def imported(uploads, known_people, capsys):
    out = run_import(capsys=capsys, media_dir=str(uploads))
    return out


def test_every_kind_of_post_maps_to_its_article(imported):
    story = Article.objects.get(slug=STORY)
    assert story.headline == "Kanye West/ Spike Jonze Collaborate On 'Short Film'"
    assert story.dek == (
        "Producer reveals exclusive details on project featuring Kanye’s ‘See You in My "
        "Nightmares.’"
    )
    assert story.status == Article.Status.PUBLISHED
    assert story.published_at.isoformat() == "2009-03-02T17:00:00+00:00"
    assert story.revised_at.isoformat() == "2009-03-02T17:30:00+00:00"
    # A category brings its parent along; tags come as they are.
    assert sorted(story.tags.names()) == ["Hip-Hop & Rap", "Kanye West", "Music"]
    # Co-Authors Plus: both authors in order; the login matching a contributor's slug is reused.
    bylines = [
        b.contributor.name for b in Byline.objects.filter(article=story).order_by("position")
    ]
    assert bylines == ["MTV News", "MTV Music Desk"]
    assert ImportedAuthor.objects.count() == 2
    photo = story.lead_image
    assert (photo.title, photo.alt_text, photo.caption, photo.credit) == (
        "Press photo",
        "A plain test picture",
        "Kanye West and Spike Jonze",
        "Photo: MTV News",
    )
    assert (photo.width, photo.height) == (800, 600)
    assert f'[image id="{photo.pk}" caption="Kanye West and Spike Jonze" /]' in story.body
    assert '[embed url="https://www.youtube.com/watch?v=ila-hAUXR5U" /]' in story.body
    assert '[artist id="1230523"]Kanye West[/artist]' in story.body
    assert [a.slug for a in story.artists.all()] == ["kanye-west"]
    # A link to another imported post goes to its new address, whichever came first.
    assert "[*808s & Heartbreak*](/articles/808s-heartbreak/)" in story.body

    album = Article.objects.get(slug="808s-heartbreak")
    assert album.headline == "808s & Heartbreak"
    assert f"[the short film](/articles/{STORY}/)" in album.body
    assert "## Tracks on the radio" in album.body
    assert '[embed url="https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU" /]' in album.body
    assert '[embed url="https://player.vimeo.com/video/76979871" /]' in album.body
    assert list(album.tags.names()) == ["Music"]

    states = {a.slug: (a.status, a.state) for a in Article.objects.all()}
    assert states["where-the-wild-things-are"] == ("draft", "draft")  # no slug, dated 0000
    assert Article.objects.get(slug="where-the-wild-things-are").published_at is None
    assert states["flashing-lights"] == ("in_review", "in_review")
    assert states["see-you-in-my-nightmares"] == ("published", "scheduled")
    assert states["private-notes"] == ("draft", "draft")
    assert states["behind-a-password"] == ("draft", "draft")
    assert len(states) == 7  # trash, revision, page and menu item skipped
    for line in (
        "Posts: 7 imported, 4 skipped",
        "skipped 1: in the trash",
        "skipped 1: revisions are not imported",
        "skipped 1: pages are imported with --pages",
        "skipped 1: menus are not imported",
        "Photos: 1 imported, 1 skipped",
        "Comments: 1 skipped",
        "skipped 1: comments are not imported",
        "skipped 1: file missing from --media-dir",
        "file missing from --media-dir: 2009/03/missing.jpg",
        "private on WordPress: imported as a draft, never public.",
        "password-protected on WordPress: imported as a draft, never public.",
        "HTML the body format cannot hold was dropped: <script>, <table>.",
        "Shortcodes this site does not know were kept as text: [pullquote].",
        "A link to 'javascript:alert(1)' is not allowed here",
    ):
        assert line in imported
    assert "WordPress post 10 “Kanye West/ Spike Jonze Collaborate On 'Short Film'”" in imported


def test_imported_stories_read_and_edit_like_any_other(imported, client):
    for article in Article.objects.all():
        errors = [p for p in check_body(article.body) if p.severity == "error"]
        assert errors == [], article.slug
    live = list(Article.objects.published())
    assert {a.slug for a in live} == {STORY, "808s-heartbreak"}
    for article in live:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        text = body_text(response)
        assert (
            "<" not in text
            and "[caption" not in text
            and "[/" not in text.replace("[/pullquote]", "")
        )
        assert "[image" not in text and "[embed" not in text and "[artist" not in text
        page = response.content.decode()
        assert "<iframe" not in page and "alert(" not in page and "javascript:" not in page
    story = client.get(f"/articles/{STORY}/").content.decode()
    assert 'href="/articles/808s-heartbreak/"' in story
    assert "embed-" in story  # the privacy-first figure, not a player


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f"/2009/03/02/{STORY}/", f"/articles/{STORY}/"),
        (f"/2009/03/02/{STORY}", f"/articles/{STORY}/"),
        ("/2008/11/24/808s-heartbreak/", "/articles/808s-heartbreak/"),
        ("/?p=10", f"/articles/{STORY}/"),
        ("/?p=11", "/articles/808s-heartbreak/"),
    ],
)
def test_old_addresses_redirect_permanently(imported, client, page_cache, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_old_addresses_of_posts_that_are_not_public_are_not_found(imported, client):
    assert client.get("/?p=12").status_code == 200  # the home page, as for any other query
    assert "where-the-wild-things-are" not in client.get("/?p=12").get("Location", "")
    assert client.get("/2009/03/02/private-notes/").status_code == 404
    assert client.get("/2099/01/01/see-you-in-my-nightmares/").status_code == 404


def test_importing_again_changes_nothing(imported, uploads, capsys):
    def state():
        return (
            list(Article.objects.order_by("pk").values_list("pk", "slug", "updated_at", "body")),
            list(Image.objects.order_by("pk").values_list("pk", "file")),
            list(Byline.objects.order_by("pk").values_list("pk", "contributor")),
            Contributor.objects.count(),
            Tag.objects.count(),
            ImportedPost.objects.count(),
        )

    before = state()
    out = run_import(capsys=capsys, media_dir=str(uploads))
    assert state() == before
    assert "Posts: 7 unchanged, 4 skipped" in out
    assert "Photos: 1 unchanged, 1 skipped" in out


def test_a_newer_export_updates_what_changed_and_says_which_side_won(
    imported, uploads, capsys, tmp_path
):
    story = Article.objects.get(slug=STORY)
    album = Article.objects.get(slug="808s-heartbreak")
    # Editors changed both stories here; WordPress changed only the first since.
    for article in (story, album):
        article.dek = "Edited here."
        article.save()
    newer = tmp_path / "newer.xml"
    newer.write_text(
        FIXTURE.read_text().replace(
            "Well, we've got <em>some</em> details.", "Well, we've got details."
        )
    )
    out = run_import(newer, capsys=capsys, media_dir=str(uploads))
    story.refresh_from_db()
    album.refresh_from_db()
    assert "Well, we've got details." in story.body
    assert story.dek.startswith("Producer reveals")
    assert album.dek == "Edited here."
    assert "Posts: 1 updated, 6 unchanged, 4 skipped" in out
    assert "changed on WordPress and edited here: WordPress's version replaced the edits." in out
    assert "“808s & Heartbreak”: edited here since the import; the edits were kept." in out


def test_a_story_deleted_here_is_not_imported_again(imported, uploads, capsys):
    Article.objects.get(slug="808s-heartbreak").delete()
    out = run_import(capsys=capsys, media_dir=str(uploads))
    assert not Article.objects.filter(slug="808s-heartbreak").exists()
    assert "deleted on this site since an earlier import" in out


def test_a_dry_run_writes_nothing_and_prints_the_same_report(
    uploads, known_people, capsys, settings
):
    dry = run_import(capsys=capsys, media_dir=str(uploads), dry_run=True)
    assert Article.objects.count() == 0
    assert Image.objects.count() == 0
    assert ImportedPost.objects.count() == ImportedAuthor.objects.count() == 0
    assert Contributor.objects.count() == 1
    assert not (settings.MEDIA_ROOT / "images").exists()
    real = run_import(capsys=capsys, media_dir=str(uploads))
    assert dry.startswith("Dry run: nothing was written.")
    assert dry.split("\n", 1)[1] == real.split("\n", 1)[1]


def test_pages_are_imported_when_asked(uploads, known_people, capsys):
    out = run_import(capsys=capsys, media_dir=str(uploads), pages=True)
    assert Article.objects.get(slug="about").body == "Reporting from the MTV News desk."
    assert "Posts: 8 imported, 3 skipped" in out


def test_a_site_split_over_two_files_with_links_on_another_host(tmp_path, known_people, capsys):
    from .conftest import export, item

    first = tmp_path / "part-1.xml"
    second = tmp_path / "part-2.xml"
    link = '<a href="https://news.mtv.example/?p=2">the other story</a>'
    first.write_bytes(export(item(1, "First", f"<p>See {link}.</p>")))
    second.write_bytes(export(item(2, "Second")))
    out = run_import(first, second, capsys=capsys, site_url="https://news.mtv.example")
    assert "Posts: 2 imported" in out
    assert Article.objects.get(slug="post-1").body == "See [the other story](/articles/post-2/)."
    assert ImportedPost.objects.filter(site="news.mtv.example").count() == 2
