"""The article change form in a real Chromium: ordering bylines with the up and down buttons;
the revision screens audited by axe-core."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article, Byline
from articles.tests.test_browser import ARTICLE, ARTIFACTS, AXE, browser, open_page, site  # noqa: F401
from newsroom.testing import make_article, make_contributor

pytestmark = pytest.mark.browser


def csp_violations(page):
    """A list that fills with the page's Content-Security-Policy violations as they happen."""
    refused = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return refused


def log_in(context, base_url):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-x-1234")
    client = Client()
    client.force_login(user)
    host = base_url.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_bylines_are_ordered_with_up_and_down_buttons(browser, site):  # noqa: F811
    article = Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    for name in ("Second Writer", "Third Writer"):
        Byline.objects.create(
            article=article,
            contributor=make_contributor(name=name),
            position=article.bylines.count(),
        )
    before = list(article.bylines.order_by("position").values_list("contributor__name", flat=True))
    with open_page(browser) as page:
        log_in(page.context, site)
        refused = csp_violations(page)
        page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
        # Bylines come right under the dek, before the body.
        order = page.evaluate(
            "['#id_dek', '#bylines-group', '#id_body'].map("
            "s => document.querySelector(s).getBoundingClientRect().top)"
        )
        assert order == sorted(order)
        rows = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
        expect(rows).to_have_count(4)  # three bylines and one blank row
        # The positions are numbered by the buttons, not typed.
        expect(page.locator("#bylines-group input[name$='-position']:visible")).to_have_count(0)
        third_up = rows.nth(2).get_by_role("button", name="Move up")
        third_up.focus()
        page.keyboard.press("Enter")
        rows.nth(1).get_by_role("button", name="Move up").click()
        page.locator("#bylines-group").screenshot(path=ARTIFACTS / "admin-bylines.png")
        page.locator("input[name='_continue']").click()
        page.wait_for_load_state()
        errors = page.locator(".errornote, .errorlist").all_inner_texts()
        assert not errors, errors
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    after = list(article.bylines.order_by("position").values_list("contributor__name", flat=True))
    assert after == [before[2], before[0], before[1]]
    assert refused == []


def test_the_live_preview_follows_the_body_and_problems_move_the_cursor(browser, site):  # noqa: F811
    with open_page(browser) as page:
        log_in(page.context, site)
        refused = csp_violations(page)
        page.goto(f"{site}/admin/articles/article/add/")
        body = page.locator("#id_body")
        preview = page.frame_locator(".body-preview-frame").locator(".article-body")
        first_line = 'Meet *[artist id="1230523"]Kanye West[/artist]*.'
        body.fill(first_line + '\n\n[artist id="9"]X[/artist]')
        expect(preview.locator("a.artist-link")).to_have_text("Kanye West")
        expect(preview.locator("em")).to_have_count(1)
        problem = page.locator(".body-preview-problems button")
        expect(problem).to_have_count(1)
        expect(problem).to_contain_text("Line 3, column 1")
        problem.click()
        cursor = page.evaluate(
            "document.activeElement.id + ':' + document.activeElement.selectionStart"
        )
        assert cursor == f"id_body:{len(first_line) + 2}"
        page.screenshot(path=ARTIFACTS / "admin-live-preview.png", full_page=False)
    assert refused == []


def test_insert_an_artist_from_the_toolbar_and_restore_autosaved_text(browser, site):  # noqa: F811
    with open_page(browser) as page:
        log_in(page.context, site)
        page.goto(f"{site}/admin/articles/article/add/")
        body = page.locator("#id_body")
        body.fill("Studio notes with ")
        body.press("End")
        page.get_by_role("button", name="Insert artist").click()
        dialog = page.locator("dialog.insert-dialog")
        dialog.get_by_role("searchbox").fill("kanye")
        dialog.get_by_role("button", name="Kanye West").click()
        expect(body).to_have_value('Studio notes with [artist id="1230523"]Kanye West[/artist]')
        preview = page.frame_locator(".body-preview-frame")
        expect(preview.locator(".article-body a.artist-link")).to_have_text("Kanye West")
        page.get_by_role("button", name="Italic").click()
        # The browser keeps the text; a reload (or a crash) offers it back.
        page.wait_for_timeout(1200)
        page.reload()
        expect(page.locator("#id_body")).to_have_value("")
        offer = page.locator(".autosave-offer")
        expect(offer).to_contain_text("This browser kept text you had not saved")
        offer.get_by_role("button", name="Restore the unsaved text").click()
        expect(page.locator("#id_body")).to_have_value(
            'Studio notes with [artist id="1230523"]Kanye West[/artist]*italic text*'
        )
        page.screenshot(path=ARTIFACTS / "admin-toolbar.png")


def test_a_byline_row_fits_a_phone_screen(browser, site):  # noqa: F811
    article = Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    with open_page(browser, viewport={"width": 360, "height": 800}) as page:
        log_in(page.context, site)
        page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
        # The contributor, its delete box and its order buttons without a sideways scroll.
        widths = page.evaluate(
            "(() => { const g = document.querySelector('#bylines-group');"
            " return [g.scrollWidth, g.clientWidth]; })()"
        )
        assert widths[0] <= widths[1], widths
        expect(page.locator("#bylines-group .order-button").first).to_be_in_viewport()


REVISION_PAGES = ["history", "compare", "restore"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", REVISION_PAGES)
def test_axe_finds_nothing_on_the_revision_pages(browser, site, screen, scheme):  # noqa: F811
    import reversion
    from reversion.models import Version

    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` (make test does it when npm exists)")
    article = Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    for headline in ("An earlier headline", article.headline):
        with reversion.create_revision():
            article.headline = headline
            article.save()
            reversion.set_comment(f"Headline: {headline}")
    newest, older = Version.objects.get_for_object(article)[:2]
    base = f"{site}/admin/articles/article/{article.pk}/history/"
    url = {
        "history": base,
        "compare": f"{base}compare/?a={older.pk}&b={newest.pk}",
        "restore": f"{base}{older.pk}/",
    }[screen]
    with open_page(browser, color_scheme=scheme, bypass_csp=True) as page:
        log_in(page.context, site)
        page.goto(url)
        expect(page.locator("#content-main")).to_be_visible()
        page.screenshot(path=ARTIFACTS / f"admin-{screen}-{scheme}.png", full_page=True)
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
    assert results["passes"], "axe ran no checks"
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}" for node in v["nodes"])
        for v in results["violations"]
    )
    assert not results["violations"], f"axe on the {screen} page:\n{report}"


TYPED = "Typed in the browser: Kanye West and Spike Jonze on set."


def type_into_body(page, article):
    page.goto(f"{page.base_url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_body").fill(TYPED)
    # Past the autosave's pause, so the copy is written as typing would leave it.
    page.wait_for_function(
        "key => (localStorage.getItem(key) || '').includes('Typed in the browser')",
        arg=f"newsroom:autosave:/admin/articles/article/{article.pk}/change/",
    )


def offered_back(page, article):
    """Open the change form again: the typed text is offered, and restoring it fills the body."""
    page.goto(f"{page.base_url}/admin/articles/article/{article.pk}/change/")
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text("whose save was not confirmed")
    offer.get_by_role("button", name="Restore the unsaved text").click()
    expect(page.locator("#id_body")).to_have_value(TYPED)


@pytest.fixture
def story(site):  # noqa: F811
    return Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])


def test_autosave_is_cleared_only_once_the_server_confirms_the_save(browser, site, story):  # noqa: F811
    with open_page(browser) as page:
        page.base_url = site
        log_in(page.context, site)
        type_into_body(page, story)
        page.locator("input[name='_save']").click()
        expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
        page.goto(f"{site}/admin/articles/article/{story.pk}/change/")
        expect(page.locator("#id_body")).to_have_value(TYPED)
        expect(page.locator(".autosave-offer")).to_have_count(0)
        kept = page.evaluate("Object.keys(localStorage)")
        assert not [key for key in kept if key.startswith("newsroom:autosave:")], kept


def test_a_refused_save_keeps_the_typed_text(browser, site, story):  # noqa: F811
    with open_page(browser) as page:
        page.base_url = site
        log_in(page.context, site)
        type_into_body(page, story)
        # Someone else saves first: the save is refused as a conflict, the text stays in the form.
        Article.objects.filter(pk=story.pk).update(dek="Changed meanwhile")
        Article.objects.get(pk=story.pk).save()
        page.locator("input[name='_save']").click()
        expect(page.locator(".errornote")).to_be_visible()
        offered_back(page, story)


def test_a_server_error_keeps_the_typed_text(browser, site, story, monkeypatch):  # noqa: F811
    from articles.admin import ArticleAdmin

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    with open_page(browser) as page:
        page.base_url = site
        log_in(page.context, site)
        type_into_body(page, story)
        monkeypatch.setattr(ArticleAdmin, "save_model", fail)
        page.locator("input[name='_save']").click()
        expect(page.locator("h1")).to_have_text("Something went wrong")
        monkeypatch.undo()
        offered_back(page, story)


def test_an_expired_session_keeps_the_typed_text(browser, site, story):  # noqa: F811
    with open_page(browser) as page:
        page.base_url = site
        log_in(page.context, site)
        type_into_body(page, story)
        # The session ends on the server while the editor types.
        Session.objects.all().delete()
        page.locator("input[name='_save']").click()
        expect(page.locator("#login-form")).to_be_visible()
        get_user_model().objects.all().delete()
        log_in(page.context, site)
        offered_back(page, story)
    assert TYPED not in Article.objects.get(pk=story.pk).body


STYLED_BODY = (
    "## On set\n\n- Kanye West\n- Spike Jonze\n\n> A short film.\n\n"
    'Said [artist id="1230523"]Kanye West[/artist].'
)
# What the admin's own styles change and the public stylesheet sets: sub-headings, list
# bullets, quotes, paragraphs.
STYLE_PROBES = {
    "h2": ["fontFamily", "fontSize", "color", "backgroundColor"],
    "ul": ["listStyleType", "paddingLeft"],
    "blockquote": ["borderLeftWidth", "fontStyle", "paddingLeft"],
    "p": ["fontFamily", "fontSize", "lineHeight"],
}
READ_STYLES = """probes => Object.fromEntries(Object.entries(probes).map(([selector, names]) => {
    const element = document.querySelector('.article-body ' + selector);
    const style = getComputedStyle(element);
    return [selector, names.map(name => style[name])];
}))"""


def test_the_live_preview_looks_like_the_page_readers_get(browser, site):  # noqa: F811
    published = make_article(body=STYLED_BODY, headline="Styled")
    with open_page(browser) as page:
        log_in(page.context, site)
        refused = csp_violations(page)
        page.goto(f"{site}{published.get_absolute_url()}")
        public = page.evaluate(READ_STYLES, STYLE_PROBES)
        page.goto(f"{site}/admin/articles/article/add/")
        page.locator("#id_body").fill(STYLED_BODY)
        frame = page.frame_locator(".body-preview-frame")
        expect(frame.locator(".article-body blockquote")).to_have_count(1)
        preview_frame = page.frame(url="about:srcdoc")
        preview_frame.wait_for_load_state("load")  # its stylesheet too
        assert preview_frame.evaluate(READ_STYLES, STYLE_PROBES) == public
        # Sanitized, and with nothing running in it: the frame allows no script.
        assert page.locator(".body-preview-frame").get_attribute("sandbox") == "allow-same-origin"
        page.locator(".body-preview").screenshot(path=ARTIFACTS / "admin-live-preview-frame.png")
    assert refused == []
