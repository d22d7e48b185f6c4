from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from images.uploads import RefusedUploadsAdminMixin
from newsroom.admin_tools import MUSIC_WEB_IDS, MUSIC_WEB_SEARCH, id_pages
from newsroom.forms import CleanTextModelForm

from .models import Artist, Contributor, Discipline


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contributor)
class ContributorAdmin(RefusedUploadsAdminMixin, admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "role", "is_organization", "user"]
    # The photo comes last: if an upload is refused part way, everything above it has arrived.
    fields = ["name", "slug", "role", "is_organization", "bio", "user", "photo_alt", "photo"]
    list_select_related = ["user"]
    search_fields = ["name", "role"]
    # Explicit: the list counts each one's stories (a GROUP BY, which Django orders by nothing
    # by default), and autocomplete pages through it.
    ordering = ["name", "pk"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Artist)
class ArtistAdmin(RefusedUploadsAdminMixin, admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "external_id", "discipline_list", "has_photo"]
    list_filter = ["is_group", "disciplines", "tags"]
    search_fields = ["name", "slug", "=external_id", "summary", *MUSIC_WEB_SEARCH]
    ordering = ["name", "pk"]  # as the contributors' (above)
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["disciplines"]
    readonly_fields = ["profile_link", "id_pages"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "external_id",
                    "is_group",
                    "disciplines",
                    "summary",
                    "bio",
                ]
            },
        ),
        ("Links", {"fields": ["website", "profile_link", "play_links"]}),
        (
            "Known to the music web",
            {
                "fields": [*MUSIC_WEB_IDS, "id_pages"],
                "description": "Each id as the service gives it; its page there is linked below.",
            },
        ),
        ("Tags", {"fields": ["tags"]}),
        # Last: if an upload is refused part way, everything above it has arrived.
        ("Photo", {"fields": ["photo_alt", "photo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("disciplines")

    @admin.display(description="disciplines")
    def discipline_list(self, obj):
        return ", ".join(d.name for d in obj.disciplines.all())

    @admin.display(description="photo", boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description="pages on the music web")
    def id_pages(self, obj):
        return id_pages(obj)

    @admin.display(description="public page")
    def profile_link(self, obj):
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())
