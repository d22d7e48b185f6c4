"""The import's records in the admin: listed with their articles, photos and contributors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wordpress.models import ImportedAuthor, ImportedPost

from .conftest import run_import

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


@pytest.mark.parametrize(
    ("model", "shown"),
    [("importedpost", "Kanye West/ Spike Jonze"), ("importedauthor", "MTV Music Desk")],
)
def test_changelists_list_the_import_in_a_fixed_number_of_queries(
    admin_client, uploads, known_people, model, shown
):
    url = reverse(f"admin:wordpress_{model}_changelist")
    run_import(media_dir=str(uploads))
    # One record of each kind, then all of them: the same queries.
    keep_one = {"importedpost": ImportedPost, "importedauthor": ImportedAuthor}[model]
    first = keep_one.objects.order_by("pk").first()
    saved = list(keep_one.objects.exclude(pk=first.pk))
    for record in saved:
        record.delete()
    _, one = queries(admin_client, url)
    for record in saved:
        record.save()
    response, many = queries(admin_client, url)
    assert many == one
    assert shown in response.content.decode()
