import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from articles.services import check_body, merge_artists, rewrite_artist_references
from newsroom.testing import make_article, make_artist, make_project
from people.models import Artist
from projects.models import Credit

pytestmark = pytest.mark.django_db


def test_mentions_follow_the_body_on_every_save():
    kanye = make_artist(external_id=1230523)
    jonze = make_artist(slug="spike-jonze", external_id=None)
    film = make_project(slug="short-film")
    article = make_article(body='[artist id="1230523"]Kanye[/artist]')
    assert list(article.artists.all()) == [kanye]
    article.body = '[artist slug="spike-jonze" /] in [project slug="short-film" /]'
    article.save()
    assert list(article.artists.all()) == [jonze]
    assert list(article.projects.all()) == [film]
    article.body = "No links any more."
    article.save()
    assert not article.artists.exists()
    assert not article.projects.exists()


def test_mentions_are_not_dumped():
    make_artist(external_id=1230523)
    article = make_article(body='[artist id="1230523"]Kanye[/artist]')
    assert '"artists"' not in serializers.serialize("json", [article])


def test_raw_saves_from_loaddata_derive_mentions_even_over_a_stale_list(
    django_capture_on_commit_callbacks,
):
    kanye = make_artist(external_id=1230523)
    stale = make_artist(external_id=1)
    article = make_article(body="nothing")
    data = serializers.serialize("json", [article])
    data = data.replace('"fields": {', f'"fields": {{"artists": [{stale.pk}], ', 1)
    assert f'"artists": [{stale.pk}]' in data
    Article.objects.all().delete()
    edited = data.replace("nothing", '[artist id=\\"1230523\\"]Kanye[/artist]')
    with django_capture_on_commit_callbacks(execute=True):
        for obj in serializers.deserialize("json", edited):
            obj.save()
    assert list(Article.objects.get().artists.all()) == [kanye]


def test_a_new_artist_resolves_links_written_before_it_existed():
    article = make_article(body='[artist id="555"]Newcomer[/artist]')
    assert not article.artists.exists()
    newcomer = make_artist(external_id=555)
    assert list(article.artists.all()) == [newcomer]


def test_check_body_reports_every_problem_with_positions():
    make_artist(name="Kanye West", external_id=1)
    body = 'Fine [artist id="1"]K[/artist].\n[artist id="2"]Kanye Wst[/artist] and [artist id="x"]y'
    problems = check_body(body)
    assert [(p.line, p.column) for p in problems if p.severity == "error"] == [
        (2, 1),
        (2, 39),
        (2, 39),
    ]
    text = " | ".join(str(p) for p in problems)
    assert "matches no artist. Did you mean Kanye West?" in text
    assert "id must be a number" in text
    assert "Unclosed [artist] tag" in text


def test_unknown_tag_names_are_warnings():
    problems = check_body("A [gallery ids=1 /] here")
    assert [p.severity for p in problems] == ["warning"]


def test_rewrite_keeps_everything_but_the_reference():
    old = make_artist(external_id=7, slug="old")
    make_artist(external_id=8)
    body = (
        'A [artist id="7"]Old Name[/artist], [artist slug=old /], [artist id="7"]'
        ' and [artist id="8"]Other[/artist] [[artist id="7"]]'
    )
    rewritten = rewrite_artist_references(body, source_pks={old.pk}, reference='id="42"')
    assert rewritten == (
        'A [artist id="42"]Old Name[/artist], [artist id="42" /], [artist id="42"]'
        ' and [artist id="8"]Other[/artist] [[artist id="7"]]'
    )


@pytest.mark.parametrize("value", ["\u0661\u0662\u0663", "+1", "1 2", "1e3", "0x10"])
def test_ids_are_plain_ascii_digits(value):
    make_artist(external_id=1230523)
    problems = check_body(f'[artist id="{value}"]K[/artist]')
    assert any("must be a number" in p.message for p in problems), problems


def test_merge_into_an_artist_without_external_id_takes_over_the_id():
    keep = make_artist(name="Kanye West", slug="kanye-west", external_id=None)
    dupe = make_artist(name="Kanye", external_id=1230523)
    article = make_article(body='[artist id="1230523"]Ye[/artist]')
    merge_artists(sources=[dupe], target=keep)
    keep.refresh_from_db()
    article.refresh_from_db()
    assert keep.external_id == 1230523
    assert article.body == '[artist id="1230523"]Ye[/artist]'
    assert list(article.artists.all()) == [keep]


def test_merge_rewrites_every_spelling_of_an_id():
    keep = make_artist(external_id=1230523)
    dupe = make_artist(external_id=99)
    article = make_article(body='[artist id="0099"]Ye[/artist] [artist id=99 /]')
    merge_artists(sources=[dupe], target=keep)
    article.refresh_from_db()
    assert article.body == '[artist id="1230523"]Ye[/artist] [artist id="1230523" /]'


def test_merging_an_artist_into_itself_changes_nothing():
    artist = make_artist(external_id=1)
    article = make_article(body='[artist id="1"]K[/artist]')
    assert merge_artists(sources=[artist], target=artist) == 0
    assert Artist.objects.filter(pk=artist.pk).exists()
    article.refresh_from_db()
    assert list(article.artists.all()) == [artist]


def test_slug_suggestions_for_self_closing_tags():
    make_artist(name="Spike Jonze", slug="spike-jonze")
    problems = check_body('[artist slug="spike-jonz" /]')
    assert "Did you mean Spike Jonze?" in problems[0].message


def test_merge_moves_links_credits_and_deletes_the_duplicate():
    keep = make_artist(name="Kanye West", external_id=1230523)
    dupe = make_artist(name="Kanye", external_id=99)
    film = make_project()
    Credit.objects.create(project=film, artist=dupe, role="starring")
    article = make_article(body='[artist id="99"]Ye[/artist] and [artist id="1230523" /]')
    assert merge_artists(sources=[dupe], target=keep) == 1
    article.refresh_from_db()
    assert article.body == '[artist id="1230523"]Ye[/artist] and [artist id="1230523" /]'
    assert list(article.artists.all()) == [keep]
    assert list(film.credits.values_list("artist", flat=True)) == [keep.pk]
    assert not Artist.objects.filter(pk=dupe.pk).exists()


def test_check_shortcodes_command_passes_on_clean_articles(capsys):
    make_artist(external_id=1)
    make_article(body='[artist id="1"]x[/artist]')
    call_command("check_shortcodes")
    assert "1 article(s): 0 error(s)" in capsys.readouterr().out


def test_check_shortcodes_command_fails_after_an_artist_is_deleted(capsys):
    artist = make_artist(external_id=1)
    make_article(slug="broken-story", body='[artist id="1"]x[/artist]')
    artist.delete()
    with pytest.raises(CommandError, match="1 error"):
        call_command("check_shortcodes")
    assert "broken-story" in capsys.readouterr().out


def test_renaming_an_artist_slug_updates_mentions_both_ways():
    artist = make_artist(slug="old-slug", external_id=None)
    old_ref = make_article(body='[artist slug="old-slug" /]')
    new_ref = make_article(body='[artist slug="new-slug" /]')
    assert list(old_ref.artists.all()) == [artist]
    artist.slug = "new-slug"
    artist.save()
    assert not old_ref.artists.exists()
    assert list(new_ref.artists.all()) == [artist]


def test_editing_a_project_title_does_not_resync_articles(django_assert_num_queries):
    project = make_project()
    for _ in range(5):
        make_article(body=f'[project id="{project.pk}" /] and 1 2 3')
    project.title = "New title"
    # savepoint (the save is atomic with what it derives), the stored row (read once for every
    # rule comparing with it), update, release; the render generation is in the cache only;
    # the linked articles' search entries are rewritten (their ids, one statement); the API's
    # change times of the stories showing it (their ids, one upsert)
    with django_assert_num_queries(8):
        project.save()


def test_mentions_match_what_readers_see_even_with_control_characters():
    artist = make_artist(external_id=1)
    # The page drops the bell character and shows a link, so the mention list has the artist.
    article = make_article(body='[art\x07ist id="1"]K[/artist]')
    assert list(article.artists.all()) == [artist]
