"""Checks every uploaded image passes before it is stored: size, pixel count, a full decode."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "AVIF"}
# Shapes no page can show: a sliver of a few pixels, or a strip far longer than it is wide.
MIN_SIDE = 16
MAX_ASPECT_RATIO = 20


def size_limit_message() -> str:
    limit = filesizeformat(settings.MAX_IMAGE_UPLOAD_BYTES)
    return f"The image is larger than {limit}. Upload a smaller file."


def validate_image_upload(file) -> None:
    """Refuse files that are too large, not images, cut short or damaged, so many pixels that
    decoding them would exhaust the server's memory (a decompression bomb), or of a shape no
    page can show (a side under MIN_SIDE pixels, one side over MAX_ASPECT_RATIO times the other).

    The whole image is decoded, not just its header: a JPEG cut off half way has a valid
    header and passes `verify()`, but fails here. A file already in storage was checked when
    it was uploaded and is not read again.
    """
    if getattr(file, "_committed", False):
        return
    size = getattr(file, "size", None)
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(size_limit_message(), code="file_too_large")
    try:
        file.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; treat it as the error
            # it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG, WebP, AVIF or GIF image.", code="image_format"
                    )
                if image.width * image.height > settings.MAX_IMAGE_PIXELS:
                    raise ValidationError(_pixels_message(image), code="too_many_pixels")
                if _extreme_shape(image.width, image.height):
                    raise ValidationError(_shape_message(image), code="image_shape")
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "The image has too many pixels to process safely. Upload a smaller image.",
            code="too_many_pixels",
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            "The file is not a readable image: it may be cut short or damaged.",
            code="unreadable_image",
        ) from exc
    finally:
        file.seek(0)


def _pixels_message(image) -> str:
    megapixels = settings.MAX_IMAGE_PIXELS / 1_000_000
    return (
        f"The image is {image.width}×{image.height} pixels; the limit is {megapixels:g} "
        "megapixels. Upload a smaller image."
    )


def _extreme_shape(width: int, height: int) -> bool:
    short, long = sorted((width, height))
    return short < MIN_SIDE or long > short * MAX_ASPECT_RATIO


def _shape_message(image) -> str:
    return (
        f"The image is {image.width:,}×{image.height:,} pixels. Each side must be at least "
        f"{MIN_SIDE} pixels and the longer side at most {MAX_ASPECT_RATIO} times the shorter: "
        "crop it and upload it again."
    )
