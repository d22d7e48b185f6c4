from django.contrib import admin

from newsroom.admin_tools import MUSIC_WEB_IDS, MUSIC_WEB_SEARCH, id_pages
from newsroom.admin_widgets import PreloadedAutocompleteMixin
from newsroom.forms import CleanTextModelForm

from .models import Credit, MediaProject, ProjectRelation


class CreditInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Credit
    autocomplete_fields = ["artist"]
    fields = ["artist", "role", "order", "is_known_for"]
    extra = 1

    def get_queryset(self, request):
        # Each row's heading is the credit's __str__, which reads the project as well.
        return super().get_queryset(request).select_related("artist", "project")


class ProjectRelationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = ProjectRelation
    fk_name = "source"
    autocomplete_fields = ["target"]
    fields = ["relation", "target", "position"]
    extra = 0
    verbose_name = "relation to another project"
    verbose_name_plural = "relations to other projects"

    def get_queryset(self, request):
        # Each row's heading is the relation's __str__, which reads the source as well.
        return super().get_queryset(request).select_related("source", "target")


class IncomingRelationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    """The same relations seen from the other side: an album's tracklist on the album."""

    model = ProjectRelation
    fk_name = "target"
    autocomplete_fields = ["source"]
    fields = ["position", "source", "relation"]
    extra = 0
    verbose_name = "project related to this one (tracks, videos, soundtracks)"
    verbose_name_plural = "projects related to this one (tracks, videos, soundtracks)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")


@admin.register(MediaProject)
class MediaProjectAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["title", "kind", "status", "release_year", "label"]
    list_filter = ["kind", "status", "release_year"]
    search_fields = ["title", "slug", "label", "credits__artist__name", *MUSIC_WEB_SEARCH]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CreditInline, ProjectRelationInline, IncomingRelationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_untitled", "kind", "status", "synopsis", "label"]}),
        ("Release", {"fields": ["release_date", "release_year", "release_note"]}),
        ("Running time", {"fields": ["running_time_min", "running_time_max"]}),
        ("Shoot", {"fields": ["shot_from", "shot_until", "shoot_note", "shoot_location"]}),
        (
            "Known to the music web",
            {
                "fields": [*MUSIC_WEB_IDS, "id_pages", "play_links"],
                "description": "Each id as the service gives it; its page there is linked below.",
            },
        ),
    ]
    readonly_fields = ["id_pages"]

    @admin.display(description="pages on the music web")
    def id_pages(self, obj):
        return id_pages(obj)


@admin.register(Credit)
class CreditAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["artist", "role", "project", "order", "is_known_for"]
    list_select_related = ["artist", "project"]
    list_filter = ["role", "project__kind"]
    search_fields = ["artist__name", "project__title"]
    autocomplete_fields = ["artist", "project"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist", "project")


@admin.register(ProjectRelation)
class ProjectRelationAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["source", "relation", "target", "position"]
    list_select_related = ["source", "target"]
    list_filter = ["relation"]
    search_fields = ["source__title", "target__title"]
    autocomplete_fields = ["source", "target"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")
