"""Pictures of shapes no page can show are refused at upload, and a rendition that cannot be made
never fails a page or a feed: the format an encoder refuses is left out of `<picture>`."""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from images import renditions
from images.models import Image
from images.renditions import Source, widths_for
from images.tests.test_uploads import post_image
from newsroom.testing import image_bytes, make_article, make_image, make_story_with_everything

pytestmark = pytest.mark.django_db


def thin_png() -> bytes:
    """A valid PNG one pixel wide and 100,000 tall: 274 bytes."""
    out = io.BytesIO()
    PILImage.new("1", (1, 100_000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return (
        [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()] if root.exists() else []
    )


def test_a_one_pixel_wide_png_is_refused_with_a_clear_error_and_nothing_is_kept(
    admin_client, settings
):
    data = thin_png()
    assert len(data) == 274
    response = post_image(admin_client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The image is 1×100,000 pixels" in html
    assert "at least 16 pixels" in html and "20 times the shorter" in html
    assert "A singer on a stage" in html  # what the editor typed stays in the form
    assert not Image.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "size, accepted",
    [
        ((15, 200), False),
        ((200, 15), False),
        ((16, 320), True),
        ((16, 321), False),
        ((401, 20), False),
        ((400, 20), True),
        ((1200, 800), True),
    ],
)
def test_sides_under_16_pixels_and_ratios_over_20_to_1_are_refused(admin_client, size, accepted):
    response = post_image(admin_client, image_bytes(size, fmt="PNG"))
    assert (response.status_code == 302) is accepted
    assert Image.objects.exists() is accepted
    if not accepted:
        assert "crop it and upload it again" in response.content.decode()


def test_an_accepted_picture_renders_in_every_format(admin_client):
    assert post_image(admin_client, image_bytes((16, 320), fmt="PNG")).status_code == 302
    picture = Image.objects.get().picture()
    assert [mime for mime, _ in picture.sources] == [
        renditions.FORMATS[fmt][1] for fmt in renditions.source_formats()
    ]
    assert picture.img.format == "jpeg"


def test_widths_never_make_a_rendition_taller_than_every_encoder_takes():
    # WebP stops at 16,383 pixels a side.
    assert widths_for(Source("x", 900, 18_000), None) == (320, 640)
    assert widths_for(Source("x", 1, 100_000), None) == ()
    assert widths_for(Source("x", 1, 100_000), (16, 9)) == (1,)


def test_a_picture_stored_before_the_check_never_fails_a_page_or_feed(client, caplog):
    # Uploaded before shapes were checked: the row and the file are there.
    thin = Image(title="Strip", alt_text="A strip")
    thin.file = SimpleUploadedFile("strip.png", thin_png())
    thin.save()
    story = make_story_with_everything(lead_image=thin)
    body = story.body + f'\n\n[image id="{thin.pk}" /]'
    make_article(headline="Another", body=body, lead_image=thin)
    for url in (story.get_absolute_url(), "/", "/feeds/latest/", "/feeds/latest/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Cannot make renditions of" in r.getMessage() for r in warnings)


@pytest.fixture
def avif_refused(monkeypatch):
    """An AVIF encoder that refuses to work, as one built without the codec asked for does."""
    if "avif" not in renditions.source_formats():
        pytest.skip("this Pillow does not encode AVIF")
    pil_format, mime, options = renditions.FORMATS["avif"]
    monkeypatch.setitem(renditions.FORMATS, "avif", (pil_format, mime, options | {"codec": "x"}))


def test_a_format_the_encoder_refuses_is_left_out_of_the_picture(avif_refused, caplog):
    image = make_image(size=(800, 600))
    picture = image.picture()
    assert [mime for mime, _ in picture.sources] == ["image/webp"]
    assert picture.img.format == "jpeg"
    assert any("Cannot make avif renditions" in r.getMessage() for r in caplog.records)
    # Another process, knowing nothing yet, finds the same in storage.
    from django.core.cache import cache

    renditions.forget_known()
    cache.clear()
    assert [mime for mime, _ in image.picture().sources] == ["image/webp"]


def test_a_story_whose_photos_lack_a_format_renders_everywhere(client, avif_refused):
    story = make_story_with_everything()
    for url in (story.get_absolute_url(), "/", "/feeds/latest/"):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'type="image/webp"' in html and 'type="image/avif"' not in html
