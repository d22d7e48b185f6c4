"""[embed url="…" /]: strict provider URL parsing, privacy-first figures, problems, queries."""

import re
from urllib.parse import urlsplit

import html5lib
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import services
from articles.embeds import embed_problem, parse_embed
from articles.rendering import render_body

YOUTUBE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"

PROVIDERS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE),
    ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", YOUTUBE),
    ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", YOUTUBE),
    ("https://youtu.be/dQw4w9WgXcQ", YOUTUBE),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", YOUTUBE),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", YOUTUBE),
    ("HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ", YOUTUBE),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
    (
        "https://vimeo.com/76979871/8272103f6e",
        "https://player.vimeo.com/video/76979871?h=8272103f6e",
    ),
    (
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
        "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC",
    ),
    (
        "https://open.spotify.com/intl-de/album/3WFTGIO6E3Xh4paEOBY9OU?si=x",
        "https://open.spotify.com/embed/album/3WFTGIO6E3Xh4paEOBY9OU",
    ),
    (
        "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M",
        "https://open.spotify.com/embed/playlist/37i9dQZF1DXcBWIGoYBM5M",
    ),
    (
        "https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x",
        "https://open.spotify.com/embed/artist/5K4W6rqBFWDnAN6FQUkS6x",
    ),
    (
        "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ",
        "https://open.spotify.com/embed/episode/512ojhOuo1ktJprKbVcKyQ",
    ),
    (
        "https://soundcloud.com/kanyewest/see-you-in-my-nightmares",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fkanyewest%2Fsee-you-in-my-nightmares",
    ),
    (
        "https://soundcloud.com/kanyewest/sets/808s",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fkanyewest%2Fsets%2F808s",
    ),
    (
        "https://music.apple.com/us/album/808s-heartbreak/1440818839",
        "https://embed.music.apple.com/us/album/808s-heartbreak/1440818839",
    ),
    (
        "https://music.apple.com/us/album/808s-heartbreak/1440818839?i=1440819240",
        "https://embed.music.apple.com/us/album/808s-heartbreak/1440818839?i=1440819240",
    ),
]


@pytest.mark.parametrize(("url", "player"), PROVIDERS)
def test_provider_urls_become_their_player(url, player):
    embed = parse_embed(url)
    assert embed.player_url == player
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(player))
    assert origin in settings.EMBED_FRAME_ORIGINS


LINK_CARDS = [
    "https://www.islandrecords.com/",
    "https://www.youtube.com/watch?v=short",  # id of the wrong length
    "https://www.youtube.com/watch?v=dQw4w9WgXc%22",  # quote in the id
    "https://youtube.com/channel/UC123",
    "https://youtu.be/dQw4w9WgXcQ/extra",
    "https://vimeo.com/channels/staffpicks",
    "https://vimeo.com/76979871/not-a-hash",
    "https://open.spotify.com/track/short",
    "https://open.spotify.com/user/spotify",
    "https://soundcloud.com/a/b/c",
    "https://soundcloud.com/kanye%20west",
    "https://music.apple.com/us/artist/kanye-west/2715720",
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://evil.example/https://youtu.be/dQw4w9WgXcQ",
]


@pytest.mark.parametrize("url", LINK_CARDS)
def test_other_https_urls_are_link_cards(url):
    embed = parse_embed(url)
    assert embed is not None and embed.player_url is None


REFUSED = [
    "",
    "http://youtu.be/dQw4w9WgXcQ",
    "javascript:alert(1)",
    "//youtu.be/dQw4w9WgXcQ",
    "youtu.be/dQw4w9WgXcQ",
    "https://",
    "https://user:pass@youtu.be/dQw4w9WgXcQ",
    'https://youtu.be/dQw4w9WgXcQ" onload="x',
    "https://youtu.be/<script>",
    "https://you tu.be/",
    "https://youtu.be:99999/x",
    "data:text/html,x",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused_urls(url):
    assert embed_problem(url) is not None
    assert parse_embed(url) is None


def test_an_embed_is_a_figure_with_a_link_and_no_iframe():
    html = str(render_body('Intro\n\n[embed url="https://youtu.be/dQw4w9WgXcQ" /]\n\nAfter'))
    assert "<iframe" not in html
    assert "youtube.com" not in html.replace("https://youtu.be/", "")  # nothing loads from it
    assert f'data-embed-src="{YOUTUBE}"' in html
    assert '<a class="embed-link" href="https://youtu.be/dQw4w9WgXcQ" rel="noopener">' in html
    assert '<button type="button" class="embed-load" hidden="">' in html
    assert html.startswith("<p>Intro</p>\n<figure")
    assert html.endswith("</figure>\n<p>After</p>")
    html5lib.HTMLParser(strict=True).parseFragment(html)


@pytest.mark.parametrize(
    "body",
    [
        'Intro\n[embed url="https://youtu.be/dQw4w9WgXcQ" /]\nAfter',
        '> Intro\n> [embed url="https://youtu.be/dQw4w9WgXcQ" /]',
        '- [embed url="https://youtu.be/dQw4w9WgXcQ" /]\n- two',
    ],
)
def test_an_embed_on_a_line_of_its_own_leaves_the_paragraph(body):
    html = str(render_body(body))
    assert html.count("<figure") == 1
    assert "<p><figure" not in html
    html5lib.HTMLParser(strict=True).parseFragment(html)
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    for p in fragment.iter("p"):
        assert p.find(".//figure") is None


@pytest.mark.parametrize(
    "body",
    [
        'Watch [embed url="https://youtu.be/dQw4w9WgXcQ" /] now',
        '*[embed url="https://youtu.be/dQw4w9WgXcQ" /]*',
        '## [embed url="https://youtu.be/dQw4w9WgXcQ" /]',
    ],
)
def test_an_embed_within_text_is_a_link(body):
    html = str(render_body(body))
    assert "<figure" not in html
    assert '<a href="https://youtu.be/dQw4w9WgXcQ" rel="noopener">' in html


def test_an_embed_inside_link_text_is_text():
    html = str(render_body('[see [embed url="https://youtu.be/dQw4w9WgXcQ"]this[/embed]](/x)'))
    assert html == '<p><a href="/x">see this</a></p>'


def test_a_plain_https_url_is_a_link_card_with_its_caption():
    html = str(render_body('[embed url="https://www.islandrecords.com/"]Island Def Jam[/embed]'))
    assert "data-embed-src" not in html and "<button" not in html
    assert 'href="https://www.islandrecords.com/"' in html
    assert '<figcaption class="embed-caption">Island Def Jam</figcaption>' in html


def test_embed_problems_have_line_and_column():
    body = 'Intro\n\nSee [embed url="http://youtu.be/dQw4w9WgXcQ" /]\n[embed /]'
    problems = services.check_body(body)
    assert [(p.line, p.column, p.severity) for p in problems] == [
        (3, 5, "error"),
        (4, 1, "error"),
    ]
    assert "https://" in problems[0].message
    assert "url" in problems[1].message
    assert render_body('[embed url="http://youtu.be/dQw4w9WgXcQ" /]') == ""


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_embeds_need_no_queries(django_assert_num_queries, count):
    urls = [f"https://vimeo.com/{76979871 + n}" for n in range(count)]
    body = "\n\n".join(f'[embed url="{url}" /]' for url in urls)
    with django_assert_num_queries(0):
        html = str(render_body(body))
    assert html.count("<figure") == count


def test_content_security_policy_frames_exactly_the_players():
    from csp.utils import build_policy

    policy = build_policy()
    frame_src = next(d for d in policy.split(";") if d.strip().startswith("frame-src"))
    assert frame_src.split()[1:] == settings.EMBED_FRAME_ORIGINS


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    url=st.one_of(
        st.text(),
        st.builds(
            "{}{}".format,
            st.sampled_from(["https://", "https://youtu.be/", "https://open.spotify.com/"]),
            st.text(),
        ),
    )
)
def test_any_url_is_parsed_or_refused_without_an_error(url):
    embed = parse_embed(url)
    assert (embed is None) == (embed_problem(url) is not None)
    if embed is not None and embed.player_url is not None:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(embed.player_url))
        assert origin in settings.EMBED_FRAME_ORIGINS
        assert not re.search(r"[\s\"'<>\\`]", embed.player_url)
