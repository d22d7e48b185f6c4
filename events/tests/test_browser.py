"""/events/ and an artist page with dates in a real headless Chromium, at phone and desktop
widths, with an axe-core audit (see articles/tests/test_browser.py for the set-up)."""

import datetime

import pytest
from django.utils import timezone

from articles.tests.test_browser import (
    ARTIFACTS,
    AXE,
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    browser,  # noqa: F401  (the module's Chromium)
    open_page,
)
from events.models import Event
from newsroom.testing import make_artist, make_event

pytestmark = pytest.mark.browser


@pytest.fixture
def site(browser, live_server, transactional_db):  # noqa: F811
    # Made-up artists and venues: no real person's tour dates are invented.
    headliner = make_artist(name="Headliner", slug="headliner", is_group=True)
    support = make_artist(name="Support Act", slug="support-act")
    soon = timezone.now() + datetime.timedelta(days=3)
    make_event(
        performers=[headliner, support],
        venue="A Very Long Venue Name That Has To Wrap On A Small Screen",
        street_address="1 Example Street",
        city="Los Angeles",
        region="California",
        country="US",
        timezone="America/Los_Angeles",
        starts_at=soon,
        ticket_url="https://tickets.example/1",
    )
    make_event(
        performers=[headliner], venue="Test Hall", status=Event.Status.CANCELLED, starts_at=soon
    )
    ARTIFACTS.mkdir(exist_ok=True)
    return live_server.url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1440"])
@pytest.mark.parametrize("path", ["/events/", "/artists/headliner/"])
def test_dates_fit_the_window_and_pass_axe(browser, site, viewport, path):  # noqa: F811
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` (make test does it when npm exists)")
    with open_page(browser, viewport=viewport, bypass_csp=True) as page:
        page.goto(site + path)
        rows = page.locator(".event-row")
        assert rows.count() == 2
        assert rows.first.locator(".event-when").inner_text().endswith(("PST", "PDT"))
        assert_no_horizontal_scroll(page)
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=ARTIFACTS / f"events-{name}-{viewport['width']}.png", full_page=True)
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
    assert results["passes"], "axe ran no checks"
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in serious
    )
    assert not serious, f"axe found serious accessibility violations on {path}:\n{report}"
