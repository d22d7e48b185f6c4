"""Responsive pictures of library images: `{% picture image ratio="16:9" sizes="…" %}`."""

from __future__ import annotations

from django import template

from .. import renditions

register = template.Library()


def _widths(value: str) -> tuple[int, ...]:
    if not value:
        return renditions.WIDTHS
    return tuple(int(part) for part in str(value).split(","))


@register.inclusion_tag("images/includes/picture.html")
def picture(
    image,
    ratio="original",
    sizes="100vw",
    widths="",
    css_class="",
    loading="lazy",
    alt=None,
):
    """A <picture> with a srcset per modern format and a JPEG <img>, or nothing when the image
    is missing or its file cannot be read. Reads only the image's own row: no query."""
    pic = None
    if image and getattr(image, "file", None):
        pic = image.picture(ratio=renditions.parse_ratio(ratio), widths=_widths(widths))
    return {
        "pic": pic,
        "sizes": sizes,
        "css_class": css_class,
        "loading": loading,
        "alt": image.alt_text if alt is None and pic is not None else alt,
    }
