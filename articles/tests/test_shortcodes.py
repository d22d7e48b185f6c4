"""Input → expected-node tables for articles.shortcodes.

Ids starting with a two-digit number are the numbered edge cases of shared/SHORTCODE-GRAMMAR.md;
"project-" in an id marks where this project deliberately differs from WordPress.
"""

from __future__ import annotations

from typing import Any

import pytest

from articles.shortcodes import (
    Escaped,
    Node,
    Problem,
    Shortcode,
    Text,
    find_problems,
    line_col,
    parse,
    parse_attrs,
    serialize,
)

TAGS = frozenset({"artist", "x", "x-y", "outer", "gallery"})

SEED_PARAGRAPH = (
    'The last time Spike Jonze and [artist id="1230523"]Kanye West[/artist] collaborated, '
    "'Ye ended up bound, gagged, stuffed in a trunk.\n\n"
    "\"It's not necessarily [a video for 'Nightmares'], but the song is featured in it.\""
)


def T(raw: str) -> tuple[Any, ...]:
    return ("text", raw)


def E(shown: str) -> tuple[Any, ...]:
    """An escaped tag, by the text it shows (one bracket fewer at each end)."""
    return ("escaped", shown)


def S(
    name: str, attrs: dict[str | int, str] | None = None, content: str | None = None, **kw: bool
) -> tuple[Any, ...]:
    return ("shortcode", name, attrs or {}, content, kw.get("slash", False))


def shape(nodes: list[Node]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(T(node.raw))
        elif isinstance(node, Escaped):
            out.append(E(node.text))
        else:
            out.append(S(node.name, node.attrs, node.content, slash=node.explicit_self_closing))
    return out


def check_contiguous(text: str, nodes: list[Node]) -> None:
    offset = 0
    for node in nodes:
        assert node.start == offset
        assert text[offset : offset + len(node.raw)] == node.raw
        offset += len(node.raw)
    assert offset == len(text)


LONG = "9" * 100_000

CASES = [
    # --- the 49 cases of the grammar file -------------------------------------------------------
    pytest.param(
        '[artist id="1230523"]Kanye West[/artist]',
        [S("artist", {"id": "1230523"}, "Kanye West")],
        id="01-enclosing",
    ),
    pytest.param(
        '[artist id="1230523" /]',
        [S("artist", {"id": "1230523"}, slash=True)],
        id="02-explicit-self-closing",
    ),
    pytest.param('[artist id="1230523"]', [S("artist", {"id": "1230523"})], id="03-no-closing-tag"),
    pytest.param(
        "[artist id='1230523']Kanye[/artist]",
        [S("artist", {"id": "1230523"}, "Kanye")],
        id="04-single-quotes",
    ),
    pytest.param(
        "[artist id=1230523]Kanye[/artist]",
        [S("artist", {"id": "1230523"}, "Kanye")],
        id="05-unquoted-value",
    ),
    pytest.param(
        "[artist 1230523]Kanye[/artist]",
        [S("artist", {0: "1230523"}, "Kanye")],
        id="06-positional",
    ),
    pytest.param(
        "[artist \"a b\" 'c d' e]",
        [S("artist", {0: "a b", 1: "c d", 2: "e"})],
        id="07-positional-quoted-and-bare",
    ),
    pytest.param(
        '[artist 123 url=https://x.test/ foo bar="baz"]',
        [S("artist", {0: "123", "url": "https://x.test/", 1: "foo", "bar": "baz"})],
        id="08-positional-interleaved-with-named",
    ),
    pytest.param('[ARTIST id="1"]', [T('[ARTIST id="1"]')], id="09-name-is-case-sensitive"),
    pytest.param(
        '[artist ID="1" Id="2"]', [S("artist", {"id": "2"})], id="10-names-lowercased-last-wins"
    ),
    pytest.param('[artist id="1" id="2"]', [S("artist", {"id": "2"})], id="11-duplicate-last-wins"),
    pytest.param(
        '[[artist id="1"]Kanye[/artist]]',
        [E('[artist id="1"]Kanye[/artist]')],
        id="12-escaped-enclosing",
    ),
    pytest.param('[[artist id="1"]]', [E('[artist id="1"]')], id="13-escaped-self-closing"),
    pytest.param("[[[artist]]]", [T("["), E("[artist]"), T("]")], id="14-triple-brackets"),
    pytest.param(
        "[[artist] [artist]]",
        [T("["), S("artist"), T(" "), S("artist"), T("]")],
        id="15-two-tags-in-brackets-not-escaped",
    ),
    pytest.param(
        '[[artist id="1"]K[/artist]',
        [T("["), S("artist", {"id": "1"}, "K")],
        id="16-extra-open-bracket-only",
    ),
    pytest.param(
        '[artist id="1"]K[/artist]]',
        [S("artist", {"id": "1"}, "K"), T("]")],
        id="17-extra-close-bracket-only",
    ),
    pytest.param(
        "[artist]a[artist]b[/artist]",
        [S("artist", {}, "a[artist]b")],
        id="18-same-name-nesting-one-shortcode",
    ),
    pytest.param(
        '[artist id="1"] text [artist id="2"]K[/artist]',
        [S("artist", {"id": "1"}, ' text [artist id="2"]K')],
        id="19-unclosed-then-enclosed-swallows",
    ),
    pytest.param(
        "[artist]outer[artist]inner[/artist]tail[/artist]",
        [S("artist", {}, "outer[artist]inner"), T("tail[/artist]")],
        id="20-first-closing-tag-closes-outer",
    ),
    pytest.param(
        "[outer][outer]x[/outer][/outer]",
        [S("outer", {}, "[outer]x"), T("[/outer]")],
        id="21-outer-recursing-outer-node",
    ),
    pytest.param(
        '[outer][artist id="1"]K[/artist][/outer]',
        [S("outer", {}, '[artist id="1"]K[/artist]')],
        id="22-outer-content-is-raw-text",
    ),
    pytest.param(
        '[unknown id="1"]x[/unknown]', [T('[unknown id="1"]x[/unknown]')], id="23-unknown-verbatim"
    ),
    pytest.param('[artist-bio id="1"]', [T('[artist-bio id="1"]')], id="24-hyphen-after-name"),
    pytest.param('[artist_bio id="1"]', [T('[artist_bio id="1"]')], id="24-word-char-after-name"),
    pytest.param("[x-y]", [S("x-y")], id="25-longer-name-x-y-not-x"),
    pytest.param("[x-y][x]", [S("x-y"), S("x")], id="25-both-x-y-and-x-present"),
    pytest.param(
        '[artist id="1"]Kanye', [S("artist", {"id": "1"}), T("Kanye")], id="26-unclosed-then-text"
    ),
    pytest.param("Kanye[/artist]", [T("Kanye[/artist]")], id="27-stray-closing-tag"),
    pytest.param(
        '[artist id="1"]K[/ARTIST]',
        [S("artist", {"id": "1"}), T("K[/ARTIST]")],
        id="28-closing-tag-case-differs",
    ),
    pytest.param(
        '[artist id="1"]K[/artist ]',
        [S("artist", {"id": "1"}), T("K[/artist ]")],
        id="29-closing-tag-with-space",
    ),
    pytest.param('[ artist id="1"]', [T('[ artist id="1"]')], id="30-space-before-name"),
    pytest.param('[artist\tid="1"]', [S("artist", {"id": "1"})], id="31-tab-separator"),
    pytest.param('[artist\nid="1"]', [S("artist", {"id": "1"})], id="31-newline-separator"),
    pytest.param(
        '[artist id="a]b"]',
        [S("artist", {0: 'id="a'}), T('b"]')],
        id="32-first-bracket-ends-tag-even-in-quotes",
    ),
    pytest.param(
        '[artist id="1"/]', [S("artist", {"id": "1"}, slash=True)], id="33-slash-after-quote"
    ),
    pytest.param("[artist/]", [S("artist", slash=True)], id="33-slash-after-name"),
    pytest.param(
        '[artist id="1" / ]',
        [S("artist", {"id": "1", 0: "/"})],
        id="34-spaced-slash-is-positional",
    ),
    pytest.param(
        "[artist id=https://x.test/]",
        [S("artist", {"id": "https://x.test"}, slash=True)],
        id="35-url-loses-trailing-slash",
    ),
    pytest.param(
        "[artist id=https://x.test/ ]",
        [S("artist", {"id": "https://x.test/"})],
        id="36-space-keeps-url-slash",
    ),
    pytest.param(
        '[artist id="<b>bold</b>"]',
        [S("artist", {"id": "<b>bold</b>"})],
        id="37-complete-html-tags-kept",
    ),
    pytest.param('[artist id="<script"]', [S("artist", {"id": ""})], id="38-unclosed-lt-blanked"),
    pytest.param(
        r'[artist id="\x3cscript\x3e"]',
        [S("artist", {"id": r"\x3cscript\x3e"})],
        id="39-project-no-backslash-decoding",
    ),
    pytest.param(
        r'[artist name="a\"b"]',
        [S("artist", {0: r'name="a\"b"'})],
        id="40-project-quote-not-escapable-backslash-kept",
    ),
    pytest.param(
        '[artist id="1" name="Kanye "Ye" West"]',
        [S("artist", {"id": "1", 0: 'name="Kanye', 1: "Ye", 2: 'West"'})],
        id="41-inner-quotes-break-value",
    ),
    pytest.param('[artist  id = "1" ]', [S("artist", {"id": "1"})], id="42-spaces-around-equals"),
    pytest.param(
        '[artist id="1"\u00a0name="k"]',
        [S("artist", {"id": "1", "name": "k"})],
        id="43-nbsp-separates-attributes",
    ),
    pytest.param(
        '[artist\u00a0id="9"]', [T('[artist\u00a0id="9"]')], id="44-nbsp-after-name-alone"
    ),
    pytest.param(
        '[artist\u00a0id="9"] and [artist id="1"]',
        [S("artist", {"id": "9"}), T(" and "), S("artist", {"id": "1"})],
        id="45-nbsp-after-name-with-plain-tag-elsewhere",
    ),
    pytest.param("[artist=1230523]", [S("artist", {0: "=1230523"})], id="46-equals-after-name"),
    pytest.param("[artist]", [S("artist")], id="47-no-attributes"),
    pytest.param('[artist ""]', [S("artist")], id="47-empty-quoted-positional-dropped"),
    pytest.param('[artist id=""]', [S("artist", {"id": ""})], id="47-empty-named-value"),
    pytest.param('[artist id="1"][/artist]', [S("artist", {"id": "1"}, "")], id="48-empty-content"),
    pytest.param(
        '<a href="[artist id=1]">',
        [T('<a href="'), S("artist", {"id": "1"}), T('">')],
        id="49-project-html-attribute-is-plain-text",
    ),
    pytest.param(
        '<a onclick="bad[url]">', [T('<a onclick="bad[url]">')], id="49-project-unknown-in-html"
    ),
    pytest.param(
        "<!--[artist]-->",
        [T("<!--"), S("artist"), T("-->")],
        id="49-project-html-comment-is-plain-text",
    ),
    # --- this project's own cases ---------------------------------------------------------------
    pytest.param(
        SEED_PARAGRAPH,
        [
            T("The last time Spike Jonze and "),
            S("artist", {"id": "1230523"}, "Kanye West"),
            T(SEED_PARAGRAPH[SEED_PARAGRAPH.index(" collaborated") :]),
        ],
        id="own-seed-story-paragraph",
    ),
    pytest.param(
        "It's not necessarily [a video for 'Nightmares'], but",
        [T("It's not necessarily [a video for 'Nightmares'], but")],
        id="own-prose-in-brackets",
    ),
    pytest.param("", [], id="own-empty-body"),
    pytest.param("no brackets at all", [T("no brackets at all")], id="own-no-brackets"),
    pytest.param("[]", [T("[]")], id="own-only-brackets-pair"),
    pytest.param("[[]]", [T("[[]]")], id="own-only-brackets-doubled"),
    pytest.param("]]][[[", [T("]]][[[")], id="own-only-brackets-reversed"),
    pytest.param("[/artist]", [T("[/artist]")], id="own-closing-tag-alone"),
    pytest.param(
        '[artist\n  id="1"\n  name="K W"\n]x[/artist]',
        [S("artist", {"id": "1", "name": "K W"}, "x")],
        id="own-multiline-attributes",
    ),
    pytest.param(
        '[artist note="line one\nline two"/]',
        [S("artist", {"note": "line one\nline two"}, slash=True)],
        id="own-multiline-value",
    ),
    pytest.param(
        '[artist id="1" name="Sigur Rós"]Beyoncé 🎤 Björk[/artist]',
        [S("artist", {"id": "1", "name": "Sigur Rós"}, "Beyoncé 🎤 Björk")],
        id="own-unicode-value-and-content",
    ),
    pytest.param(
        "[artist nämé=x]", [S("artist", {0: "nämé=x"})], id="own-non-ascii-name-is-positional"
    ),
    pytest.param(
        f'[artist id="{LONG}"]K[/artist]',
        [S("artist", {"id": LONG}, "K")],
        id="own-very-long-attribute-value",
    ),
    pytest.param('[artist\x00id="1"]', [S("artist", {0: '\x00id="1"'})], id="own-nul-after-name"),
    pytest.param(
        '[artist id="1"]a\x00b[/artist]',
        [S("artist", {"id": "1"}, "a\x00b")],
        id="own-nul-in-content",
    ),
    pytest.param("a\x00[b\x00]", [T("a\x00[b\x00]")], id="own-nul-in-text"),
    pytest.param(
        '\ud800[artist id="1"/]\udfff',
        [T("\ud800"), S("artist", {"id": "1"}, slash=True), T("\udfff")],
        id="own-lone-surrogates",
    ),
    pytest.param(
        '[artist id="1"/][artist id="2"/]',
        [S("artist", {"id": "1"}, slash=True), S("artist", {"id": "2"}, slash=True)],
        id="own-adjacent-tags",
    ),
    pytest.param(
        'a [[artist id="1"]K[/artist] b',
        [T("a "), T("["), S("artist", {"id": "1"}, "K"), T(" b")],
        id="own-extra-bracket-is-its-own-text-node",
    ),
    pytest.param(
        '[artist id="1"]K[/artist][/artist]',
        [S("artist", {"id": "1"}, "K"), T("[/artist]")],
        id="own-closing-tag-twice",
    ),
    pytest.param(
        '[gallery ids="1,2"][artist id="1"]K[/artist]',
        [S("gallery", {"ids": "1,2"}), S("artist", {"id": "1"}, "K")],
        id="own-two-names",
    ),
    pytest.param(
        "[artist-bio][artist]",
        [T("[artist-bio]"), S("artist")],
        id="own-longer-unregistered-name-beside-registered",
    ),
    pytest.param(
        '[artist id="1"]Kan[ye] [[x]][/artist]',
        [S("artist", {"id": "1"}, "Kan[ye] [[x]]")],
        id="own-brackets-in-content-stay-raw",
    ),
    pytest.param(
        '[artist id="1"]\r\nK\r\n[/artist]',
        [S("artist", {"id": "1"}, "\r\nK\r\n")],
        id="own-crlf-content",
    ),
    pytest.param(
        "[[x]] then [x]K[/x]",
        [T("["), S("x", {}, "] then [x]K")],
        id="own-escape-spoiled-by-later-closing-tag",
    ),
    pytest.param('[artist id="1"', [T('[artist id="1"')], id="own-unterminated-tag-is-text"),
    pytest.param(
        "[artist /]]", [S("artist", slash=True), T("]")], id="own-self-closing-extra-close"
    ),
    pytest.param(
        '[artist id="1"\u200bname="k"]',
        [S("artist", {"id": "1", "name": "k"})],
        id="own-zero-width-space-separates-attributes",
    ),
    pytest.param(
        '[artist name="a\u00a0\u00a0b"]',
        [S("artist", {"name": "a b"})],
        id="own-nbsp-run-in-value-becomes-one-space",
    ),
    pytest.param(
        "[artist ID=1 0=x]", [S("artist", {"id": "1", "0": "x"})], id="own-digit-name-is-named"
    ),
    pytest.param(
        "[artist id=1]K[/artist] and [x]y[/x] and [[gallery]]",
        [
            S("artist", {"id": "1"}, "K"),
            T(" and "),
            S("x", {}, "y"),
            T(" and "),
            E("[gallery]"),
        ],
        id="own-mixed-body",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_table(text: str, expected: list[tuple[Any, ...]]) -> None:
    nodes = parse(text, TAGS)
    assert shape(nodes) == expected
    check_contiguous(text, nodes)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_round_trip_over_table(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert serialize(parse(text, TAGS)) == text


def test_table_covers_all_49_grammar_cases() -> None:
    numbers = {int(case.id[:2]) for case in CASES if case.id[:2].isdigit()}
    assert numbers == set(range(1, 50))


def test_case_21_content_parsed_again_shows_inner_self_closing() -> None:
    (outer, stray) = parse("[outer][outer]x[/outer][/outer]", TAGS)
    assert isinstance(outer, Shortcode) and outer.content == "[outer]x"
    assert shape(parse(outer.content, TAGS)) == [S("outer"), T("x")]
    assert stray == Text("[/outer]", 23)


def test_case_22_content_parsed_again_shows_inner_artist() -> None:
    (outer,) = parse('[outer][artist id="1"]K[/artist][/outer]', TAGS)
    assert isinstance(outer, Shortcode) and outer.content is not None
    assert shape(parse(outer.content, TAGS)) == [S("artist", {"id": "1"}, "K")]


def test_nodes_carry_exact_raw_and_offsets() -> None:
    text = 'Hi [[artist id="1"]K[/artist]] [artist id="a]b"] [artist id="2"/]]'
    assert parse(text, TAGS) == [
        Text("Hi ", 0),
        Escaped('[[artist id="1"]K[/artist]]', 3),
        Text(" ", 30),
        Shortcode("artist", {0: 'id="a'}, None, '[artist id="a]', 31),
        Text('b"] ', 45),
        Shortcode("artist", {"id": "2"}, None, '[artist id="2"/]', 49, True),
        Text("]", 65),
    ]


def test_text_properties() -> None:
    esc, text, sc = parse('[[gallery]]. [x id="1"]K[/x]', TAGS)
    assert (esc.text, text.text, sc.text) == ("[gallery]", ". ", "K")
    assert parse("[x]", TAGS)[0].text == ""


def test_attribute_order_interleaves_like_wordpress() -> None:
    attrs = parse_attrs(' 123 url=https://x.test/ foo bar="baz"')
    assert list(attrs.items()) == [
        (0, "123"),
        ("url", "https://x.test/"),
        (1, "foo"),
        ("bar", "baz"),
    ]


@pytest.mark.parametrize(
    ("attr_text", "expected"),
    [
        pytest.param("", {}, id="empty"),
        pytest.param("   \t\n ", {}, id="only-whitespace"),
        pytest.param("\u00a0\u200b", {}, id="only-invisible-spaces"),
        pytest.param("''", {}, id="empty-single-quoted"),
        pytest.param("a='x' b=\"y\" c=z", {"a": "x", "b": "y", "c": "z"}, id="three-forms"),
        pytest.param('a="x"y', {0: 'a="x"y'}, id="quote-not-followed-by-space"),
        pytest.param('data-id="5"', {"data-id": "5"}, id="hyphenated-name"),
        pytest.param('v="a<b>c"', {"v": "a<b>c"}, id="complete-tag-mid-value"),
        pytest.param('v="a<b>c<"', {"v": ""}, id="trailing-lt-blanked"),
        pytest.param("<script", {0: ""}, id="positional-html-check"),
        pytest.param('v="a>b"', {"v": "a>b"}, id="gt-alone-kept"),
        pytest.param(r"v=a\nb", {"v": r"a\nb"}, id="project-no-newline-decoding"),
        pytest.param('v="x"\n', {"v": "x"}, id="trailing-newline"),
    ],
)
def test_parse_attrs(attr_text: str, expected: dict[str | int, str]) -> None:
    assert parse_attrs(attr_text) == expected


@pytest.mark.parametrize(
    ("tags", "text", "expected"),
    [
        pytest.param({"good!"}, "[good!]", [S("good!")], id="punctuation-in-name"),
        pytest.param({"good!", "good!!"}, "[good!!]", [S("good!!")], id="longest-name-first"),
        pytest.param(
            {"künstler"}, "[künstler id=1/]", [S("künstler", {"id": "1"}, slash=True)], id="unicode"
        ),
        pytest.param({"a.b"}, "[a.b][axb]", [S("a.b"), T("[axb]")], id="regex-chars-literal"),
        pytest.param(set(), '[artist id="1"/]', [T('[artist id="1"/]')], id="nothing-registered"),
        pytest.param(
            {"a"},
            "[a video for 'Nightmares']",
            [S("a", {0: "video", 1: "for", 2: "Nightmares"})],
            id="short-name-catches-prose",
        ),
    ],
)
def test_parse_other_tag_sets(tags: set[str], text: str, expected: list[tuple[Any, ...]]) -> None:
    assert shape(parse(text, tags)) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "a b",
        "a/b",
        "a]",
        "[a",
        "a=b",
        "a\x00",
        "a<b",
        "a>b",
        "a&b",
        "a\u00a0b",
        "a\nb",
        "a\x85",
    ],
)
def test_invalid_tag_names_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid shortcode name"):
        parse("[x]", {"x", bad})
    with pytest.raises(ValueError, match="invalid shortcode name"):
        find_problems("[x]", {"x", bad})


def test_single_string_as_tags_is_refused() -> None:
    with pytest.raises(TypeError):
        parse("[artist]", "artist")


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        pytest.param("", 0, (1, 1), id="empty"),
        pytest.param("abc", 2, (1, 3), id="first-line"),
        pytest.param("ab\ncd", 3, (2, 1), id="line-start"),
        pytest.param("ab\ncd", 2, (1, 3), id="on-newline"),
        pytest.param("a\r\nb\nc", 5, (3, 1), id="crlf"),
        pytest.param("é\n🎤x", 3, (2, 2), id="characters-not-bytes"),
        pytest.param("ab", 99, (1, 3), id="clamped"),
    ],
)
def test_line_col(text: str, offset: int, expected: tuple[int, int]) -> None:
    assert line_col(text, offset) == expected


# Problems are written as (line, column, severity, tag, words the message must contain).
UNCLOSED = 'Unclosed [artist] tag: close it with [/artist] or end the tag with "/]".'

PROBLEMS = [
    pytest.param(SEED_PARAGRAPH, [], id="seed-story-paragraph-is-clean"),
    pytest.param("It's not [a video for 'Nightmares'], but", [], id="prose-in-brackets"),
    pytest.param("[see https://x.test/] and [sic]", [], id="prose-ending-in-url"),
    pytest.param('[artist id="1"]K[/artist] [artist id="2"/]', [], id="well-formed"),
    pytest.param("", [], id="empty"),
    pytest.param(
        '[[artist id="1"]] [[artist]K[/artist]] [[unknown/]] [[artist id="1"/]]',
        [],
        id="escaped-tags-not-reported",
    ),
    pytest.param(
        'Hello [artist id="1"',
        [(1, 7, "error", "artist", 'Unterminated [artist] tag: end it with "]".')],
        id="unterminated",
    ),
    pytest.param(
        "x]\n[artist",
        [(2, 1, "error", "artist", "Unterminated [artist]")],
        id="unterminated-at-end-after-a-bracket",
    ),
    pytest.param("[artists are great", [], id="unterminated-needs-a-separator"),
    pytest.param(
        'Intro.\n[artist id="1"]Kanye',
        [(2, 1, "error", "artist", UNCLOSED)],
        id="unclosed",
    ),
    pytest.param(
        '[artist id="1"]K[/ARTIST]',
        [(1, 1, "error", "artist", UNCLOSED)],
        id="unclosed-case-28",
    ),
    pytest.param(
        "Kanye[/artist]",
        [(1, 6, "error", "artist", "Stray [/artist]: there is no open [artist] tag")],
        id="stray-closing",
    ),
    pytest.param(
        "[artist]a[artist]b[/artist]",
        [(1, 10, "error", "artist", "[artist] tags cannot be nested")],
        id="nesting-case-18",
    ),
    pytest.param(
        '[artist id="1"] text\n[artist id="2"]K[/artist]',
        [(2, 1, "error", "artist", "cannot be nested")],
        id="nesting-case-19",
    ),
    pytest.param(
        "[artist]outer[artist]inner[/artist]tail[/artist]",
        [
            (1, 14, "error", "artist", "cannot be nested"),
            (1, 40, "error", "artist", "Stray [/artist]"),
        ],
        id="nesting-and-stray-case-20",
    ),
    pytest.param(
        "[outer][outer]x[/outer][/outer]",
        [
            (1, 8, "error", "outer", "[outer] tags cannot be nested"),
            (1, 24, "error", "outer", "Stray [/outer]"),
        ],
        id="nesting-and-stray-case-21",
    ),
    pytest.param(
        '[artist id="a]b"]',
        [
            (1, 1, "error", "artist", "unexpected 'id=\"a'"),
            (1, 1, "error", "artist", UNCLOSED),
        ],
        id="attributes-case-32",
    ),
    pytest.param(
        r'[artist name="a\"b"/]',
        [(1, 1, "error", "artist", r"""unexpected 'name="a\"b"'""")],
        id="attributes-case-40",
    ),
    pytest.param(
        '[artist id="1"]Write [[artist id="2"]] for a card.[/artist]',
        [],
        id="escaped-tag-inside-content-is-not-nesting",
    ),
    pytest.param(
        '[artist id="1" name="Kanye "Ye" West"/]',
        [(1, 1, "error", "artist", """unexpected 'name="Kanye', 'Ye', 'West"'""")],
        id="attributes-case-41",
    ),
    pytest.param(
        '[artist id="1" / ]K[/artist]',
        [(1, 1, "error", "artist", "unexpected '/'")],
        id="attributes-spaced-slash",
    ),
    pytest.param(
        '[unknown id="1"]x[/unknown]',
        [(1, 1, "warning", "unknown", "[unknown] is not a known shortcode")],
        id="unregistered-with-closing-tag",
    ),
    pytest.param(
        'a\n  [video src="x.mp4" /]',
        [(2, 3, "warning", "video", "[video] is not a known shortcode")],
        id="unregistered-self-closing",
    ),
    pytest.param('[ARTIST id="1"]', [], id="unregistered-without-closing-is-prose"),
    pytest.param(
        '[artist\u00a0id="9"]',
        [(1, 1, "error", "artist", "U+00A0")],
        id="registered-name-hidden-by-nbsp-case-44",
    ),
    pytest.param(
        '[artist id="1"]K[artist id="2"]L[/artist]\n'
        "[/artist] [foo/]\n"
        "[x]y\n"
        "[artist\tid=3 oops/] [gallery",
        [
            (1, 17, "error", "artist", "cannot be nested"),
            (2, 1, "error", "artist", "Stray [/artist]"),
            (2, 11, "warning", "foo", "not a known shortcode"),
            (3, 1, "error", "x", "Unclosed [x] tag"),
            (4, 1, "error", "artist", "unexpected 'oops'"),
            (4, 21, "error", "gallery", "Unterminated [gallery]"),
        ],
        id="several-problems-in-source-order",
    ),
    pytest.param(
        "[gallery ids=1 [artist id=2",
        [
            (1, 1, "error", "gallery", "Unterminated [gallery]"),
            (1, 16, "error", "artist", "Unterminated [artist]"),
        ],
        id="two-unterminated",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_find_problems(text: str, expected: list[tuple[int, int, str, str, str]]) -> None:
    problems = find_problems(text, TAGS)
    got = [(p.line, p.column, p.severity, p.tag) for p in problems]
    assert got == [item[:4] for item in expected]
    for problem, item in zip(problems, expected, strict=True):
        assert item[4] in problem.message
        assert line_col(text, problem.offset) == (problem.line, problem.column)


def test_problem_fields() -> None:
    assert find_problems('x\n[artist id="1"]', TAGS) == [
        Problem(2, 1, 2, "artist", UNCLOSED, "error")
    ]
