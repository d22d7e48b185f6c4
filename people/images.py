"""Photo validation, resized renditions and monogram placeholders, all made with Pillow."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageDraw, ImageFont, ImageOps

RENDITION_SIZES = (96, 320)
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

_PALETTE = ["#7a2e2e", "#2e4f7a", "#2e7a55", "#6b2e7a", "#7a5a2e", "#2e6b7a"]


def validate_image_upload(file) -> None:
    """Refuse files that are too large, not images, or images too big to decode safely."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        limit = filesizeformat(settings.MAX_IMAGE_UPLOAD_BYTES)
        raise ValidationError(f"The photo is larger than {limit}. Upload a smaller file.")
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("The photo has too many pixels. Upload a smaller image.")
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF photo.")
            image.verify()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("The file is not a readable image.") from exc
    finally:
        file.seek(0)


def initials(name: str) -> str:
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


def monogram_png(name: str, size: int) -> bytes:
    """A square placeholder with the person's initials, coloured by their name."""
    digest = hashlib.sha256(name.encode()).digest()
    background = _PALETTE[digest[0] % len(_PALETTE)]
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 0.42)
    text = initials(name)
    box = draw.textbbox((0, 0), text, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), text, font=font, fill="#ffffff")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def rendition_name(photo_name: str, size: int) -> str:
    key = hashlib.sha256(photo_name.encode()).hexdigest()[:16]
    return f"renditions/{key}-{size}.webp"


def rendition(photo, size: int) -> str:
    """Storage name of a `size`-px square WebP of `photo`, made on first use."""
    name = rendition_name(photo.name, size)
    if default_storage.exists(name):
        return name
    photo.open("rb")
    try:
        with Image.open(photo) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="WEBP", quality=82)
    finally:
        photo.close()
    return default_storage.save(name, ContentFile(out.getvalue()))
