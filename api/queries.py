"""The records each resource shows, loaded in a fixed number of queries whatever the page size
and the number of their relations, from `published()` alone."""

from __future__ import annotations

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from articles import rendering
from articles.models import Article, Byline
from people.models import Artist, Contributor
from projects.models import Credit, MediaProject, ProjectRelation

from .models import ArticleChange

LINKED_PROJECT_FIELDS = ("title", "slug", "kind")


def count_of(stories) -> Coalesce:
    """The number of `stories` (a queryset with OuterRef filters), as a subquery."""
    counted = (
        stories.order_by()
        .values(one=Value(1, output_field=IntegerField()))
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def articles(fields: set[str]):
    """Published articles with what `fields` need loaded alongside, newest first."""
    queryset = Article.objects.published().annotate(
        api_updated_at=Greatest(
            "updated_at",
            Coalesce(
                Subquery(
                    ArticleChange.objects.filter(article_id=OuterRef("pk")).values("changed_at")[:1]
                ),
                "updated_at",
            ),
        )
    )
    if not fields & {"body", "body_html", "mentions"}:
        queryset = queryset.defer("body")
    queryset = queryset.defer("body_text", "preview_key")
    prefetches = []
    if "lead_image" in fields:
        queryset = queryset.select_related("lead_image")
    if "bylines" in fields:
        prefetches.append(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("contributor")
                .only("article", "position", "contributor__name", "contributor__slug")
                .order_by("position", "pk"),
            )
        )
    if "tags" in fields:
        prefetches.append("tags")
    if fields & {"corrections", "revised_at"}:
        prefetches.append("corrections")
    if "related_projects" in fields:
        prefetches.append(
            Prefetch("related_projects", queryset=MediaProject.objects.only(*LINKED_PROJECT_FIELDS))
        )
    if "mentions" in fields:
        prefetches += [
            Prefetch(
                "artists",
                queryset=Artist.objects.only(
                    "name", "slug", "external_id", "musicbrainz_id", "wikidata_id"
                ),
            ),
            Prefetch("projects", queryset=MediaProject.objects.only(*LINKED_PROJECT_FIELDS)),
        ]
    return queryset.prefetch_related(*prefetches).order_by("-published_at", "-pk")


def complete(stories: list[Article], fields: set[str], base: str) -> None:
    """Give each story what is computed rather than loaded: its body for other sites, and the
    records its body names in the order readers meet them."""
    if not stories:
        return
    if "body_html" in fields:
        bodies = rendering.cached_portable_bodies([story.body for story in stories], base)
        for story, html in zip(stories, bodies, strict=True):
            story.api_body_html = html
    if "mentions" in fields:
        refs = rendering.cached_references_many([story.body for story in stories])
        slugs = {value for found in refs for tag, attr, value in found if tag == "contributor"}
        contributors = (
            Contributor.objects.only("name", "slug").in_bulk(slugs, field_name="slug")
            if slugs
            else {}
        )
        for story, found in zip(stories, refs, strict=True):
            story.api_mentions = _mentions(story, found, contributors)


def _mentions(story: Article, refs, contributors) -> dict[str, list]:
    order = {(tag, attr, value): n for n, (tag, attr, value) in enumerate(refs)}
    last = len(order)

    def place(tag, record, numeric):
        keys = [(tag, "slug", record.slug), (tag, "id", str(numeric))]
        return min((order[key] for key in keys if key in order), default=last)

    artists = sorted(story.artists.all(), key=lambda a: place("artist", a, a.external_id))
    projects = sorted(story.projects.all(), key=lambda p: place("project", p, p.pk))
    named = []
    for tag, _, value in refs:
        contributor = contributors.get(value) if tag == "contributor" else None
        if contributor is not None and contributor not in named:
            named.append(contributor)
    return {"artists": artists, "projects": projects, "contributors": named}


def artists():
    published = Article.objects.published()
    credits = Credit.objects.select_related("project").only(
        "artist", "role", "order", "is_known_for", *(f"project__{f}" for f in LINKED_PROJECT_FIELDS)
    )
    return (
        Artist.objects.annotate(story_count=count_of(published.filter(artists=OuterRef("pk"))))
        .prefetch_related(
            "disciplines",
            Prefetch(
                "credits",
                queryset=credits.order_by(
                    F("project__release_year").asc(nulls_last=True),
                    F("project__release_date").asc(nulls_last=True),
                    "project__title",
                    "pk",
                ),
                to_attr="api_credits",
            ),
        )
        .order_by("name", "pk")
    )


def contributors():
    published = Article.objects.published()
    return (
        Contributor.objects.defer("user")
        .annotate(story_count=count_of(published.filter(bylines__contributor=OuterRef("pk"))))
        .order_by("name", "pk")
    )


def projects():
    published = Article.objects.published()
    about = published.filter(Q(related_projects=OuterRef("pk")) | Q(projects=OuterRef("pk")))
    return (
        MediaProject.objects.annotate(story_count=count_of(about))
        .prefetch_related(
            Prefetch(
                "credits",
                queryset=Credit.objects.select_related("artist")
                .only("project", "role", "order", "artist__name", "artist__slug")
                .order_by("order", "pk"),
            ),
            Prefetch(
                "outgoing_relations",
                queryset=ProjectRelation.objects.select_related("target").order_by(
                    "relation", "target__title", "pk"
                ),
            ),
            Prefetch(
                "incoming_relations",
                queryset=ProjectRelation.objects.select_related("source").order_by(
                    "relation", F("position").asc(nulls_last=True), "source__title", "pk"
                ),
            ),
        )
        .order_by("title", "pk")
    )


def tags():
    published = Article.objects.published()
    return (
        published.tags_in_use()
        .annotate(story_count=count_of(published.filter(tagged_items__tag=OuterRef("pk"))))
        .order_by("name", "pk")
    )
