"""Out-of-range dates, over-long bodies and over-large requests: a clear message, nothing lost,
never a 500."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.testing import make_article

pytestmark = pytest.mark.django_db


def add(client, **fields):
    return client.post(reverse("admin:articles_article_add"), article_form_data(**fields))


@pytest.mark.parametrize(
    "date,time", [("9999-12-31", "23:59:59"), ("0001-01-01", "00:00:00"), ("1899-12-31", "12:00")]
)
def test_a_publication_time_out_of_range_is_a_form_error(admin_client, date, time):
    response = add(
        admin_client,
        headline="Kept headline",
        status="published",
        published_at_0=date,
        published_at_1=time,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a time between the years 1900 and 2199." in html
    assert 'value="Kept headline"' in html
    assert not Article.objects.exists()


def test_a_body_over_the_limit_is_a_form_error_that_keeps_the_text(admin_client, settings):
    settings.MAX_BODY_CHARS = 1000
    body = "Long paragraph. " * 100
    response = add(admin_client, headline="Kept headline", body=body)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The body has {len(body.strip())} characters; an article can have at most 1000." in html
    assert body.strip() in html
    assert not Article.objects.exists()


def test_a_request_over_the_size_limit_gets_a_page_that_explains(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = add(admin_client, body="x" * 20_000)
    assert response.status_code == 400
    html = response.content.decode()
    assert "more than the site accepts" in html
    assert "still in your browser" in html
    assert not Article.objects.exists()


def test_a_malformed_request_gets_the_general_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post("/search/", {f"f{n}": "x" for n in range(10)})
    # Search only answers GET; what matters is that nothing here is a 500.
    assert response.status_code in (400, 405)


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=9999&published_at__month=12&published_at__day=31",
        "published_at__year=99999",
        "published_at__year=0",
        "published_at__gte=9999-12-31+23:59:59",
    ],
)
def test_admin_list_filters_with_dates_out_of_range_are_not_server_errors(admin_client, query):
    make_article()
    response = admin_client.get(reverse("admin:articles_article_changelist") + "?" + query)
    assert response.status_code < 500


def test_the_image_list_with_a_date_out_of_range_is_not_a_server_error(admin_client):
    url = reverse("admin:images_image_changelist")
    response = admin_client.get(url + "?uploaded_at__year=9999&uploaded_at__month=12")
    assert response.status_code < 500
