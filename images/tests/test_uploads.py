"""Uploads past the size limit stop being read, and the admin shows why and keeps the rest."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIRequest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from images.models import Image
from newsroom.testing import image_bytes, make_artist

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024


class CountingStream(io.BytesIO):
    """A request body that counts how much of it the server read."""

    def read(self, size=-1):
        data = super().read(size)
        self.consumed = getattr(self, "consumed", 0) + len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.consumed = getattr(self, "consumed", 0) + len(data)
        return data


def multipart_request(fields, rf):
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingStream(body)
    environ = rf._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        PATH_INFO="/admin/images/image/add/",
    )
    environ["wsgi.input"] = stream
    return WSGIRequest(environ), stream, len(body)


class Big(io.BytesIO):
    name = "huge.jpg"


def test_the_handler_stops_reading_an_oversized_upload(settings, rf):
    settings.MAX_IMAGE_UPLOAD_BYTES = LIMIT
    payload = Big(b"\xff" * (LIMIT * 16))  # a stand-in for a 200 MB file, 16 times the limit
    request, stream, total = multipart_request({"title": "Kept", "file": payload}, rf)
    assert request.POST["title"] == "Kept"
    assert "file" not in request.FILES
    assert "larger than" in request.refused_uploads["file"]
    assert stream.consumed < LIMIT * 3 < total


def test_an_upload_under_the_limit_arrives_whole(settings, rf):
    settings.MAX_IMAGE_UPLOAD_BYTES = LIMIT
    payload = Big(b"\xff" * (LIMIT // 2))
    request, stream, total = multipart_request({"file": payload}, rf)
    assert request.FILES["file"].size == LIMIT // 2
    assert not getattr(request, "refused_uploads", {})
    assert stream.consumed == total


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    return client


def post_image(admin_client, data, **fields):
    file = io.BytesIO(data)
    file.name = "upload.jpg"
    form = {
        "title": "Concert",
        "alt_text": "A singer on a stage",
        "caption": "The first night",
        "credit": "Photo: Staff",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "tags": "",
        "file": file,
        **fields,
    }
    return admin_client.post("/admin/images/image/add/", form)


def test_admin_refuses_an_oversized_upload_with_a_message_and_keeps_what_was_typed(
    admin_client, settings
):
    settings.MAX_IMAGE_UPLOAD_BYTES = LIMIT
    response = post_image(admin_client, b"\xff" * (LIMIT * 4))
    assert response.status_code == 200
    html = response.content.decode()
    assert "larger than 64" in html
    assert "This field is required" not in html
    for typed in ("Concert", "A singer on a stage", "The first night", "Photo: Staff"):
        assert typed in html
    assert not Image.objects.exists()


def test_admin_refuses_a_truncated_jpeg_and_keeps_what_was_typed(admin_client):
    data = image_bytes()
    response = post_image(admin_client, data[: len(data) // 2])
    assert response.status_code == 200
    html = response.content.decode()
    assert "cut short or damaged" in html
    assert "A singer on a stage" in html
    assert not Image.objects.exists()


def test_admin_accepts_a_real_photo_and_derives_its_size(admin_client):
    response = post_image(admin_client, image_bytes((1200, 800)))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1200, 800)
    assert image.alt_text == "A singer on a stage"


@pytest.mark.parametrize("focal", ["1.5", "-0.1"])
def test_admin_refuses_a_focal_point_outside_the_image(admin_client, focal):
    response = post_image(admin_client, image_bytes((300, 200)), focal_x=focal)
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_artist_photo_upload_is_checked_the_same_way(admin_client):
    artist = make_artist(name="Spike Jonze", slug="spike-jonze")
    data = image_bytes()
    file = io.BytesIO(data[: len(data) // 2])
    file.name = "portrait.jpg"
    response = admin_client.post(
        f"/admin/people/artist/{artist.pk}/change/",
        {
            "name": "Spike Jonze",
            "slug": "spike-jonze",
            "summary": "Changed summary",
            "photo_alt": "Portrait",
            "photo": file,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cut short or damaged" in html
    assert "Changed summary" in html


def test_saving_a_photo_in_the_admin_makes_the_common_renditions_at_once(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    from images import renditions

    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(admin_client, image_bytes((1400, 1000)))
    assert response.status_code == 302
    image = Image.objects.get()
    # Readers' pages find everything made, in storage: nothing is generated while they wait.
    from django.core.cache import cache

    cache.clear()
    renditions.forget_known()
    monkeypatch.setattr(renditions, "generate", lambda *args: pytest.fail("made on view"))
    assert image.picture(ratio=(16, 9)) is not None
    assert image.picture(ratio=(4, 3), widths=(320, 640)) is not None
    assert image.crop((40, 21), 1200).width == 1200
    assert image.crop((1, 1), 1200).width == 1000


def test_replacing_the_file_derives_the_new_size(admin_client):
    post_image(admin_client, image_bytes((1200, 800)))
    image = Image.objects.get()
    file = io.BytesIO(image_bytes((500, 900)))
    file.name = "other.jpg"
    response = admin_client.post(
        f"/admin/images/image/{image.pk}/change/",
        {
            "title": "Concert",
            "alt_text": "A singer on a stage",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "tags": "",
            "file": file,
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.width, image.height) == (500, 900)
