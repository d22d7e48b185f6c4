import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.testing import make_artist, make_contributor, make_project
from people.models import Artist
from projects.models import Credit

pytestmark = pytest.mark.django_db


def test_artist_str_and_url():
    artist = make_artist(name="Spike Jonze", slug="spike-jonze")
    assert str(artist) == "Spike Jonze"
    assert artist.get_absolute_url() == "/artists/spike-jonze/"


def test_contributor_str_and_url():
    writer = make_contributor(name="MTV News", slug="mtv-news")
    assert str(writer) == "MTV News"
    assert writer.get_absolute_url() == "/contributors/mtv-news/"


def png_upload(name="photo.png", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_photo_needs_alt_text():
    artist = Artist(name="X", slug="x", photo=png_upload(), photo_alt="  ")
    with pytest.raises(ValidationError) as excinfo:
        artist.full_clean()
    assert "photo_alt" in excinfo.value.message_dict


def test_known_for_prefers_flagged_credits_and_stops_at_two():
    artist = make_artist()
    plain = make_project(title="Plain", release_year=2001)
    flagged = make_project(title="Flagged", release_year=1999)
    newest = make_project(title="Newest", release_year=2008)
    Credit.objects.create(project=plain, artist=artist, role="performer")
    Credit.objects.create(project=flagged, artist=artist, role="performer", is_known_for=True)
    Credit.objects.create(project=newest, artist=artist, role="producer")
    assert [p.title for p in artist.known_for] == ["Flagged", "Newest"]
    prefetched = Artist.objects.with_card_data().get(pk=artist.pk)
    assert [p.title for p in prefetched.known_for] == ["Flagged", "Newest"]


def test_known_for_lists_a_project_once_for_several_roles():
    artist = make_artist()
    film = make_project(title="Film")
    Credit.objects.create(project=film, artist=artist, role="director")
    Credit.objects.create(project=film, artist=artist, role="producer")
    assert [p.title for p in artist.known_for] == ["Film"]


def test_same_as_links_from_identifiers():
    artist = make_artist(
        musicbrainz_id="164f0d73-1234-4e2c-8743-d77bf2191051", wikidata_id="Q42", website=""
    )
    assert artist.same_as == [
        "https://musicbrainz.org/artist/164f0d73-1234-4e2c-8743-d77bf2191051",
        "https://www.wikidata.org/wiki/Q42",
    ]


def test_wikidata_id_is_validated():
    artist = Artist(name="X", slug="x", wikidata_id="42")
    with pytest.raises(ValidationError) as excinfo:
        artist.full_clean()
    assert "wikidata_id" in excinfo.value.message_dict


def test_fake_image_upload_is_refused():
    fake = SimpleUploadedFile("photo.jpg", b"not really a jpeg", content_type="image/jpeg")
    artist = Artist(name="X", slug="x", photo=fake, photo_alt="A photo")
    with pytest.raises(ValidationError) as excinfo:
        artist.full_clean()
    assert "photo" in excinfo.value.message_dict


def test_real_image_with_alt_text_is_accepted():
    artist = Artist(name="X", slug="x", photo=png_upload(), photo_alt="A portrait")
    artist.full_clean()


def test_oversized_upload_is_refused(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    artist = Artist(name="X", slug="x", photo=png_upload(size=(400, 400)), photo_alt="A photo")
    with pytest.raises(ValidationError) as excinfo:
        artist.full_clean()
    assert "larger than" in str(excinfo.value)
