"""Restoring an archive in this process: what is derived after the load, merging, query counts."""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import rendering, search
from articles.models import Article, Correction
from images.models import Image
from newsroom.testing import make_article, make_story_with_everything
from portability.archive import ArchiveError, export_site, exported_models, import_site
from portability.loading import Loader

pytestmark = pytest.mark.django_db


def empty_the_site():
    # Quietly: deleting a story leaves a tombstone for the API's partners.
    with Loader.quiet():
        for model in reversed(exported_models()):
            model._base_manager.all().delete()


def exported(tmp_path, name="site.tar"):
    path = tmp_path / name
    export_site(path)
    return path


def test_a_restored_site_is_searchable_and_its_derived_data_is_rebuilt(tmp_path):
    story = make_story_with_everything(headline="Marimba tour announced")
    artist, project = story.artists.get(), story.projects.get()
    archive = exported(tmp_path)
    empty_the_site()
    assert not Article.objects.exists()

    import_site(archive)

    restored = Article.objects.get(pk=story.pk)
    assert restored.body_text == rendering.plain_text(restored.body) != ""
    assert list(restored.artists.all()) == [artist]
    assert list(restored.projects.all()) == [project]
    published = Article.objects.published()
    # By headline, by a linked artist's name (only in the search entry), by body text.
    assert list(search.matching(published, "marimba")) == [restored]
    assert list(search.matching(published, artist.name)) == [restored]
    assert list(search.matching(published, project.title)) == [restored]
    call_command("rederive_articles", "--check", stdout=open("/dev/null", "w"))


def test_a_restored_story_page_is_found_by_the_search_page(tmp_path, client):
    make_article(headline="Xylophone quartet", body="Brass and *reeds*.")
    archive = exported(tmp_path)
    empty_the_site()
    import_site(archive)
    response = client.get("/search/", {"q": "reeds"})
    assert response.status_code == 200
    assert "Xylophone quartet" in response.content.decode()


def test_restoring_takes_the_same_queries_for_one_story_and_for_many(tmp_path):
    def queries_to_restore(count):
        empty_the_site()
        for _ in range(count):
            make_story_with_everything()
        archive = exported(tmp_path, f"site-{count}.tar")
        empty_the_site()
        with CaptureQueriesContext(connection) as queries:
            import_site(archive)
        assert Article.objects.count() == count
        return len(queries)

    assert queries_to_restore(1) == queries_to_restore(12)


def test_merging_an_archive_over_its_own_site_keeps_one_copy_of_each_record(tmp_path):
    story = make_story_with_everything()
    archive = exported(tmp_path)
    Article.objects.filter(pk=story.pk).update(headline="Changed here")
    import_site(archive, merge=True)
    assert Article.objects.get().headline == story.headline
    assert Image.objects.count() == 2


def test_a_merge_refuses_a_photo_whose_id_is_another_photo_here(tmp_path):
    story = make_story_with_everything()
    archive = exported(tmp_path)
    # On the site merged into, the lead photo's id names another photo.
    photo = story.lead_image
    Image.objects.filter(pk=photo.pk).update(file="photos/someone-else.jpg", title="Theirs")
    with pytest.raises(ArchiveError, match=rf"images.image {photo.pk} is .* here") as refused:
        import_site(archive, merge=True)
    assert "photos/someone-else.jpg" in str(refused.value)
    kept = Image.objects.get(pk=photo.pk)
    assert (kept.file.name, kept.title) == ("photos/someone-else.jpg", "Theirs")
    assert default_storage.exists(photo.file.name)


def test_a_merge_refuses_a_record_that_is_here_under_another_id(tmp_path):
    story = make_story_with_everything()
    archive = exported(tmp_path)
    Article.objects.filter(pk=story.pk).delete()
    again = make_article(slug=story.slug, headline="Written here")
    with pytest.raises(
        ArchiveError, match=f"{story.slug} is {story.pk} in the archive but {again.pk} here"
    ):
        import_site(archive, merge=True)
    assert list(Article.objects.values_list("headline", flat=True)) == ["Written here"]


def test_after_a_restore_new_records_get_keys_past_the_restored_ones(tmp_path):
    stories = [make_article() for _ in range(3)]
    archive = exported(tmp_path)
    empty_the_site()
    # As in a new database: the table's key counter starts again from 1.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), 1, false)"
            )
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'articles_article'")
    import_site(archive)
    new = make_article()
    assert new.pk > max(story.pk for story in stories)


def test_a_merge_refuses_a_correction_whose_id_is_another_storys_correction_here(tmp_path):
    story = make_story_with_everything()
    correction = story.corrections.get()
    archive = exported(tmp_path)
    other = make_article(headline="Someone else's story")
    Correction.objects.filter(pk=correction.pk).update(article=other, text="Theirs.")
    with pytest.raises(
        ArchiveError,
        match=rf"articles.correction {correction.pk} belongs to article {story.pk} in the "
        rf"archive but to article {other.pk} here",
    ):
        import_site(archive, merge=True)
    assert Correction.objects.get(pk=correction.pk).text == "Theirs."
