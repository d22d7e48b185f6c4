from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from PIL import Image as PILImage
from PIL import ImageOps
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from . import renditions
from .validators import validate_image_upload

FOCAL_RANGE = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class TaggedImageManager(models.Manager):
    def get_by_natural_key(self, file_name, tag_name):
        return self.get(content_object__file=file_name, tag__name=tag_name)


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey(
        "Image", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = TaggedImageManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_image_tag"),
        ]

    def natural_key(self):
        return (self.content_object.file.name, self.tag.name)

    natural_key.dependencies = ["images.image", "taggit.tag"]


class ImageManager(models.Manager):
    def get_by_natural_key(self, file_name):
        return self.get(file=file_name)


class Image(models.Model):
    """A photo in the library, shown to readers only through renditions."""

    # Storage gives every upload a name of its own; fixtures refer to an image by it.
    file = models.ImageField(
        upload_to="images/%Y/%m/", unique=True, validators=[validate_image_upload]
    )
    title = models.CharField(max_length=255, help_text="For finding the image in the library.")
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describe the photo for readers who cannot see it.",
    )
    caption = models.TextField(blank=True, help_text="Shown under the photo.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="For example: Photo: Jane Doe/Getty Images."
    )
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=FOCAL_RANGE,
        help_text="0 is the left edge, 1 the right: crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=FOCAL_RANGE,
        help_text="0 is the top edge, 1 the bottom.",
    )
    # As readers see it, after any rotation the camera recorded.
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True)
    tags = TaggableManager(blank=True, through=TaggedImage)

    objects = ImageManager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
                violation_error_message="The focal point must lie inside the image (0 to 1).",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            self.width, self.height = oriented_size(self.file)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.file.name,)

    @property
    def shortcode(self) -> str:
        return f'[image id="{self.pk}" /]' if self.pk else ""

    @property
    def source(self) -> renditions.Source:
        return renditions.Source(
            name=self.file.name,
            width=self.width,
            height=self.height,
            focal_x=self.focal_x,
            focal_y=self.focal_y,
        )

    def picture(self, ratio=None, widths=renditions.WIDTHS):
        return renditions.picture(self.source, ratio=ratio, widths=widths)

    def crop(self, ratio, width, fmt="jpeg"):
        return renditions.single(self.source, ratio=ratio, width=width, fmt=fmt)


def oriented_size(file) -> tuple[int, int]:
    """Width and height as displayed: a camera's rotation flag swaps them."""
    file.seek(0)
    try:
        with PILImage.open(file) as image:
            width, height = image.size
            orientation = image.getexif().get(ImageOps.ExifTags.Base.Orientation, 1)
    finally:
        file.seek(0)
    if orientation in (5, 6, 7, 8):
        return height, width
    return width, height
