from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import Resolver404, resolve

from newsroom.admin_widgets import PreloadedAutocompleteForm
from newsroom.forms import CleanTextModelForm
from newsroom.text import clean_lines

from . import revisions, roles, services
from .models import Article, FormerAddress, normalize_address


def body_length_validator():
    """The body's length limit, one message for the form and the live preview."""
    return MaxLengthValidator(
        settings.MAX_BODY_CHARS,
        message=(
            "The body has %(show_value)d characters; an article can have at most "
            "%(limit_value)d. Shorten it or split the story in two."
        ),
    )


class BodyField(forms.CharField):
    """The body as it will be stored (`clean_lines`: a browser sends each line break as CR LF,
    stored as one newline), so its length, and the line and column of its problems, are those
    of the text the editor typed and readers get."""

    def to_python(self, value):
        return clean_lines(super().to_python(value))


class ArticleAdminForm(CleanTextModelForm):
    # The `updated_at` the editor started from: a save over someone else's newer edit is refused
    # instead of silently overwriting it.
    edited_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "status",
            "published_at",
            "source",
            "legacy_path",
            "tags",
            "related_projects",
            "lead_image",
            "reviewed_project",
            "rating",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField"})}
        field_classes = {"body": BodyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["edited_version"].initial = self.instance.updated_at.isoformat()
        self.body_warnings = []
        # Checked before anything parses the body, and well before the request size limit; no
        # maxlength on the textarea, which would cut a paste short without a word. (A read-only
        # view of the form has no body field.)
        body = self.fields.get("body")
        if body is not None:
            body.validators.append(body_length_validator())
        # The date and the time each need a name of their own for screen readers: the
        # visible "Date:" and "Time:" are plain text beside them.
        published_at = self.fields.get("published_at")
        if published_at is not None and hasattr(published_at.widget, "widgets"):
            for widget, name in zip(published_at.widget.widgets, ("date", "time"), strict=False):
                widget.attrs.setdefault("aria-label", f"Publication {name}")
        # Writers are offered only the states they may save; a posted "published" still reaches
        # clean_status, which says why it is refused.
        status = self.fields.get("status")
        if status is not None and not self.can_publish:
            status.widget.choices = [
                (value, label)
                for value, label in status.choices
                if value != Article.Status.PUBLISHED
                or self.instance.status == Article.Status.PUBLISHED
            ]

    def clean_body(self):
        body = self.cleaned_data["body"]
        problems = services.check_body(body)
        errors = [p for p in problems if p.severity == "error"]
        self.body_warnings = [p for p in problems if p.severity != "error"]
        if errors:
            raise ValidationError([str(p) for p in errors])
        return body

    # Set by ArticleAdmin.get_form: whether this editor may publish (the publish permission).
    can_publish = True
    # What others changed since this editor opened the article, when their save is refused.
    conflict = None

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Article.Status.PUBLISHED and not self.can_publish:
            was_published = self.instance.pk and self.instance.status == Article.Status.PUBLISHED
            if not was_published:
                raise ValidationError(
                    "Only editors can publish or schedule an article: save it as a draft or "
                    "submit it for review."
                )
        return status

    def clean(self):
        cleaned = super().clean()
        started_from = self.cleaned_data.get("edited_version")
        if self.instance.pk and started_from:
            # Admin saves run in a transaction: the row lock taken here is held until this save
            # commits, so a second editor saving at the same moment waits and then sees the
            # newer version instead of overwriting it.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if current and current.isoformat() != started_from:
                # Shown above the form (templates/admin/articles/article/change_form.html),
                # while every field keeps what this editor typed.
                self.conflict = revisions.changes_since(self.instance.pk, started_from)
                raise ValidationError(
                    "Someone else saved this article after you opened it. What they changed is "
                    "shown below, and everything you typed is still in the form: copy your "
                    "changes, reload the page, and apply them again."
                )
        return cleaned


class FormerAddressForm(PreloadedAutocompleteForm):
    """An address that leads to a story, as `Article.keep_address` keeps it; the story must be
    one the editor may change (`roles.may_change_article`). `user` is set by the admin."""

    user = None

    class Meta:
        model = FormerAddress
        fields = ["path", "article"]

    def clean_path(self):
        path = normalize_address(self.cleaned_data["path"])
        if len(path) > FormerAddress.MAX_LENGTH:
            raise ValidationError(
                f"An address is at most {FormerAddress.MAX_LENGTH} characters; this one has "
                f"{len(path)} as it is kept."
            )
        story = story_at(path)
        if story is not None:
            raise ValidationError(
                f"{path} is the current address of the story “{story.headline}”: readers find "
                "the story there, so it cannot lead elsewhere."
            )
        taken = FormerAddress.objects.filter(path=path).exclude(pk=self.instance.pk)
        taken = taken.select_related("article").only("article__headline").first()
        if taken is not None:
            raise ValidationError(
                f"{path} already leads to the story “{taken.article.headline}”. An address "
                "leads to one story: remove it there first."
            )
        return path

    def clean_article(self):
        article = self.cleaned_data["article"]
        if self.user is not None and not roles.may_change_article(self.user, article):
            raise ValidationError(
                "You may not change this story, so you cannot give it former addresses."
            )
        return article


def story_at(path: str) -> Article | None:
    """The story whose current address `path` is (its query string aside), if any."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.view_name != "articles:detail":
        return None
    return Article.objects.filter(slug=match.kwargs["slug"]).only("headline").first()
