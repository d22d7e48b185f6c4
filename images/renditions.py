"""The one rendition engine: focal-point crops of an original, in the widths a `srcset` needs,
in modern formats, made once and kept in storage.

Readers never get an original. Every rendition has a name derived from the original's storage
name and the rendition's spec (crop ratio, focal point, width, format), so:

- the markup for a picture is computed from the database row alone (width, height and focal
  point are stored), without opening any file;
- a rendition is made the first time a page needs it and never again: its existence is
  remembered in the process and in the shared cache, and checked in storage only when neither
  knows it;
- moving the focal point or replacing the file gives new names, so no stale crop is served.

Everything goes through Django's storage API (`default_storage`), so renditions land wherever
media does: the local media folder or an S3 bucket.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache as memoize
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, features

logger = logging.getLogger(__name__)

# Widths offered in a srcset; never more than the original has.
WIDTHS = (320, 640, 960, 1280, 1920)

# Pillow format name, MIME type and encoder options for each output format.
FORMATS = {
    "avif": ("AVIF", "image/avif", {"quality": 60, "speed": 8}),
    "webp": ("WEBP", "image/webp", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
}
# The <img> itself: every browser decodes JPEG.
FALLBACK_FORMAT = "jpeg"
# The longest side any rendition may have: WebP's limit (JPEG's is 65,500). A very tall original
# gets only the widths whose height fits.
MAX_SIDE = 16_383

CACHE_SECONDS = 60 * 60 * 24 * 30
_KNOWN_LIMIT = 20_000
# This process's memory: rendition groups known to exist, and pictures already worked out.
_known: OrderedDict[Any, Any] = OrderedDict()
_known_lock = threading.Lock()


@memoize
def avif_supported() -> bool:
    return bool(features.check("avif"))


def source_formats() -> tuple[str, ...]:
    """Formats offered as <source> elements, best first."""
    return ("avif", "webp") if avif_supported() else ("webp",)


Ratio = tuple[int, int] | None


def parse_ratio(value: str | None) -> Ratio:
    """ "16:9" → (16, 9); "" or "original" → None (the whole image)."""
    if not value or value == "original":
        return None
    width, _, height = value.partition(":")
    return int(width), int(height)


@dataclass(frozen=True)
class Source:
    """An original in storage, as far as cropping needs to know it. A width and height of 0
    mean unknown (then a requested width is made as asked)."""

    name: str
    width: int = 0
    height: int = 0
    focal_x: float = 0.5
    focal_y: float = 0.5


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    format: str

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    @property
    def mime_type(self) -> str:
        return FORMATS[self.format][1]


@dataclass(frozen=True)
class Picture:
    """Everything a <picture> element needs: a srcset per modern format and the <img>."""

    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset)
    img: Rendition
    srcset: str

    @property
    def width(self) -> int:
        return self.img.width

    @property
    def height(self) -> int:
        return self.img.height


def crop_size(width: int, height: int, ratio: Ratio) -> tuple[int, int]:
    """The largest area of `ratio` that fits in width × height."""
    if ratio is None or not width or not height:
        return width, height
    rw, rh = ratio
    if width * rh > height * rw:
        return max(1, round(height * rw / rh)), height
    return width, max(1, round(width * rh / rw))


def crop_box(width: int, height: int, ratio: Ratio, fx: float, fy: float) -> tuple[int, ...]:
    """The crop of `ratio` centred as near the focal point (fractions) as the edges allow."""
    cw, ch = crop_size(width, height, ratio)
    left = min(max(round(fx * width - cw / 2), 0), width - cw)
    top = min(max(round(fy * height - ch / 2), 0), height - ch)
    return left, top, left + cw, top + ch


def widths_for(source: Source, ratio: Ratio, wanted=WIDTHS) -> tuple[int, ...]:
    """The wanted widths the crop can give without upscaling (at least one: its own), none
    of them taller than MAX_SIDE; none at all when even one pixel across would be."""
    cw, ch = crop_size(source.width, source.height, ratio)
    if not cw:
        return tuple(wanted)
    widest = min(cw, MAX_SIDE * cw // ch) if ch else cw
    if widest < 1:
        return ()
    fitting = tuple(w for w in wanted if w <= widest)
    return fitting or (widest,)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "image"


def rendition_name(source: Source, ratio: Ratio, width: int, fmt: str) -> str:
    digest = hashlib.sha256(source.name.encode()).hexdigest()[:16]
    stem = _slug(source.name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    shape = "orig" if ratio is None else f"{ratio[0]}x{ratio[1]}"
    focal = f"{round(source.focal_x * 1000):03d}-{round(source.focal_y * 1000):03d}"
    ext = "jpg" if fmt == "jpeg" else fmt
    return f"renditions/{digest[:2]}/{digest}/{stem}-{shape}-{focal}-{width}w.{ext}"


def _rendition(source: Source, ratio: Ratio, width: int, fmt: str) -> Rendition:
    cw, ch = crop_size(source.width, source.height, ratio)
    if cw and ch:
        height = max(1, round(width * ch / cw))
    else:
        height = width if ratio is None else max(1, round(width * ratio[1] / ratio[0]))
    return Rendition(rendition_name(source, ratio, width, fmt), width, height, fmt)


def picture(source: Source, *, ratio: Ratio = None, widths=WIDTHS) -> Picture | None:
    """The renditions for a responsive picture of `source`, made now if they do not exist yet.
    None when the original cannot be read (the page then shows no picture, never an error)."""
    memo_key = ("picture", source, ratio, tuple(widths))
    known = _known.get(memo_key)
    if known is not None:
        return known
    widths = widths_for(source, ratio, widths)
    made = ensure(source, ratio, widths, (*source_formats(), FALLBACK_FORMAT))
    if FALLBACK_FORMAT not in made:
        return None
    fallback = [_rendition(source, ratio, w, FALLBACK_FORMAT) for w in widths]
    # A format the encoder could not make for this picture is left out.
    sources = tuple(
        (FORMATS[fmt][1], _srcset([_rendition(source, ratio, w, fmt) for w in widths]))
        for fmt in source_formats()
        if fmt in made
    )
    # The plain src is for the rare browser without srcset: a middling size.
    img = fallback[min(1, len(fallback) - 1)]
    found = Picture(sources=sources, img=img, srcset=_srcset(fallback))
    _remember(memo_key, found)
    return found


def picture_renditions(source: Source, *, ratio: Ratio = None, widths=WIDTHS) -> list[Rendition]:
    """Every file of `picture(source, ratio=ratio, widths=widths)`, each width in each format,
    made now if they do not exist yet; [] when the original cannot be read."""
    if picture(source, ratio=ratio, widths=widths) is None:
        return []
    return [
        _rendition(source, ratio, width, fmt)
        for fmt in (*source_formats(), FALLBACK_FORMAT)
        for width in widths_for(source, ratio, widths)
    ]


def single(source: Source, *, ratio: Ratio, width: int, fmt: str = "jpeg") -> Rendition | None:
    """One rendition of `ratio` at `width` (or the crop's own width if smaller), e.g. a share
    image. None when the original cannot be read."""
    widths = widths_for(source, ratio, (width,))
    if fmt not in ensure(source, ratio, widths, (fmt,)):
        return None
    return _rendition(source, ratio, widths[0], fmt)


# The pictures and crops the site's pages ask for (article page, listings, link previews,
# structured data, the admin list): made when an editor saves a photo, so that no reader waits
# for them. Any other shape is made on first use.
COMMON_PICTURES: tuple[tuple[Ratio, tuple[int, ...]], ...] = (
    (None, WIDTHS),
    ((16, 9), WIDTHS),
    ((4, 3), (320, 640)),
)
COMMON_CROPS: tuple[tuple[Ratio, int, str], ...] = (
    ((40, 21), 1200, "jpeg"),
    ((1, 1), 1200, "jpeg"),
    ((4, 3), 1200, "jpeg"),
    ((16, 9), 1200, "jpeg"),
    ((1, 1), 160, "webp"),
)


def prewarm(source: Source) -> None:
    """Make the common pictures and crops of `source` now."""
    for ratio, widths in COMMON_PICTURES:
        picture(source, ratio=ratio, widths=widths)
    for ratio, width, fmt in COMMON_CROPS:
        single(source, ratio=ratio, width=width, fmt=fmt)


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def ensure(source: Source, ratio: Ratio, widths, formats) -> tuple[str, ...]:
    """Make the renditions unless they are known to exist; the formats that exist, in the order
    asked: all of them, all but one an encoder refused (logged), or none when the original is
    unusable or so thin no width fits. Never raises: a picture that cannot be made leaves a
    page without it.

    A group is written in a fixed order and its last file (the last format asked, which is
    never left out) stands for the whole group, so one check answers for all of them.
    """
    if not widths:
        logger.warning(
            "Cannot make renditions of %s: %s×%s is too thin", source.name, source.width,
            source.height,
        )  # fmt: skip
        return ()
    last = rendition_name(source, ratio, widths[-1], formats[-1])
    known = _known.get(("formats", last))
    if known is not None:
        return known
    key = f"images:rendition:{last}"
    made = cache.get(key)
    if not isinstance(made, tuple):
        try:
            if default_storage.exists(last):
                made = tuple(
                    fmt
                    for fmt in formats
                    if fmt == formats[-1]
                    or default_storage.exists(rendition_name(source, ratio, widths[-1], fmt))
                )
            else:
                made = generate(source, ratio, widths, formats)
        # An encoder's own error types vary (AVIF raises RuntimeError), and so do storages'.
        except Exception:
            logger.warning("Cannot make renditions of %s", source.name, exc_info=True)
            return ()
        cache.set(key, made, CACHE_SECONDS)
    _remember(("formats", last), made)
    return made


def _remember(key: Any, value: Any) -> None:
    with _known_lock:
        _known[key] = value
        while len(_known) > _KNOWN_LIMIT:
            _known.popitem(last=False)


def forget_known() -> None:
    """Drop this process's memory of existing renditions (for tests)."""
    with _known_lock:
        _known.clear()


def generate(source: Source, ratio: Ratio, widths, formats) -> tuple[str, ...]:
    """Crop the original once and write every width in every format; the formats written. A
    format other than the last that an encoder refuses is logged and left out; the last one
    failing is an error."""
    with default_storage.open(source.name, "rb") as fh:
        with Image.open(fh) as original:
            largest = max(widths)
            if original.format == "JPEG" and source.width and source.height:
                # Decode JPEGs at the smallest scale that still covers the largest width.
                cw, _ = crop_size(source.width, source.height, ratio)
                scale = largest / cw if cw else 1
                original.draft("RGB", (round(source.width * scale), round(source.height * scale)))
            image = ImageOps.exif_transpose(original)
            image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    box = crop_box(image.width, image.height, ratio, source.focal_x, source.focal_y)
    cropped = image.crop(box)
    jobs = [(w, fmt) for w in sorted(widths, reverse=True) for fmt in formats]
    sentinel = (widths[-1], formats[-1])
    jobs.remove(sentinel)
    jobs.append(sentinel)  # the file that stands for the group is written last
    resized: dict[int, Image.Image] = {}
    refused: set[str] = set()
    for width, fmt in jobs:
        if fmt in refused:
            continue
        if width not in resized:
            height = max(1, round(width * cropped.height / cropped.width))
            resized[width] = cropped.resize(
                (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
        if fmt == formats[-1]:
            _write(resized[width], source, ratio, width, fmt)
            continue
        try:
            _write(resized[width], source, ratio, width, fmt)
        except Exception:  # the encoder's own error: RuntimeError, ValueError, OSError
            logger.warning(
                "Cannot make %s renditions of %s; pages offer the other formats",
                fmt, source.name, exc_info=True,
            )  # fmt: skip
            refused.add(fmt)
    return tuple(fmt for fmt in formats if fmt not in refused)


def _write(image: Image.Image, source: Source, ratio: Ratio, width: int, fmt: str) -> str:
    pil_format, _, options = FORMATS[fmt]
    if pil_format == "JPEG" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "#ffffff")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    out = io.BytesIO()
    image.save(out, format=pil_format, **options)
    return save_once(rendition_name(source, ratio, width, fmt), out.getvalue())


def save_once(name: str, data: bytes) -> str:
    """Write `data` under exactly `name`. If another process wrote it first, theirs stays (the
    bytes are the same) and any copy the storage saved under another name is removed."""
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
    return name
