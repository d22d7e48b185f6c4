"""The app serves uploads and renditions from MEDIA_ROOT with DEBUG off, as `make serve` runs:
year-long cache headers, HEAD, byte ranges, and nothing outside MEDIA_ROOT."""

import os

import pytest

from newsroom.testing import make_image

pytestmark = pytest.mark.django_db

YEAR = "max-age=31536000, public, immutable"


@pytest.fixture
def rendition(settings):
    assert not settings.DEBUG
    picture = make_image(size=(800, 600)).picture()
    path = settings.MEDIA_ROOT / picture.img.name
    return picture.img.url, path.read_bytes()


def test_a_rendition_is_served_with_a_year_long_cache_header(client, rendition):
    url, data = rendition
    assert url.startswith("/media/renditions/")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == YEAR
    assert response["Content-Length"] == str(len(data))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_the_original_upload_is_served_too(client, settings):
    image = make_image(size=(640, 480))
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image.file.read()


def test_head_and_byte_ranges(client, rendition):
    url, data = rendition
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == str(len(data))
    assert not b"".join(head.streaming_content)
    part = client.get(url, headers={"range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]
    assert client.get(url, headers={"range": f"bytes={len(data) + 5}-"}).status_code == 416


def test_nothing_outside_media_root_is_served(client, settings, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for readers")
    media = settings.MEDIA_ROOT
    (media / "images").mkdir(parents=True)
    os.symlink(secret, media / "images" / "link.txt")
    (media / "images" / "folder").mkdir()
    for url in (
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/images/../../secret.txt",
        "/media/images/link.txt",
        "/media/images/folder",
        "/media/images/folder/",
        "/media/images/missing.jpg",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"not for readers" not in response.content


def test_object_storage_is_left_to_serve_itself(client, settings, rendition):
    settings.MEDIA_URL = "https://media.example.com/"
    url, _ = rendition
    assert client.get(url).status_code == 404
