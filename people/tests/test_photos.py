import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from images.placeholders import initials
from newsroom.testing import make_artist, make_contributor

pytestmark = pytest.mark.django_db


def image_of(response):
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize(
    "name, expected",
    [("Kanye West", "KW"), ("Spike Jonze", "SJ"), ("Madonna", "M"), ("Jay-Z", "JZ"), ("", "?")],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_artist_without_photo_gets_a_monogram(client):
    make_artist(name="Vincent Landay", slug="vincent-landay")
    response = client.get("/photos/artists/vincent-landay/96/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    assert image_of(response).size == (96, 96)


def test_uploaded_photo_is_served_as_a_square_webp_rendition(client):
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "#884422").save(out, format="JPEG")
    artist = make_artist(slug="with-photo", photo_alt="Portrait")
    artist.photo.save("portrait.jpg", SimpleUploadedFile("portrait.jpg", out.getvalue()))
    for size in (96, 320):
        response = client.get(f"/photos/artists/with-photo/{size}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        rendition = image_of(response)
        assert rendition.format == "WEBP"
        assert rendition.size == (size, size)


def test_unreadable_photo_falls_back_to_the_monogram(client):
    artist = make_artist(slug="broken-photo", photo_alt="Portrait")
    artist.photo.save("broken.jpg", SimpleUploadedFile("broken.jpg", b"not an image"))
    response = client.get("/photos/artists/broken-photo/96/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_contributor_photo_route(client):
    make_contributor(name="MTV News", slug="mtv-news")
    assert client.get("/photos/contributors/mtv-news/320/").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/photos/artists/nobody/96/", "/photos/artists/x/97/", "/photos/villains/x/96/"],
)
def test_unknown_photos_are_404(client, url):
    make_artist(slug="x")
    assert client.get(url).status_code == 404
