"""Embeds and Markdown in a real headless Chromium: nothing loads from a provider until the
reader presses the button, which puts the provider's player in place; the page stays within
its Content-Security-Policy, accessible, and as wide as the window."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from articles.tests import test_browser
from articles.tests.test_browser import AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, open_page
from newsroom.testing import make_article

# The Chromium and live-server fixtures of the other browser tests.
browser = test_browser.browser
site = test_browser.site

pytestmark = pytest.mark.browser

BODY = """The *808s & Heartbreak* sessions, in the words of [artist id="1230523" /].

## The video

[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]

> A quote, with [a link to the label](https://www.islandrecords.com/).

### The album

- Amazing
- Paranoid
- **Welcome to Heartbreak**

[embed url="https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU" /]

---

1. One more [embed url="https://vimeo.com/76979871/8272103f6e"]link in text[/embed]
"""
PLAYERS = [
    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://open.spotify.com/embed/album/3WFTGIO6E3Xh4paEOBY9OU",
]


@pytest.fixture
def story(site):
    article = make_article(headline="The 808s sessions", slug="808s-sessions", body=BODY)
    return site + article.get_absolute_url()


def watch(page):
    """Requests to anywhere but the test server (answered with an error, never sent) and
    Content-Security-Policy reports."""
    outside, refused = [], []

    def route(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return outside, refused


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1440"])
def test_the_button_swaps_the_figure_for_the_player(browser, story, viewport):
    with open_page(browser, viewport=viewport) as page:
        outside, refused = watch(page)
        page.goto(story)
        page.wait_for_load_state("networkidle")
        figures = page.locator(".article-body figure.embed")
        expect(figures).to_have_count(2)
        assert page.locator("iframe").count() == 0
        assert outside == [], "the page asked a provider for something before any click"
        assert page.locator(".article-body h2", has_text="The video").count() == 1
        assert page.locator(".article-body blockquote a[rel=noopener]").count() == 1
        assert_no_horizontal_scroll(page)
        page.screenshot(
            path=f"test-artifacts/embeds-before-{viewport['width']}.png", full_page=True
        )

        for index, player in enumerate(PLAYERS):
            figure = figures.nth(index)
            button = figure.get_by_role("button")
            expect(button).to_be_visible()
            button.click()
            frame = figure.locator("iframe")
            expect(frame).to_have_count(1)
            assert frame.get_attribute("src") == player
            assert frame.get_attribute("title")
            assert figure.get_by_role("button").count() == 0
            assert_no_horizontal_scroll(page)
        page.screenshot(path=f"test-artifacts/embeds-{viewport['width']}.png", full_page=True)
        page.wait_for_timeout(300)
    assert refused == [], refused
    # Only the players asked for, only after their buttons.
    assert {urlsplit(url)._replace(query="").geturl() for url in outside} <= set(PLAYERS)


def test_without_javascript_each_embed_is_a_link(browser, story):
    with open_page(browser, java_script_enabled=False, viewport=PHONE) as page:
        outside, _ = watch(page)
        page.goto(story)
        figures = page.locator(".article-body figure.embed")
        expect(figures).to_have_count(2)
        assert figures.first.get_by_role("button").is_hidden()
        link = figures.first.get_by_role("link")
        assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        assert outside == []


def test_axe_finds_nothing_serious_on_a_story_with_embeds(browser, story):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` (make test does it when npm exists)")
    with open_page(browser, bypass_csp=True) as page:
        watch(page)
        page.goto(story)
        page.locator("figure.embed").first.get_by_role("button").click()
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
    assert results["passes"], "axe ran no checks"
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]]) for v in serious]
