"""Article bodies to HTML: a registry of shortcode tag handlers and the paragraph renderer.

Each handler resolves *all* of its tags in one batched query, renders each resolved tag through
a template, and leaves unresolved tags as their escaped text. Text outside tags is escaped. The
assembled HTML then passes an allow-list sanitizer (nh3) as a second wall.
"""

from __future__ import annotations

import hashlib
import re
import time
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
    # Light objects are enough: they are used for the mention lists and link text.
    lookup: Lookup
    # Loads what the template shows for these primary keys, in a fixed number of queries; only
    # called for records whose rendered template is not cached yet.
    load: Callable[[list[Any]], dict[Any, Any]]
    # Says what is wrong with a tag's attributes, before any look-up; None when nothing is.
    validate: Validate
    # Names the closest existing records for each unresolved tag, for the editor's error message;
    # one query for all of them.
    suggest: Callable[[Sequence[Shortcode]], list[list[str]]] = field(
        default=lambda nodes: [[] for _ in nodes]
    )
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


# Only ASCII whitespace separates paragraphs: a no-break space is text the editor typed on purpose.
_ASCII_SPACE = " \t\n\r\f\v"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n[ \t\n\r\f\v]*")

ALLOWED_TAGS = {"p", "br", "a", "span", "img"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "data-artist-id", "data-project-id", "aria-describedby", "tabindex"},
    "span": {"class", "id", "role", "hidden"},
    "img": {"src", "alt", "width", "height", "class", "loading", "decoding"},
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
# that no page fails on them and the output is always well-formed HTML. Noncharacters outside
# the BMP are picked out by a callback: a character class listing them is twenty times slower.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, bar tab and newlines
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"  # surrogates and BMP noncharacters
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_noncharacter(match: re.Match[str]) -> str:
    return "" if ord(match.group()) & 0xFFFE == 0xFFFE else match.group()


def drop_invisible(text: str) -> str:
    return _ASTRAL.sub(_astral_noncharacter, _INVISIBLE.sub("", text))


def reader_nodes(body: str) -> list[Node]:
    """The body as readers get it, parsed: what the page, search and the mention lists use.
    (Editing operations parse the raw body, whose offsets and bytes they must keep.)"""
    return parse(drop_invisible(body))


def plain_text(body: str) -> str:
    """The body's text without shortcode syntax: enclosed text stays, tags go."""
    return "".join(node.text for node in reader_nodes(body))


def render_body(body: str) -> SafeString:
    nodes = reader_nodes(body)
    resolved = resolve(nodes)
    paragraphs: list[list[str]] = [[]]
    mentions = _MentionRenderer(nodes, resolved)
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
    mentions.save()
    html = "\n".join(
        f"<p>{joined}</p>"
        for joined in ("".join(p).strip(_ASCII_SPACE) for p in paragraphs)
        if joined
    )
    return mark_safe(sanitize(html))


# Stand-ins for the per-mention values. NUL never survives into a body (see _INVISIBLE), so
# they cannot collide with anything an editor wrote.
_TEXT_SLOT = "\x00text\x00"
_ID_SLOT = "\x00mention\x00"


class _MentionRenderer:
    """Renders each linked record's template once and fills in each mention's own text and id.

    The rendered templates are also kept in the cache, keyed by the render generation, so a
    card is rendered once for every article that links to the same artist, not once per body.
    """

    def __init__(self, nodes: list[Node], resolved: dict[int, Any]) -> None:
        self.count = 0
        self.prefix = f"articles:mention:{generation()}"
        wanted = {
            self._key(node, resolved[id(node)])
            for node in nodes
            if isinstance(node, Shortcode) and resolved[id(node)] is not None
        }
        cached = cache.get_many([self._cache_key(key) for key in wanted]) if wanted else {}
        self.rendered = {key: cached.get(self._cache_key(key)) for key in wanted}
        self.missing: dict[str, str] = {}
        self.load_missing()

    @staticmethod
    def _key(node: Shortcode, obj: Any) -> tuple[str, int, bool]:
        return (node.name, obj.pk, node.content is None)

    def _cache_key(self, key: tuple[str, int, bool]) -> str:
        name, pk, self_closing = key
        return f"{self.prefix}:{name}:{pk}:{int(self_closing)}"

    def load_missing(self) -> None:
        """Fetch the full records for every template not found in the cache, one batch per tag."""
        missing: dict[str, list[Any]] = defaultdict(list)
        for (name, pk, _), html in self.rendered.items():
            if html is None:
                missing[name].append(pk)
        self.full = {name: REGISTRY[name].load(pks) for name, pks in missing.items()}

    def render(self, node: Shortcode, obj: Any) -> str:
        self.count += 1
        key = self._key(node, obj)
        html = self.rendered.get(key)
        if html is None:
            handler = REGISTRY[node.name]
            obj = self.full[node.name].get(obj.pk, obj)
            context = {
                handler.context_name: obj,
                "text": None if node.content is None else _TEXT_SLOT,
                "mention_id": _ID_SLOT,
            }
            html = self.rendered[key] = render_to_string(handler.template, context).strip()
            self.missing[self._cache_key(key)] = html
        html = html.replace(_ID_SLOT, f"mention-{self.count}")
        if node.content is not None:
            html = html.replace(_TEXT_SLOT, escape(node.content))
        return html

    def save(self) -> None:
        if self.missing:
            cache.set_many(self.missing, CACHE_SECONDS)


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>\n")


GENERATION_KEY = "articles:render-generation"
CACHE_SECONDS = 60 * 60 * 24 * 7


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, None)


def bump_generation() -> None:
    """Invalidate every cached body: the people and projects they link to have changed."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def _digest(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def cached_references(body: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every registered tag in the body, in order, parsed once per
    body text: the order readers meet the people and projects it links to."""
    key = f"articles:refs:{_digest(body)}"
    refs = cache.get(key)
    if refs is None:
        refs = [
            (node.name, attr, str(node.attrs[attr]).strip())
            for node in reader_nodes(body)
            if isinstance(node, Shortcode)
            for attr in ("id", "slug")
            if attr in node.attrs
        ]
        cache.set(key, refs, CACHE_SECONDS)
    return refs


def cached_body_html(body: str) -> SafeString:
    """The body's HTML, rendered once per body text and per change to linked records."""
    key = f"articles:body:{generation()}:{_digest(body)}"
    html = cache.get(key)
    if html is None:
        html = str(render_body(body))
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)
