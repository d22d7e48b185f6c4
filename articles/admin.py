from collections import Counter
from contextlib import nullcontext

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.utils import mute_signals

from events.admin import UpcomingDatesInline
from images import admin as images_admin
from images.admin import thumbnail as image_thumbnail
from images.models import Image as LibraryImage
from newsroom.admin_tools import OutOfRangeFiltersMixin
from newsroom.admin_widgets import PreloadedAutocompleteMixin
from newsroom.forms import CleanTextModelForm
from newsroom.text import clean_lines
from people import admin as people_admin
from people.models import Artist, Contributor
from projects.models import MediaProject

from . import revisions, roles, services
from .admin_actions import (
    StateFilter,
    TagFilter,
    back_to_draft,
    publish_now,
    schedule,
    submit_for_review,
    suggest_artist_links,
)
from .admin_lists import ArticleListMixin
from .forms import ArticleAdminForm, FormerAddressForm, body_length_validator
from .models import Article, Byline, Correction, FormerAddress
from .rendering import render_body


class NamedDeleteFormSet(forms.BaseInlineFormSet):
    """A tabular inline's delete boxes named for screen readers, row by row: the column's
    "Delete?" heading labels none of them."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            number = "" if index is None else f" {index + 1}"
            name = f"Delete {self.model._meta.verbose_name}{number}"
            form.fields["DELETE"].widget.attrs["aria-label"] = name


class BylineInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Byline
    formset = NamedDeleteFormSet
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
    form = CleanTextModelForm
    formset = NamedDeleteFormSet
    fields = ["kind", "text", "noted_at"]
    extra = 0
    verbose_name = "correction or clarification"
    verbose_name_plural = "corrections and clarifications (shown at the foot of the story)"

    # Editors only (articles/roles.py), whatever model permissions an account was given; and
    # a correction on a published story is never deleted: its text may change instead.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and roles.may_correct(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.may_correct(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.may_delete_correction(
            request.user, obj
        )


class _Undone(Exception):  # noqa: N818 (not an error: carries the page of an undone restore)
    """Leaves the transaction of a restore shown but not saved, carrying its page."""

    def __init__(self, response):
        self.response = response


def revision_times(actions) -> list[str]:
    """When each revision was made, as the history lists it: to the second where two
    revisions share a minute, so they can be told apart."""
    times = [timezone.localtime(action["revision"].date_created) for action in actions]
    minutes = Counter(when.replace(second=0, microsecond=0) for when in times)
    return [
        date_format(when, "DATETIME_FORMAT")
        if minutes[when.replace(second=0, microsecond=0)] == 1
        else date_format(when, "N j, Y, g:i:s a")
        for when in times
    ]


def _digits(values):
    return [int(value) for value in values if str(value).isdigit()]


def artist_shortcode(artist) -> str:
    """The tag that links an artist: by external id, or by slug when there is none."""
    reference = (
        f'id="{artist.external_id}"' if artist.external_id is not None else f'slug="{artist.slug}"'
    )
    return f"[artist {reference}]{artist.name}[/artist]"


def _matching(queryset, field, words):
    for word in words:
        queryset = queryset.filter(**{f"{field}__icontains": word})
    return queryset.order_by(field)


@admin.register(Article)
class ArticleAdmin(ArticleListMixin, OutOfRangeFiltersMixin, VersionAdmin):
    class Media:
        css = {"all": ["css/admin-article.css"]}
        js = [
            "js/admin-order.js",
            "js/admin-preview.js",
            "js/admin-body-tools.js",
            "js/admin-labels.js",
        ]

    form = ArticleAdminForm
    inlines = [BylineInline, CorrectionInline]
    list_display = ["headline", "state_display", "published_at", "updated_at"]
    list_filter = [StateFilter, "status", "published_at", TagFilter]
    search_fields = ["headline", "dek", "body", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["related_projects", "reviewed_project"]
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
        "state_display",
        "former_addresses",
    ]
    actions = [
        publish_now,
        schedule,
        submit_for_review,
        back_to_draft,
        suggest_artist_links,
        "revoke_share_links",
    ]
    fieldsets = [
        # The bylines inline comes right after this first fieldset (see the change form template).
        (None, {"fields": ["headline", "slug", "dek"]}),
        ("Story", {"fields": ["body", "edited_version"]}),
        (
            "Publication",
            {
                "fields": [
                    "state_display",
                    "status",
                    "published_at",
                    "source",
                    "legacy_path",
                    "former_addresses",
                    "share_link",
                ]
            },
        ),
        ("Lead photo", {"fields": ["lead_image", "lead_image_preview"]}),
        ("Links", {"fields": ["tags", "related_projects"]}),
        (
            "Review",
            {
                "fields": ["reviewed_project", "rating"],
                "description": "For a review: the project it reviews and its score, if any.",
            },
        ),
        (
            "Derived from the body",
            {"fields": ["mentioned_artists", "mentioned_projects", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description="state", ordering="status")
    def state_display(self, obj):
        if obj is None or obj.pk is None:
            return "New"
        return obj.state_label

    def has_publish_permission(self, request, obj=None):
        """Publishing, scheduling and unpublishing are for editors (the publish permission)."""
        return roles.can_publish(request.user)

    # Writers (staff without the publish permission) change only their own stories (created
    # by them or bylined to them) while those are drafts or in review, and delete nothing
    # (articles/roles.py). Checked here, so the change form, direct POSTs, each object of a bulk
    # action, and restoring a revision (before and after) obey it.
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or roles.may_change_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.has_publish_permission(request)

    # Why an action a user may not run is refused, by the permission it needs.
    ACTION_REFUSALS = {
        "publish": "Writers cannot publish, schedule or send stories back to draft: an editor "
        "does that. Submit the story for review instead.",
        "delete": "Writers cannot delete stories: an editor does that.",
    }

    def response_action(self, request, queryset):
        # Django answers an action the user may not run with "No action selected": say why.
        name = request.POST.get("action", "")
        known = {action_name: func for func, action_name, _ in self._get_base_actions()}
        if name in known and name not in self.get_actions(request):
            needed = getattr(known[name], "allowed_permissions", ())
            reasons = [self.ACTION_REFUSALS.get(p, f"It needs the {p} permission.") for p in needed]
            message = " ".join(reasons) or "Your account may not run this action."
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.can_publish = self.has_publish_permission(request, obj)
        if "body" in form.base_fields:
            # The live preview beside the body (static/js/admin-preview.js) posts here.
            attrs = form.base_fields["body"].widget.attrs
            attrs["data-preview-url"] = reverse("admin:articles_article_preview")
            # The preview is drawn with the public pages' own stylesheet, in a frame of its own.
            attrs["data-preview-stylesheet"] = static("css/site.css")
            attrs["data-insert-url"] = reverse(
                "admin:articles_article_insert", kwargs={"kind": "KIND"}
            )
        return form

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        insert = path(
            "insert/<str:kind>/",
            self.admin_site.admin_view(self.insert_view),
            name="articles_article_insert",
        )
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        return [preview, insert, compare, *super().get_urls()]

    object_history_template = "admin/articles/article/object_history.html"
    revision_form_template = "admin/articles/article/revision_form.html"
    change_list_template = "admin/articles/article/change_list.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            article = self.get_object(request, unquote(object_id))
            if article is not None and self.has_change_permission(request, article):
                revisions.keep_original(article.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_recover": roles.may_recover(request.user), **(extra_context or {})}
        if request.method == "POST" and request.POST.get("action"):
            # A bulk action's change is a story's first admin edit as much as a form's is.
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            articles = self.get_queryset(request).filter(pk__in=_digits(selected))
            revisions.keep_originals(
                article.pk for article in articles if self.has_change_permission(request, article)
            )
        return super().changelist_view(request, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a revision's content (`revisions.RESTORED`) through the change form, which
        says what will change. The story keeps its status, publication time and corrections. The
        editor must be allowed to change the story as it is now and as the restore leaves it."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        when = date_format(timezone.localtime(version.revision.date_created), "j F Y, H:i:s")
        context = {
            "title": f"Restore “{article}” as of {when}",
            "revert": True,
            "restore": revisions.restore_preview(article, version),
            "restored_version": version,
            "kept_state": article.state_label,
            **(extra_context or {}),
        }
        try:
            # On GET the restore is shown and undone; signals stay quiet so nothing outside
            # the database (the page cache) hears of it.
            quiet = (
                nullcontext()
                if request.method == "POST"
                else mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
            )
            with transaction.atomic(), quiet:
                context["restore_notes"] = revisions.restore(article, version)
                restored = self.get_object(request, str(article.pk))
                if not self.has_change_permission(request, restored):
                    raise PermissionDenied
                with self.create_revision(request):
                    response = self.changeform_view(request, str(article.pk), request.path, context)
                    if request.method == "POST" and response.status_code == 302:
                        reversion.set_comment(f"Restored the content of the revision of {when}.")
                        return response
                    response.template_name = self.revision_form_template
                    response.render()
                    raise _Undone(response)
        except _Undone as undone:
            return undone.response

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted story: editors only, and only from the list of deleted stories."""
        if not (roles.may_recover(request.user) and self.has_add_permission(request)):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not roles.may_recover(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    # Newest first: the compare form's defaults (the previous revision against the newest) and
    # the list read the same way.
    history_latest_first = True

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        actions = context.get("action_list", [])
        if actions:
            # The compare form names versions; the list names revisions.
            versions = dict(
                Version.objects.get_for_object_reference(
                    self.model, unquote(object_id)
                ).values_list("revision_id", "pk")
            )
            may_restore = self.has_change_permission(request, context.get("object"))
            for action, when in zip(actions, revision_times(actions), strict=True):
                action["version_id"] = versions.get(action["revision"].pk)
                action["may_restore"] = may_restore
                action["when"] = when
        return response

    def compare_view(self, request, object_id):
        """Two revisions of an article side by side: the body word by word, the rest field by
        field. For staff who may see the article."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        try:
            old = versions.get(pk=int(request.GET.get("a", "")))
            new = versions.get(pk=int(request.GET.get("b", "")))
        except (ValueError, Version.DoesNotExist) as exc:
            raise Http404("Pick two revisions of this article to compare.") from exc
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions of “{article}”",
            "opts": self.model._meta,
            "original": article,
            "old": old,
            "new": new,
            "diff": revisions.compare(old, new),
            "may_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    INSERT_LIMIT = 8

    def insert_view(self, request, kind):
        """Matches for the toolbar's insert buttons, as JSON: a label, a small picture and the
        shortcode to insert. Staff who may add or change articles only."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        words = request.GET.get("q", "").split()[:5]
        if kind == "artist":
            found = [
                {
                    "label": artist.name,
                    "picture": reverse(
                        "people:photo", kwargs={"kind": "artists", "slug": artist.slug, "size": 96}
                    ),
                    "shortcode": artist_shortcode(artist),
                }
                for artist in _matching(Artist.objects.all(), "name", words)[: self.INSERT_LIMIT]
            ]
        elif kind == "project":
            found = [
                {
                    "label": f"{project.title} ({project.get_kind_display()})",
                    "picture": "",
                    "shortcode": f'[project slug="{project.slug}"]{project.title}[/project]',
                }
                for project in _matching(MediaProject.objects.all(), "title", words)[
                    : self.INSERT_LIMIT
                ]
            ]
        elif kind == "image":
            images = _matching(LibraryImage.objects.all(), "title", words)[: self.INSERT_LIMIT]
            found = []
            for image in images:
                rendition = image.crop((1, 1), 160, fmt="webp") if image.file else None
                found.append(
                    {
                        "label": image.title or image.alt_text,
                        "picture": rendition.url if rendition else "",
                        "shortcode": f'[image id="{image.pk}" /]',
                    }
                )
        else:
            raise Http404("Nothing to insert of that kind.")
        return JsonResponse({"results": found})

    def preview_view(self, request):
        """The body as readers will see it, rendered by the public page's own renderer, and
        its problems with line and column: JSON for the live preview. Staff who may add or
        change articles only; nothing is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        # As it would be stored: the browser sends line breaks as CR LF.
        body = clean_lines(request.POST.get("body", ""))
        try:
            body_length_validator()(body)
        except ValidationError as error:
            problem = {"line": 1, "column": 1, "severity": "error", "message": error.messages[0]}
            return JsonResponse({"html": "", "problems": [problem]})
        found = services.check_body(body)
        problems = [
            {"line": p.line, "column": p.column, "severity": p.severity, "message": p.message}
            for p in found
        ]
        # A body refused for its shape would cost the renderer seconds: its problem alone.
        capped = any(p.message.startswith(services.CAPPED) for p in found)
        html = "" if capped else str(render_body(body))
        response = JsonResponse({"html": html, "problems": problems})
        add_never_cache_headers(response)
        return response

    @admin.display(description="lead photo preview")
    def lead_image_preview(self, obj):
        return image_thumbnail(obj.lead_image) or "-"

    @admin.display(description="artists in the body")
    def mentioned_artists(self, obj):
        return ", ".join(a.name for a in obj.artists.all()) or "-"

    @admin.display(description="projects in the body")
    def mentioned_projects(self, obj):
        return ", ".join(p.title for p in obj.projects.all()) or "-"

    FORMER_ADDRESSES_SHOWN = 10

    @admin.display(description="former addresses")
    def former_addresses(self, obj):
        if obj is None or obj.pk is None:
            return "Addresses that lead to the story can be added once it is saved."
        shown = self.FORMER_ADDRESSES_SHOWN
        paths = list(obj.former_addresses.order_by("path").values_list("path", flat=True))
        listed = format_html_join(", ", "<code>{}</code>", ((path,) for path in paths[:shown]))
        if len(paths) > shown:
            listed = format_html("{} and {} more", listed, len(paths) - shown)
        changelist = reverse("admin:articles_formeraddress_changelist")
        add = reverse("admin:articles_formeraddress_add")
        return format_html(
            '{} <a href="{}?article__id__exact={}">Manage</a> · <a href="{}?article={}">Add an '
            "address</a><br>Published, the story is reached from each of these by a permanent "
            "redirect.",
            listed if paths else "None.",
            changelist,
            obj.pk,
            add,
            obj.pk,
        )

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
            if self.has_change_permission(request, article):
                article.revoke_share_links()
                count += 1
        self.message_user(request, f"Share links revoked for {count} article(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        for problem in getattr(form, "body_warnings", []):
            self.message_user(request, f"Body: {problem}", messages.WARNING)


@admin.register(FormerAddress)
class FormerAddressAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    """Addresses that lead to a story (earlier slugs, legacy and WordPress addresses). Who may
    change a story may add, change and remove its addresses (articles/roles.py): writers their
    own unpublished stories', editors any."""

    form = FormerAddressForm
    list_display = ["path", "story", "redirects", "created_at"]
    list_select_related = ["article"]
    search_fields = ["path", "article__headline"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_at"]
    fields = ["path", "article", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or roles.may_change_article(request.user, obj.article)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or roles.may_change_article(request.user, obj.article)

    def get_deleted_objects(self, objs, request):
        # The bulk delete asks for the model's permission alone: each address's story is
        # checked here, and an address of a story the user may not change refuses the lot.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for address in objs:
            if not roles.may_change_article(request.user, address.article):
                perms_needed.add(f"former addresses of “{address.article.headline}”")
        return deleted, model_count, perms_needed, protected

    @admin.display(description="story", ordering="article__headline")
    def story(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)

    @admin.display(description="leads readers on", boolean=True)
    def redirects(self, obj):
        # Only a published story's addresses lead anywhere (FormerAddressMiddleware).
        return obj.article.is_published


# Contributors and artists, as the people app's admin shows them, with what concerns their
# stories: how many there are; for an artist, deleting one that published stories link to is
# refused, and merging artists rewrites those stories' links. Registered from here, since
# people know nothing of articles.


class ContributorAdmin(people_admin.ContributorAdmin):
    list_display = [*people_admin.ContributorAdmin.list_display, "article_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=models.Count("bylines"))

    @admin.display(description="articles", ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


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


class ArtistAdmin(people_admin.ArtistAdmin):
    list_display = [*people_admin.ArtistAdmin.list_display, "mention_count"]
    inlines = [UpcomingDatesInline]
    actions = ["merge_artists"]

    def get_queryset(self, request):
        mentions = models.Count("mentioned_in", distinct=True)
        return super().get_queryset(request).annotate(num_mentions=mentions)

    @admin.display(description="articles", ordering="num_mentions")
    def mention_count(self, obj):
        return obj.num_mentions

    def get_deleted_objects(self, objs, request):
        """Refuse to delete artists that published articles still link to: the links would
        silently turn into plain text. Editors merge the artist into another instead."""
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
        # A merge deletes artists, rewrites article bodies and moves credits and tour dates.
        return request.user.has_perms(
            [
                "people.delete_artist",
                "articles.change_article",
                "projects.change_credit",
                "events.change_eventperformer",
            ]
        )

    @admin.action(description="Merge selected artists into one", permissions=["merge"])
    def merge_artists(self, request, queryset):
        artists = list(queryset)
        if len(artists) < 2:
            self.message_user(request, "Select at least two artists to merge.", messages.ERROR)
            return None
        form = MergeArtistsForm(request.POST if "apply" in request.POST else None, artists=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [a for a in artists if a.pk != target.pk]
            rewritten = services.merge_artists(sources=sources, target=target)
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


class ImageAdmin(images_admin.ImageAdmin):
    """The photo library, with what concerns stories: a photo a published or scheduled story
    shows changes only with the publish permission (articles/roles.py). Writers change photos
    only their own unpublished stories show, and upload new ones."""

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or roles.may_change_image(request.user, obj)


for model, model_admin in (
    (Artist, ArtistAdmin),
    (Contributor, ContributorAdmin),
    (LibraryImage, ImageAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
