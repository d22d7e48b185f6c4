"""Text an editor types never collides with the characters the pipeline uses for itself: the
renderer's placeholders and card slots, and search's highlight marks. Each of them, and each
space the renderer gives a slot of its own, is typed in every position a body has."""

from urllib.parse import quote

import html5lib
import pytest

from articles import rendering, search
from articles.services import check_body
from newsroom.testing import make_article, make_artist

pytestmark = pytest.mark.django_db

# Every private-use character the pipeline uses: the placeholders' marks, their digits, and the
# stand-in of the cards' per-mention values.
PIPELINE = [
    rendering.FULL,
    rendering.TEXT,
    rendering.BLOCK,
    rendering.CLOSE,
    "\ue004",
    *(chr(0xE010 + n) for n in range(10)),
]
# Spaces the renderer gives a slot of their own (the parser would trim them like ASCII ones).
SPACES = ["\xa0", "\u1680", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]

KANYE = '[artist id="1230523"]Kanye West[/artist]'
TEXT_POSITIONS = {
    "alone": "{c}",
    "plain": "Before {c} after",
    "word": "Be{c}fore",
    "emphasis": "*em{c}phasis* and **{c}strong**",
    "heading": "## Head{c}ing",
    "list": "- item {c}\n- {c}",
    "quote": "> quoted {c}",
    "link text": "[li{c}nk](https://www.mtv.com/)",
    "beside a tag": "{c}" + KANYE + "{c}",
    "in a tag's text": '[artist id="1230523"]Kan{c}ye[/artist]',
    "after a self-closing tag": '[artist id="1230523" /]{c}',
    "escaped tag": "[[artist id={c}]]",
    "image syntax": "![alt{c}](/x{c}.png)",
    "card slot": "\ue004text\ue004 {c} \ue004mention\ue004",
    "a placeholder forged": "\ue000\ue010\ue003 {c} \ue001\ue011\ue003",
}
ADDRESS_POSITIONS = {
    "inline link": "[link](https://www.mtv.com/a{c}b)",
    "autolink": "<https://www.mtv.com/a{c}b>",
}


@pytest.fixture
def kanye(db):
    return make_artist(name="Kanye West", slug="kanye-west", external_id=1230523)


def parsed(html):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(html)


def shown_text(html):
    return "".join(parsed(html).itertext())


def pipeline_chars(text):
    return [ch for ch in text if ch in PIPELINE]


@pytest.mark.parametrize("char", PIPELINE + SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_character_typed_in_text_comes_out_as_typed(kanye, char):
    for position, template in TEXT_POSITIONS.items():
        body = template.format(c=char)
        html = str(rendering.render_body(body))
        text = shown_text(html)
        typed = body.count(char)
        # Spaces at a block's edge may be trimmed, as ASCII ones are; nothing else is lost.
        if char in SPACES:
            assert text.count(char) <= typed, (position, html)
        else:
            assert text.count(char) == typed, (position, html)
        # No character of the pipeline's own shows that the editor did not type.
        expected = pipeline_chars(body.replace("]]", "]"))
        assert sorted(pipeline_chars(text)) == sorted(expected), (position, html)
        assert "%EE%80" not in html, (position, html)
        if "Kan" in body:
            assert 'href="/artists/kanye-west/"' in html, (position, html)
        assert [p for p in check_body(body) if p.severity == "error"] == [], position


@pytest.mark.parametrize("char", PIPELINE, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("position", ADDRESS_POSITIONS)
def test_a_private_use_character_in_an_address_is_that_character_encoded(position, char):
    body = ADDRESS_POSITIONS[position].format(c=char)
    html = str(rendering.render_body(body))
    [link] = parsed(html).iter("a")
    assert link.get("href") == f"https://www.mtv.com/a{quote(char)}b"
    assert check_body(body) == []


@pytest.mark.parametrize("char", SPACES, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("position", ADDRESS_POSITIONS)
def test_a_space_in_an_address_is_an_error_with_its_line_and_column(position, char):
    body = "A first paragraph.\n\nThen " + ADDRESS_POSITIONS[position].format(c=char)
    [problem] = check_body(body)
    assert (problem.line, problem.column, problem.severity) == (3, 6, "error")
    assert f"U+{ord(char):04X}" in problem.message
    # A body saved before the check still renders the address as typed, never a placeholder.
    [link] = parsed(str(rendering.render_body(body))).iter("a")
    assert link.get("href") == f"https://www.mtv.com/a{quote(char)}b"


def test_an_ascii_space_in_an_address_in_angle_brackets_is_an_error():
    [problem] = check_body('Intro.\n\n> See [the story](<https://www.mtv.com/a b> "Title").')
    assert (problem.line, problem.column) == (3, 7)
    assert "holds a space" in problem.message
    assert check_body('See [the story](https://www.mtv.com/a%20b "A title with spaces").') == []


def test_a_tag_in_an_address_is_an_error_and_the_link_is_its_text(kanye):
    body = f"See [the story](https://www.mtv.com/{KANYE})."
    problems = [p for p in check_body(body) if "address" in p.message]
    assert [(p.line, p.column) for p in problems] == [(1, 5)]
    assert "holds a tag" in problems[0].message
    assert str(rendering.render_body(body)) == "<p>See the story.</p>"


@pytest.mark.parametrize("char", [search.START, search.STOP, *PIPELINE[:2]])
def test_search_marks_only_the_words_searched_for(client, char):
    make_article(headline="Tour news", body=f"The tour {char}opens{char} in Chicago.")
    html = client.get("/search/?q=tour").content.decode()
    assert html.count("<mark>") == html.count("</mark>") >= 1
    if char in PIPELINE:
        assert f"{char}opens{char}" in html
    assert search.START not in html and search.STOP not in html
