"""Artists and projects known to the music web: ids on MusicBrainz, Wikidata, Spotify, Apple
Music, Discogs and IMDb, checked by format, unique, linked for editors, in sameAs, in the
"Listen on" row and in shortcodes."""

import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.services import check_body, merge_artists
from newsroom.testing import (
    make_article,
    make_artist,
    make_project,
    make_review,
    post_change_form,
)
from newsroom.tests.schemaorg import problems
from people.models import Artist
from projects.models import Credit, MediaProject

pytestmark = pytest.mark.django_db

# Kanye West's well-known public ids.
KANYE = {
    "musicbrainz_id": uuid.UUID("164f0d73-1234-4e2c-8743-d77bf2191051"),
    "wikidata_id": "Q15935",
    "spotify_id": "5K4W6rqBFWDnAN6FQUkS6x",
}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(blocks[0])


@pytest.fixture
def kanye(db):
    return make_artist(name="Kanye West", slug="kanye-west", external_id=1230523, **KANYE)


# Editors: formats, uniqueness, links to check


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("musicbrainz_id", "164f0d73-1234", "Enter a valid UUID."),
        ("wikidata_id", "15935", "Enter a Wikidata item id such as Q15935."),
        ("spotify_id", "5K4W6rqBFWDnAN6FQUkS6", "Enter a Spotify id"),
        ("spotify_id", "5K4W6rqBFWDnAN6FQUkS6-", "Enter a Spotify id"),
        ("apple_music_id", "id2715720", "Enter the id&#x27;s digits only"),
        ("discogs_id", "0", "Enter the id&#x27;s digits only"),
        ("imdb_id", "tt0386117", "Enter an IMDb name id such as nm0005069."),
    ],
)
def test_artist_ids_of_the_wrong_shape_are_refused_and_kept(admin_client, field, typed, message):
    artist = make_artist()
    response = post_change_form(admin_client, artist, **{field: typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html
    artist.refresh_from_db()
    assert getattr(artist, field) is None


@pytest.mark.parametrize(
    ("field", "typed"),
    [("imdb_id", "nm0005069"), ("spotify_id", "x" * 23), ("wikidata_id", "P31")],
)
def test_project_ids_of_the_wrong_shape_are_refused(admin_client, field, typed):
    project = make_project()
    response = post_change_form(admin_client, project, **{field: typed})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    project.refresh_from_db()
    assert getattr(project, field) is None


def test_an_id_another_artist_has_is_refused(admin_client, kanye):
    other = make_artist()
    response = post_change_form(admin_client, other, spotify_id=KANYE["spotify_id"])
    assert "Artist with this Spotify id already exists." in response.content.decode()
    other.refresh_from_db()
    assert other.spotify_id is None


def test_many_artists_and_projects_have_no_ids(admin_client):
    for record in (make_artist(), make_artist(), make_project(), make_project()):
        assert post_change_form(admin_client, record).status_code == 302
    assert Artist.objects.filter(wikidata_id__isnull=True).count() == 2


def test_admin_saves_good_ids_and_links_each_to_its_page(admin_client):
    artist = make_artist()
    response = post_change_form(
        admin_client,
        artist,
        musicbrainz_id="164F0D73-1234-4E2C-8743-D77BF2191051",
        wikidata_id="Q15935",
        apple_music_id="2715720",
        discogs_id="151211",
        imdb_id="nm1577190",
    )
    assert response.status_code == 302
    html = page(client=admin_client, url=reverse("admin:people_artist_change", args=[artist.pk]))
    for url in (
        "https://musicbrainz.org/artist/164f0d73-1234-4e2c-8743-d77bf2191051",
        "https://www.wikidata.org/wiki/Q15935",
        "https://music.apple.com/artist/2715720",
        "https://www.discogs.com/artist/151211",
        "https://www.imdb.com/name/nm1577190/",
    ):
        assert f'href="{url}"' in html, url


def test_project_admin_links_its_ids(admin_client):
    album = make_project(kind=MediaProject.Kind.ALBUM)
    post_change_form(admin_client, album, spotify_id="3WFTGIO6E3Xh4paEOBY9OU")
    html = page(admin_client, reverse("admin:projects_mediaproject_change", args=[album.pk]))
    assert 'href="https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU"' in html


# sameAs


def test_artist_project_and_article_json_ld_carry_same_as(client, kanye):
    album = make_project(
        title="808s & Heartbreak", kind=MediaProject.Kind.ALBUM, wikidata_id="Q193398"
    )
    Credit.objects.create(project=album, artist=kanye, role="performer")
    artist_data = json_ld(page(client, kanye.get_absolute_url()))
    assert artist_data["sameAs"] == [
        "https://musicbrainz.org/artist/164f0d73-1234-4e2c-8743-d77bf2191051",
        "https://www.wikidata.org/wiki/Q15935",
        "https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x",
    ]
    project_data = json_ld(page(client, album.get_absolute_url()))
    assert project_data["sameAs"] == ["https://www.wikidata.org/wiki/Q193398"]
    assert project_data["byArtist"][0]["sameAs"] == artist_data["sameAs"]
    review = make_review(
        project=album, body='[artist mbid="164f0d73-1234-4e2c-8743-d77bf2191051"]Ye[/artist]'
    )
    article_data = json_ld(page(client, review.get_absolute_url()))
    assert article_data["mentions"][0]["sameAs"] == artist_data["sameAs"]
    assert article_data["itemReviewed"]["sameAs"] == ["https://www.wikidata.org/wiki/Q193398"]
    for data in (artist_data, project_data, article_data):
        assert problems(data) == []


# Listen on, watch on


def test_project_page_has_a_listen_on_row_of_plain_links(client):
    album = make_project(
        kind=MediaProject.Kind.ALBUM,
        spotify_id="3WFTGIO6E3Xh4paEOBY9OU",
        apple_music_id="1440893853",
        play_links="https://kanyewest.bandcamp.com/album/x\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    html = page(client, album.get_absolute_url())
    row = html[html.index('class="listen-on"') :]
    row = row[: row.index("</p>")]
    assert "Listen on" in row
    assert re.findall(r'href="([^"]+)" rel="noopener">([^<]+)</a>', row) == [
        ("https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU", "Spotify"),
        ("https://music.apple.com/album/1440893853", "Apple Music"),
        ("https://kanyewest.bandcamp.com/album/x", "Bandcamp"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
    ]
    # Nothing is loaded from the services until a reader follows a link.
    for host in ("spotify.com", "apple.com", "bandcamp.com", "youtube.com"):
        assert not re.search(rf'(src|srcset|data-embed-src)="[^"]*{re.escape(host)}', html)


def test_a_film_is_watched_and_a_project_without_links_has_no_row(client):
    film = make_project(kind=MediaProject.Kind.SHORT_FILM, play_links="https://vimeo.com/1")
    assert "Watch on</span>" in page(client, film.get_absolute_url())
    assert 'class="listen-on"' not in page(client, make_project().get_absolute_url())


def test_editor_links_must_be_https_addresses_one_a_line(admin_client):
    project = make_project()
    response = post_change_form(admin_client, project, play_links="https://ok.example/\nnot a url")
    assert "Line &quot;not a url&quot; is not an https:// address." in response.content.decode()
    project.refresh_from_db()
    assert project.play_links == ""


def test_profile_cards_have_the_listen_on_row(client, kanye):
    article = make_article(body=f'[artist id="{kanye.external_id}"]Kanye West[/artist]')
    html = page(client, article.get_absolute_url())
    cards = html[html.index('class="artists-in-story"') :]
    assert 'href="https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x"' in cards


# Shortcodes naming an artist by any id


def test_shortcodes_name_an_artist_by_any_id_in_one_look_up(kanye, django_assert_num_queries):
    from articles import rendering

    other = make_artist(discogs_id="151211", imdb_id="nm1577190", apple_music_id="2715720")
    body = (
        '[artist mbid="164F0D73-1234-4e2c-8743-d77bf2191051"]Ye[/artist] '
        '[artist wikidata="Q15935"]Kanye[/artist] '
        '[artist spotify="5K4W6rqBFWDnAN6FQUkS6x"]West[/artist] '
        '[artist discogs="151211"]A[/artist] [artist imdb="nm1577190"]B[/artist] '
        '[artist apple="2715720"]C[/artist] '
        f'[artist slug="{other.slug}"]D[/artist] [artist wikidata="Q1"]Nobody[/artist]'
    )
    nodes = rendering.parse(body)
    with django_assert_num_queries(1):
        resolved = rendering.resolve(nodes)
    found = [resolved[id(node)] for node in nodes if hasattr(node, "attrs")]
    assert found == [kanye, kanye, kanye, other, other, other, other, None]


def test_a_story_links_an_artist_named_by_mbid_and_lists_it(client, kanye):
    article = make_article(
        body='[artist mbid="164f0d73-1234-4e2c-8743-d77bf2191051"]Ye[/artist] and '
        '[artist wikidata="Q15935"]Kanye[/artist].'
    )
    assert list(article.artists.all()) == [kanye]
    html = page(client, article.get_absolute_url())
    assert html.count('href="/artists/kanye-west/"') >= 2
    assert "Artists in this story" in html


def test_an_artist_given_the_id_a_story_names_resolves_it(client):
    article = make_article(body='[artist wikidata="Q15935"]Kanye[/artist]')
    assert 'class="artist-link"' not in page(client, article.get_absolute_url())
    artist = make_artist(wikidata_id="Q15935")
    assert 'class="artist-link"' in page(client, article.get_absolute_url())
    assert list(article.artists.all()) == [artist]


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ('[artist mbid="164f0d73"]Ye[/artist]', "Enter a MusicBrainz id such as"),
        ('[artist wikidata="15935"]Ye[/artist]', "Enter a Wikidata item id such as Q15935."),
        ('[artist spotify="short"]Ye[/artist]', "Enter a Spotify id"),
    ],
)
def test_body_check_refuses_ids_of_the_wrong_shape(db, tag, message):
    found = [p.message for p in check_body(tag)]
    assert len(found) == 1 and message in found[0]


def test_body_check_reports_an_id_no_artist_has(kanye):
    assert check_body('[artist wikidata="Q15935"]Kanye[/artist]') == []
    found = check_body('[artist mbid="00000000-0000-4000-8000-000000000000"]Kanye[/artist]')
    assert len(found) == 1 and found[0].severity == "error"


def test_merge_keeps_every_id_resolving(kanye):
    dupe = make_artist(name="Ye", imdb_id="nm1577190", external_id=None)
    kanye.wikidata_id = None
    kanye.save()
    keep = kanye
    # The dupe has the Wikidata id the artist kept lacks: it is taken over.
    Artist.objects.filter(pk=dupe.pk).update(wikidata_id="Q15935")
    dupe.refresh_from_db()
    story = make_article(
        body='[artist wikidata="Q15935"]Ye[/artist] [artist imdb="nm1577190"]Ye[/artist]'
    )
    assert list(story.artists.all()) == [dupe]
    merge_artists(sources=[dupe], target=keep)
    keep.refresh_from_db()
    assert (keep.wikidata_id, keep.imdb_id) == ("Q15935", "nm1577190")
    story.refresh_from_db()
    assert list(story.artists.all()) == [keep]
    assert (
        check_body('[artist wikidata="Q15935"]Ye[/artist] [artist imdb="nm1577190"]Y[/artist]')
        == []
    )


# The seed story


def test_seed_artist_page_links_kanye_west_to_the_music_web(client):
    call_command("loaddata", "seed_story", verbosity=0)
    html = page(client, "/artists/kanye-west/")
    data = json_ld(html)
    assert data["sameAs"] == [
        "https://musicbrainz.org/artist/164f0d73-1234-4e2c-8743-d77bf2191051",
        "https://www.wikidata.org/wiki/Q15935",
        "https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x",
    ]
    assert 'href="https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x"' in html
