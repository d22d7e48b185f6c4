from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from images.admin import thumbnail as image_thumbnail
from newsroom.admin_tools import OutOfRangeFiltersMixin
from newsroom.admin_widgets import PreloadedAutocompleteMixin

from .forms import ArticleAdminForm
from .models import Article, Byline, Correction


class BylineInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Byline
    autocomplete_fields = ["contributor"]
    fields = ["contributor", "position"]
    extra = 1
    # Editors order bylines with up and down buttons (static/js/admin-order.js), which number
    # the hidden positions on save.
    classes = ["orderable"]
    formfield_overrides = {models.PositiveSmallIntegerField: {"widget": forms.HiddenInput}}

    def get_queryset(self, request):
        # Each row's heading is the byline's __str__, which reads the article as well.
        return super().get_queryset(request).select_related("contributor", "article")


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["kind", "text", "noted_at"]
    extra = 0
    verbose_name = "correction or clarification"
    verbose_name_plural = "corrections and clarifications (shown at the foot of the story)"


@admin.register(Article)
class ArticleAdmin(OutOfRangeFiltersMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin-article.css"]}
        js = ["js/admin-order.js"]

    form = ArticleAdminForm
    inlines = [BylineInline, CorrectionInline]
    list_display = ["headline", "status", "is_live", "published_at", "updated_at"]
    list_filter = ["status", "published_at", "tags"]
    search_fields = ["headline", "dek", "body", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["related_projects"]
    # The lead photo is chosen from the image library's list, which shows thumbnails and
    # searches titles, captions and credits; the chosen photo is previewed beside the field.
    raw_id_fields = ["lead_image"]
    readonly_fields = [
        "mentioned_artists",
        "mentioned_projects",
        "created_at",
        "updated_at",
        "share_link",
        "lead_image_preview",
    ]
    actions = ["publish_now", "unpublish", "revoke_share_links"]
    fieldsets = [
        # The bylines inline comes right after this first fieldset (see the change form template).
        (None, {"fields": ["headline", "slug", "dek"]}),
        ("Story", {"fields": ["body", "edited_version"]}),
        (
            "Publication",
            {"fields": ["status", "published_at", "source", "legacy_path", "share_link"]},
        ),
        ("Lead photo", {"fields": ["lead_image", "lead_image_preview"]}),
        ("Links", {"fields": ["tags", "related_projects"]}),
        (
            "Derived from the body",
            {"fields": ["mentioned_artists", "mentioned_projects", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description="live", boolean=True)
    def is_live(self, obj):
        return obj.is_published

    @admin.display(description="lead photo preview")
    def lead_image_preview(self, obj):
        return image_thumbnail(obj.lead_image) or "-"

    @admin.display(description="artists in the body")
    def mentioned_artists(self, obj):
        return ", ".join(a.name for a in obj.artists.all()) or "-"

    @admin.display(description="projects in the body")
    def mentioned_projects(self, obj):
        return ", ".join(p.title for p in obj.projects.all()) or "-"

    @admin.display(description="share link")
    def share_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the article to get a link to share its preview."
        if obj.is_published:
            return "The article is live: share its public address."
        return format_html(
            '<a class="share-link" href="{}" rel="noreferrer">Preview for readers outside the '
            "newsroom</a> (copy the link address). Anyone with it can read the preview until "
            '{}; "Revoke share links" in the article list makes every link given out stop '
            "working.",
            obj.get_share_url(),
            date_format(timezone.localtime(obj.share_expires_at()), "DATETIME_FORMAT"),
        )

    @admin.action(description="Revoke share links to the selected articles", permissions=["change"])
    def revoke_share_links(self, request, queryset):
        count = 0
        for article in queryset:
            article.revoke_share_links()
            count += 1
        self.message_user(request, f"Share links revoked for {count} article(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for problem in getattr(form, "body_warnings", []):
            self.message_user(request, f"Body: {problem}", messages.WARNING)

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Move selected articles back to draft", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"Moved {count} article(s) to draft.", messages.SUCCESS)
