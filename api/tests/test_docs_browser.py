"""The API's documentation page in a real Chromium: Swagger UI loads from the site's own files
and runs under the site's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from articles.tests.test_admin_browser import csp_violations
from articles.tests.test_browser import browser, open_page  # noqa: F401

pytestmark = pytest.mark.browser


def test_docs_page_renders_the_schema_with_no_policy_violation(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    with open_page(browser) as page:
        refused = csp_violations(page)
        elsewhere = []
        page.on(
            "request",
            lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None,
        )
        page.goto(live_server.url + "/api/v1/docs/")
        expect(page.locator(".swagger-ui .title").first).to_contain_text("API")
        expect(page.get_by_text("/api/v1/articles/", exact=True).first).to_be_visible()
        assert refused == []
        assert elsewhere == []
