"""Publishing actions for the article list: publish now, schedule, submit for review, send back
to draft. Each one saves every article it changes (so what a save derives and logs still
happens), writes the change into the article's history, and says what it did."""

from __future__ import annotations

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format

from newsroom.validators import validate_sensible_time

from .models import Article


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The tags of the latest stories to filter by, the most used first, and the tag picked.
    Every tag would be thousands of links beside the list (and a quarter of a second to write
    at 3,000 tags); an older tag is reached from its stories, or by its address."""

    title = "tag"
    parameter_name = "tag"
    shown = 25
    recent_stories = 500

    def lookups(self, request, model_admin):
        from django.db.models import Count

        from .models import TaggedArticle

        recent = Article.objects.order_by("-pk").values("pk")[: self.recent_stories]
        tags = list(
            TaggedArticle.objects.filter(content_object__in=recent)
            .values_list("tag__slug", "tag__name")
            .annotate(stories=Count("pk"))
            .order_by("-stories", "tag__name")
            .values_list("tag__slug", "tag__name")[: self.shown]
        )
        picked = self.value()
        if picked and picked not in {slug for slug, _ in tags}:
            from taggit.models import Tag

            tags += Tag.objects.filter(slug=picked).values_list("slug", "name")
        return tags

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Go live at",
        widget=AdminSplitDateTime,
        validators=[validate_sensible_time],
        help_text="In the site's time zone.",
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value <= timezone.now():
            raise forms.ValidationError("Pick a time in the future, or use “Publish now”.")
        return value


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note for the writer",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the article's history.",
    )


def _when(value) -> str:
    return date_format(timezone.localtime(value), "l j F Y, H:i")


def _ask(modeladmin, request, queryset, *, form, action, title, button):
    """The intermediate page of an action that needs an answer first."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "articles": queryset,
        "action": action,
        "button": button,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/articles/article/action_form.html", context)


def _answered(modeladmin, request, queryset, form_class, action, title, button):
    """The action's form, and the page asking for it while it is not filled in validly."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        return form, None
    page = _ask(modeladmin, request, queryset, form=form, action=action, title=title, button=button)
    return form, page


def _changed(modeladmin, request, article, fields, message):
    """Save the change, keep a revision of it and write it into the article's history."""
    with reversion.create_revision():
        article.save(update_fields=[*fields, "updated_at"])
        reversion.set_user(request.user)
        reversion.set_comment(message)
    modeladmin.log_change(request, article, message)


@admin.action(description="Publish selected articles now", permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    now = timezone.now()
    done = 0
    for article in queryset:
        if article.is_published:
            continue
        article.status = Article.Status.PUBLISHED
        article.published_at = now
        _changed(modeladmin, request, article, ["status", "published_at"], "Published now.")
        done += 1
    skipped = queryset.count() - done
    message = f"Published {done} article(s) now."
    if skipped:
        message += f" {skipped} already live left as they were."
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description="Schedule selected articles…", permissions=["publish"])
def schedule(modeladmin, request, queryset):
    form, page = _answered(
        modeladmin, request, queryset, ScheduleForm, "schedule", "Schedule articles", "Schedule"
    )
    if page is not None:
        return page
    when = form.cleaned_data["publish_at"]
    done = 0
    for article in queryset:
        if article.is_published:
            continue
        article.status = Article.Status.PUBLISHED
        article.published_at = when
        _changed(
            modeladmin,
            request,
            article,
            ["status", "published_at"],
            f"Scheduled for {_when(when)}.",
        )
        done += 1
    message = f"Scheduled {done} article(s) to go live {_when(when)}."
    if queryset.count() - done:
        message += " Articles already live were left as they were."
    modeladmin.message_user(request, message, messages.SUCCESS)
    return None


@admin.action(description="Submit selected articles for review", permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    done = not_drafts = not_theirs = 0
    for article in queryset:
        if article.status != Article.Status.DRAFT:
            not_drafts += 1
            continue
        if not modeladmin.has_change_permission(request, article):
            not_theirs += 1
            continue
        article.status = Article.Status.IN_REVIEW
        _changed(modeladmin, request, article, ["status"], "Submitted for review.")
        done += 1
    message = f"Submitted {done} article(s) for review."
    if not_drafts:
        message += f" {not_drafts} not in draft left as they were."
    if not_theirs:
        message += f" {not_theirs} left as they were: writers submit only their own stories."
    level = messages.SUCCESS if done else messages.WARNING
    modeladmin.message_user(request, message, level)


@admin.action(description="Send selected articles back to draft…", permissions=["publish"])
def back_to_draft(modeladmin, request, queryset):
    form, page = _answered(
        modeladmin,
        request,
        queryset,
        NoteForm,
        "back_to_draft",
        "Send articles back to draft",
        "Send back to draft",
    )
    if page is not None:
        return page
    note = form.cleaned_data["note"].strip()
    message = "Sent back to draft" + (f": {note}" if note else ".")
    done = 0
    for article in queryset.exclude(status=Article.Status.DRAFT):
        article.status = Article.Status.DRAFT
        _changed(modeladmin, request, article, ["status"], message)
        done += 1
    modeladmin.message_user(request, f"Moved {done} article(s) to draft.", messages.SUCCESS)
    return None


def _artist_candidates():
    from people.models import Artist

    from .artist_links import Candidate

    return [
        Candidate(
            name,
            f'id="{external_id}"' if external_id is not None else f'slug="{slug}"',
            str(pk),
        )
        for pk, name, slug, external_id in Artist.objects.values_list(
            "pk", "name", "slug", "external_id"
        )
    ]


# Characters of the body shown on each side of a suggested mention.
_AROUND = 60


@admin.action(description="Suggest artist links…", permissions=["change"])
def suggest_artist_links(modeladmin, request, queryset):
    """Proposes an [artist] tag for the first plain-text mention of each artist the site knows
    in the selected stories, shown in place; the editor ticks the ones to keep. Accepted links
    are saved like any edit: through the body check, with a revision."""
    from . import artist_links, services

    articles = list(queryset.prefetch_related("artists"))
    mine = [a for a in articles if modeladmin.has_change_permission(request, a)]
    not_theirs = len(articles) - len(mine)
    candidates = _artist_candidates()
    proposals = []
    for article in mine:
        linked = {str(artist.pk) for artist in article.artists.all()}
        found = artist_links.suggest(article.body, candidates, linked=linked)
        rows = [
            {
                "key": f"{article.pk}:{s.start}:{s.candidate.key}",
                "before": article.body[max(0, s.start - _AROUND) : s.start],
                "mention": s.text,
                "after": article.body[s.end : s.end + _AROUND],
                "tag": s.tag,
                "suggestion": s,
            }
            for s in found
        ]
        proposals.append((article, rows))

    if "apply" not in request.POST:
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Suggest artist links",
            "opts": modeladmin.model._meta,
            "proposals": proposals,
            "not_theirs": not_theirs,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/articles/article/suggest_artist_links.html", context
        )

    accepted = set(request.POST.getlist("suggestion"))
    done, refused = 0, []
    for article, rows in proposals:
        chosen = [row["suggestion"] for row in rows if row["key"] in accepted]
        if not chosen:
            continue
        body = artist_links.apply(article.body, chosen)
        errors = [p for p in services.check_body(body) if p.severity == "error"]
        if errors:
            refused.append(f"{article.headline}: {errors[0]}")
            continue
        article.body = body
        names = ", ".join(s.text for s in chosen)
        with transaction.atomic(), reversion.create_revision():
            article.save()
            reversion.set_user(request.user)
            reversion.set_comment(f"Artist links added: {names}.")
        modeladmin.log_change(request, article, f"Artist links added: {names}.")
        done += 1
    message = f"Added artist links to {done} article(s)."
    if not_theirs:
        message += f" {not_theirs} left as they were: writers change only their own stories."
    modeladmin.message_user(request, message, messages.SUCCESS if done else messages.WARNING)
    for problem in refused:
        modeladmin.message_user(request, f"Not saved: {problem}", messages.ERROR)
    return None
