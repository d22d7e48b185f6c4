import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from images.validators import validate_image_upload
from newsroom.testing import image_bytes


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data)


def refused(data, name="photo.jpg"):
    with pytest.raises(ValidationError) as info:
        validate_image_upload(upload(data, name))
    return info.value.messages[0]


def test_a_whole_jpeg_passes():
    validate_image_upload(upload(image_bytes()))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_other_formats_pass(fmt):
    validate_image_upload(upload(image_bytes((200, 100), fmt=fmt), "photo.img"))


def test_a_truncated_jpeg_is_refused_although_its_header_verifies():
    data = image_bytes()
    half = data[: len(data) // 2]
    # The header alone is fine: this is what a check by verify() would accept.
    with Image.open(io.BytesIO(half)) as image:
        image.verify()
    assert "cut short or damaged" in refused(half)


def test_text_is_refused():
    assert "not a readable image" in refused(b"not an image at all")


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    assert "larger than 1000" in refused(image_bytes())


def test_a_file_over_the_pixel_limit_is_refused(settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    assert "101×100 pixels" in refused(image_bytes((101, 100), fmt="PNG"))


def test_a_decompression_bomb_is_refused(settings, monkeypatch):
    # Pillow warns past MAX_IMAGE_PIXELS and raises past twice that; both are refusals, even
    # when our own limit is set higher than Pillow's.
    settings.MAX_IMAGE_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50 * 50)
    assert "too many pixels" in refused(image_bytes((60, 60), fmt="PNG"))  # warning range
    assert "too many pixels" in refused(image_bytes((200, 200), fmt="PNG"))  # error range


def test_a_stored_file_is_not_read_again(tmp_path):
    class Stored:
        _committed = True

        def seek(self, offset):  # pragma: no cover - must not be called
            raise AssertionError("read a stored file")

    validate_image_upload(Stored())
