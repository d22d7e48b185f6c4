"""Article bodies to HTML: a registry of shortcode tag handlers and the paragraph renderer.

Each handler resolves *all* of its tags in one batched query, renders each resolved tag through
a template, and leaves unresolved tags as their escaped text. Text outside tags is escaped. The
assembled HTML then passes an allow-list sanitizer (nh3) as a second wall.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import shortcodes
from .shortcodes import Node, Shortcode

Lookup = Callable[[Sequence[Shortcode]], list[Any]]
Validate = Callable[[Shortcode], str | None]


@dataclass(frozen=True)
class TagHandler:
    name: str
    template: str
    # Resolves every tag of this name in one go: a list of objects (or None), in node order.
    lookup: Lookup
    # Says what is wrong with a tag's attributes, before any look-up; None when nothing is.
    validate: Validate
    # Names the closest existing objects for an unresolved tag, for the editor's error message.
    suggest: Callable[[Shortcode], list[str]] = field(default=lambda node: [])
    context_name: str = "object"


REGISTRY: dict[str, TagHandler] = {}


def register(handler: TagHandler) -> TagHandler:
    REGISTRY[handler.name] = handler
    return handler


def tag_names() -> frozenset[str]:
    return frozenset(REGISTRY)


def parse(body: str) -> list[Node]:
    return shortcodes.parse(body, tag_names())


def resolve(nodes: Iterable[Node]) -> dict[int, Any]:
    """Map id(node) to the object each registered shortcode refers to (None if it resolves to
    nothing), with one batched look-up per tag name."""
    groups: dict[str, list[Shortcode]] = defaultdict(list)
    for node in nodes:
        if isinstance(node, Shortcode):
            groups[node.name].append(node)
    resolved: dict[int, Any] = {}
    for name, group in groups.items():
        handler = REGISTRY[name]
        valid = [node for node in group if handler.validate(node) is None]
        objects = handler.lookup(valid) if valid else []
        for node in group:
            resolved[id(node)] = None
        for node, obj in zip(valid, objects, strict=True):
            resolved[id(node)] = obj
    return resolved


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")

ALLOWED_TAGS = {"p", "br", "a", "span", "img", "strong", "em", "small"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "data-artist-id", "data-project-id", "aria-describedby", "tabindex"},
    "span": {"class", "id", "role", "hidden"},
    "img": {"src", "alt", "width", "height", "class", "loading", "decoding"},
    "p": {"class"},
    "small": {"class"},
}


def sanitize(html: str) -> str:
    # Links in a body only ever point at the site's own pages, so no scheme is allowed at all:
    # relative URLs pass, and anything with a scheme (javascript:, data:, https:) is dropped.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


# Control characters other than tab and newlines, Unicode noncharacters and lone surrogates
# (which cannot be encoded as UTF-8) are never visible text; they are dropped before parsing so
# that no page fails on them and the output is always well-formed HTML.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


def render_body(body: str) -> SafeString:
    nodes = parse(_INVISIBLE.sub("", body))
    resolved = resolve(nodes)
    paragraphs: list[list[str]] = [[]]
    mentions = _MentionRenderer()
    for node in nodes:
        if isinstance(node, Shortcode):
            obj = resolved[id(node)]
            if obj is None:
                paragraphs[-1].append(_text_html(node.text))
            else:
                paragraphs[-1].append(mentions.render(node, obj))
            continue
        pieces = _PARAGRAPH_BREAK.split(node.text)
        paragraphs[-1].append(_text_html(pieces[0]))
        for piece in pieces[1:]:
            paragraphs.append([_text_html(piece)])
    html = "\n".join(
        f"<p>{joined}</p>" for joined in ("".join(p).strip() for p in paragraphs) if joined
    )
    return mark_safe(sanitize(html))


# Stand-ins for the per-mention values. NUL never survives into a body (see _INVISIBLE), so
# they cannot collide with anything an editor wrote.
_TEXT_SLOT = "\x00text\x00"
_ID_SLOT = "\x00mention\x00"


class _MentionRenderer:
    """Renders each linked record's template once per page and fills in each mention's own
    text and id, so a body with hundreds of mentions costs a handful of template renders."""

    def __init__(self) -> None:
        self.count = 0
        self.rendered: dict[tuple[str, int, bool], str] = {}

    def render(self, node: Shortcode, obj: Any) -> str:
        self.count += 1
        handler = REGISTRY[node.name]
        key = (node.name, obj.pk, node.content is None)
        if key not in self.rendered:
            context = {
                handler.context_name: obj,
                "text": None if node.content is None else _TEXT_SLOT,
                "mention_id": _ID_SLOT,
            }
            self.rendered[key] = render_to_string(handler.template, context).strip()
        html = self.rendered[key].replace(_ID_SLOT, f"mention-{self.count}")
        if node.content is not None:
            html = html.replace(_TEXT_SLOT, escape(node.content))
        return html


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>\n")


GENERATION_KEY = "articles:render-generation"


def bump_generation() -> None:
    """Invalidate every cached body: the people and projects they link to have changed."""
    import time

    cache.set(GENERATION_KEY, time.time_ns(), None)


def cached_body_html(body: str) -> SafeString:
    """The body's HTML, rendered once per body text and per change to linked records."""
    generation = cache.get_or_set(GENERATION_KEY, 0, None)
    digest = hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    key = f"articles:body:{generation}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(render_body(body))
        cache.set(key, html, 60 * 60 * 24 * 7)
    return mark_safe(html)
