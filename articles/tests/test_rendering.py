"""The body renderer: tag handlers, batching, escaping and the sanitizer wall."""

from html.parser import HTMLParser

import pytest

from articles.rendering import REGISTRY, render_body, sanitize
from newsroom.testing import make_artist, make_contributor, make_project
from projects.models import Credit

pytestmark = pytest.mark.django_db


def test_registry_holds_the_three_tags():
    assert {"artist", "project", "contributor"} <= set(REGISTRY)


def test_artist_by_slug_enclosing_and_self_closing():
    artist = make_artist(name="Spike Jonze", slug="spike-jonze", external_id=None)
    html = render_body('[artist slug="spike-jonze"]Jonze[/artist] and [artist slug=spike-jonze /]')
    assert html.count(f'href="{artist.get_absolute_url()}" aria-describedby') == 2
    assert ">Jonze</a>" in html
    assert ">Spike Jonze</a>" in html
    assert 'data-artist-id=""' in html


def test_unknown_references_render_plain_text():
    html = render_body(
        '[artist id="5"]Gone[/artist] [artist id="6" /] [project slug="nope"]Film[/project] '
        '[contributor slug="nobody"]Someone[/contributor]'
    )
    assert html == "<p>Gone  Film Someone</p>"


def test_project_tag_links_with_a_small_card():
    director = make_artist(name="Spike Jonze")
    film = make_project(
        title="Where the Wild Things Are",
        slug="wild-things",
        kind="feature_film",
        status="upcoming",
    )
    Credit.objects.create(project=film, artist=director, role="director")
    html = render_body(
        f'See [project slug="wild-things" /] and [project id="{film.pk}"]it[/project].'
    )
    assert html.count('href="/projects/wild-things/"') == 2
    assert "Feature film, upcoming" in html
    assert "Director: Spike Jonze" in html


def test_contributor_tag_links_to_the_contributor_page():
    make_contributor(name="MTV News", slug="mtv-news")
    html = render_body('Reported by [contributor slug="mtv-news" /].')
    assert '<a class="contributor-link" href="/contributors/mtv-news/">MTV News</a>' in html


def test_each_tag_type_is_looked_up_in_one_query(django_assert_num_queries):
    artists = [make_artist() for _ in range(10)]
    projects = [make_project() for _ in range(10)]
    writers = [make_contributor() for _ in range(10)]
    body = " ".join(
        [f'[artist id="{a.external_id}" /]' for a in artists]
        + [f'[project slug="{p.slug}" /]' for p in projects]
        + [f'[contributor slug="{w.slug}" /]' for w in writers]
    )
    # Per tag: one look-up, then the card data for cards not rendered before (artists +
    # credits, projects + credits; a contributor's mention shows what its look-up read).
    with django_assert_num_queries(7):
        html = render_body(body)
    assert html.count("artist-link") == 10
    assert html.count("project-link") == 10
    assert html.count("contributor-link") == 10
    # Another body linking to the same records reuses their rendered cards.
    with django_assert_num_queries(3):
        again = render_body("Again: " + body)
    assert again.count("artist-link") == 10


def test_enclosed_content_is_plain_text_and_not_processed_again():
    make_artist(external_id=1, name="One")
    make_artist(external_id=2, name="Two")
    html = render_body('[artist id="1"]<b>x</b> [artist id="2" /][/artist]')
    assert html.count("artist-link") == 1
    assert '&lt;b&gt;x&lt;/b&gt; [artist id="2" /]</a>' in html


def test_escaped_shortcodes_print_literally():
    make_artist(external_id=1)
    assert render_body('[[artist id="1"]]') == '<p>[artist id="1"]</p>'


def test_unknown_tag_names_stay_verbatim_and_escaped():
    html = render_body('[gallery ids="1,2"]<img src=x onerror=alert(1)>[/gallery]')
    assert html == ('<p>[gallery ids="1,2"]&lt;img src=x onerror=alert(1)&gt;[/gallery]</p>')


# Shapes of WordPress's shortcode vulnerabilities: none may produce markup.
HOSTILE = [
    pytest.param('[artist id="\\x3cscript\\x3e"]x[/artist]', id="backslash-escapes-stay-inert"),
    pytest.param('<a href="[artist id=1]">x</a>', id="shortcode-inside-an-html-attribute"),
    pytest.param(
        '[artist id="1" name="<img src=x onerror=alert(1)"]K[/artist]', id="unclosed-html"
    ),
    pytest.param(
        '[artist id="1" title=\'" onmouseover="alert(1)\']K[/artist]', id="quote-breakout"
    ),
    pytest.param('[artist id="1"]" onmouseover="alert(1)[/artist]', id="content-breakout"),
    pytest.param('[artist slug="javascript:alert(1)"]K[/artist]', id="javascript-slug"),
    pytest.param(
        '[artist id="1" href="javascript:alert(1)"]K[/artist]', id="href-attribute-ignored"
    ),
    pytest.param("<script>alert(1)</script>", id="script-in-text"),
    pytest.param("<svg/onload=alert(1)>", id="svg-onload"),
    pytest.param("[artist id=1]<!--[/artist]-->", id="comment"),
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_never_produce_markup(body):
    make_artist(external_id=1, name="Kanye West", slug="kanye-west")
    tags = TagCollector.of(render_body(body))
    assert {name for name, _ in tags} <= {"p", "br", "a", "span", "img"}
    for _, attrs in tags:
        for attr, value in attrs:
            assert not attr.startswith("on"), attr
            if attr in {"href", "src"}:
                assert value.startswith("/"), value


class TagCollector(HTMLParser):
    @classmethod
    def of(cls, html):
        parser = cls()
        parser.tags = []
        parser.feed(html)
        parser.close()
        return parser.tags

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_backslash_escapes_are_shown_not_decoded():
    html = render_body('[artist id="\\x3cscript\\x3e"]x[/artist]')
    assert html == "<p>x</p>"
    html = render_body("Text \\x3cscript\\x3e")
    assert "\\x3cscript\\x3e" in html


def test_sanitizer_drops_schemes_and_handlers():
    dirty = (
        '<a href="javascript:alert(1)" onclick="x()">a</a><img src="data:image/png;base64,AAAA">'
        '<a href="https://evil.test/">b</a><script>alert(1)</script>'
    )
    clean = sanitize(dirty)
    assert "javascript" not in clean
    assert "onclick" not in clean
    assert "data:" not in clean
    assert "<script" not in clean
    # Markdown links may point at other sites over http(s); the text around them decides.
    assert '<a href="https://evil.test/">b</a>' in clean


def test_control_characters_and_lone_surrogates_do_not_break_rendering():
    html = render_body("a\x00b\x07c \ud800 d")
    html.encode("utf-8")
    assert "a" in html and "d" in html


@pytest.mark.parametrize("kind", ["contributor", "image"])
def test_a_record_changed_while_a_body_renders_is_not_kept_as_it_was(monkeypatch, kind):
    # A contributor's mention and a photo's figure are rendered from the record their tag's
    # look-up read. Changed after that read and before the rendered card is kept, the card is
    # not kept: the next body naming the record shows it as it is now.
    from articles import rendering
    from newsroom.testing import make_image

    if kind == "contributor":
        record = make_contributor(name="Old Name")
        tag = f'[contributor slug="{record.slug}" /]'
    else:
        record = make_image(size=(40, 30), caption="Old Name")
        tag = f'[image id="{record.pk}" /]'
    real_markdown, changed = rendering.markdown, []

    def markdown_while_an_editor_saves(*args, **kwargs):
        if not changed:
            changed.append(True)
            setattr(record, "name" if kind == "contributor" else "caption", "New Name")
            record.save()
        return real_markdown(*args, **kwargs)

    monkeypatch.setattr(rendering, "markdown", markdown_while_an_editor_saves)
    render_body(f"First:\n\n{tag}\n\nEnd.")
    monkeypatch.setattr(rendering, "markdown", real_markdown)
    again = render_body(f"Second:\n\n{tag}\n\nEnd.")
    assert "New Name" in again and "Old Name" not in again
