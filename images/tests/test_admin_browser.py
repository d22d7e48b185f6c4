"""An oversized upload through a real browser and server: the editor sees why it was refused."""

import pytest
from django.contrib.auth import get_user_model

from articles.tests.test_browser import ARTIFACTS, browser, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

LIMIT = 512 * 1024


@pytest.fixture
def admin_site(browser, live_server, transactional_db, settings):  # noqa: F811
    settings.MAX_IMAGE_UPLOAD_BYTES = LIMIT
    get_user_model().objects.create_superuser("editor", "e@example.com", "a long password 1")
    ARTIFACTS.mkdir(exist_ok=True)
    return live_server.url


def test_an_oversized_upload_shows_the_reason_and_keeps_the_typed_fields(
    browser,  # noqa: F811
    admin_site,
    tmp_path,
):
    with open_page(browser) as page:
        page.goto(admin_site + "/admin/login/?next=/admin/images/image/add/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "a long password 1")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/images/image/add/")
        page.fill("#id_title", "Concert")
        page.fill("#id_alt_text", "A singer on a stage")
        page.fill("#id_credit", "Photo: Staff")
        big = tmp_path / "huge.jpg"
        big.write_bytes(bytes(LIMIT * 40))  # 20 MB, forty times the limit
        page.set_input_files("#id_file", str(big))
        page.click("input[name=_save]")
        page.wait_for_load_state()
        page.screenshot(path=ARTIFACTS / "upload-too-large.png", full_page=True)
        assert "larger than 512" in page.content()
        assert page.input_value("#id_title") == "Concert"
        assert page.input_value("#id_alt_text") == "A singer on a stage"
        assert page.input_value("#id_credit") == "Photo: Staff"


def test_clicking_the_preview_sets_the_focal_point(browser, admin_site):  # noqa: F811
    from images.models import Image
    from newsroom.testing import make_image

    image = make_image(size=(1200, 800), title="Stage")
    with open_page(browser) as page:
        refused = []
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(admin_site + f"/admin/login/?next=/admin/images/image/{image.pk}/change/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "a long password 1")
        page.click("input[type=submit]")
        page.wait_for_url(f"**/admin/images/image/{image.pk}/change/")
        preview = page.locator(".focal-frame img")
        preview.scroll_into_view_if_needed()
        box = preview.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
        assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.01
        assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.01
        marker = page.locator(".focal-marker").bounding_box()
        assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.25)) < 3
        page.screenshot(path=ARTIFACTS / "image-focal-point.png")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/images/image/")
    image = Image.objects.get(pk=image.pk)
    assert abs(image.focal_x - 0.25) < 0.01 and abs(image.focal_y - 0.75) < 0.01
    assert refused == []
