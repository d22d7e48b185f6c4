import pytest
from django.contrib.auth import get_user_model

from newsroom.testing import make_article, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    return client


def test_image_list_shows_thumbnails_and_shortcodes(admin_client):
    image = make_image(size=(400, 300), title="Stage")
    html = admin_client.get("/admin/images/image/").content.decode()
    assert '<img src="/media/renditions/' in html
    assert image.file.url not in html
    assert f"[image id=&quot;{image.pk}&quot; /]" in html


@pytest.mark.parametrize(
    "query, found",
    [("Stage", True), ("first night", True), ("Getty", True), ("nothing", False)],
)
def test_image_search_covers_title_caption_and_credit(admin_client, query, found):
    make_image(
        size=(200, 150),
        title="Stage",
        caption="The first night",
        credit="Photo: Jane Doe/Getty Images",
    )
    html = admin_client.get("/admin/images/image/", {"q": query}).content.decode()
    assert ("Stage</a>" in html) is found


def test_image_change_page_offers_the_shortcode_to_copy(admin_client):
    image = make_image(size=(400, 300))
    html = admin_client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert f'readonly value="[image id=&quot;{image.pk}&quot; /]"' in html


def test_list_query_count_does_not_grow_with_images(admin_client, django_assert_max_num_queries):
    make_image(size=(200, 150))
    admin_client.get("/admin/images/image/")
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/admin/images/image/")
    expected = len(few.captured_queries)
    for _ in range(10):
        make_image(size=(200, 150))
    admin_client.get("/admin/images/image/")
    with django_assert_max_num_queries(expected):
        admin_client.get("/admin/images/image/")


def test_article_lead_photo_is_chosen_from_the_library_and_previewed(admin_client):
    image = make_image(size=(400, 300), title="Stage")
    article = make_article(lead_image=image)
    html = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="lead_image"' in html
    assert 'href="/admin/images/image/?_to_field=id"' in html  # the library chooser
    assert "lead photo preview" in html.lower()
    assert '<img src="/media/renditions/' in html
    popup = admin_client.get("/admin/images/image/", {"_popup": "1", "_to_field": "id"})
    assert '<img src="/media/renditions/' in popup.content.decode()
