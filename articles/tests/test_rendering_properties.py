"""Property tests: whatever an editor or an old archive puts in a body, the page renders,
is well-formed, carries no active content, and shows exactly the body's text: for any text,
the text Markdown leaves with every tag's text filled in; for bodies built from the supported
Markdown and shortcodes, the words they were built from."""

import re

import html5lib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles import rendering
from articles.shortcodes import Escaped
from newsroom.testing import make_artist, make_contributor, make_project

pytestmark = pytest.mark.django_db

TOKENS = [
    '[artist id="1"]',
    '[artist id="2"]',
    "[/artist]",
    '[artist id="1" /]',
    "[artist slug=ye]",
    "[artist",
    "[/artist",
    '[project slug="film"]',
    "[/project]",
    '[contributor slug="desk" /]',
    "[[",
    "]]",
    "[",
    "]",
    "/",
    "=",
    '"',
    "'",
    "\\",
    " ",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    'href="',
    "data:text/html,x",
    "&amp;",
    "&",
    "<",
    ">",
    "<!--",
    "-->",
    "]]>",
    "\x00",
    "\x07",
    "\x85",
    "\u00a0",
    "\u200b",
    "\u2028",
    "\ufeff",
    "\ud800",
    "é",
    "😀",
    "Kanye",
    "[gallery]",
    "[/gallery]",
    "[x-y]",
    "[ARTIST id=1]",
    "id=",
    "1",
    "\ufffe",
    "\ue000",
    "\ue003",
    "*",
    "_",
    "**",
    "# ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "---",
    "    ",
    "```",
    "`",
    "![x](/a.png)",
    "](",
    "(",
    ")",
    "[x](https://example.com/)",
    "[x](javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<https://example.com/>",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)",
    "[x]",
    "&#42;",
]

bodies = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=60).map("".join)

SVG_NS = "http://www.w3.org/1999/xhtml"


@pytest.fixture
def linked(db):
    make_artist(external_id=1, name="Kanye West", slug="ye")
    make_project(title="Short film", slug="film")
    make_contributor(name="MTV News", slug="desk")


def tag_text(node, resolved):
    if isinstance(node, str):
        return node
    if isinstance(node, Escaped):
        return node.text
    obj = resolved[id(node)]
    if node.content is not None:
        return node.content
    if obj is not None:
        return getattr(obj, "name", None) or getattr(obj, "title", "")
    return ""


def expected_text(body):
    """The body's visible text: the text Markdown leaves (its syntax gone, whatever it does not
    support kept as typed), with the enclosed text of each tag (or the linked record's name for
    a self-closing tag that resolves) in place of the tag."""
    body = rendering.drop_invisible(body)
    nodes = rendering.parse(body)
    resolved = rendering.resolve(nodes)
    placeheld = rendering.with_placeholders(nodes)
    parts = []
    for token in rendering.MARKDOWN.parse(placeheld.source, {}):
        for child in token.children or ():
            if child.type == "text":
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        parts.append(" ")
    text = "".join(parts)
    text = re.sub(
        "[\ue000-\ue002]([\ue010-\ue019]+)\ue003",
        lambda m: tag_text(placeheld.slots[int(m.group(1).translate(UNDIGITS))], resolved),
        text,
    )
    return collapse(text)


UNDIGITS = str.maketrans("".join(chr(0xE010 + n) for n in range(10)), "0123456789")
ALLOWED = {"p", "br", "a", "span", "img", "h2", "h3", "em", "strong", "blockquote"}
ALLOWED |= {"ul", "ol", "li", "hr", "figure", "button"}


def collapse(text):
    return " ".join(re.split(r"[ \t\n\r\f]+", text)).strip()


def visible_text(fragment):
    parts = []

    def walk(element):
        if "profile-card" in (element.get("class") or "").split():
            # The card is hidden until opened; its text is not part of the paragraph.
            if element.tail:
                parts.append(element.tail)
            return
        if element.tag.endswith("br"):
            parts.append(" ")
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
        if element.tail:
            parts.append(element.tail)

    if fragment.text:
        parts.append(fragment.text)
    for child in fragment:
        walk(child)
    return collapse("".join(parts))


def check(body, expected=None):
    html = str(rendering.render_body(body))
    html.encode("utf-8")
    # Strict parsing raises on any parse error: the fragment is well-formed HTML.
    fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)
    for element in (e for child in fragment for e in child.iter()):
        assert element.tag in ALLOWED, element.tag
        for attr, value in element.attrib.items():
            assert not attr.lower().startswith("on"), attr
            if attr in {"href", "src"}:
                assert value.startswith(("/", "https://", "http://", "mailto:")), value
            if attr == "data-embed-src":
                assert value.startswith("https://www.youtube-nocookie.com/embed/"), value
                assert not value.startswith("//"), value
    assert visible_text(fragment) == (expected_text(body) if expected is None else expected)
    # Pieces sanitized apart and put together are what the sanitizer makes of the whole.
    assert rendering.sanitize(html) == html
    return html


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
@example(body='[artist id="1"]\n\n\xa0[artist id="1"]')  # a no-break space opening a paragraph
def test_any_body_renders_safely_with_its_text(linked, body):
    check(body)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text())
def test_arbitrary_unicode_renders_safely(linked, body):
    check(body)


PROSE = "The last time Spike Jonze and West collaborated, who knows what happened? " * 2


@pytest.mark.parametrize(
    "unit",
    [
        '[artist id="1"]Kanye West[/artist] said <b>hi</b> & left. ' + PROSE,
        "[[[[[[ ]]]]]] [artist [artist [/artist] \"' <script> ",
        '[artist id="1"]' + "unclosed text " * 10,
        "\x00\x01[artist id=1 /]\n\n" + PROSE,
    ],
    ids=["mentions", "brackets", "unclosed", "controls"],
)
def test_one_megabyte_body(linked, unit):
    body = unit * (1_000_000 // len(unit))
    check(body)


# Bodies built from the supported Markdown and shortcodes: each piece is (source, visible text).
EMBED = '[embed url="https://youtu.be/dQw4w9WgXcQ" /]'
EMBED_TEXT = "Watch on YouTube https://youtu.be/dQw4w9WgXcQ Play here (loads the YouTube player)"
WORDS = st.sampled_from(["Kanye", "West", "808s", "Heartbreak", "film", "Jonze", "é", "😀"])


@st.composite
def inline_piece(draw):
    word = draw(WORDS)
    other = draw(WORDS)
    return draw(
        st.sampled_from(
            [
                (word, word),
                (f"*{word} {other}*", f"{word} {other}"),
                (f"_{word}_", word),
                (f"**{word}**", word),
                (f"***{word}***", word),
                (f"[{word}](https://example.com/{len(word)})", word),
                (f"[{word}](/artists/)", word),
                ("<https://example.com/a>", "https://example.com/a"),
                (f'[artist id="1"]{word}[/artist]', word),
                ('[artist id="1" /]', "Kanye West"),
                (f'*[artist id="1"]{word}[/artist]*', word),
                (f'**[project slug="film"]{word}[/project]**', word),
                (f'[see [artist id="1"]{word}[/artist]](/x)', f"see {word}"),
                (f'[artist id="9"]{word}[/artist]', word),
                ("\\*", "*"),
                ('[[artist id="1" /]]', '[artist id="1" /]'),
                ("<b>x</b>", "<b>x</b>"),
                ("&amp;", "&amp;"),
                ("![photo](/a.png)", "![photo](/a.png)"),
            ]
        )
    )


@st.composite
def markdown_body(draw):
    blocks, texts = [], []
    for _ in range(draw(st.integers(1, 6))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            pieces = draw(st.lists(inline_piece(), min_size=1, max_size=5))
            lines.append(pieces)
        kind = draw(st.sampled_from(["p", "h1", "h2", "h3", "quote", "ul", "ol", "hr", "embed"]))

        def src(pieces):
            return " ".join(source for source, _ in pieces)

        def txt(pieces):
            return " ".join(text for _, text in pieces)

        if kind == "p":
            blocks.append("\n".join(src(line) for line in lines))
        elif kind in ("h1", "h2", "h3"):
            blocks.append("#" * int(kind[1]) + " " + src(lines[0]))
            lines = lines[:1]
        elif kind == "quote":
            blocks.append("\n".join("> " + src(line) for line in lines))
        elif kind == "ul":
            blocks.append("\n".join("- " + src(line) for line in lines))
        elif kind == "ol":
            blocks.append("\n".join(f"{n}. " + src(line) for n, line in enumerate(lines, 1)))
        elif kind == "embed":
            # On a line of its own between two lines of text: a figure between two paragraphs.
            blocks.append(f"{src(lines[0])}\n{EMBED}\n{src(lines[-1])}")
            texts.extend([txt(lines[0]), EMBED_TEXT, txt(lines[-1])])
            lines = []
        else:
            blocks.append("---")
            lines = []
        texts.extend(txt(line) for line in lines)
    return "\n\n".join(blocks), collapse(" ".join(texts))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=markdown_body())
def test_markdown_bodies_show_the_words_they_were_built_from(linked, case):
    body, expected = case
    html = check(body, expected)
    assert html.count("<h2>") + html.count("<h3>") == sum(
        line.startswith("#") for line in body.split("\n")
    )
    assert html.count("<blockquote>") == body.count("\n\n> ") + body.startswith("> ")
    assert html.count("<figure") == body.count("\n" + EMBED + "\n")
    # A figure is never inside a paragraph (html5lib's strict parse would also refuse it).
    assert "<p><figure" not in html
