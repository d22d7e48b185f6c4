"""Monogram placeholders for people without a photo: initials on a colour from their name."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

_PALETTE = ["#7a2e2e", "#2e4f7a", "#2e7a55", "#6b2e7a", "#7a5a2e", "#2e6b7a"]


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
