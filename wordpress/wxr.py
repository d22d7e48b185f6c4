"""WordPress exports (WXR 1.0 to 1.2), read as a stream and refused when hostile.

A WXR file is RSS 2.0 with WordPress's namespaces: a `<channel>` holding the site's addresses,
its authors (`wp:author`), categories (`wp:category`, with `wp:category_parent` naming the
parent's slug), tags (`wp:tag`) and other terms (`wp:term`, such as Co-Authors Plus's `author`
taxonomy), then one `<item>` per post, page, attachment or menu item, with `wp:postmeta` pairs,
`<category domain=… nicename=…>` per term and `wp:comment`s. WordPress writes every text value in
CDATA sections.

The parser is the standard library's expat through defusedxml: a DTD, an entity declaration or
an external reference is refused the moment it is read, so a "billion laughs" or XXE file costs
nothing; WordPress's exporter writes none. Nothing is kept but the record being read, and a
field longer than `max_field_chars` is cut off and marked, so memory stays flat whatever the
size of the file or of one post. Bytes that are not UTF-8 in a UTF-8 file, and control
characters XML forbids, are replaced or dropped before the parser sees them (and counted), so a
single bad byte costs its own character rather than the whole import.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

__all__ = ["Author", "Item", "Site", "Term", "WXRError", "read"]

CHUNK = 64 * 1024
DEFAULT_MAX_FIELD = 1_000_000

WP = "http://wordpress.org/export/"
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORBIDDEN_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class WXRError(Exception):
    """The file is not a WordPress export this import can read, or is refused."""


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    # Characters that were not valid UTF-8, or that XML forbids, replaced or dropped so far.
    repaired: int = 0


@dataclass
class Author:
    login: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category, a tag or another taxonomy's term, as the channel lists them."""

    taxonomy: str = ""
    slug: str = ""
    name: str = ""
    parent: str = ""  # the parent's slug


@dataclass
class Item:
    fields: dict[str, str] = field(default_factory=dict)
    # (domain, nicename, name) in the order the export lists them.
    categories: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    too_long: set[str] = field(default_factory=set)
    line: int = 0

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def post_id(self) -> int | None:
        value = self.get("wp:post_id").strip()
        return int(value) if value.isdigit() else None


Record = Site | Author | Term | Item

# The channel's term lists: element → (taxonomy, {child element: Term attribute}).
_TERM_ELEMENTS = {
    "wp:category": (
        "category",
        {"wp:category_nicename": "slug", "wp:cat_name": "name", "wp:category_parent": "parent"},
    ),
    "wp:tag": ("post_tag", {"wp:tag_slug": "slug", "wp:tag_name": "name"}),
    "wp:term": (
        None,
        {
            "wp:term_taxonomy": "taxonomy",
            "wp:term_slug": "slug",
            "wp:term_name": "name",
            "wp:term_parent": "parent",
        },
    ),
}
_SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def _name(tag: str) -> str:
    """`{uri}local` as the prefix WordPress writes (`wp:post_id`), whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri.startswith(WP):
        return ("excerpt:" if uri.endswith("/excerpt/") else "wp:") + local
    prefix = NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


class _Builder:
    """The parser's target: turns start, data and end events into records."""

    def __init__(self, max_field: int) -> None:
        self.max_field = max_field
        self.records: list[Record] = []
        self.stack: list[str] = []
        self.site = Site()
        self.site_sent = False
        self.saw_wxr = False
        self.current: Author | Term | Item | None = None
        self.text: list[str] | None = None
        self.size = 0
        self.cut = False
        self.attrs: dict[str, str] = {}
        self.meta_key = ""
        self.line = lambda: 0

    def _send_site(self) -> None:
        if not self.site_sent:
            self.site_sent = True
            self.records.append(self.site)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = _name(tag)
        depth = len(self.stack)
        self.stack.append(name)
        if depth == 0:
            if name != "rss":
                raise WXRError(f"Not a WordPress export: the file starts with <{name}>, not <rss>.")
            return
        if name.startswith(("wp:", "excerpt:")):
            self.saw_wxr = True
        if depth == 2 and self.stack[1] == "channel":
            if name == "item":
                self._send_site()
                self.current = Item(line=self.line())
            elif name == "wp:author":
                self._send_site()
                self.current = Author()
            elif name in _TERM_ELEMENTS:
                self._send_site()
                self.current = Term(taxonomy=_TERM_ELEMENTS[name][0] or "")
            elif name in _SITE_FIELDS:
                self._collect(attrs)
            return
        if depth == 3 and self.current is not None:
            if name == "wp:comment":
                self.current.comments += 1
            elif name != "wp:postmeta":
                self._collect(attrs)
        elif depth == 4 and self.stack[3] == "wp:postmeta":
            self._collect(attrs)

    def _collect(self, attrs: dict[str, str]) -> None:
        self.text = []
        self.size = 0
        self.cut = False
        self.attrs = attrs

    def data(self, text: str) -> None:
        if self.text is None or self.cut:
            return
        self.size += len(text)
        if self.size > self.max_field:
            self.cut = True
            return
        self.text.append(text)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        depth = len(self.stack)
        value = None
        if self.text is not None:
            value = "".join(self.text)
            self.text = None
        current = self.current
        if depth == 2 and self.stack[1] == "channel":
            if current is not None and name in ("item", "wp:author", *_TERM_ELEMENTS):
                self.records.append(current)
                self.current = None
            elif name in _SITE_FIELDS and value is not None:
                setattr(self.site, _SITE_FIELDS[name], value.strip())
        elif depth == 3 and current is not None and value is not None:
            if isinstance(current, Item):
                if self.cut:
                    current.too_long.add(name)
                if name == "category":
                    domain = self.attrs.get("domain", "")
                    nicename = self.attrs.get("nicename", "")
                    current.categories.append((domain, nicename, value.strip()))
                else:
                    current.fields[name] = value
            elif isinstance(current, Author):
                attribute = name.removeprefix("wp:author_")
                if attribute in ("login", "display_name", "first_name", "last_name"):
                    setattr(current, attribute, value.strip())
            else:
                for element, (_, names) in _TERM_ELEMENTS.items():
                    if name in names and (element == "wp:term" or name != "wp:term_taxonomy"):
                        setattr(current, names[name], value.strip())
                        break
        elif depth == 4 and isinstance(current, Item) and value is not None:
            if name == "wp:meta_key":
                self.meta_key = value.strip()
            elif name == "wp:meta_value" and self.meta_key:
                current.meta[self.meta_key] = value
                self.meta_key = ""
        if depth == 1 and name == "channel":
            self._send_site()

    def close(self) -> None:
        return None


class _Repair:
    """Bytes as the parser may read them: in a UTF-8 file, invalid sequences become U+FFFD and
    characters XML forbids are dropped; other encodings lose their forbidden control bytes."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.decoder = None
        self.started = False

    def __call__(self, chunk: bytes, final: bool = False) -> bytes:
        if not self.started:
            self.started = True
            declared = _DECLARED.match(chunk)
            encoding = declared.group(1).decode().lower() if declared else "utf-8"
            utf16 = chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
            if encoding in ("utf-8", "utf8") and not utf16:
                self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        if self.decoder is None:
            cleaned, count = _FORBIDDEN_BYTES.subn(b"", chunk)
            self.site.repaired += count
            return cleaned
        text = self.decoder.decode(chunk, final)
        replaced = text.count("\ufffd") - chunk.count("\ufffd".encode())
        text, count = _FORBIDDEN.subn("", text)
        self.site.repaired += max(replaced, 0) + count
        return text.encode()


def read(
    source: str | Path | BinaryIO, *, max_field_chars: int = DEFAULT_MAX_FIELD
) -> Iterator[Record]:
    """The records of an export in file order: the Site first, then authors, terms and items.

    Raises WXRError for a file that is refused or cannot be read."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield from read(handle, max_field_chars=max_field_chars)
        return
    builder = _Builder(max_field_chars)
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.line = lambda: parser.parser.CurrentLineNumber
    repair = _Repair(builder.site)
    try:
        while True:
            chunk = source.read(CHUNK)
            parser.feed(repair(chunk, final=not chunk))
            yield from builder.records
            builder.records.clear()
            if not chunk:
                break
        parser.close()
    except DefusedXmlException as error:
        raise WXRError(
            "Refused: the file declares a DTD or entities. WordPress exports never do, and they "
            "can make a parser expand text without end (billion laughs) or read files and "
            f"addresses (XXE). ({type(error).__name__})"
        ) from error
    except ParseError as error:
        raise WXRError(f"Not a readable WordPress export: {error}.") from error
    yield from builder.records
    if not builder.saw_wxr:
        raise WXRError("Not a WordPress export: the file has no wp: elements (WXR 1.0 to 1.2).")
