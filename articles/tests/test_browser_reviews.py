"""A review, the list of reviews and a project's "Listen on" row in a real headless Chromium,
at phone and desktop widths: as wide as the window, the score readable, nothing loaded from the
music services, and no serious axe-core finding."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from articles.models import Article
from articles.tests import test_browser
from articles.tests.test_browser import (
    ARTIFACTS,
    AXE,
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    open_page,
)
from projects.models import MediaProject

# The Chromium and live-server fixtures of the other browser tests.
browser = test_browser.browser
site = test_browser.site

pytestmark = pytest.mark.browser


def serious_violations(page) -> str:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    assert results["passes"], "axe ran no checks"
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1440"])
def test_review_pages_fit_the_window_and_pass_axe(browser, site, viewport):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` (make test does it when npm exists)")
    # The seed story's album, with Kanye West's Spotify id from the seed and a link an editor
    # added; the seed story itself becomes a review of it.
    album = MediaProject.objects.get(title="808s & Heartbreak")
    album.spotify_id = "3WFTGIO6E3Xh4paEOBY9OU"
    album.play_links = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    album.save()
    story = Article.objects.get()
    story.reviewed_project = album
    story.rating = Decimal("8.4")
    story.save()
    pages = {
        "review": story.get_absolute_url(),
        "reviews": "/reviews/?kind=album",
        "project": album.get_absolute_url(),
    }
    outside = []

    def route(request_route):
        if urlsplit(request_route.request.url).hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    # axe is injected as an inline script, which the site's Content-Security-Policy refuses.
    with open_page(browser, viewport=viewport, bypass_csp=True) as page:
        page.route("**/*", route)
        for name, path in pages.items():
            page.goto(site + path)
            assert_no_horizontal_scroll(page)
            page.screenshot(path=ARTIFACTS / f"{name}-{viewport['width']}.png", full_page=True)
            if name != "project":
                score = page.locator(".score").first
                assert score.is_visible() and score.inner_text() == "8.4"
            else:
                row = page.locator(".listen-on")
                assert row.is_visible()
                assert row.locator("a").all_inner_texts() == ["Spotify", "YouTube"]
            report = serious_violations(page)
            assert not report, f"axe found serious violations on {path}:\n{report}"
    assert outside == [], "the pages loaded something from another site"
