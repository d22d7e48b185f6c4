"""Article bodies to HTML, in one pipeline (see `_render`):

1. drop characters that are never visible text (`drop_invisible`);
2. parse the shortcodes (`parse`) and resolve them, one batched look-up per tag name (`resolve`);
3. put an opaque placeholder where each tag was, a word Markdown reads as plain text
   (`with_placeholders`);
4. Markdown renders the rest: only the supported subset, links checked against an allow-list of
   schemes (`markdown`);
5. the allow-list sanitizer (nh3) as a second wall (`sanitize`), over the Markdown's HTML and
   over each tag's template output on its own: a card is sanitized once when it is rendered
   and cached, not again in every body that shows it, which keeps the sanitizer off the
   per-body cost of a story with hundreds of mentions;
6. fill the rendered tags back in (`fill_tags`), with the text put into them escaped.
"""

from __future__ import annotations

import contextvars
import hashlib
import html as html_lib
import re
import time
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import nh3
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import autolink as autolink_rule
from markdown_it.rules_inline import image as image_rule
from markdown_it.rules_inline import link as link_rule
from markdown_it.token import Token

from newsroom import tagcache
from newsroom.text import drop_invisible

from . import shortcodes
from .shortcodes import Escaped, Node, Shortcode, Text

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
    # A block tag (a figure, an embedded player) renders its template only when it stands alone
    # in a paragraph, and then replaces that paragraph. Within running text, a heading or
    # emphasis it renders `inline_template` instead, or its text when there is none.
    block: bool = False
    inline_template: str | None = None
    # What feeds show. None: the page template for block tags, a plain link for the others.
    feed_template: str | None = None


REGISTRY: dict[str, TagHandler] = {}


@dataclass(frozen=True)
class Known:
    """Records the caller has loaded already, by tag name and primary key: `found` are enough
    to resolve a tag (its link text and address), `loaded` come with everything their tag's
    templates show. `started` is a time no later than when they were read or found current in
    the cache: the start of whatever is computed from them."""

    started: int
    found: dict[str, dict[Any, Any]]
    loaded: dict[str, dict[Any, Any]]


_known: contextvars.ContextVar[Known | None] = contextvars.ContextVar("known", default=None)


def _by_pk(records: dict[str, Iterable[Any]] | None) -> dict[str, dict[Any, Any]]:
    return {name: {obj.pk: obj for obj in objs} for name, objs in (records or {}).items()}


@contextmanager
def knowing(started: int, *, found=None, loaded=None):
    """Inside, bodies and cards take these records (by tag name: `{"artist": [...]}`) from here
    rather than from the database: the article page loads its artists once for its body, its
    profile cards and its metadata."""
    token = _known.set(Known(started, _by_pk(found), _by_pk(loaded)))
    try:
        yield
    finally:
        _known.reset(token)


def known_records(name: str) -> dict[Any, Any]:
    """The records of tag `name` the caller has found or loaded already (see `knowing`), by
    primary key: enough to resolve tags."""
    known = _known.get()
    if known is None:
        return {}
    return {**known.found.get(name, {}), **known.loaded.get(name, {})}


def loaded_records(name: str) -> dict[Any, Any]:
    """The records of tag `name` the caller has loaded with everything their templates show."""
    known = _known.get()
    return known.loaded.get(name, {}) if known is not None else {}


def known_since(started: int) -> int:
    """`started`, or the time the known records were read if that is earlier: what is computed
    from them is as old as they are."""
    known = _known.get()
    return min(started, known.started) if known is not None else started


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
            if obj is None:
                # Cached output showing a tag that finds nothing waits for a record that would.
                tagcache.depend(*reference_tags(node))
    return resolved


# The attributes tags refer to records by: an id, a slug, or an artist's id on a service of
# the music web (handlers.ARTIST_ID_ATTRIBUTES).
REFERENCE_ATTRIBUTES = ("id", "slug", "mbid", "wikidata", "spotify", "apple", "discogs", "imdb")


def reference_value(attr: str, value: Any) -> str:
    """A reference as typed, the way records' own values are written: MBIDs in lower case."""
    value = str(value).strip()
    return value.lower() if attr == "mbid" else value


def reference_tags(node: Shortcode) -> list[str]:
    """Cache tags for what a tag refers to a record by: "ref:artist:slug=kanye-west"."""
    return [
        f"ref:{node.name}:{attr}={reference_value(attr, node.attrs[attr])}"
        for attr in REFERENCE_ATTRIBUTES
        if attr in node.attrs
    ]


ALLOWED_TAGS = {
    "p", "br", "a", "span", "img",
    # Markdown
    "h2", "h3", "em", "strong", "blockquote", "ul", "ol", "li", "hr",
    # Embeds: a figure that is a link until the reader asks for the player
    "figure", "figcaption", "button",
    # Library photos: a responsive picture
    "picture", "source",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {
        "href", "class", "rel",
        "data-artist-id", "data-project-id", "aria-describedby", "tabindex",
    },
    "span": {"class", "id", "role", "hidden"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "class", "loading", "decoding"},
    "source": {"type", "srcset", "sizes"},
    "ol": {"start"},
    "figure": {"class", "data-embed-src", "data-embed-title"},
    "figcaption": {"class"},
    "button": {"type", "class", "hidden"},
}  # fmt: skip
LINK_SCHEMES = ("http", "https", "mailto")


def sanitize(html: str) -> str:
    # Cards link to the site's own pages (relative URLs); Markdown links may also use the
    # schemes in LINK_SCHEMES. Any other scheme (javascript:, data:) is dropped.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


# Characters that are never visible text (newsroom.text.drop_invisible) are dropped before
# parsing, so that no page fails on them and the output is always well-formed HTML.


def reader_nodes(body: str) -> list[Node]:
    """The body as readers get it, parsed: what the page, search and the mention lists use.
    (Editing operations parse the raw body, whose offsets and bytes they must keep.)"""
    return parse(drop_invisible(body))


# --- Placeholders -------------------------------------------------------------------------------
#
# Each tag (and each escaped [[tag]]) becomes a placeholder: an opening mark, the slot number in
# private-use digits, a closing mark. Markdown sees letters, neither punctuation nor space, so a
# placeholder behaves like a word: `*[artist …]…[/artist]*` is emphasis around it. The opening
# mark says how the slot is filled; Markdown only ever sees FULL, and `_place_slots` switches
# it to TEXT inside a link's text and to BLOCK where a block tag is a paragraph of its own.
# The marks an editor types (private-use characters are legitimate text) get slots of their
# own, so a body can never forge a placeholder. So do spaces other than ASCII ones: the parser
# trims them off block edges like ASCII spaces, but a no-break space is typed on purpose.
FULL, TEXT, BLOCK, CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = re.compile("[\ue000-\ue003\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_DIGITS = str.maketrans("0123456789", "".join(chr(0xE010 + n) for n in range(10)))
_UNDIGITS = str.maketrans("".join(chr(0xE010 + n) for n in range(10)), "0123456789")
_PLACEHOLDER = re.compile("([\ue000-\ue002])([\ue010-\ue019]+)\ue003")
_SPLIT_PLACEHOLDERS = re.compile("([\ue000-\ue002][\ue010-\ue019]+\ue003)")
_ALONE = re.compile("\ue000([\ue010-\ue019]+)\ue003")


def _placeholder(index: int) -> str:
    return f"{FULL}{str(index).translate(_DIGITS)}{CLOSE}"


@dataclass
class Placeheld:
    """The Markdown source with placeholders, what each slot holds (a tag, an escaped tag or a
    typed mark character), and where each piece of the source came from in the body."""

    source: str
    slots: list[Node | str]
    # Parallel lists: the source offset each piece starts at and its body offset.
    source_starts: list[int]
    body_starts: list[int]

    def body_offset(self, source_offset: int) -> int:
        i = max(0, bisect_right(self.source_starts, source_offset) - 1)
        if not self.source_starts:
            return source_offset
        within = source_offset - self.source_starts[i]
        slot_here = self.source.startswith(FULL, self.source_starts[i])
        return self.body_starts[i] + (0 if slot_here else within)


def with_placeholders(nodes: Iterable[Node]) -> Placeheld:
    pieces: list[str] = []
    slots: list[Node | str] = []
    source_starts: list[int] = []
    body_starts: list[int] = []
    length = 0
    offset = 0

    def add(piece: str, body_offset: int) -> None:
        nonlocal length
        source_starts.append(length)
        body_starts.append(body_offset)
        pieces.append(piece)
        length += len(piece)

    for node in nodes:
        offset = node.start
        if isinstance(node, Shortcode | Escaped):
            add(_placeholder(len(slots)), offset)
            slots.append(node)
            continue
        text = node.raw
        last = 0
        for match in _MARKS.finditer(text):
            if match.start() > last:
                add(text[last : match.start()], offset + last)
            add(_placeholder(len(slots)), offset + match.start())
            slots.append(match.group())
            last = match.end()
        if last < len(text):
            add(text[last:], offset + last)
    return Placeheld("".join(pieces), slots, source_starts, body_starts)


# --- Markdown -----------------------------------------------------------------------------------
#
# CommonMark with the rules the body format does not support turned off, so that what they
# would have parsed stays text exactly as typed: raw HTML, character references, indented and
# fenced code, setext headings, reference definitions, tables, strikethrough. Image syntax
# stays text too (photos come from the image library), by a rule that keeps its source.


def _keep_image_source(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not image_rule(state, True):
        return False
    if not silent:
        state.push("text", "", 0).content = state.src[start : state.pos]
    return True


# A link's address in angle brackets, which may hold spaces: `[text](<https://a b>)`.
_SPACED_DESTINATION = re.compile(r"\(\s*<[^>\n]*[ \t]")


def _remembering_offset(rule: Callable[[StateInline, bool], bool]):
    """Wraps an inline link rule so the link token knows where it started, and whether its
    address was typed with a space, for problem reports."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        label_end = -1
        if not silent and state.src.startswith("[", start):
            label_end = state.md.helpers.parseLinkLabel(state, start, True)
        matched = rule(state, silent)
        if matched and not silent:
            # Text pending before the link is flushed into a token of its own first.
            for token in state.tokens[count:]:
                if token.type == "link_open":
                    token.meta["offset"] = start
                    if label_end >= 0:
                        rest = state.src[label_end + 1 : state.pos]
                        token.meta["spaced"] = bool(_SPACED_DESTINATION.match(rest))
                    break
        return matched

    return wrapped


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_NOT_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f\u200b\ufeff]+")


def _filled_address(href: str, slots: Sequence[Node | str] | None) -> tuple[str, str | None]:
    """A link address with each placeholder in it that stands for a character the editor typed
    (a private-use character, a space other than ASCII's) replaced by that character,
    percent-encoded as the rest of the address is, and the space it holds, if any, named. A
    tag's placeholder is left in: no address holds a tag, and the link is refused."""
    problem = None

    def fill(match: re.Match[str]) -> str:
        nonlocal problem
        index = int(match.group(2).translate(_UNDIGITS))
        slot = slots[index] if slots is not None and index < len(slots) else None
        if not isinstance(slot, str):
            return match.group()
        if slot.isspace() and problem is None:
            name = unicodedata.name(slot, "space").lower()
            problem = f"holds a {name} (U+{ord(slot):04X}): remove it, or write %20 for a space"
        return quote(slot)

    filled = _PLACEHOLDER.sub(fill, href)
    return filled, problem


def _shown(href: str) -> str:
    href = _PLACEHOLDER.sub("[…]", href)
    return href if len(href) <= 60 else href[:57] + "..."


def link_problem(href: str) -> str | None:
    """What is wrong with a link address, or None. Only http, https and mailto links and paths
    on this site are allowed; a scheme is found however it is spelled or encoded."""
    lowered = href.strip().lower()
    for scheme in LINK_SCHEMES:
        if lowered.startswith(f"{scheme}:"):
            return None
    decoded = href
    for _ in range(3):  # entities and percent-encoding, nested a few times
        decoded = unquote(html_lib.unescape(decoded))
    squeezed = _NOT_IN_SCHEME.sub("", decoded).lower()
    scheme = _SCHEME.match(squeezed)
    shown = _shown(href)
    if scheme:
        return (
            f'Link "{shown}" uses {scheme.group(1)}:; '
            "links may only use https:, http:, mailto: or a path starting with /."
        )
    if squeezed.startswith(("//", "/\\")) or not squeezed.startswith(("/", "#", "?")):
        return f'Link "{shown}" must start with https://, http://, mailto: or /.'
    return None


def _link_rel(href: str) -> str | None:
    if not href.lower().startswith(("http:", "https:")):
        return None
    return "nofollow noopener" if getattr(settings, "BODY_LINKS_NOFOLLOW", False) else "noopener"


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


class _SourcePositions:
    """Maps offsets in inline blocks' content, whose lines have lost their indentation and quote
    markers, back to the Markdown source. Each line is measured once, so a body full of bad
    links is reported in time proportional to its size."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.lines = _line_starts(src)
        self.block_lines: dict[int, list[int]] = {}
        self.shifts: dict[tuple[int, int], int] = {}

    def offset(self, block: Token, offset: int) -> int:
        starts = self.block_lines.get(id(block))
        if starts is None:
            starts = self.block_lines[id(block)] = _line_starts(block.content)
        k = bisect_right(starts, offset) - 1
        shift = self.shifts.get((id(block), k))
        if shift is None:
            end = starts[k + 1] - 1 if k + 1 < len(starts) else len(block.content)
            content_line = block.content[starts[k] : end]
            number = min((block.map[0] if block.map else 0) + k, len(self.lines) - 1)
            line_end = self.lines[number + 1] - 1 if number + 1 < len(self.lines) else None
            source_line = self.src[self.lines[number] : line_end]
            shift = self.lines[number] + max(source_line.find(content_line), 0)
            self.shifts[(id(block), k)] = shift
        return shift + offset - starts[k]


# Every link has one of these in its source (a reference-style link would not, but reference
# definitions are off): blocks without them need no link checks.
_MAY_LINK = re.compile(r"\]\(|<")


def _check_links(state: StateCore) -> None:
    """Refuses links outside the allow-list (they render as their text alone, and are reported
    through env["link_problems"]) and marks external ones rel="noopener"."""
    problems = state.env.setdefault("link_problems", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children or not _MAY_LINK.search(block.content):
            continue
        refused: set[int] = set()
        openers: list[Token] = []
        for child in block.children:
            if child.type == "link_open":
                openers.append(child)
                href = str(child.attrGet("href") or "")
                spaced = None
                if FULL in href:
                    href, spaced = _filled_address(href, state.env.get("slots"))
                    child.attrSet("href", href)
                if child.meta.get("spaced"):
                    spaced = spaced or "holds a space: write %20 instead"
                if FULL in href:
                    problem = f'The address of link "{_shown(href)}" holds a tag: type it out.'
                else:
                    problem = link_problem(href)
                if problem:
                    refused.add(id(child))
                elif rel := _link_rel(href):
                    child.attrSet("rel", rel)
                # An address that only holds a space still links, the space percent-encoded
                # as typed; the body check refuses it at the next save.
                if spaced and not problem:
                    problem = f'The address of link "{_shown(href)}" {spaced}.'
                if problem and "offset" in child.meta:  # only the checking parser records it
                    if "positions" not in state.env:
                        state.env["positions"] = _SourcePositions(state.src)
                    offset = state.env["positions"].offset(block, child.meta["offset"])
                    problems.append((offset, problem))
                child.attrs.pop("title", None)
            elif child.type == "link_close" and openers and id(openers.pop()) in refused:
                refused.add(id(child))
        if refused:
            block.children = [c for c in block.children if id(c) not in refused]


def _place_slots(state: StateCore) -> None:
    """Block tags on a line of their own leave their paragraph (see `_split_paragraph`); tags
    inside a link's text are marked to render as text; headings go no deeper than h3, and #
    is h2 (the headline is the page's only h1)."""
    blocks: set[int] = state.env.get("block_slots", set())

    def holds_block_tag(content: str) -> bool:
        # Each placeholder looked up in the set: linear in the text, whatever the tags' number.
        return bool(blocks) and any(
            int(found.group(2).translate(_UNDIGITS)) in blocks
            for found in _PLACEHOLDER.finditer(content)
        )

    tokens: list[Token] = []
    i = 0
    while i < len(state.tokens):
        token = state.tokens[i]
        if token.type == "paragraph_open" and holds_block_tag(state.tokens[i + 1].content):
            tokens.extend(_split_paragraph(state.tokens[i : i + 3], blocks))
            i += 3
        else:
            tokens.append(token)
            i += 1
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h3", "h4", "h5", "h6") else "h2"
        if token.type == "inline" and FULL in token.content and _MAY_LINK.search(token.content):
            depth = 0
            for child in token.children or ():
                if child.type == "link_open":
                    depth += 1
                elif child.type == "link_close":
                    depth -= 1
                elif depth and child.type == "text" and FULL in child.content:
                    child.content = child.content.replace(FULL, TEXT)
    state.tokens = tokens


_BREAKS = ("softbreak", "hardbreak")


def _split_paragraph(paragraph: list[Token], blocks: set[int]) -> list[Token]:
    """A paragraph with block tags on lines of their own, as the paragraphs around them and
    the tags themselves (a figure may not sit inside <p>). A block tag sharing its line with
    text, or inside emphasis or a link, stays inline."""
    opening, inline, closing = paragraph
    children = inline.children or []
    out: list[Token] = []
    run: list[Token] = []

    def flush() -> None:
        while run and run[-1].type in _BREAKS:
            run.pop()
        while run and run[0].type in _BREAKS:
            run.pop(0)
        if run:
            part = Token("inline", "", 0)
            part.children = list(run)
            # The whole paragraph's source: what later checks search for link syntax in.
            part.content = inline.content
            part.map = inline.map
            out.extend([_copy(opening), part, _copy(closing)])
        run.clear()

    depth = 0
    for index, child in enumerate(children):
        depth += child.nesting
        alone = _ALONE.fullmatch(child.content) if child.type == "text" and depth == 0 else None
        if (
            alone
            and int(alone.group(1).translate(_UNDIGITS)) in blocks
            and (index == 0 or children[index - 1].type in _BREAKS)
            and (index == len(children) - 1 or children[index + 1].type in _BREAKS)
        ):
            flush()
            html = Token("html_block", "", 0)
            html.content = BLOCK + child.content[1:] + "\n"
            html.block = True
            out.append(html)
        else:
            run.append(child)
    flush()
    return out


def _copy(token: Token) -> Token:
    copy = Token(token.type, token.tag, token.nesting)
    copy.block, copy.hidden, copy.map = token.block, token.hidden, token.map
    return copy


def _markdown_parser(*, checking: bool = False) -> MarkdownIt:
    """The body format's Markdown parser; the checking one also records where each link
    starts, for the editor's problem list (it costs the renderer time it need not spend)."""
    md = MarkdownIt("commonmark", {"breaks": True, "html": False, "xhtmlOut": False})
    md.disable(
        ["code", "fence", "lheading", "reference", "html_block", "table"]
        + ["backticks", "strikethrough", "html_inline", "entity", "linkify"]
    )
    md.inline.ruler.at("image", _keep_image_source)
    if checking:
        md.inline.ruler.at("link", _remembering_offset(link_rule))
        md.inline.ruler.at("autolink", _remembering_offset(autolink_rule))
    # Every link is parsed, so that a refused one can be reported and shown as its text.
    md.validateLink = lambda url: True
    normalize = md.normalizeLink

    def normalize_link(url: str) -> str:
        # Placeholders are kept as they are, not percent-encoded: `_check_links` puts back the
        # character each one stands for.
        if FULL not in url:
            return normalize(url)
        parts = _SPLIT_PLACEHOLDERS.split(url)
        return "".join(part if n % 2 else normalize(part) for n, part in enumerate(parts))

    md.normalizeLink = normalize_link
    md.core.ruler.push("check_links", _check_links)
    md.core.ruler.push("place_slots", _place_slots)
    return md


MARKDOWN = _markdown_parser()
CHECKING_MARKDOWN = _markdown_parser(checking=True)


def markdown(placeheld: Placeheld, block_slots: set[int]) -> str:
    env: dict[str, Any] = {"block_slots": block_slots, "slots": placeheld.slots}
    return MARKDOWN.render(placeheld.source, env)


def link_problems(body: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every link in the body that is not allowed."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    placeheld = with_placeholders(parse(body))
    env: dict[str, Any] = {"slots": placeheld.slots}
    CHECKING_MARKDOWN.parse(placeheld.source, env)
    place = shortcodes.LineIndex(body)
    return [
        (*place(placeheld.body_offset(offset)), message)
        for offset, message in env.get("link_problems", [])
    ]


# --- Rendering ----------------------------------------------------------------------------------


def _display_text(node: Node | str, obj: Any = None) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, Shortcode) and node.content is None and obj is not None:
        return str(getattr(obj, "name", None) or getattr(obj, "title", None) or obj)
    return node.text


def plain_text(body: str) -> str:
    """The body's text as readers see it, without shortcode or Markdown syntax: enclosed text
    stays, tags and markup go; blocks are separated by blank lines."""
    placeheld = with_placeholders(reader_nodes(body))
    tokens = MARKDOWN.parse(placeheld.source, {})
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "text":
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append("\n")
        elif token.type == "html_block":
            parts.append(token.content)
        elif token.nesting == -1 and token.block:
            parts.append("\n\n")
    text = "".join(parts)

    def fill(match: re.Match[str]) -> str:
        return _display_text(placeheld.slots[int(match.group(2).translate(_UNDIGITS))])

    return re.sub(r"\n{3,}", "\n\n", _PLACEHOLDER.sub(fill, text)).strip()


def render_body(body: str, *, feed: bool = False) -> SafeString:
    """The body as HTML for the article page, or for feeds (`feed=True`: mentions are plain
    links, no cards; links are still site-relative, see `absolutize`)."""
    return render_bodies([body], feed=feed)[0]


def render_bodies(bodies: Sequence[str], *, feed: bool = False) -> list[SafeString]:
    """Several bodies at once (a feed's items), with one look-up per tag name for them all."""
    parsed = [reader_nodes(body) for body in bodies]
    # What the cards kept from this render show may have been read by the look-ups.
    looked_up = time.time_ns()
    resolved = resolve(node for nodes in parsed for node in nodes)
    return [_render(nodes, resolved, feed=feed, looked_up=looked_up) for nodes in parsed]


def _render(
    nodes: list[Node], resolved: dict[int, Any], *, feed: bool, looked_up: int
) -> SafeString:
    placeheld = with_placeholders(nodes)
    block_slots = {
        index
        for index, slot in enumerate(placeheld.slots)
        if isinstance(slot, Shortcode)
        and REGISTRY[slot.name].block
        and resolved[id(slot)] is not None
    }
    html = sanitize(markdown(placeheld, block_slots))
    html = fill_tags(html, placeheld.slots, resolved, feed=feed, looked_up=looked_up)
    return mark_safe(_tidy(html))


def fill_tags(
    html: str, slots: list[Node | str], resolved: dict[int, Any], *, feed: bool, looked_up: int
) -> str:
    """The rendered tags in place of their placeholders. Each tag's HTML has passed the
    sanitizer on its own (a card once when it is rendered, not in every body that shows it);
    the text put into it is escaped, so the whole stays within the allow-list. `looked_up`:
    when the records in `resolved` were read (`time.time_ns()`)."""
    tags = [slot for slot in slots if isinstance(slot, Shortcode)]
    mentions = None if feed else _MentionRenderer(tags, resolved, looked_up)

    def fill(match: re.Match[str]) -> str:
        mark, slot = match.group(1), slots[int(match.group(2).translate(_UNDIGITS))]
        obj = resolved.get(id(slot)) if isinstance(slot, Shortcode) else None
        if obj is None or mark == TEXT:
            return _escape(_display_text(slot, obj))
        handler = REGISTRY[slot.name]
        if handler.block and mark != BLOCK:
            if handler.inline_template is None:
                return _escape(_display_text(slot, obj))
            return sanitize(_render_template(handler.inline_template, handler, slot, obj))
        if feed:
            html = sanitize(_feed_html(handler, slot, obj))
            return f"<p>{html}</p>" if mark == BLOCK and handler.feed_template else html
        return mentions.render(slot, obj)

    filled = _PLACEHOLDER.sub(fill, html)
    if mentions is not None:
        mentions.save()
    return filled


def _escape(text: str) -> str:
    """Text escaped for a text position as the sanitizer writes it, so that the output does
    not depend on which step escaped it; its line breaks are line breaks, as in the body."""
    text = html_lib.escape(text, quote=False).replace("\xa0", "&nbsp;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>\n")


# ASCII whitespace at the edges of a paragraph or heading, left by a tag that rendered to
# nothing (Markdown trims what it sees, but it saw the tag's placeholder there).
_EDGE_SPACE = " \t\n\r\f"
_OPENING_SPACE = re.compile(r"(<(?:p|h2|h3)>)[ \t\n\r\f]+")
_CLOSING = re.compile(r"</(?:p|h2|h3)>")


def _tidy(html: str) -> str:
    html = _OPENING_SPACE.sub(r"\1", html)
    pieces, last = [], 0
    for match in _CLOSING.finditer(html):
        pieces.append(html[last : match.start()].rstrip(_EDGE_SPACE))
        last = match.start()
    pieces.append(html[last:])
    html = "".join(pieces)
    # A paragraph that held only tags resolving to nothing goes.
    return html.replace("<p></p>\n", "").replace("<p></p>", "").strip()


def _render_template(template: str, handler: TagHandler, node: Shortcode, obj: Any) -> str:
    context = {handler.context_name: obj, "text": node.content, "mention_id": ""}
    return render_to_string(template, context).strip()


def _feed_html(handler: TagHandler, node: Shortcode, obj: Any) -> str:
    if handler.feed_template or handler.block:
        return _render_template(handler.feed_template or handler.template, handler, node, obj)
    return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _display_text(node, obj))


_URL_ATTRIBUTE = re.compile(r'\b(href|src)="(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')


def absolutize(html: str, base: str) -> str:
    """Site-relative link and image addresses in sanitized HTML made absolute on `base`
    (such as "https://example.com"), for feed readers."""
    base = base.rstrip("/")
    html = _URL_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{base}{m.group(2)}"', html)

    def srcset(match: re.Match[str]) -> str:
        candidates = []
        for candidate in match.group(1).split(","):
            candidate = candidate.strip()
            if candidate.startswith("/") and not candidate.startswith("//"):
                candidate = base + candidate
            candidates.append(candidate)
        return f'srcset="{", ".join(candidates)}"'

    return _SRCSET.sub(srcset, html)


# Stand-ins for the per-mention values, in cards rendered once and filled in for each mention:
# private-use characters, which the sanitizer keeps as they are. Only the card templates'
# output is searched for them, never text from a body.
_TEXT_SLOT = "\ue004text\ue004"
_ID_SLOT = "\ue004mention\ue004"
_SLOT_IN_TAG = re.compile("<[^>]*" + _TEXT_SLOT)


class _MentionRenderer:
    """Renders each linked record's template once and fills in each mention's own text and id.

    The rendered templates are also kept in the cache (tagged with the records they show), so
    a card is rendered once for every article that links to the same artist, not once per body,
    until that artist changes.
    """

    def __init__(self, nodes: list[Node], resolved: dict[int, Any], looked_up: int) -> None:
        self.count = 0
        self.looked_up = looked_up
        wanted = {
            self._key(node, resolved[id(node)])
            for node in nodes
            if isinstance(node, Shortcode) and resolved[id(node)] is not None
        }
        cached = tagcache.fetch_many(self._cache_key(key) for key in wanted) if wanted else {}
        self.rendered = {key: cached.get(self._cache_key(key)) for key in wanted}
        self.missing: dict[str, str] = {}
        self.text_in_tag: dict[tuple[str, Any, bool], bool] = {}
        self.load_missing()

    @staticmethod
    def _key(node: Shortcode, obj: Any) -> tuple[str, int, bool]:
        return (node.name, obj.pk, node.content is None)

    @staticmethod
    def _cache_key(key: tuple[str, int, bool]) -> str:
        name, pk, self_closing = key
        return f"articles:card:{name}:{pk}:{int(self_closing)}"

    def load_missing(self) -> None:
        """Fetch the full records for every template not found in the cache, one batch per tag;
        what they load is what the new cards depend on."""
        missing: dict[str, list[Any]] = defaultdict(list)
        for (name, pk, _), html in self.rendered.items():
            if html is None:
                missing[name].append(pk)
        with tagcache.recording() as self.recording:
            self.full = {}
            for name, pks in missing.items():
                known = loaded_records(name)
                rest = [pk for pk in pks if pk not in known]
                self.full[name] = {pk: known[pk] for pk in pks if pk in known}
                self.full[name].update(REGISTRY[name].load(rest) if rest else {})
        # A card may be rendered from the record its tag's look-up read (a contributor, a
        # photo): it is as old as that read, and is not kept if the record changed since.
        self.recording.started = known_since(min(self.recording.started, self.looked_up))

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
            html = render_to_string(handler.template, context).strip()
            html = self.rendered[key] = sanitize(html)
            self.missing[self._cache_key(key)] = (html, _record_tags(obj))
        html = html.replace(_ID_SLOT, f"mention-{self.count}")
        if node.content is not None:
            # Quotes escaped too when the template shows the text inside a tag's attributes.
            in_tag = self.text_in_tag.get(key)
            if in_tag is None:
                in_tag = self.text_in_tag[key] = bool(_SLOT_IN_TAG.search(html))
            text = escape(node.content) if in_tag else _escape(node.content)
            html = html.replace(_TEXT_SLOT, text.replace("\xa0", "&nbsp;"))
        return html

    def save(self) -> None:
        started = self.recording.started
        tagcache.store_many(
            {
                key: (html, tagcache.Recording(started, tags))
                for key, (html, tags) in self.missing.items()
            },
            CACHE_SECONDS,
        )


def _record_tags(obj: Any) -> set[str]:
    """The cache tags of what a card shows: a record and what was loaded with it, what a
    wrapper says it shows, or nothing for what is no record (an embed is its address)."""
    if hasattr(obj, "cache_tag"):
        return {obj.cache_tag}
    return tagcache.tags_of(obj) if hasattr(obj, "_meta") else set()


CACHE_SECONDS = 60 * 60 * 24 * 7


def _digest(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def cached_references(body: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every registered tag in the body, in order, parsed once per
    body text: the order readers meet the people and projects it links to."""
    return cached_references_many([body])[0]


def cached_references_many(bodies: Sequence[str]) -> list[list[tuple[str, str, str]]]:
    """`cached_references` of each body, in one cache look-up for them all."""
    keys = [f"articles:refs:2:{_digest(body)}" for body in bodies]
    found = cache.get_many(keys)
    missing = {}
    for key, body in zip(keys, bodies, strict=True):
        if key not in found:
            found[key] = missing[key] = [
                (node.name, attr, reference_value(attr, node.attrs[attr]))
                for node in reader_nodes(body)
                if isinstance(node, Shortcode)
                for attr in REFERENCE_ATTRIBUTES
                if attr in node.attrs
            ]
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return [found[key] for key in keys]


def cached_body_html(body: str) -> SafeString:
    """The body's HTML, rendered once per body text and kept until a record it shows (or a
    record one of its tags waits for) changes."""
    # The key names the body format, so bodies cached by an earlier renderer are not served.
    key = f"articles:body:markdown:{_digest(body)}"
    html = tagcache.fetch(key)
    if html is None:
        with tagcache.recording() as rec:
            html = str(render_body(body))
        rec.started = known_since(rec.started)
        tagcache.store(key, html, rec, CACHE_SECONDS)
    return mark_safe(html)


def cached_feed_bodies(bodies: Sequence[str]) -> list[str]:
    """The feed form of each body (site-relative links), kept like `cached_body_html`; those
    not cached are rendered together."""
    keys = [f"articles:feed-body:markdown:{_digest(body)}" for body in bodies]
    found = tagcache.fetch_many(keys)
    missing = [(key, body) for key, body in zip(keys, bodies, strict=True) if key not in found]
    if missing:
        with tagcache.recording() as rec:
            rendered = render_bodies([body for _, body in missing], feed=True)
        for (key, _), html in zip(missing, rendered, strict=True):
            found[key] = str(html)
        tagcache.store_many({key: (found[key], rec) for key, _ in missing}, CACHE_SECONDS)
    return [found[key] for key in keys]


LEADING_MARGIN = 10_000


def leading_part(body: str, *, max_chars: int, max_tags: int) -> tuple[str, bool]:
    """The body's leading paragraphs, cut at a blank line outside any tag (or between two
    pieces when a paragraph alone passes a limit), with at most `max_chars` characters and
    `max_tags` tags; and whether anything was left out. Linear in the body."""
    if len(body) <= max_chars and body.count("[") <= max_tags:
        return body, False
    blank_line = boundary = 0
    tags = 0
    # Only what can be kept is parsed, and a margin for a tag's text that runs past the limit.
    for node in parse(body[: max_chars + LEADING_MARGIN]):
        end = node.start + len(node.raw)
        if isinstance(node, Text):
            at = node.raw.find("\n\n")
            while at != -1 and node.start + at <= max_chars:
                blank_line = node.start + at
                at = node.raw.find("\n\n", at + 2)
        else:
            tags += 1
        if end > max_chars or tags > max_tags:
            break
        boundary = end
    else:
        return body, False
    # A first paragraph past the limits alone is cut at a space.
    cut = blank_line or boundary or body.rfind(" ", 0, max_chars)
    return body[: cut if cut > 0 else max_chars].rstrip(), True


def bounded_html(html: str, max_chars: int) -> tuple[str, bool]:
    """`html` cut at the last line break before `max_chars`, its open elements closed; and
    whether anything was cut."""
    if len(html) <= max_chars:
        return html, False
    cut = html.rfind("\n", 0, max_chars)
    return sanitize(html[: max(cut, 0)]), True


def cached_portable_bodies(bodies: Sequence[str], base: str) -> list[str]:
    """Each body as other sites show it (the read API): the feed form, which has links where
    the page has profile cards, with every address absolute on `base`."""
    return [absolutize(html, base) for html in cached_feed_bodies(bodies)]


def cached_profile_cards(artists: Sequence[Any]) -> list[SafeString]:
    """The profile card of each artist (people/includes/artist_card.html), rendered once and
    kept until what it shows changes; only the artists whose card is not kept are loaded with
    what a card shows, in a fixed number of queries (none for artists known already, see
    `knowing`)."""
    keys = {artist.pk: f"articles:profile-card:{artist.pk}" for artist in artists}
    found = tagcache.fetch_many(keys.values())
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        from people.models import Artist

        known = loaded_records("artist")
        full = {pk: known[pk] for pk in missing if pk in known}
        rest = [pk for pk in missing if pk not in known]
        with tagcache.recording() as rec:
            if rest:
                loaded = Artist.objects.with_card_data().prefetch_related("disciplines")
                full.update(loaded.in_bulk(rest))
        rec.started = known_since(rec.started)
        fresh = {}
        for pk, artist in full.items():
            html = render_to_string("people/includes/artist_card.html", {"artist": artist})
            found[keys[pk]] = html
            fresh[keys[pk]] = (html, tagcache.Recording(rec.started, tagcache.tags_of(artist)))
        tagcache.store_many(fresh, CACHE_SECONDS)
    return [mark_safe(found[keys[a.pk]]) for a in artists if keys[a.pk] in found]
