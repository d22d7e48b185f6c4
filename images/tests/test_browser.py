"""Photos in a real headless Chromium: an article with a lead photo, two body photos and two
embedded players, and the browse pages, at phone and desktop widths."""

import pytest
from django.core.management import call_command

from articles.tests.test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    AXE,
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    open_page,
)
from newsroom.testing import make_article, make_image

pytestmark = pytest.mark.browser


@pytest.fixture
def photo_site(browser, live_server, transactional_db):  # noqa: F811
    call_command("loaddata", "seed_story", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)
    lead = make_image(
        size=(2400, 1600),
        alt_text="A generated test picture",
        caption="A caption long enough to wrap onto a second line on a phone screen, at least.",
        credit="Photo: Test pattern",
    )
    wide = make_image(size=(3000, 1000), alt_text="A wide test picture", caption="Wide")
    tall = make_image(size=(800, 1400), alt_text="A tall test picture", credit="Photo: Test")
    body = (
        "A first paragraph with some words in it.\n\n"
        f'[image id="{wide.pk}" /]\n\n'
        "A second paragraph between the photos.\n\n"
        '[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]\n\n'
        '[embed url="https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU" /]\n\n'
        f'[image id="{tall.pk}" caption="A tall photo with its own caption" /]\n\n'
        "The last paragraph."
    )
    article = make_article(headline="A story with photos", body=body, lead_image=lead)
    return live_server.url, article.get_absolute_url()


def csp_refusals(page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1440"])
def test_article_with_photos_fits_loads_its_renditions_and_keeps_the_policy(
    browser,  # noqa: F811
    photo_site,
    viewport,
):
    site, path = photo_site
    with open_page(browser, viewport=viewport) as page:
        refused = csp_refusals(page)
        page.goto(site + path)
        figures = page.locator("figure.lead-image, figure.body-image")
        assert figures.count() == 3
        assert page.locator("figure.embed").count() == 2
        # Lazy images load once they are near the viewport.
        for index in range(figures.count()):
            figures.nth(index).scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        images = page.evaluate(
            """() => [...document.querySelectorAll("figure img")].map(img => ({
                loaded: img.complete && img.naturalWidth > 0,
                src: img.currentSrc,
                width: img.getBoundingClientRect().width,
            }))"""
        )
        assert_no_horizontal_scroll(page)
        page.screenshot(path=ARTIFACTS / f"photos-{viewport['width']}.png", full_page=True)
    assert len(images) == 3
    for image in images:
        assert image["loaded"], image
        assert "/media/renditions/" in image["src"], image
        assert image["src"].endswith((".avif", ".webp")), image
        assert 0 < image["width"] <= viewport["width"]
    assert refused == []


@pytest.mark.parametrize("path", ["/", "/artists/", "/projects/"])
def test_listings_and_browse_pages_fit_a_phone(browser, photo_site, path):  # noqa: F811
    site, _ = photo_site
    with open_page(browser, viewport=PHONE) as page:
        refused = csp_refusals(page)
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        assert_no_horizontal_scroll(page)
        page.screenshot(path=ARTIFACTS / f"browse{path.strip('/') or '-home'}-360.png")
    assert refused == []


@pytest.mark.parametrize("path", ["story", "/", "/artists/", "/projects/"])
def test_axe_finds_nothing_serious_on_photo_and_browse_pages(browser, photo_site, path):  # noqa: F811
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` (make test does it when npm exists)")
    site, story = photo_site
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses.
    with open_page(browser, bypass_csp=True) as page:
        page.goto(site + (story if path == "story" else path))
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
    assert results["passes"], "axe ran no checks"
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]]) for v in serious]
