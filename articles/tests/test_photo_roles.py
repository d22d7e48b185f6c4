"""Library photos and roles: a photo a published or scheduled story shows, as its lead or in its
body, changes only with the publish permission; writers change photos only their own
unpublished stories show, and upload new ones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from images.models import Image
from newsroom.testing import image_bytes, make_article, make_image, post_change_form

pytestmark = pytest.mark.django_db


def image_url(image):
    return reverse("admin:images_image_change", args=[image.pk])


def refused(client, image):
    """The writer sees the photo read-only and a direct POST changes nothing."""
    page = client.get(image_url(image))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    data = {"title": "Changed", "alt_text": "Changed", "focal_x": "0.1", "focal_y": "0.1"}
    assert client.post(image_url(image), data).status_code == 403
    image.refresh_from_db()
    return image.title != "Changed" and image.focal_x == 0.5


LATER = timezone.now() + timezone.timedelta(days=2)


@pytest.mark.parametrize("published_at", [None, LATER], ids=["live", "scheduled"])
@pytest.mark.parametrize("place", ["lead", "body"])
def test_a_writer_cannot_change_a_photo_a_published_story_shows(writer, place, published_at):
    user, client = writer
    image = make_image(size=(64, 48))
    fields = {"created_by": user}
    if published_at:
        fields["published_at"] = published_at
    if place == "lead":
        fields["lead_image"] = image
    else:
        fields["body"] = f'Before.\n\n[image id="{image.pk}" /]\n\nAfter.'
    make_article(**fields)
    assert refused(client, image)


def test_a_writer_changes_a_photo_only_their_own_draft_shows(writer):
    user, client = writer
    image = make_image(size=(64, 48), title="Mine")
    make_article(status=Article.Status.DRAFT, created_by=user, lead_image=image)
    make_article(status=Article.Status.DRAFT, created_by=user, body=f'[image id="{image.pk}" /]')
    assert post_change_form(client, image, title="Still mine").status_code == 302
    image.refresh_from_db()
    assert image.title == "Still mine"


def test_a_writer_cannot_change_a_photo_someone_elses_draft_shows(writer):
    _, client = writer
    image = make_image(size=(64, 48))
    make_article(status=Article.Status.DRAFT, body=f'[image id="{image.pk}" /]')
    assert refused(client, image)


def test_a_body_naming_another_photo_with_the_same_digits_does_not_count(writer):
    user, client = writer
    image = make_image(size=(64, 48))
    other = make_image(size=(64, 48))
    make_article(body=f'[image id="{other.pk}{image.pk}" /] {image.pk}')
    make_article(status=Article.Status.DRAFT, created_by=user, lead_image=image)
    assert post_change_form(client, image, title="Mine to change").status_code == 302


def test_a_writer_uploads_a_new_photo(writer):
    _, client = writer
    upload = SimpleUploadedFile("stage.jpg", image_bytes((64, 48)), content_type="image/jpeg")
    data = {"title": "Stage", "alt_text": "A stage", "focal_x": "0.5", "focal_y": "0.5"}
    response = client.post(reverse("admin:images_image_add"), {**data, "file": upload})
    assert response.status_code == 302
    assert Image.objects.filter(title="Stage").exists()


def test_an_editor_changes_the_lead_photo_of_a_live_story(editor):
    _, client = editor
    image = make_image(size=(64, 48))
    make_article(lead_image=image)
    assert post_change_form(client, image, title="Recaptioned").status_code == 302
    image.refresh_from_db()
    assert image.title == "Recaptioned"
