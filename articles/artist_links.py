"""Plain-text mentions of known artists in a body, as `[artist]` tags to suggest. No Django
imports.

Only text outside shortcodes and outside Markdown links counts, names match with their exact
capitals and whole words only, and only an artist's first mention is suggested (as an editor
would link it). A one-word name that is also an ordinary word ("Future", "Yes", "Train") is not
suggested where a sentence starts, where any word is capitalised; artists the body already links
to are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from . import shortcodes

__all__ = ["Candidate", "Suggestion", "apply", "suggest"]

_MARKDOWN_LINK = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)|<https?://[^>\s]*>|https?://\S+")
_SENTENCE_START = re.compile(r"(?:(?:^|\n)\s*(?:[-*+>#]+\s+|\d+[.)]\s+)?|[.!?:…]\s+|[\"“‘(]\s*)$")


@dataclass(frozen=True)
class Candidate:
    """An artist a suggestion may name: its name and how a tag refers to it."""

    name: str
    reference: str  # 'id="1230523"' or 'slug="kanye-west"'
    key: str  # names the artist in forms ("12")


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    candidate: Candidate

    @property
    def text(self) -> str:
        return self.candidate.name

    @property
    def tag(self) -> str:
        return f"[artist {self.candidate.reference}]{self.candidate.name}[/artist]"


def _free_spans(body: str, tag_names: Collection[str]) -> list[tuple[int, int]]:
    """Where plain text is: outside every shortcode and every Markdown link or bare URL."""
    spans = []
    for node in shortcodes.parse(body, tag_names):
        if not isinstance(node, shortcodes.Text):
            continue
        at = node.start
        for link in _MARKDOWN_LINK.finditer(node.raw):
            spans.append((at, node.start + link.start()))
            at = node.start + link.end()
        spans.append((at, node.start + len(node.raw)))
    return [(start, end) for start, end in spans if end > start]


def suggest(
    body: str,
    candidates: Sequence[Candidate],
    *,
    linked: Collection[str] = (),
    tag_names: Collection[str] = ("artist", "project", "image", "contributor", "embed"),
) -> list[Suggestion]:
    """The first plain-text mention of each candidate not in `linked` (their keys), in body
    order. Linear in the size of the body for a given set of names."""
    wanted = {c.name: c for c in candidates if c.key not in linked and c.name.strip()}
    if not wanted:
        return []
    # Longest first, so "Kanye West" wins over a "Kanye" that is also an artist.
    names = sorted(wanted, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    found: dict[str, Suggestion] = {}
    for start, end in _free_spans(body, tag_names):
        for match in pattern.finditer(body, start, end):
            name = match.group()
            if name in found:
                continue
            if " " not in name and _SENTENCE_START.search(
                body, max(0, match.start() - 8), match.start()
            ):
                continue
            found[name] = Suggestion(match.start(), match.end(), wanted[name])
        if len(found) == len(wanted):
            break
    return sorted(found.values(), key=lambda s: s.start)


def apply(body: str, suggestions: Sequence[Suggestion]) -> str:
    """The body with each suggestion's mention replaced by its tag."""
    pieces = []
    at = 0
    for suggestion in sorted(suggestions, key=lambda s: s.start):
        if suggestion.start < at or body[suggestion.start : suggestion.end] != suggestion.text:
            continue
        pieces.append(body[at : suggestion.start])
        pieces.append(suggestion.tag)
        at = suggestion.end
    pieces.append(body[at:])
    return "".join(pieces)
