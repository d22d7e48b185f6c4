from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html

from newsroom.admin_tools import OutOfRangeFiltersMixin
from newsroom.forms import CleanTextModelForm

from . import renditions
from .models import Image
from .uploads import RefusedUploadsAdminMixin

THUMBNAIL_SIZE = 160  # shown at 80 CSS pixels: sharp on high-density screens


def thumbnail(image, *, size: int = 80):
    """A small square of an image for admin screens; empty when it cannot be made."""
    if image is None or not image.file:
        return ""
    rendition = image.crop((1, 1), THUMBNAIL_SIZE, fmt="webp")
    if rendition is None:
        return "unreadable file"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" decoding="async">',
        rendition.url,
        size,
        size,
    )


@admin.register(Image)
class ImageAdmin(OutOfRangeFiltersMixin, RefusedUploadsAdminMixin, admin.ModelAdmin):
    form = CleanTextModelForm

    class Media:
        css = {"all": ["css/admin-images.css"]}
        js = ["js/admin-focal-point.js"]

    list_display = ["thumbnail", "title", "credit", "dimensions", "uploaded_at", "shortcode"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["uploaded_at", "tags"]
    search_fields = ["title", "caption", "credit", "alt_text"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "copy_shortcode", "dimensions", "uploaded_at"]
    list_per_page = 50
    # The file comes last: if an upload is refused part way, everything above it has arrived.
    fieldsets = [
        (None, {"fields": ["title", "alt_text", "caption", "credit", "tags"]}),
        ("Crops", {"fields": ["preview", "focal_x", "focal_y"]}),
        ("File", {"fields": ["file", "dimensions", "uploaded_at", "copy_shortcode"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"file", "focal_x", "focal_y"} & set(form.changed_data):
            # The editor waits for the renditions pages will ask for, so readers never do.
            source = obj.source
            transaction.on_commit(lambda: renditions.prewarm(source))

    @admin.display(description="")
    def thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "-"
        picture = obj.picture(widths=(640,))
        if picture is None:
            return "The file cannot be read."
        width = min(480, picture.width)
        return format_html(
            '<span class="focal-frame" title="Click to set the focal point">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" hidden></span></span>'
            '<br><span class="help">Click the photo to set the focal point: crops keep it in '
            "view.</span>",
            picture.img.url,
            obj.alt_text,
            width,
            round(width * picture.height / picture.width),
        )

    @admin.display(description="size")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}" if obj.width else "-"

    @admin.display(description="shortcode")
    def shortcode(self, obj):
        return format_html("<code>{}</code>", obj.shortcode)

    @admin.display(description="shortcode for a story body")
    def copy_shortcode(self, obj):
        if not obj.pk:
            return "Save the image to get its shortcode."
        return format_html(
            '<input type="text" readonly value="{}" size="24" aria-label="Shortcode to copy">',
            obj.shortcode,
        )
