"""Property tests for articles.shortcodes: any text parses, round-trips, and agrees with a
straightforward one-regex reference of the grammar."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.shortcodes import (
    Escaped,
    Node,
    Shortcode,
    Text,
    find_problems,
    line_col,
    parse,
    parse_attrs,
    serialize,
)

TAGS = frozenset({"artist", "x", "x-y", "outer", "gallery"})

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Shortcode-shaped fragments, so that most examples hold tags, escapes, closings and broken
# attributes; st.text() adds everything else, surrogates and control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=()))
SHORT_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=4)
NAMES = st.sampled_from(
    ["artist", "x", "x-y", "outer", "gallery", "ARTIST", "artist-bio", "artist_x", "foo", "a"]
)
ATTR_PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\t",
        "\n",
        "\u00a0",
        "\u200b",
        "\x00",
        "\x07",
        'id="1"',
        "id='2'",
        "id=3",
        "ID=4",
        '"',
        "'",
        "=",
        " = ",
        "/",
        "<",
        ">",
        "<b>",
        "\\",
        '\\"',
        "a",
        "]",
        "[",
        "é",
        "\ud800",
        "https://x.test/",
        '"a b"',
        "''",
        '""',
        "-",
        "_",
    ]
)
ATTR_TEXT = st.lists(ATTR_PIECES | SHORT_ANY_TEXT, max_size=8).map("".join)
TAG_LIKE = st.builds(
    lambda opener, name, attrs, closer: opener + name + attrs + closer,
    st.sampled_from(["[", "[", "[[", "[ "]),
    NAMES,
    ATTR_TEXT,
    st.sampled_from(["]", "]", "/]", "]]", "/]]", " /]", ""]),
)
CLOSING = NAMES.map(lambda name: f"[/{name}]")
ENCLOSING = st.builds(
    lambda tag, inner, closing: tag + inner + closing, TAG_LIKE, ATTR_TEXT, CLOSING
)
FRAGMENTS = st.one_of(
    TAG_LIKE,
    ENCLOSING,
    CLOSING,
    st.sampled_from(["[", "]", "[[", "]]", "/]", " ", "\n", "Kanye", "\x00", "\u00a0"]),
    SHORT_ANY_TEXT,
)
BIASED_TEXT = st.lists(FRAGMENTS, min_size=1, max_size=12).map("".join)
BODIES = st.one_of(BIASED_TEXT, BIASED_TEXT, BIASED_TEXT, ANY_TEXT)


# --- a reference: the whole grammar as one regular expression, applied with finditer ----------

_REF_CANDIDATES = re.compile(r"\[([^<>&/\[\]\x00-\x20=]+)")
_REF_ATTRS = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)""",
    re.ASCII,
)
_REF_COMPLETE_TAGS = re.compile(r"[^<]*+(?:<[^>]*+>[^<]*+)*+")


def reference_attrs(attr_text: str) -> dict[str | int, str]:
    attr_text = re.sub("[\u00a0\u200b]+", " ", attr_text)
    attrs: dict[str | int, str] = {}
    index = 0
    for m in _REF_ATTRS.finditer(attr_text):
        g = m.groups()
        if g[0] is not None:
            attrs[g[0].lower()] = g[1]
        elif g[2] is not None:
            attrs[g[2].lower()] = g[3]
        elif g[4] is not None:
            attrs[g[4].lower()] = g[5]
        else:
            value = next(v for v in g[6:] if v is not None)
            if value:
                attrs[index] = value
                index += 1
    return {
        k: v if "<" not in v or _REF_COMPLETE_TAGS.fullmatch(v) else "" for k, v in attrs.items()
    }


def reference_parse(text: str, tags: frozenset[str]) -> list[tuple[Any, ...]]:
    """(kind, start, raw, name, attrs, content, slash) per node, extra brackets as own text."""
    present = tags.intersection(_REF_CANDIDATES.findall(text))
    if not present:
        return [("text", 0, text)] if text else []
    names = "|".join(re.escape(n) for n in sorted(present, key=lambda n: (-len(n), n)))
    pattern = re.compile(
        r"\[(\[?)(" + names + r")(?![A-Za-z0-9_-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )
    out: list[tuple[Any, ...]] = []
    pos = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        if start > pos:
            out.append(("text", pos, text[pos:start]))
        if m.group(1) and m.group(6):
            out.append(("escaped", start, text[start:end]))
        else:
            if m.group(1):
                out.append(("text", start, "["))
                start += 1
            sc_end = end - len(m.group(6))
            out.append(
                (
                    "shortcode",
                    start,
                    text[start:sc_end],
                    m.group(2),
                    reference_attrs(m.group(3)),
                    m.group(5),
                    bool(m.group(4)),
                )
            )
            if m.group(6):
                out.append(("text", sc_end, "]"))
        pos = end
    if pos < len(text):
        out.append(("text", pos, text[pos:]))
    return out


def as_tuples(nodes: list[Node]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for node in nodes:
        if isinstance(node, Shortcode):
            out.append(
                (
                    "shortcode",
                    node.start,
                    node.raw,
                    node.name,
                    node.attrs,
                    node.content,
                    node.explicit_self_closing,
                )
            )
        else:
            out.append(("text" if isinstance(node, Text) else "escaped", node.start, node.raw))
    return out


def check_invariants(text: str, nodes: list[Node], tags: frozenset[str]) -> None:
    assert serialize(nodes) == text
    offset = 0
    for node in nodes:
        assert node.start == offset
        assert node.raw
        offset += len(node.raw)
        if isinstance(node, Shortcode):
            assert node.name in tags
            assert node.raw.startswith("[" + node.name)
            if node.content is not None:
                closing = f"[/{node.name}]"
                assert node.raw.endswith("]" + node.content + closing)
                assert closing not in node.content
                assert not node.explicit_self_closing
            else:
                assert node.raw.endswith("/]" if node.explicit_self_closing else "]")
            for key in node.attrs:
                assert isinstance(key, int) or re.fullmatch(r"[a-z0-9_-]+", key, re.ASCII)
        elif isinstance(node, Escaped):
            assert node.raw.startswith("[[") and node.raw.endswith("]]")
    assert offset == len(text)


# --- properties --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(BODIES)
def test_parse_never_raises_and_round_trips(text: str) -> None:
    check_invariants(text, parse(text, TAGS), TAGS)


@PROPERTY_SETTINGS
@given(BODIES)
def test_parse_agrees_with_one_regex_reference(text: str) -> None:
    assert as_tuples(parse(text, TAGS)) == reference_parse(text, TAGS)


@PROPERTY_SETTINGS
@given(ATTR_TEXT | ANY_TEXT)
def test_parse_attrs_agrees_with_reference(attr_text: str) -> None:
    attrs = parse_attrs(attr_text)
    assert attrs == reference_attrs(attr_text)
    positional = [key for key in attrs if isinstance(key, int)]
    assert positional == list(range(len(positional)))


@PROPERTY_SETTINGS
@given(
    st.frozensets(
        st.text(st.characters(exclude_characters="&/<>[]=", min_codepoint=0x21), min_size=1).filter(
            lambda name: not re.search(r"[\s\x7f-\x9f]", name)
        ),
        max_size=4,
    ),
    BODIES,
)
def test_any_valid_tag_set(tags: frozenset[str], text: str) -> None:
    text = "".join(f"[{name} a=1]{text}[/{name}]" for name in sorted(tags)) + text
    nodes = parse(text, tags)
    check_invariants(text, nodes, tags)
    assert as_tuples(nodes) == reference_parse(text, tags)


@PROPERTY_SETTINGS
@given(BODIES)
def test_find_problems_never_raises_and_points_into_the_text(text: str) -> None:
    problems = find_problems(text, TAGS)
    offsets = [p.offset for p in problems]
    assert offsets == sorted(offsets)
    for problem in problems:
        assert 0 <= problem.offset < len(text)
        assert text[problem.offset] == "["
        assert (problem.line, problem.column) == line_col(text, problem.offset)
        assert problem.severity in ("error", "warning")
        assert problem.tag and problem.message
        if problem.severity == "error":
            assert problem.tag in TAGS


@PROPERTY_SETTINGS
@given(BODIES)
def test_well_formed_tags_have_no_problems(text: str) -> None:
    # Bracket-free prose between well-formed tags must stay silent.
    prose = text.replace("[", "(").replace("]", ")")
    body = f'{prose}[artist id="1"]{prose}[/artist]{prose}[x/]{prose}'
    assert find_problems(body, TAGS) == []


def _megabyte_bodies() -> dict[str, str]:
    paragraph = (
        'The last time Spike Jonze and [artist id="1230523"]Kanye West[/artist] collaborated, '
        "it's not necessarily [a video for 'Nightmares'], [[artist id=\"2\"]] and "
        '[artist id="3"/] [x-y] [artist id="a]b"] [unknown/] <a href="[artist id=4]">\n'
    )
    size = 1_000_000
    return {
        "story": (paragraph * (size // len(paragraph) + 1))[:size],
        "unclosed": '[artist id="1"] ' * (size // 16),
        "unterminated": "[artist " * (size // 8),
        "unterminated-after-bracket": "]" + "[artist id=1 " * (size // 13),
        "nested": "[artist]" * (size // 8) + "[/artist]",
        "quotes": '[artist a="' + 'b a="' * (size // 5) + "]",
        "brackets": "[[]]" * (size // 4),
        "distinct-prose": "".join(f"[w{i}] " for i in range(size // 8)),
    }


def test_megabyte_bodies_parse_into_pieces_that_rebuild_them() -> None:
    # Whether parsing stays linear is checked by the growth ratios of test_linear_time; this
    # one checks that the worst shapes at a megabyte still parse into consistent pieces.
    for body in _megabyte_bodies().values():
        nodes = parse(body, TAGS)
        problems = find_problems(body, TAGS)
        check_invariants(body, nodes, TAGS)
        assert all(p.offset < len(body) for p in problems)
