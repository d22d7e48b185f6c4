from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html

from images.uploads import RefusedUploadsAdminMixin

from .models import Artist, Contributor, Discipline


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contributor)
class ContributorAdmin(RefusedUploadsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role", "is_organization", "user", "article_count"]
    # The photo comes last: if an upload is refused part way, everything above it has arrived.
    fields = ["name", "slug", "role", "is_organization", "bio", "user", "photo_alt", "photo"]
    list_select_related = ["user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("bylines"))

    @admin.display(description="articles", ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


@admin.register(Artist)
class ArtistAdmin(RefusedUploadsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "external_id", "discipline_list", "has_photo", "mention_count"]
    list_filter = ["is_group", "disciplines", "tags"]
    search_fields = ["name", "slug", "=external_id", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["disciplines"]
    readonly_fields = ["profile_link"]
    actions = ["merge_artists"]
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
        ("Links", {"fields": ["website", "musicbrainz_id", "wikidata_id", "profile_link"]}),
        ("Tags", {"fields": ["tags"]}),
        # Last: if an upload is refused part way, everything above it has arrived.
        ("Photo", {"fields": ["photo_alt", "photo"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("disciplines")
            .annotate(num_mentions=Count("mentioned_in", distinct=True))
        )

    @admin.display(description="disciplines")
    def discipline_list(self, obj):
        return ", ".join(d.name for d in obj.disciplines.all())

    @admin.display(description="photo", boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description="articles", ordering="num_mentions")
    def mention_count(self, obj):
        return obj.num_mentions

    @admin.display(description="public page")
    def profile_link(self, obj):
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def get_deleted_objects(self, objs, request):
        """Refuse to delete artists that published articles still link to: the links would
        silently turn into plain text. Editors merge the artist into another instead."""
        from articles.models import Article

        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        mentioning = (
            Article.objects.published().filter(artists__in=list(objs)).distinct().order_by("pk")
        )
        for article in mentioning:
            protected.append(
                format_html(
                    'Published article: <a href="{}">{}</a> (merge this artist into another '
                    "to rewrite its links)",
                    article.get_absolute_url(),
                    article.headline,
                )
            )
        return deleted, model_count, perms_needed, protected

    def has_merge_permission(self, request):
        # A merge deletes artists, rewrites article bodies and moves credits.
        return request.user.has_perms(
            ["people.delete_artist", "articles.change_article", "projects.change_credit"]
        )

    @admin.action(description="Merge selected artists into one", permissions=["merge"])
    def merge_artists(self, request, queryset):
        from articles.services import merge_artists

        artists = list(queryset)
        if len(artists) < 2:
            self.message_user(request, "Select at least two artists to merge.", messages.ERROR)
            return None
        form = MergeArtistsForm(request.POST if "apply" in request.POST else None, artists=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [a for a in artists if a.pk != target.pk]
            rewritten = merge_artists(sources=sources, target=target)
            names = ", ".join(a.name for a in sources)
            self.message_user(
                request,
                f"Merged {names} into {target.name}; rewrote links in {rewritten} article(s).",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/people/artist/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge artists",
                "opts": self.model._meta,
                "form": form,
                "artists": artists,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class MergeArtistsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Artist.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this artist",
        help_text="The others are deleted; their credits and article links move to this one.",
    )

    def __init__(self, *args, artists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = artists
