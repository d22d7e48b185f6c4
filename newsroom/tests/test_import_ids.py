import uuid

import pytest
from django.core.management import CommandError, call_command

from newsroom.testing import make_article, make_artist, make_project
from people.models import Artist
from projects.models import MediaProject

pytestmark = pytest.mark.django_db

MBID = "164f0d73-1234-4e2c-8743-d77bf2191051"


def run(tmp_path, text, *args):
    path = tmp_path / "ids.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_ids", str(path), *args)


def test_fills_ids_by_slug_or_name_and_reports_nothing_else(tmp_path, capsys):
    kanye = make_artist(name="Kanye West", slug="kanye-west")
    spike = make_artist(name="Spike Jonze", slug="spike-jonze")
    run(
        tmp_path,
        "slug,name,musicbrainz,wikidata,spotify\n"
        f"kanye-west,,{MBID.upper()},Q15935,5K4W6rqBFWDnAN6FQUkS6x\n"
        ",spike jonze,,Q223687,\n",
    )
    kanye.refresh_from_db()
    spike.refresh_from_db()
    assert (kanye.musicbrainz_id, kanye.wikidata_id) == (uuid.UUID(MBID), "Q15935")
    assert kanye.spotify_id == "5K4W6rqBFWDnAN6FQUkS6x"
    assert spike.wikidata_id == "Q223687"
    out = capsys.readouterr()
    assert "Updated 4 id(s) on 2 artists." in out.out
    assert out.err == ""


def test_reports_every_conflict_and_applies_the_other_rows(tmp_path, capsys):
    make_artist(name="Kanye West", slug="kanye-west", wikidata_id="Q15935")
    make_artist(name="Taken", slug="taken", spotify_id="5K4W6rqBFWDnAN6FQUkS6x")
    make_artist(name="Twin", slug="twin-1")
    make_artist(name="Twin", slug="twin-2")
    fine = make_artist(name="Fine", slug="fine")
    other = make_artist(name="Other", slug="other")
    text = (
        "slug,name,wikidata,spotify,discogs\n"
        "kanye-west,,Q1,,\n"  # already has another
        "fine,,,5K4W6rqBFWDnAN6FQUkS6x,\n"  # another artist's
        ",Twin,Q2,,\n"  # two artists with the name
        ",Nobody,Q3,,\n"  # none
        "ghost,,Q4,,\n"  # no such slug
        "fine,,15935,,\n"  # wrong shape
        "fine,,Q5,,151211\n"  # fine
        "other,,,,999\n"
        "fine,,,,998\n"  # a second Discogs id for the same artist
    )
    with pytest.raises(CommandError, match="7 conflict"):
        run(tmp_path, text)
    err = capsys.readouterr().err
    assert "Line 2: Kanye West already has Wikidata id Q15935, not Q1." in err
    assert "Line 3: Spotify id 5K4W6rqBFWDnAN6FQUkS6x is Taken's already." in err
    assert "Line 4: 2 artists are named 'Twin'; give the slug." in err
    assert "Line 5: no artist is named 'Nobody'." in err
    assert "Line 6: no artist has slug 'ghost'." in err
    assert "Line 7: wikidata '15935': Enter a Wikidata item id such as Q15935." in err
    assert "Line 10: Fine is given two Discogs ids in the file." in err
    fine.refresh_from_db()
    other.refresh_from_db()
    assert (fine.wikidata_id, fine.spotify_id, fine.discogs_id) == ("Q5", None, "151211")
    assert other.discogs_id == "999"
    assert Artist.objects.get(slug="kanye-west").wikidata_id == "Q15935"


def test_the_same_id_for_two_artists_in_the_file_is_a_conflict(tmp_path, capsys):
    make_artist(slug="a")
    make_artist(slug="b")
    with pytest.raises(CommandError):
        run(tmp_path, "slug,spotify\na,5K4W6rqBFWDnAN6FQUkS6x\nb,5K4W6rqBFWDnAN6FQUkS6x\n")
    assert "given to more than one artist" in capsys.readouterr().err
    assert not Artist.objects.filter(spotify_id__isnull=False).exists()


def test_dry_run_changes_nothing(tmp_path, capsys):
    artist = make_artist(slug="kanye-west")
    run(tmp_path, "slug,wikidata\nkanye-west,Q15935\n", "--dry-run")
    artist.refresh_from_db()
    assert artist.wikidata_id is None
    assert "Would update 1 id(s) on 1 artists." in capsys.readouterr().out


def test_projects_by_title_and_a_story_naming_the_new_id_resolves(tmp_path):
    album = make_project(title="808s & Heartbreak", kind=MediaProject.Kind.ALBUM)
    run(tmp_path, "title,wikidata,imdb\n808s & Heartbreak,Q193398,\n", "--projects")
    album.refresh_from_db()
    assert album.wikidata_id == "Q193398"
    story = make_article(body='[artist wikidata="Q15935"]Kanye[/artist]')
    artist = make_artist(slug="kanye-west")
    run(tmp_path, "slug,wikidata\nkanye-west,Q15935\n")
    assert list(story.artists.all()) == [Artist.objects.get(pk=artist.pk)]


@pytest.mark.parametrize(
    "text", ["", "name\nKanye West\n", "spotify\nabc\n", "slug;wikidata\nx;Q1\n"]
)
def test_a_file_without_a_name_or_an_id_column_is_refused(tmp_path, text):
    with pytest.raises(CommandError, match="header row needs"):
        run(tmp_path, text)


def test_a_missing_or_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_ids", str(tmp_path / "missing.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes("slug,wikidata\nbeyonc\xe9,Q1\n".encode("latin-1"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_ids", str(path))
