import pytest
from django.core import serializers
from django.core.exceptions import ValidationError

from articles.models import Article
from images.models import Image, TaggedImage
from newsroom.testing import make_article, make_image

pytestmark = pytest.mark.django_db


def test_str_shortcode_and_ordering():
    older = make_image(size=(100, 80), title="Older")
    newer = make_image(size=(100, 80), title="Newer")
    assert str(newer) == "Newer"
    assert newer.shortcode == f'[image id="{newer.pk}" /]'
    assert list(Image.objects.all()) == [newer, older]


@pytest.mark.parametrize("field", ["focal_x", "focal_y"])
@pytest.mark.parametrize("value", [-0.01, 1.01])
def test_focal_point_outside_the_image_is_refused(field, value):
    image = make_image(size=(100, 80))
    setattr(image, field, value)
    with pytest.raises(ValidationError) as info:
        image.full_clean()
    assert field in info.value.message_dict


def test_alt_text_is_required():
    image = make_image(size=(100, 80))
    image.alt_text = ""
    with pytest.raises(ValidationError) as info:
        image.full_clean()
    assert "alt_text" in info.value.message_dict


def test_fixtures_refer_to_images_by_file_name_and_move_between_databases():
    image = make_image(size=(100, 80), title="Stage")
    image.tags.add("Live")
    article = make_article(slug="with-photo", lead_image=image)
    records = [image, *TaggedImage.objects.all(), article]
    data = serializers.serialize(
        "json", records, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    assert f'"lead_image": ["{image.file.name}"]' in data
    Article.objects.all().delete()
    Image.objects.all().delete()
    for record in serializers.deserialize("json", data, handle_forward_references=True):
        record.save()
    loaded = Article.objects.get(slug="with-photo").lead_image
    assert loaded.file.name == image.file.name and loaded.title == "Stage"
    assert [tag.name for tag in loaded.tags.all()] == ["Live"]
