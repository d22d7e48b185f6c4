"""The Markdown subset of article bodies: what each feature renders to, with and without
shortcodes, what stays text, and the link allow-list (hostile forms included)."""

import pytest
from django.test import override_settings

from articles import services
from articles.rendering import link_problem, plain_text, render_body
from articles.tests.test_rendering import TagCollector
from newsroom.testing import make_artist

pytestmark = pytest.mark.django_db

CARD = 'class="artist-link"'


@pytest.fixture
def kanye(db):
    return make_artist(external_id=1230523, name="Kanye West", slug="kanye-west")


FEATURES = [
    ("*808s*", "<p><em>808s</em></p>"),
    ("_808s_", "<p><em>808s</em></p>"),
    ("**808s**", "<p><strong>808s</strong></p>"),
    ("***808s***", "<p><em><strong>808s</strong></em></p>"),
    ("# Title", "<h2>Title</h2>"),
    ("## Title", "<h2>Title</h2>"),
    ("### Title", "<h3>Title</h3>"),
    ("#### Title", "<h3>Title</h3>"),
    ("> quoted\n> still", "<blockquote>\n<p>quoted<br>\nstill</p>\n</blockquote>"),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("* one\n+ two", "<ul>\n<li>one</li>\n</ul>\n<ul>\n<li>two</li>\n</ul>"),
    ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
    ("3. three", '<ol start="3">\n<li>three</li>\n</ol>'),
    ("---", "<hr>"),
    ("a\n\n***\n\nb", "<p>a</p>\n<hr>\n<p>b</p>"),
    ("one\ntwo", "<p>one<br>\ntwo</p>"),
    ("one\n\n\n\ntwo", "<p>one</p>\n<p>two</p>"),
    ("\\*not em\\*", "<p>*not em*</p>"),
    ("\\# not a heading", "<p># not a heading</p>"),
    (
        "[Island](https://www.islandrecords.com/)",
        '<p><a href="https://www.islandrecords.com/" rel="noopener">Island</a></p>',
    ),
    (
        "<https://www.islandrecords.com/>",
        '<p><a href="https://www.islandrecords.com/" rel="noopener">'
        "https://www.islandrecords.com/</a></p>",
    ),
    ("[tips](mailto:desk@example.com)", '<p><a href="mailto:desk@example.com">tips</a></p>'),
    ("[news](/news/)", '<p><a href="/news/">news</a></p>'),
    # What the subset leaves as typed text
    ("<b>x</b>", "<p>&lt;b&gt;x&lt;/b&gt;</p>"),
    ("&amp; &#42; &copy;", "<p>&amp;amp; &amp;#42; &amp;copy;</p>"),
    ("    indented", "<p>indented</p>"),
    ("```\ncode\n```", "<p>```<br>\ncode<br>\n```</p>"),
    ("`code`", "<p>`code`</p>"),
    ("![cover](/cover.jpg)", "<p>![cover](/cover.jpg)</p>"),
    ("Title\n=====", "<p>Title<br>\n=====</p>"),
    ("[x]: https://example.com/\n\n[x]", "<p>[x]: https://example.com/</p>\n<p>[x]</p>"),
    ("~~gone~~", "<p>~~gone~~</p>"),
    ("| a | b |\n|---|---|", "<p>| a | b |<br>\n|---|---|</p>"),
    ("www.example.com", "<p>www.example.com</p>"),
    ("a\u00a0\n\n\u00a0b", "<p>a&nbsp;</p>\n<p>&nbsp;b</p>"),
]


@pytest.mark.parametrize(("body", "html"), FEATURES)
def test_markdown_features(body, html):
    assert render_body(body) == html


@override_settings(BODY_LINKS_NOFOLLOW=True)
def test_external_links_get_nofollow_when_the_setting_is_on():
    assert 'rel="nofollow noopener"' in render_body("[x](https://example.com/)")
    assert "rel=" not in render_body("[x](/news/)")


WITH_SHORTCODES = [
    ('*[artist id="1230523"]Kanye West[/artist]*', "<em><span", "</span></em>"),
    ('**[artist id="1230523"]Kanye West[/artist]**', "<strong><span", "</span></strong>"),
    ('## With [artist id="1230523"]Kanye West[/artist]', "<h2>With <span", "</span></h2>"),
    ('### [artist id="1230523" /]', "<h3><span", "</span></h3>"),
    ('> [artist id="1230523"]Kanye West[/artist] said', "<blockquote>\n<p><span", "said</p>"),
    ('- [artist id="1230523"]Kanye West[/artist]', "<li><span", "</span></li>"),
    ('1. [artist id="1230523"]Kanye West[/artist]', "<ol>\n<li><span", "</span></li>"),
    ('[artist id="1230523"]*not em*[/artist]', "<span", ">*not em*</a>"),
]


@pytest.mark.parametrize(("body", "start", "end"), WITH_SHORTCODES)
def test_shortcodes_work_wherever_inline_text_does(kanye, body, start, end):
    html = render_body(body)
    assert html.count(CARD) == 1
    assert start in html
    assert end in html


def test_italic_artist_link_with_its_card(kanye):
    html = render_body('*[artist id="1230523"]Kanye West[/artist]*')
    assert html.startswith('<p><em><span class="artist-mention">')
    assert 'href="/artists/kanye-west/"' in html
    assert "profile-card" in html


@pytest.mark.parametrize(
    "body",
    [
        '[see [artist id="1230523"]Kanye West[/artist]](https://example.com/)',
        '[see [artist id="1230523" /]](https://example.com/)',
        '*[see **[artist id="1230523"]Kanye West[/artist]**](/news/)*',
    ],
)
def test_a_shortcode_inside_link_text_is_its_text_alone(kanye, body):
    html = render_body(body)
    assert CARD not in html
    assert html.count("<a ") == 1
    assert "see " in html and "Kanye West</" in html


def test_markdown_syntax_in_tag_attributes_and_escaped_tags_stays_literal(kanye):
    html = render_body('[[artist id="*1*" /]] and [artist id="1230523"]_Ye_[/artist]')
    assert '[artist id="*1*" /]' in html
    assert ">_Ye_</a>" in html


def test_private_use_characters_in_text_cannot_forge_a_tag(kanye):
    body = '\ue000\ue010\ue003 [artist id="1230523" /] \ue001\ue003\ue002'
    html = render_body(body)
    assert html.count(CARD) == 1
    assert html.startswith("<p>\ue000\ue010\ue003 ")
    assert html.endswith("\ue001\ue003\ue002</p>")


def test_plain_text_drops_markdown_syntax(kanye):
    body = (
        '# Heading\n\nThe *album* by **[artist id="1230523"]West[/artist]**, '
        "[label](https://example.com/).\n\n- one\n- two\n\n> quote\n\n---\n\n"
        "Literal \\* and <b>html</b> & ![img](/a.png)"
    )
    assert plain_text(body) == (
        "Heading\n\nThe album by West, label.\n\none\n\ntwo\n\nquote\n\n"
        "Literal * and <b>html</b> & ![img](/a.png)"
    )


# Every link that must never become one: each renders as its text and is a save-time error.
HOSTILE_LINKS = [
    pytest.param("[x](javascript:alert(1))", id="javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="mixed-case"),
    pytest.param("[x](&#106;avascript:alert(1))", id="decimal-entity"),
    pytest.param("[x](&#x6A;avascript&colon;alert(1))", id="hex-and-named-entity"),
    pytest.param("[x](java&#x09;script:alert(1))", id="entity-tab-inside"),
    pytest.param("[x](<java script:alert(1)>)", id="space-inside"),
    pytest.param("[x](javascript%3Aalert(1))", id="percent-encoded-colon"),
    pytest.param("[x](%6Aavascript:alert(1))", id="percent-encoded-letter"),
    pytest.param("[x](\\javascript:alert(1))", id="backslash"),
    pytest.param("[x]( javascript:alert(1) )", id="padded"),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD4=)", id="data"),
    pytest.param("[x](vbscript:msgbox(1))", id="vbscript"),
    pytest.param("[x](file:///etc/passwd)", id="file"),
    pytest.param("[x](//evil.example/)", id="protocol-relative"),
    pytest.param("[x](evil.example)", id="bare-relative"),
    pytest.param("<javascript:alert(1)>", id="angle-bracket"),
    pytest.param("<JAVASCRIPT:alert(1)>", id="angle-bracket-upper"),
    pytest.param("<data:text/html,x>", id="angle-bracket-data"),
    pytest.param('[x](javascript:alert(1) "title")', id="with-title"),
]


@pytest.mark.parametrize("body", HOSTILE_LINKS)
def test_hostile_links_render_as_text_and_are_save_time_errors(body):
    html = str(render_body(body))
    assert "<a" not in html
    assert "javascript" not in html.lower().split("<p>")[0]
    problems = services.check_body(f"Intro line\n\nSee {body} there.")
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, 5, "error")], problems
    assert "Link" in problems[0].message


def test_reference_definitions_are_text_and_never_links():
    body = "[x]: javascript:alert(1)\n\n[x] and [x][] and [y][x]"
    html = str(render_body(body))
    assert "<a" not in html
    assert "[x]: javascript:alert(1)" in html


@pytest.mark.parametrize(
    "body",
    [
        '[x](https://example.com/" onmouseover="alert(1))',
        "[x](https://example.com/\" onmouseover='alert(1)')",
        '[x](<https://example.com/" onclick="alert(1)>)',
        '<https://example.com/"onmouseover="alert(1)>',
    ],
)
def test_quotes_in_addresses_cannot_break_out_of_the_attribute(body):
    tags = TagCollector.of(str(render_body(body)))
    for name, attrs in tags:
        assert name in {"p", "a"}
        assert {attr for attr, _ in attrs} <= {"href", "rel"}
        for attr, value in attrs:
            if attr == "href":
                assert value.startswith("https://example.com/") and '"' not in value


def test_problem_positions_follow_quote_markers_and_tags(kanye):
    body = (
        '[artist id="1230523"]Kanye\nWest[/artist] intro\n\n'
        "> quoted [bad](javascript:x) and\n> [worse](data:x)"
    )
    problems = services.check_body(body)
    assert [(p.line, p.column) for p in problems] == [(4, 10), (5, 3)]


@pytest.mark.parametrize(
    ("href", "ok"),
    [
        ("https://example.com/", True),
        ("HTTP://example.com/", True),
        ("mailto:desk@example.com", True),
        ("/artists/", True),
        ("#section", True),
        ("javascript:alert(1)", False),
        ("java%0Ascript:alert(1)", False),
        ("&#0000106avascript:alert(1)", False),
        ("%2526%2523106;avascript:x", False),
        ("//example.com/", False),
        ("/\\example.com/", False),
        ("ftp://example.com/", False),
        ("example.com", False),
    ],
)
def test_link_allow_list(href, ok):
    assert (link_problem(href) is None) is ok


# Bodies written before Markdown, rendered exactly as the plain-text renderer did.
AS_BEFORE = [
    ('[artist id="9"] text [artist id="8"]K[/artist]', '<p>text [artist id="8"]K</p>'),
    ('[artist id="9"]K[/artist] [artist id="8"/]', "<p>K</p>"),
    ("x\n[artist id=9]", "<p>x<br></p>"),
    ("Unterminated [artist]", "<p>Unterminated</p>"),
    ('[artist id="9"]a\nb[/artist]', "<p>a<br>\nb</p>"),
    (
        '"Quoted," he said -- 10-15 minutes... 808s & Heartbreak',
        '<p>"Quoted," he said -- 10-15 minutes... 808s &amp; Heartbreak</p>',
    ),
    ("It's [a video for 'Nightmares'], but", "<p>It's [a video for 'Nightmares'], but</p>"),
    ("one\n\n\n\ntwo\n \nthree", "<p>one</p>\n<p>two</p>\n<p>three</p>"),
]


@pytest.mark.parametrize(("body", "html"), AS_BEFORE)
def test_bodies_from_before_markdown_render_as_they_did(body, html):
    assert render_body(body) == html


def test_the_admin_refuses_a_bad_link_or_embed_and_keeps_what_was_typed(admin_client):
    from articles.models import Article
    from articles.tests.test_admin import add_article

    body = (
        "## Heading\n\nSee [the video](&#106;avascript:alert(1)) now.\n\n"
        '[embed url="http://youtu.be/dQw4w9WgXcQ" /]'
    )
    response = add_article(admin_client, body=body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 3, column 5" in html and "uses javascript:" in html
    assert "Line 5, column 1" in html and "must start with https://" in html
    assert "[the video](&amp;#106;avascript:alert(1))" in html  # the textarea keeps it
    assert not Article.objects.exists()

    response = add_article(admin_client, body=body.replace("&#106;", "https://example.com/j"))
    assert response.status_code == 200
    assert "Line 3" not in response.content.decode()
    fixed = body.replace("&#106;avascript:alert(1)", "https://example.com/").replace(
        "http://", "https://"
    )
    assert add_article(admin_client, body=fixed).status_code == 302
    assert Article.objects.get().body_text.startswith("Heading\n\nSee the video now.")


@pytest.mark.parametrize(
    "href",
    ["", " ", ":", "%", "%zz", "&#xFFFFFFFF;", "\x00", "java\u200bscript:x", "\ud800", "a" * 5000],
)
def test_odd_addresses_are_judged_without_an_error(href):
    link_problem(href)
    render_body(f"[x]({href})")
    services.check_body(f"[x](<{href}>)")
