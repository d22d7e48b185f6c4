"""Property tests: whatever an editor or an old archive puts in a body, the page renders,
is well-formed, carries no active content, and shows exactly the body's text."""

import re

import html5lib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles import rendering
from articles.shortcodes import Escaped, Shortcode, Text
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
]

bodies = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=60).map("".join)

SVG_NS = "http://www.w3.org/1999/xhtml"


@pytest.fixture
def linked(db):
    make_artist(external_id=1, name="Kanye West", slug="ye")
    make_project(title="Short film", slug="film")
    make_contributor(name="MTV News", slug="desk")


def expected_text(body):
    """The body's visible text: text outside tags, the enclosed text (or the linked
    record's name for a self-closing tag that resolves), nothing of the tag syntax."""
    body = rendering.drop_invisible(body)
    nodes = rendering.parse(body)
    resolved = rendering.resolve(nodes)
    parts = []
    for node in nodes:
        if isinstance(node, (Text, Escaped)):
            parts.append(node.text)
        elif isinstance(node, Shortcode):
            obj = resolved[id(node)]
            if node.content is not None:
                parts.append(node.content)
            elif obj is not None:
                parts.append(getattr(obj, "name", None) or getattr(obj, "title", ""))
    return collapse("".join(parts))


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


def check(body):
    html = str(rendering.render_body(body))
    html.encode("utf-8")
    # Strict parsing raises on any parse error: the fragment is well-formed HTML.
    fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)
    for element in (e for child in fragment for e in child.iter()):
        assert element.tag in {"p", "br", "a", "span", "img"}, element.tag
        for attr, value in element.attrib.items():
            assert not attr.lower().startswith("on"), attr
            if attr in {"href", "src"}:
                assert value.startswith("/") and not value.startswith("//"), value
    assert visible_text(fragment) == expected_text(body)


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
