"""Characters that are never text a reader should get: one definition for the whole site.

`drop_invisible` removes control characters (other than tab, line feed and carriage return),
Unicode noncharacters and lone surrogates: none is visible, XML 1.0 refuses most of them (a feed
with one is not well-formed) and a lone surrogate cannot even be encoded as UTF-8.
`clean_line` and `clean_lines` prepare what editors type for storage (see newsroom.apps) and
what forms check (newsroom.forms).
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, bar tab and newlines
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"  # surrogates and BMP noncharacters
)
# Noncharacters outside the BMP are picked out by a callback: a character class listing them
# is twenty times slower.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Line and page breaks that word processors paste: Word's manual line break is a vertical tab.
_PASTED_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85]")
_LINE_BREAKS = re.compile("[\t\r\n\x0b\x0c\x1c-\x1e\x85]+")
# Pasted from web pages and word processors into names and headlines, where they only break
# search and sorting. The zero-width joiners stay: emoji and some scripts are made with them.
_ZERO_WIDTH = re.compile("[\u180e\u200b\u2060\ufeff]")
# Spaces, the no-break and typographic ones included (one of them alone is kept as typed).
_SPACE_RUNS = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}")
# Browsers send a textarea's line breaks as CR LF; old Macs' files break lines with CR alone.
_CARRIAGE_RETURNS = re.compile("\r\n?")


def _astral_noncharacter(match: re.Match[str]) -> str:
    return "" if ord(match.group()) & 0xFFFE == 0xFFFE else match.group()


def drop_invisible(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return _ASTRAL.sub(_astral_noncharacter, _INVISIBLE.sub("", text))


def clean_lines(text: str) -> str:
    """Text that may hold lines (a body, a bio): every line break is one newline (a CR LF
    from a browser's form too, so a length is counted as a reader counts it), pasted breaks
    become newlines, the rest of the invisible characters go; tabs and newlines stay."""
    if "\r" in text:
        text = _CARRIAGE_RETURNS.sub("\n", text)
    return drop_invisible(_PASTED_BREAKS.sub("\n", text))


def clean_line(text: str) -> str:
    """Text of one line (a headline, a name, a tag): any break or tab becomes a space, zero-width
    spaces go, a run of spaces becomes one, and none is left at either end."""
    text = drop_invisible(_LINE_BREAKS.sub(" ", text))
    if text.isascii() and "  " not in text:
        return text.strip(" ")
    return _SPACE_RUNS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()
