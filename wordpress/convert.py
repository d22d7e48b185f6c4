"""WordPress post content to this site's body format, with no Django imports.

WordPress stores a post as HTML: the classic editor's, where blank lines make paragraphs and a
single newline a line break (`wpautop` adds the tags when a page is shown), or the block
editor's, with `<!-- wp:… -->` comments around each block and every tag already written. Both
come out as the body format: Markdown's paragraphs, emphasis, headings, quotes, lists, links and
line breaks, and shortcodes for photos (`[image]`), players (`[embed]`) and artists.

The steps, in order (`convert`):
1. WordPress's own shortcodes (`[caption]`, `[gallery]`, `[embed]`, `[audio]`, `[video]`,
   `[artist]`) are found with the body format's shortcode parser and each is converted on its
   own, then stands in the HTML as an empty placeholder element;
2. the HTML is parsed by lxml's HTML parser (libxml2, which repairs broken markup the way
   browsers do) and walked once, block by block;
3. what the format cannot hold (tables, scripts, forms, unknown tags) is dropped, its text
   kept where it is text, and each drop is noted as a problem for the import's report.

Everything the importer knows about the site (which attachments became which library images,
which old addresses became which new ones, which artists exist) comes in a `Context`; the result
is the body and the problems, and converting is linear in the size of the content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import lxml.etree
import lxml.html

from articles import embeds, shortcodes

__all__ = ["Context", "Conversion", "convert", "uploads_key"]

# The body format's own tag names: text that happens to spell one is escaped.
BODY_TAGS = frozenset({"artist", "project", "image", "contributor", "embed"})
# WordPress shortcodes converted here; other `[name …]` text is kept as written.
WP_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "audio", "video", "artist")

BLOCK = frozenset(
    "p div section article main header footer aside nav address center figure details summary "
    "hgroup".split()
)
HEADINGS = {"h1": "##", "h2": "##", "h3": "###", "h4": "###", "h5": "###", "h6": "###"}
EMPHASIS = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}
# Kept as their text without a word in the report: the format has no use for them.
PLAIN_INLINE = frozenset(
    "span font u small big sup sub abbr acronym mark time del ins s strike q code kbd samp var "
    "tt dfn bdi bdo data label wbr nobr".split()
)
# Dropped with everything inside them: code or chrome, not the story's text.
DROPPED_WHOLE = frozenset(
    "script style noscript template head title meta link object embed param applet svg math "
    "canvas audio video source track map area input button select option textarea".split()
)
TABLE = frozenset("table thead tbody tfoot tr th td caption colgroup col".split())

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_ALL_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_ATTACHMENT_ID = re.compile(r"^attachment_(\d+)$")
_LINE_START = re.compile(
    r"^([ \t]*)(?:(>|[#+\-*](?=[ \t]|$)|-(?=[-\s]*$))|(\d{1,9})([.)])(?=[ \t]|$))", re.MULTILINE
)
# "<" too: a "<javascript:…>" in the text would be read as an autolink.
_MD_SPECIAL = re.compile(r"([\\*_`<])")
_UNESCAPE = re.compile(r"\\([\\*_`<\]])")
_LINK_LIKE = re.compile(r"\](?=\()")
_BODY_TAG_TEXT = re.compile(
    r"\[(/?(?:" + "|".join(sorted(BODY_TAGS)) + r"))(?=[\s\]/])([^\[\]]*)\]"
)
_URL_ALONE = re.compile(r"^\s*(https?://[^\s<>\"']+)\s*$")
_SHORTCODE_LIKE = re.compile(r"\[/?([A-Za-z][\w-]*)(?:\s[^\[\]]*)?\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLACEHOLDER_TAG = "wp-shortcode"


def uploads_key(url_or_path: str) -> str:
    """How an uploaded file is named for matching: its path under `wp-content/uploads/`, without
    WordPress's size suffix (`photo-300x200.jpg` is a rendition of `photo.jpg`), lower-cased."""
    path = unquote(urlsplit(url_or_path.strip()).path)
    marker = "/uploads/"
    at = path.find(marker)
    if at >= 0:
        path = path[at + len(marker) :]
    path = re.sub(r"^sites/\d+/", "", path.lstrip("/"))
    return _SIZE_SUFFIX.sub("", path).lower()


def old_path(url: str) -> str:
    """An old address as it is matched: its path with a trailing slash, and the query when the
    address is `?p=ID` style."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return path + (f"?{parts.query}" if parts.query.startswith(("p=", "page_id=")) else "")


@dataclass(frozen=True)
class Context:
    """What the conversion may link to."""

    # Attachment post id → library image id, and `uploads_key` of its file → library image id.
    images_by_attachment: Mapping[int, int] = field(default_factory=dict)
    images_by_file: Mapping[str, int] = field(default_factory=dict)
    # `old_path` of an imported post's address (its link, and `/?p=ID`) → its new address.
    posts_by_path: Mapping[str, str] = field(default_factory=dict)
    # Host names the old site's links use (`--site-url`, the export's own).
    site_hosts: Collection[str] = frozenset()
    # Artists this site knows, by external id and by slug.
    artist_ids: Collection[int] = frozenset()
    artist_slugs: Collection[str] = frozenset()
    # Where the old site kept artist pages: a link to `<prefix><slug>/` names that artist.
    artist_path_prefixes: tuple[str, ...] = ("/artist/", "/artists/")


@dataclass
class Conversion:
    body: str
    problems: list[str]
    images: list[int]


def convert(html: str, context: Context | None = None) -> Conversion:
    """The body for a WordPress post's content, with every problem met on the way."""
    return _Converter(context or Context()).run(html)


def _escape_text(text: str) -> str:
    """Text as Markdown shows it literally: emphasis marks, link brackets and the body's own
    tag names escaped."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _LINK_LIKE.sub(r"\\]", text)
    return _BODY_TAG_TEXT.sub(lambda m: f"[{m.group(0)}]", text)


def _escape_line_starts(block: str) -> str:
    def escaped(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"

    return _LINE_START.sub(escaped, block)


def _attr_value(value: str) -> str:
    """A value for a double-quoted shortcode attribute: one line, no quote or bracket, which the
    shortcode grammar cannot hold."""
    value = _ALL_SPACE.sub(" ", value).strip()
    return value.replace('"', "\u201d").replace("[", "(").replace("]", ")")


def _url_for_tag(url: str) -> str:
    return quote(url.strip(), safe=":/?#@!$&'()*+,;=%-._~")


def _url_for_link(url: str) -> str:
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%-._~")


class _Converter:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.problems: list[str] = []
        self.images: list[int] = []
        self.placeheld: list[tuple[str, bool]] = []  # (body text, is a block)
        self.classic = True
        self.dropped: dict[str, int] = {}
        self.skip_until: str | None = None

    # --- the whole --------------------------------------------------------------------------

    def run(self, html: str) -> Conversion:
        html = _CONTROL.sub("", html)
        self.classic = "<!-- wp:" not in html
        html = self._shortcodes(html)
        blocks: list[str] = []
        if html.strip():
            root = lxml.html.fragment_fromstring(html, create_parent="div")
            blocks = self._blocks(root)
        unknown = _unknown_shortcodes(html)
        if unknown:
            names = ", ".join(f"[{name}]" for name in unknown)
            self.problems.append(f"Shortcodes this site does not know were kept as text: {names}.")
        if self.dropped:
            names = ", ".join(f"<{name}>" for name in sorted(self.dropped))
            self.problems.append(f"HTML the body format cannot hold was dropped: {names}.")
        body = "\n\n".join(block for block in blocks if block.strip())
        return Conversion(body=body, problems=self.problems, images=self.images)

    # --- step 1: WordPress shortcodes -------------------------------------------------------

    def _shortcodes(self, html: str) -> str:
        if "[" not in html:
            return html
        pieces: list[str] = []
        for node in shortcodes.parse(html, WP_SHORTCODES):
            if isinstance(node, shortcodes.Shortcode):
                text, is_block = self._shortcode(node)
                self.placeheld.append((text, is_block))
                pieces.append(
                    f'<{_PLACEHOLDER_TAG} n="{len(self.placeheld) - 1}"></{_PLACEHOLDER_TAG}>'
                )
            else:
                pieces.append(node.raw)
        return "".join(pieces)

    def _shortcode(self, node: shortcodes.Shortcode) -> tuple[str, bool]:
        name = node.name
        if name in ("caption", "wp_caption"):
            return self._caption(node), True
        if name == "gallery":
            return self._gallery(node), True
        if name == "embed":
            url = (node.content or "").strip() or str(node.attrs.get("url", node.attrs.get(0, "")))
            return self._embed(url, f"[embed]{url}[/embed]"), True
        if name in ("audio", "video"):
            url = ""
            for key in ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv"):
                if node.attrs.get(key):
                    url = str(node.attrs[key])
                    break
            return self._media_link(name, url), True
        return self._artist(node), False

    def _caption(self, node: shortcodes.Shortcode) -> str:
        inner = lxml.html.fragment_fromstring(node.content or "", create_parent="div")
        image = None
        for img in inner.iter("img"):
            image = self._image_id(img)
            img.drop_tree()
            break
        match = _ATTACHMENT_ID.match(str(node.attrs.get("id", "")))
        if image is None and match:
            image = self.context.images_by_attachment.get(int(match.group(1)))
        caption = str(node.attrs.get("caption", "")) or inner.text_content()
        caption = _attr_value(caption)
        if image is None:
            self.problems.append(
                "A [caption] names a photo that was not imported; its caption was kept as text."
            )
            return _escape_text(caption)
        self.images.append(image)
        if caption:
            return f'[image id="{image}" caption="{caption}" /]'
        return f'[image id="{image}" /]'

    def _gallery(self, node: shortcodes.Shortcode) -> str:
        ids = [part.strip() for part in str(node.attrs.get("ids", "")).split(",")]
        found: list[str] = []
        missing = 0
        for part in ids:
            image = self.context.images_by_attachment.get(int(part)) if part.isdigit() else None
            if image is None:
                missing += 1 if part else 0
                continue
            self.images.append(image)
            found.append(f'[image id="{image}" /]')
        if not ids or ids == [""]:
            self.problems.append("A [gallery] without ids was dropped: it lists no photos.")
        elif missing:
            self.problems.append(f"A [gallery] names {missing} photo(s) that were not imported.")
        return "\n\n".join(found)

    def _embed(self, url: str, shown: str) -> str:
        url = url.strip()
        if url.startswith("http://"):
            # Every provider serves its pages over https; the body format asks for it.
            url = "https://" + url[len("http://") :]
        if embeds.parse_embed(url) is None:
            self.problems.append(
                f"An embed of {shown[:80]!r} is not a valid https address; dropped."
            )
            return ""
        return f'[embed url="{_url_for_tag(url)}" /]'

    def _media_link(self, name: str, url: str) -> str:
        if not url:
            self.problems.append(f"An [{name}] without a file was dropped.")
            return ""
        parts = urlsplit(url)
        if parts.scheme == "https":
            return self._embed(url, url)
        if parts.scheme == "http":
            return f"[{_escape_text(url)}]({_url_for_link(url)})"
        self.problems.append(f"An [{name}] of {url[:80]!r} was dropped.")
        return ""

    def _artist(self, node: shortcodes.Shortcode) -> str:
        text = node.content or ""
        name = _escape_text(_ALL_SPACE.sub(" ", re.sub(r"<[^>]*>", "", text)).strip())
        raw_id = str(node.attrs.get("id", "")).strip()
        slug = str(node.attrs.get("slug", "")).strip()
        if raw_id.isdigit() and int(raw_id) in self.context.artist_ids:
            return f'[artist id="{int(raw_id)}"]{name}[/artist]'
        if slug and slug in self.context.artist_slugs:
            return f'[artist slug="{slug}"]{name}[/artist]'
        self.problems.append(
            f"{node.raw[: node.raw.find(']') + 1][:80]} names no artist of this site; "
            "its text was kept."
        )
        return name

    # --- step 2: the HTML -------------------------------------------------------------------

    def _blocks(self, element: lxml.html.HtmlElement) -> list[str]:
        """The blocks of a container: its runs of inline content as paragraphs, and its block
        children as blocks of their own."""
        blocks: list[str] = []
        run: list[str] = []

        def flush() -> None:
            if run:
                blocks.extend(self._paragraphs("".join(run)))
                run.clear()

        if element.text:
            run.append(self._text(element.text))
        for child in element:
            tail = child.tail
            if isinstance(child, lxml.html.HtmlComment):
                self._comment(str(child.text or ""), blocks, flush)
            elif self.skip_until is not None:
                pass
            elif isinstance(child.tag, str):
                self._block_child(child, blocks, run, flush)
            if tail and self.skip_until is None:
                run.append(self._text(tail))
        flush()
        return blocks

    def _comment(self, comment: str, blocks: list[str], flush) -> None:
        comment = comment.strip()
        if self.skip_until is not None:
            if comment == self.skip_until:
                self.skip_until = None
            return
        match = re.match(r"^wp:((?:core-)?embed(?:/[\w-]+)?)\s*(\{.*\})?\s*$", comment, re.DOTALL)
        if match:
            try:
                attrs = json.loads(match.group(2) or "{}")
            except ValueError:
                attrs = {}
            url = attrs.get("url") if isinstance(attrs, dict) else None
            if isinstance(url, str) and url:
                flush()
                blocks.append(self._embed(url, url))
                self.skip_until = f"/wp:{match.group(1)}"

    def _block_child(self, child, blocks: list[str], run: list[str], flush) -> None:
        tag = child.tag.lower()
        if tag == _PLACEHOLDER_TAG:
            text, is_block = self.placeheld[int(child.get("n"))]
            if is_block:
                flush()
                blocks.append(text)
            else:
                run.append(text)
        elif tag in HEADINGS:
            flush()
            text = self._inline_line(child)
            if text:
                blocks.append(f"{HEADINGS[tag]} {text}")
        elif tag == "blockquote":
            flush()
            inner = "\n\n".join(self._blocks(child))
            if inner.strip():
                blocks.append("\n".join(f"> {line}" if line else ">" for line in inner.split("\n")))
        elif tag in ("ul", "ol"):
            flush()
            listed = self._list(child, 0)
            if listed:
                blocks.append(listed)
        elif tag == "hr":
            flush()
            blocks.append("---")
        elif tag == "img":
            flush()
            blocks.append(self._image_block(child))
        elif tag == "iframe":
            flush()
            blocks.append(self._iframe(child))
        elif tag == "figure" or tag in BLOCK or tag in ("dl", "dt", "dd", "li", "pre"):
            flush()
            if tag == "figure" and self._figure(child, blocks):
                return
            if tag == "pre":
                # No code blocks in the format: the lines are kept as text.
                blocks.extend(self._paragraphs(self._text_keeping_lines(child.text_content())))
                return
            blocks.extend(self._blocks(child))
        elif tag in TABLE:
            flush()
            self._drop(tag)
            blocks.extend(self._table(child))
        elif tag in DROPPED_WHOLE:
            self._drop(tag)
        elif tag == "a" and self._only_image(child):
            flush()
            blocks.append(self._image_block(next(child.iter("img"))))
        else:
            run.append(self._inline(child))

    def _paragraphs(self, text: str) -> list[str]:
        out: list[str] = []
        for paragraph in _BLANK_LINES.split(text):
            lines = [line.strip() for line in paragraph.split("\n")]
            lines = [line for line in lines if line]
            if not lines:
                continue
            # The text was escaped for Markdown already: the address is read without that.
            alone = _UNESCAPE.sub(r"\1", lines[0]) if len(lines) == 1 else ""
            if (url := _URL_ALONE.match(alone)) and self._is_player(url[1]):
                out.append(self._embed(url[1], url[1]))
                continue
            out.append(_escape_line_starts("\n".join(lines)))
        return out

    def _is_player(self, url: str) -> bool:
        if url.startswith("http://"):
            url = "https://" + url[len("http://") :]
        found = embeds.parse_embed(url)
        return found is not None and found.player_url is not None

    def _text(self, text: str) -> str:
        """A text node: spaces collapsed; in classic content its newlines count (paragraphs and
        line breaks), in block content they are spaces."""
        if self.classic:
            return _escape_text(_SPACES.sub(" ", text))
        return _escape_text(_ALL_SPACE.sub(" ", text))

    def _text_keeping_lines(self, text: str) -> str:
        return _escape_text(_SPACES.sub(" ", text))

    # --- inline content ---------------------------------------------------------------------

    def _inline(self, element) -> str:
        """An element inside a paragraph, as Markdown inline text (newlines are line breaks)."""
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            return ""
        tag = element.tag.lower()
        if tag == "br":
            return "\n"
        if tag in DROPPED_WHOLE:
            self._drop(tag)
            return ""
        if tag == _PLACEHOLDER_TAG:
            text, is_block = self.placeheld[int(element.get("n"))]
            return f"\n\n{text}\n\n" if is_block else text
        if tag == "img":
            return f"\n\n{self._image_block(element)}\n\n"
        if tag == "iframe":
            return f"\n\n{self._iframe(element)}\n\n"
        inner = self._inline_children(element)
        if tag in EMPHASIS:
            return _wrap(inner, EMPHASIS[tag])
        if tag == "a":
            return self._link(element, inner)
        if tag not in PLAIN_INLINE:
            self._drop(tag)
        return inner

    def _inline_children(self, element) -> str:
        parts = [self._text(element.text or "")]
        for child in element:
            parts.append(self._inline(child))
            if child.tail:
                parts.append(self._text(child.tail))
        return "".join(parts)

    def _inline_line(self, element) -> str:
        """Inline content on one line (a heading, a list item)."""
        return _ALL_SPACE.sub(" ", self._inline_children(element)).strip()

    def _link(self, element, inner: str) -> str:
        href = (element.get("href") or "").strip()
        if not inner.strip():
            return inner
        if "[/artist]" in inner or "[artist " in inner:
            return inner
        if not href:
            return inner
        target = self._link_target(href)
        if target is None:
            return inner
        if target.startswith("artist:"):
            text = inner.strip()
            return f'[artist slug="{target[len("artist:") :]}"]{text}[/artist]'
        if "\n" in inner:
            inner = inner.replace("\n", " ")
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        return f"{lead}[{inner.strip()}]({_url_for_link(target)}){trail}"

    def _link_target(self, href: str) -> str | None:
        """Where a link in the body should go: its new address for an imported post, an
        `artist:<slug>` for an artist page of the old site, the address itself when it is
        allowed; None (the text alone) otherwise."""
        cleaned = _CONTROL.sub("", href).strip()
        try:
            parts = urlsplit(cleaned)
        except ValueError:
            self.problems.append(
                f"A link to {href[:80]!r} is not a valid address; its text was kept."
            )
            return None
        scheme = parts.scheme.lower()
        on_site = not parts.netloc or (parts.hostname or "") in self.context.site_hosts
        if scheme in ("", "http", "https") and on_site and not cleaned.startswith("#"):
            new = self.context.posts_by_path.get(old_path(cleaned))
            if new is None and parts.query:
                new = self.context.posts_by_path.get("/?" + parts.query.split("&")[0])
            if new is not None:
                return new
            path = unquote(parts.path)
            for prefix in self.context.artist_path_prefixes:
                if path.startswith(prefix):
                    slug = path[len(prefix) :].strip("/")
                    if slug in self.context.artist_slugs:
                        return f"artist:{slug}"
        if scheme in ("http", "https", "mailto") and (scheme == "mailto" or parts.netloc):
            return cleaned
        if not scheme and (
            cleaned.startswith(("#", "?"))
            or (cleaned.startswith("/") and not cleaned.startswith("//"))
        ):
            return cleaned
        self.problems.append(f"A link to {href[:80]!r} is not allowed here; its text was kept.")
        return None

    # --- photos, players, lists, tables -----------------------------------------------------

    def _image_id(self, img) -> int | None:
        match = _WP_IMAGE_CLASS.search(img.get("class") or "")
        if match:
            found = self.context.images_by_attachment.get(int(match.group(1)))
            if found is not None:
                return found
        src = img.get("src") or ""
        return self.context.images_by_file.get(uploads_key(src)) if src else None

    def _image_block(self, img, caption: str = "") -> str:
        image = self._image_id(img)
        if image is None:
            src = (img.get("src") or "")[:80]
            self.problems.append(f"A photo that was not imported ({src!r}) was dropped.")
            return ""
        self.images.append(image)
        caption = _attr_value(caption)
        if caption:
            return f'[image id="{image}" caption="{caption}" /]'
        return f'[image id="{image}" /]'

    def _only_image(self, element) -> bool:
        images = list(element.iter("img"))
        return len(images) == 1 and not element.text_content().strip()

    def _figure(self, figure, blocks: list[str]) -> bool:
        """A figure with one photo (the block editor's image block): the photo with its
        figcaption. False when the figure is something else."""
        images = list(figure.iter("img"))
        if len(images) != 1:
            return False
        captions = list(figure.iter("figcaption"))
        caption = captions[0].text_content() if captions else ""
        blocks.append(self._image_block(images[0], caption))
        return True

    def _iframe(self, iframe) -> str:
        src = (iframe.get("src") or "").strip()
        if src.startswith("//"):
            src = "https:" + src
        if src and self._is_player(src):
            return self._embed(src, src)
        self.problems.append(f"An <iframe> of {src[:80]!r} is not a known player; dropped.")
        return ""

    def _list(self, element, depth: int) -> str:
        ordered = element.tag.lower() == "ol"
        lines: list[str] = []
        number = 1
        indent = "   " * depth
        for item in element:
            if not isinstance(item.tag, str) or item.tag.lower() != "li":
                continue
            nested = [
                child
                for child in item
                if isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol")
            ]
            text = self._inline_line_without(item, nested)
            marker = f"{number}." if ordered else "-"
            number += 1
            lines.append(f"{indent}{marker} {text}".rstrip())
            for child in nested:
                sub = self._list(child, depth + 1)
                if sub:
                    lines.append(sub)
        return "\n".join(lines)

    def _inline_line_without(self, item, nested: list) -> str:
        parts = [self._text(item.text or "")]
        for child in item:
            if child not in nested:
                if isinstance(child.tag, str) and child.tag.lower() in BLOCK:
                    parts.append(" " + self._inline_children(child) + " ")
                else:
                    parts.append(self._inline(child))
            if child.tail:
                parts.append(self._text(child.tail))
        return _escape_item(_ALL_SPACE.sub(" ", "".join(parts)).strip())

    def _table(self, table) -> list[str]:
        """A table's rows as paragraphs, its cells separated by " | "."""
        rows = []
        for row in table.iter("tr"):
            cells = [
                _ALL_SPACE.sub(" ", self._inline_children(cell)).strip()
                for cell in row
                if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")
            ]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                rows.append(_escape_line_starts(line))
        return rows

    def _drop(self, tag: str) -> None:
        self.dropped[tag] = self.dropped.get(tag, 0) + 1


def _escape_item(text: str) -> str:
    # A list item's text starts after its marker, where another marker would nest a list.
    return _escape_line_starts(text)


def _wrap(inner: str, mark: str) -> str:
    """Emphasis around text, with its outer spaces moved outside the marks (Markdown needs the
    marks against the words) and nothing at all around blank text."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _unknown_shortcodes(html: str) -> list[str]:
    """Names of what looks like a WordPress shortcode (with attributes, or closed by its own
    closing tag), for the report; a bracketed word such as "[sic]" is not one."""
    if "[" not in html:
        return []
    names = set()
    closings = set(re.findall(r"\[/([A-Za-z][\w-]*)\]", html))
    for match in _SHORTCODE_LIKE.finditer(html):
        name = match.group(1)
        if name in BODY_TAGS or match.group(0).startswith("[/"):
            continue
        if name in closings or "=" in match.group(0) or "_" in name:
            names.add(name)
    return sorted(names)
