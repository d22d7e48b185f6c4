"""WordPress-compatible shortcode parsing for article bodies, with no Django imports.

The grammar is WordPress's, restated in shared/SHORTCODE-GRAMMAR.md, with two deliberate
differences: no backslash escapes are decoded in attribute values, and there is no special
handling of shortcodes inside HTML (the whole body is plain text that the renderer escapes).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = [
    "Attrs",
    "Escaped",
    "Node",
    "Problem",
    "Shortcode",
    "Text",
    "find_problems",
    "LineIndex",
    "line_col",
    "parse",
    "parse_attrs",
    "serialize",
]

Attrs = dict[str | int, str]


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text, shown as-is (the renderer escapes it)."""

    raw: str
    start: int

    @property
    def text(self) -> str:
        return self.raw


@dataclass(frozen=True, slots=True)
class Escaped:
    """``[[tag …]]`` or ``[[tag]…[/tag]]``: shown literally, minus one bracket at each end."""

    raw: str
    start: int

    @property
    def text(self) -> str:
        return self.raw[1:-1]


@dataclass(frozen=True, slots=True)
class Shortcode:
    name: str
    attrs: Attrs
    content: str | None
    raw: str
    start: int
    explicit_self_closing: bool = False

    @property
    def text(self) -> str:
        return self.content or ""


Node = Text | Escaped | Shortcode


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: int
    offset: int
    tag: str
    message: str
    severity: str


# WordPress only searches for registered names that occur somewhere as one of these runs
# (grammar step 2). That is why "[artist\u00a0id=1]" alone stays text but is parsed once an
# ordinary "[artist" appears elsewhere in the same body (cases 44 and 45).
_CANDIDATE_RE = re.compile(r"\[([^<>&/\[\]\x00-\x20=]+)")

# Same refusal as WordPress's add_shortcode, widened to Unicode whitespace and C1 controls.
_BAD_NAME_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f&/<>\[\]=]")

_INVISIBLE_SPACES_RE = re.compile("[\u00a0\u200b]+")

# WordPress runs its attribute regex without the /u flag, so \w and \s are ASCII-only there;
# re.ASCII keeps e.g. "nämé=x" a positional value as WordPress has it.
_ATTR_RE = re.compile(
    r"""
    (?:
        (?P<name>[\w-]+) \s*=\s*
        (?: "(?P<dq>[^"]*)" | '(?P<sq>[^']*)' | (?P<bare>[^\s'"]+) )
      | "(?P<pdq>[^"]*)"
      | '(?P<psq>[^']*)'
      | (?P<word>\S+)
    )
    (?:\s|$)
    """,
    re.ASCII | re.VERBOSE,
)

# What may follow "[name" for an editor to mean a tag: what ends a candidate run, plus the
# invisible spaces a word processor pastes in.
_AFTER_NAME = r"(?=[\x00-\x20/=<>&\[\]\s\u200b]|\Z)"

# Anything that reads like a tag, for warning about names that are not registered. "[" is kept
# out of the attribute text so "[see [foo/]" blames "foo", not "see".
# Possessive quantifiers throughout: a backtracking name would rescan the rest of a long
# unclosed "[aaaa…" once for every shorter name, which is quadratic in the body's length.
_TAG_LIKE_RE = re.compile(
    r"\[([^<>&/\[\]\x00-\x20=\s\u200b]++)([^\[\]/]*+(?:/(?!\])[^\[\]/]*+)*+)(/?)\]"
)
_CLOSING_NAME_RE = re.compile(r"\[/([^<>&/\[\]\x00-\x20=\s\u200b]++)\]")


def _checked_names(tags: Collection[str]) -> frozenset[str]:
    if isinstance(tags, str):
        # A str is itself a collection of one-letter names: almost certainly a caller's bug.
        raise TypeError("tags must be a collection of tag names, not a single string")
    return _validated(tags if isinstance(tags, frozenset) else frozenset(tags))


@functools.lru_cache(maxsize=64)
def _validated(names: frozenset[str]) -> frozenset[str]:
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"shortcode names must be str, not {type(name).__name__}")
        if not name or _BAD_NAME_RE.search(name):
            raise ValueError(
                f"invalid shortcode name {name!r}: names must be non-empty and contain no "
                "whitespace, control characters or any of & / < > [ ] ="
            )
    return names


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so that of two names where one extends the other with characters the
    # "not followed by a word character" check lets through ("good!" / "good!!"), the longer wins.
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


@functools.lru_cache(maxsize=256)
def _opening_re(names: tuple[str, ...]) -> re.Pattern[str]:
    # Only the opening tag: the closing tag is found with str.find (see parse), which keeps
    # bodies with many unclosed tags linear instead of rescanning to the end for each one.
    return re.compile(
        r"\[(\[?)(" + _alternation(names) + r")(?![A-Za-z0-9_-])"
        r"([^\]/]*+(?:/(?!\])[^\]/]*+)*+)(/?)\]"
    )


@functools.lru_cache(maxsize=64)
def _name_start_re(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\[(" + _alternation(names) + ")" + _AFTER_NAME)


@functools.lru_cache(maxsize=64)
def _closing_re(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\[/(" + _alternation(names) + r")\]")


def parse(text: str, tags: Collection[str]) -> list[Node]:
    """Split ``text`` into Text, Escaped and Shortcode nodes; only names in ``tags`` count.

    Never raises for any str ``text``; raises ValueError for an invalid tag name.
    """
    names = _checked_names(tags)
    if "[" not in text or not names:
        return [Text(text, 0)] if text else []
    present = names.intersection(_CANDIDATE_RE.findall(text))
    if not present:
        return [Text(text, 0)]

    search = _opening_re(tuple(sorted(present))).search
    # No tag can start after the last "]", so the search never scans past it: this keeps a body
    # full of unterminated "[artist" linear.
    stop = text.rfind("]") + 1
    size = len(text)
    nodes: list[Node] = []
    pos = 0
    # Per name, where the next "[/name]" is (-1: none left); reused while still ahead.
    closings: dict[str, int] = {}

    while (match := search(text, pos, stop)) is not None:
        start = match.start()
        extra_open, name, attr_text, slash = match.groups()
        end = match.end()
        content: str | None = None
        if not slash:
            closing = f"[/{name}]"
            at = closings.get(name)
            if at is None or 0 <= at < end:
                at = closings[name] = text.find(closing, end)
            if at >= 0:
                content = text[end:at]
                end = at + len(closing)
        extra_close = end < size and text[end] == "]"

        if start > pos:
            nodes.append(Text(text[pos:start], pos))
        if extra_open and extra_close:
            nodes.append(Escaped(text[start : end + 1], start))
            pos = end + 1
            continue
        if extra_open:
            nodes.append(Text("[", start))
            start += 1
        nodes.append(
            Shortcode(name, parse_attrs(attr_text), content, text[start:end], start, bool(slash))
        )
        if extra_close:
            nodes.append(Text("]", end))
            end += 1
        pos = end

    if pos < size:
        nodes.append(Text(text[pos:], pos))
    return nodes


def serialize(nodes: Iterable[Node]) -> str:
    """The source text back, exactly: ``serialize(parse(t, tags)) == t``."""
    return "".join(node.raw for node in nodes)


def parse_attrs(attr_text: str) -> Attrs:
    """Attributes as WordPress's shortcode_parse_atts reads them, minus backslash decoding.

    Named keys are lowercased; positional values get keys 0, 1, 2…; the last duplicate wins.
    """
    if "\u00a0" in attr_text or "\u200b" in attr_text:
        attr_text = _INVISIBLE_SPACES_RE.sub(" ", attr_text)
    attrs: Attrs = {}
    index = 0
    for match in _ATTR_RE.finditer(attr_text):
        name, dq, sq, bare, pdq, psq, word = match.groups()
        if name is not None:
            attrs[name.lower()] = dq if dq is not None else sq if sq is not None else bare
            continue
        value = pdq if pdq is not None else psq if psq is not None else word
        # WordPress drops empty quoted positionals: [tag ""] has no attributes at all.
        if value:
            attrs[index] = value
            index += 1
    for key, value in attrs.items():
        # WordPress blanks a value holding a "<" that no later ">" closes; this is its
        # "^[^<]*(?:<[^>]*>[^<]*)*$" check, which comes down to where the last "<" sits.
        if "<" in value and value.rfind("<") > value.rfind(">"):
            attrs[key] = ""
    return attrs


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``. Scans the text: to
    place many offsets in one text, use a `LineIndex`."""
    offset = max(0, min(offset, len(text)))
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


_NEWLINE = re.compile("\n")


class LineIndex:
    """Line and column of any offset in one text, from one scan of the text: placing every
    problem of a long body stays linear in its size."""

    __slots__ = ("_length", "_newlines")

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._newlines = [match.start() for match in _NEWLINE.finditer(text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self._length))
        line = bisect.bisect_left(self._newlines, offset)
        column = offset - self._newlines[line - 1] if line else offset + 1
        return line + 1, column


def _is_unusual_space(char: str) -> bool:
    # ASCII separators after a name always give a parsed tag, so a registered name left in text
    # with a "]" after it was stopped by a space that WordPress does not treat as one (case 44).
    return char > " " and (char.isspace() or char == "\u200b")


def _quote_list(values: list[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# (offset, tag, severity, message), sorted and turned into Problems at the end.
_Found = list[tuple[int, str, str, str]]


def find_problems(text: str, tags: Collection[str]) -> list[Problem]:
    """Every syntax problem an editor must see before saving, in source order.

    Errors concern registered tags; warnings concern unregistered names written like tags.
    Escaped [[…]] tags are never reported.
    """
    names = _checked_names(tags)
    if "[" not in text:
        return []
    found: _Found = []
    nodes = parse(text, names)
    texts = [node for node in nodes if isinstance(node, Text)]
    if names:
        for node in nodes:
            if isinstance(node, Shortcode):
                _shortcode_problems(node, names, found)
        _registered_name_problems(text, texts, names, found)
    _unregistered_name_problems(text, texts, names, found)

    found.sort(key=lambda item: item[0])
    if not found:
        return []
    place = LineIndex(text)
    return [
        Problem(*place(offset), offset, tag, message, severity)
        for offset, tag, severity, message in found
    ]


def _shortcode_problems(node: Shortcode, names: frozenset[str], found: _Found) -> None:
    tag = node.name
    positional = [value for key, value in node.attrs.items() if isinstance(key, int)]
    if positional:
        message = (
            f"Could not read the attributes of this [{tag}] tag: unexpected "
            f'{_quote_list(positional)}. Write each attribute as name="value"; a "]" ends the '
            "tag even inside quotes, and a value cannot contain the quote mark around it."
        )
        found.append((node.start, tag, "error", message))
    if node.content is None:
        if not node.explicit_self_closing:
            message = f'Unclosed [{tag}] tag: close it with [/{tag}] or end the tag with "/]".'
            found.append((node.start, tag, "error", message))
        return
    content_start = node.start + len(node.raw) - len(f"[/{tag}]") - len(node.content)
    for match in _name_start_re(names).finditer(node.content):
        # "[[tag]]" inside the content is an escape, shown literally: not a nested tag.
        if match.group(1) == tag and node.content[match.start() - 1 : match.start()] != "[":
            message = (
                f"[{tag}] tags cannot be nested: this one is inside an earlier [{tag}] tag, "
                f'which the next [/{tag}] closes. End the earlier tag with "/]" or [/{tag}] first.'
            )
            found.append((content_start + match.start(), tag, "error", message))


def _registered_name_problems(
    text: str, texts: list[Text], names: frozenset[str], found: _Found
) -> None:
    last_bracket = text.rfind("]")
    name_start = _name_start_re(names)
    closing_tag = _closing_re(names)
    for node in texts:
        end = node.start + len(node.raw)
        for match in name_start.finditer(text, node.start, end):
            tag = match.group(1)
            after = text[match.end() : match.end() + 1]
            if match.start() > last_bracket:
                message = f'Unterminated [{tag}] tag: end it with "]".'
            elif _is_unusual_space(after):
                message = (
                    f"This [{tag}] tag is not recognised because an unusual space "
                    f"(U+{ord(after):04X}) follows the name: type an ordinary space instead."
                )
            else:
                continue
            found.append((match.start(), tag, "error", message))
        for match in closing_tag.finditer(text, node.start, end):
            tag = match.group(1)
            message = f"Stray [/{tag}]: there is no open [{tag}] tag for it to close."
            found.append((match.start(), tag, "error", message))


def _unregistered_name_problems(
    text: str, texts: list[Text], names: frozenset[str], found: _Found
) -> None:
    closed_names: set[str] | None = None
    for node in texts:
        for match in _TAG_LIKE_RE.finditer(text, node.start, node.start + len(node.raw)):
            tag, attr_text, slash = match.groups()
            start, end = match.span()
            if tag in names or (text[start - 1 : start] == "[" and text[end : end + 1] == "]"):
                continue
            # A "/]" counts only after the name, a space or a quote: "[see https://x.test/]"
            # is prose ending in a URL, not a self-closing tag.
            used = bool(slash) and (not attr_text or attr_text[-1] in " \t\r\n\"'")
            if not used:
                if closed_names is None:
                    # One pass for every name: searching the text once per name would be
                    # quadratic on a body full of distinct bracketed words.
                    closed_names = set(_CLOSING_NAME_RE.findall(text))
                used = tag in closed_names
            if used:
                message = (
                    f"[{tag}] is not a known shortcode, so it will be shown as written. "
                    "Check the spelling, or remove the brackets."
                )
                found.append((start, tag, "warning", message))
