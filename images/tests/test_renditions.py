import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from images import renditions
from images.renditions import Source, crop_box, crop_size, widths_for
from newsroom.testing import make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_storage(settings):
    # Object storage has no local paths: the engine must work through the storage API alone.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield default_storage


def opened(name):
    with default_storage.open(name, "rb") as fh:
        return PILImage.open(io.BytesIO(fh.read()))


@pytest.mark.parametrize(
    "size, ratio, expected",
    [
        ((1600, 1200), (16, 9), (1600, 900)),
        ((1600, 1200), (1, 1), (1200, 1200)),
        ((1200, 1600), (4, 3), (1200, 900)),
        ((1600, 1200), None, (1600, 1200)),
    ],
)
def test_crop_size_is_the_largest_area_of_the_ratio(size, ratio, expected):
    assert crop_size(*size, ratio) == expected


@pytest.mark.parametrize(
    "focal, expected",
    [
        ((0.5, 0.5), (200, 0, 1400, 1200)),
        ((0.0, 0.5), (0, 0, 1200, 1200)),  # held at the left edge
        ((1.0, 0.5), (400, 0, 1600, 1200)),  # and at the right
        ((0.3, 0.9), (0, 0, 1200, 1200)),
    ],
)
def test_crop_follows_the_focal_point_within_the_edges(focal, expected):
    assert crop_box(1600, 1200, (1, 1), *focal) == expected


def test_widths_never_exceed_the_original():
    assert widths_for(Source("x", 1000, 800), None) == (320, 640, 960)
    assert widths_for(Source("x", 4000, 3000), (16, 9)) == (320, 640, 960, 1280, 1920)
    assert widths_for(Source("x", 200, 150), None) == (200,)


def test_picture_has_every_width_in_every_format_through_storage(memory_storage):
    image = make_image(size=(1000, 800))
    picture = image.picture(ratio=(16, 9))
    formats = [mime for mime, _ in picture.sources]
    modern = ["image/avif", "image/webp"] if renditions.avif_supported() else ["image/webp"]
    assert formats == modern
    for width in (320, 640, 960):
        for fmt, pil in [*[(f, f.upper()) for f in renditions.source_formats()], ("jpeg", "JPEG")]:
            name = renditions.rendition_name(image.source, (16, 9), width, fmt)
            rendition = opened(name)
            assert rendition.format == pil
            assert rendition.size == (width, round(width * 9 / 16))
    assert "1280w" not in picture.srcset  # no upscaling past the 1000 px original
    assert picture.img.url.endswith("-640w.jpg")
    assert (picture.width, picture.height) == (640, 360)


def test_the_original_is_never_what_readers_get(memory_storage):
    image = make_image(size=(800, 600))
    picture = image.picture()
    urls = picture.srcset + " ".join(srcset for _, srcset in picture.sources)
    assert image.file.url not in urls
    assert all("/renditions/" in part for part in urls.split(", "))


def test_focal_point_decides_the_crop(memory_storage):
    # The light square sits at the centre; a focal point at the far left crops it off.
    centred = make_image(size=(1600, 800))
    left = make_image(size=(1600, 800), focal_x=0.0)
    middle = opened(centred.crop((1, 1), 320).name).getpixel((160, 160))
    edge = opened(left.crop((1, 1), 320).name).getpixel((160, 160))
    assert sum(middle) > 600  # light
    assert sum(edge) < 400  # the dark field


def test_renditions_are_made_once(memory_storage, monkeypatch, django_assert_num_queries):
    image = make_image(size=(800, 600))
    calls = []
    original = renditions.generate
    monkeypatch.setattr(renditions, "generate", lambda *a: calls.append(a) or original(*a))
    with django_assert_num_queries(0):
        first = image.picture(ratio=(4, 3))
        again = image.picture(ratio=(4, 3))
    assert first == again
    assert len(calls) == 1
    # Another process (fresh memory, same shared cache and storage) makes nothing either.
    renditions.forget_known()
    image.picture(ratio=(4, 3))
    assert len(calls) == 1


def test_names_are_deterministic_and_change_with_the_focal_point():
    source = Source("images/2026/11/photo.jpg", 1600, 1200)
    moved = Source("images/2026/11/photo.jpg", 1600, 1200, focal_x=0.2)
    name = renditions.rendition_name(source, (16, 9), 640, "webp")
    assert name == renditions.rendition_name(source, (16, 9), 640, "webp")
    assert name != renditions.rendition_name(moved, (16, 9), 640, "webp")
    assert name.startswith("renditions/") and name.endswith("-16x9-500-500-640w.webp")


def test_an_unreadable_original_gives_no_picture_and_no_error(memory_storage):
    image = make_image(size=(800, 600))
    default_storage.delete(image.file.name)
    assert image.picture() is None


def test_a_camera_rotated_photo_has_its_displayed_size(memory_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image

    pil = PILImage.new("RGB", (400, 300), "#222222")
    exif = pil.getexif()
    exif[0x0112] = 6  # rotate 90° on display
    out = io.BytesIO()
    pil.save(out, format="JPEG", exif=exif)
    image = Image(title="Rotated", alt_text="A rotated photo")
    image.file = SimpleUploadedFile("rotated.jpg", out.getvalue())
    image.save()
    assert (image.width, image.height) == (300, 400)
    assert opened(image.picture().img.name).size == (300, 400)


def test_concurrent_first_views_make_each_rendition_once_under_its_own_name(settings):
    # Several workers meet the same new photo at once, each with its own memory and no shared
    # cache entry yet: all get the picture, and storage holds one file per rendition name.
    import threading

    from django.core.cache import cache

    image = make_image(size=(700, 500))
    results, errors = [], []
    barrier = threading.Barrier(6)

    def view():
        try:
            barrier.wait()
            results.append(image.picture(ratio=(4, 3)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    renditions.forget_known()
    cache.clear()
    threads = [threading.Thread(target=view) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 6 and len(set(results)) == 1 and results[0] is not None
    folder = renditions.rendition_name(image.source, (4, 3), 320, "jpeg").rsplit("/", 1)[0]
    _, files = default_storage.listdir(folder)
    expected = {
        renditions.rendition_name(image.source, (4, 3), width, fmt).rsplit("/", 1)[1]
        for width in (320, 640)
        for fmt in (*renditions.source_formats(), "jpeg")
    }
    assert set(files) == expected
