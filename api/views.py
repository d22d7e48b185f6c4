"""The read API, /api/v1/: published stories, artists, contributors, projects, tags and the
images stories show, as JSON. Read-only and public: no session, no CSRF, nobody signed in;
the rate limit is counted before the page cache (api.throttling), which keeps and purges these
responses as it does pages."""

from __future__ import annotations

import functools
import hashlib
import time as clock
from datetime import UTC, datetime, time

from csp.decorators import csp_update
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from taggit.models import Tag

from articles import rendering
from articles.models import Article, Byline, Correction, TaggedArticle
from images.models import Image
from newsroom import pagecache, tagcache
from people.models import Artist, Contributor
from projects.models import Credit, MediaProject, ProjectRelation

from . import changes, queries, serializers


class Encoded(bytes):
    """A value already written as JSON by `SafeJSONRenderer.encode`: a kept story is sent as
    the bytes it was kept as, with no serializer or encoder running again."""


class SafeJSONRenderer(JSONRenderer):
    """JSON whose text can never be read as markup: <, > and & are written as \\u escapes
    (they only ever occur inside strings), as Django's json_script does. Always compact,
    whatever indent the Accept header asks for: a response is kept and served to every
    client, and the stories in it were encoded when they were kept. `Encoded` values in the
    data (alone, as a value of a dict, or in a list) are written as they are."""

    def get_indent(self, accepted_media_type, renderer_context):
        return None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return self.encode(data)

    def encode(self, data) -> Encoded:
        if isinstance(data, Encoded):
            return data
        if isinstance(data, dict) and any(_holds_encoded(v) for v in data.values()):
            items = (self.encode(str(k)) + b":" + self.encode(v) for k, v in data.items())
            return Encoded(b"{" + b",".join(items) + b"}")
        if _holds_encoded(data):
            return Encoded(b"[" + b",".join(self.encode(v) for v in data) + b"]")
        if data is None:  # which `render` takes for no content
            return Encoded(b"null")
        content = super().render(data)
        return Encoded(
            content.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
        )


def _holds_encoded(value) -> bool:
    return isinstance(value, Encoded) or (
        isinstance(value, list) and any(isinstance(v, Encoded) for v in value)
    )


class Pagination(CursorPagination):
    """Newest first (A–Z for people, projects and tags), `page_size` per page up to
    MAX_PAGE_SIZE; follow `next` for the rest."""

    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-published_at", "-pk")

    def get_page_size(self, request):
        size = super().get_page_size(request)
        # Kept under the size it was taken as (`?page_size=500` is 100: not kept). Cursors are
        # not accepted: any position makes a valid one, so pages past the first are not kept.
        pagecache.accept(request, page_size=size)
        return size


class ByName(Pagination):
    ordering = ("name", "pk")


class ByTitle(Pagination):
    ordering = ("title", "pk")


@functools.cache
def field_names(serializer_class) -> tuple[str, ...]:
    """Every field of a serializer, in order: building its fields costs as much as serializing
    a small record, so a list asks once."""
    return tuple(serializer_class().fields)


class PublicView(generics.GenericAPIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    renderer_classes = (SafeJSONRenderer,)
    throttle_classes = ()
    pagination_class = Pagination
    # What this view's responses show besides the records they load (whose own tags are
    # noted as they load): saving or deleting any record of these kinds purges them.
    list_kinds: tuple = ()
    # Fields a response leaves out unless `?fields=` names them (or is `*`).
    left_out: tuple = ()

    def wanted_fields(self) -> set[str]:
        every = list(field_names(self.get_serializer_class()))
        asked = self.request.query_params.get("fields", "").strip()
        if not asked or asked == "*":
            pagecache.accept(self.request, fields=asked)
            return set(every) - set(() if asked else self.left_out)
        names = {name.strip() for name in asked.split(",") if name.strip()}
        unknown = sorted(names - set(every))
        if unknown:
            raise ValidationError(
                {"fields": f"No such field: {', '.join(unknown)}. Fields: {', '.join(every)}."}
            )
        # Kept when the names come in the order of the field list, each once.
        pagecache.accept(self.request, fields=",".join(name for name in every if name in names))
        return names

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "fields": self.fields}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.fields = self.wanted_fields()
        tagcache.depend(*(tagcache.list_of(model) for model in self.list_kinds))


FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    str,
    description=(
        "Comma-separated fields to return, e.g. headline,url,published_at, or * for every field "
        "(default: every field, but for a list of stories body, body_html and mentions)."
    ),
)
PAGE_SIZE_PARAMETER = OpenApiParameter(
    "page_size", int, description="Items per page: 20 unless given, at most 100."
)


def _time(request, name: str):
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    # A "+" in a query string arrives as a space.
    value = value.strip().replace(" ", "+")
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = None if day is None else datetime.combine(day, time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            {name: "Give a time in ISO 8601, such as 2026-01-31T12:00:00Z, or a date (2026-01-31)."}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    # Kept when written in UTC to the second or finer, such as 2026-01-31T12:00:00Z.
    pagecache.accept(request, **{name: parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")})
    return parsed


ARTICLE_PARAMETERS = [
    FIELDS_PARAMETER,
    PAGE_SIZE_PARAMETER,
    OpenApiParameter("artist", str, description="Stories naming the artist with this slug."),
    OpenApiParameter("project", str, description="Stories about or naming the project (slug)."),
    OpenApiParameter(
        "contributor", str, description="Stories in this contributor's byline (slug)."
    ),
    OpenApiParameter("tag", str, description="Stories with this tag (slug)."),
    OpenApiParameter(
        "published_after", OpenApiTypes.DATETIME, description="Published at or after this time."
    ),
    OpenApiParameter(
        "published_before", OpenApiTypes.DATETIME, description="Published before this time."
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description=(
            "Stories that went live or changed after this time: their own fields, bylines, "
            "tags, corrections, lead photo, or a record they link to. What stopped being "
            "public is listed at /api/v1/gone/."
        ),
    ),
]


# Each story's representation (every field) is kept in the shared cache until what it shows
# changes, as teasers are (articles.teasers): a list loads only the stories not kept.
REPRESENTATION_SECONDS = 60 * 60 * 24 * 7


def _representation_key(pk: int, base: str) -> str:
    fields = ",".join(field_names(serializers.ArticleSerializer))
    digest = hashlib.blake2b(f"{fields}|{base}".encode(), digest_size=6).hexdigest()
    return f"api:article:2:{tagcache.schema()}:{digest}:{pk}"


# The first page of a list with given parameters, kept whole (see `ArticleList.list`).
LIST_SECONDS = 60 * 60 * 24


def _list_key(request) -> str | None:
    if "cursor" in request.query_params:
        return None
    page = pagecache.page_key(request._request)  # the address with every parameter
    return None if page is None else f"api:articles:1:{tagcache.schema()}:{page}"


@functools.cache
def _encoded_name(name: str) -> bytes:
    return SafeJSONRenderer().encode(name) + b":"


class ArticleMixin:
    serializer_class = serializers.ArticleSerializer
    list_kinds = (Article, Byline, Correction, TaggedArticle)

    def represent(self, pks: list[int]) -> list[Encoded]:
        """The representations of the stories `pks`, in that order, with the fields asked for,
        as JSON. Those not kept are loaded (with every field) in a fixed number of queries and
        kept, each field as its JSON, until the story, its bylines, tags, corrections, photo or
        a record it names changes; a story no longer published since its id was read is left
        out."""
        base = self.request.build_absolute_uri("/")
        keys = {pk: _representation_key(pk, base) for pk in pks}
        found = tagcache.fetch_many(keys.values())
        missing = [pk for pk in pks if keys[pk] not in found]
        if missing:
            started = clock.time_ns()
            outer = tagcache.current()
            if outer is not None:  # the request being recorded may have loaded them before now
                started = min(started, outer.started)
            every = set(field_names(self.get_serializer_class()))
            stories = list(queries.articles(every).filter(pk__in=missing))
            queries.complete(stories, every, base)
            serializer = self.get_serializer_class()(
                context={**self.get_serializer_context(), "fields": every}
            )
            renderer = SafeJSONRenderer()
            fresh = {}
            for story in stories:
                with tagcache.recording() as rec:
                    # Found again (kept by `complete`): passes on the tags of what it shows.
                    rendering.cached_feed_bodies([story.body])
                    data = {
                        name: bytes(renderer.encode(value))
                        for name, value in serializer.to_representation(story).items()
                    }
                rec.started = started
                rec.tags |= tagcache.tags_of(story) | {tagcache.about(story)}
                rec.tags |= {tagcache.tag(c) for c in story.api_mentions["contributors"]}
                found[keys[story.pk]] = fresh[keys[story.pk]] = (data, rec)
            tagcache.store_many(fresh, REPRESENTATION_SECONDS)
            for key, (data, _) in fresh.items():
                found[key] = data
        order = [name for name in field_names(self.get_serializer_class()) if name in self.fields]
        return [
            Encoded(b"{" + b",".join(_encoded_name(n) + found[keys[pk]][n] for n in order) + b"}")
            for pk in pks
            if keys[pk] in found
        ]


@extend_schema(
    parameters=ARTICLE_PARAMETERS,
    summary="Published stories, newest first",
    description=(
        "Each story without `body`, `body_html` and `mentions` unless `fields` names them (or "
        "is `*`): a list is for finding stories, and those three make a page of 20 fifteen "
        "times the size. A story's own address gives every field."
    ),
)
class ArticleList(ArticleMixin, PublicView, generics.ListAPIView):
    left_out = ("body", "body_html", "mentions")

    def get_queryset(self):
        params = self.request.query_params
        # Only what the page's order and cursor read: the rest comes from `represent`.
        stories = (
            Article.objects.published().only("pk", "published_at").order_by("-published_at", "-pk")
        )
        subjects = {
            "artist": (Artist, Article.artists.through.objects, "artist_id", "article_id"),
            "contributor": (Contributor, Byline.objects, "contributor_id", "article_id"),
            "tag": (Tag, TaggedArticle.objects, "tag_id", "content_object_id"),
            "project": (
                MediaProject,
                Article.projects.through.objects,
                "mediaproject_id",
                "article_id",
            ),
        }
        for name, (model, links, column, story) in subjects.items():
            slug = params.get(name)
            if not slug:
                continue
            pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if pk is None:
                return stories.none()
            pagecache.accept(self.request, **{name: slug})
            about = Q(pk__in=links.filter(**{column: pk}).values(story))
            if model is MediaProject:
                related = Article.related_projects.through.objects.filter(mediaproject_id=pk)
                about |= Q(pk__in=related.values("article_id"))
            stories = stories.filter(about)
        after = _time(self.request, "published_after")
        if after is not None:
            stories = stories.filter(published_at__gte=after)
        before = _time(self.request, "published_before")
        if before is not None:
            stories = stories.filter(published_at__lt=before)
        since = _time(self.request, "updated_since")
        if since is not None:
            tagcache.depend(changes.CHANGES_TAG)
            from .models import ArticleChange

            changed = ArticleChange.objects.filter(changed_at__gt=since).values("article_id")
            stories = stories.filter(
                Q(pk__in=changed) | Q(updated_at__gt=since) | Q(published_at__gt=since)
            )
        return stories

    def list(self, request, *args, **kwargs):
        # A first page is kept whole, as JSON, under the address it was asked for, and sent
        # as it is until a story it lists or shows, or any story, byline, correction or tag
        # link, changes, or a scheduled story goes live: it is purged as the home page's
        # list is. It is kept only with parameters the view accepted (as the page cache
        # keeps pages); cursor pages are never kept.
        key = _list_key(request)
        if key is not None:
            kept = tagcache.fetch(key)
            if kept is not None:
                return Response(Encoded(kept))
        outer = tagcache.current()
        with tagcache.recording() as rec:
            if outer is not None:  # dated from the start of the request, which read the filters
                rec.started = min(rec.started, outer.started)
            tagcache.depend(*(tagcache.list_of(model) for model in self.list_kinds))
            page = self.paginate_queryset(self.get_queryset())
            response = self.get_paginated_response(self.represent([story.pk for story in page]))
            content = SafeJSONRenderer().encode(response.data)
        if key is not None and pagecache.params_accepted(request._request):
            tagcache.store(key, bytes(content), rec, LIST_SECONDS)
        return Response(content)


@extend_schema(parameters=[FIELDS_PARAMETER], summary="A published story")
class ArticleDetail(ArticleMixin, PublicView, generics.RetrieveAPIView):
    list_kinds = ()

    def retrieve(self, request, *args, **kwargs):
        published = Article.objects.published().filter(slug=self.kwargs["slug"])
        pk = published.values_list("pk", flat=True).first()
        found = [] if pk is None else self.represent([pk])
        if not found:
            raise NotFound("No published story has this address.")
        # Its bylines, tags and corrections purge `about` it.
        tagcache.depend(tagcache.about_key("articles.article", pk))
        return Response(found[0])


@extend_schema(parameters=[FIELDS_PARAMETER, PAGE_SIZE_PARAMETER], summary="Artists, A–Z")
class ArtistList(PublicView, generics.ListAPIView):
    serializer_class = serializers.ArtistSerializer
    pagination_class = ByName
    list_kinds = (Artist, Credit, Article)

    def get_queryset(self):
        return queries.artists()


class DetailBySlug(PublicView, generics.RetrieveAPIView):
    lookup_field = "slug"
    not_found = "Nothing has this address."

    def get_object(self):
        found = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if found is None:
            raise NotFound(self.not_found)
        return found


@extend_schema(parameters=[FIELDS_PARAMETER], summary="An artist")
class ArtistDetail(DetailBySlug):
    serializer_class = serializers.ArtistSerializer
    list_kinds = (Credit, Article)
    not_found = "No artist has this address."

    def get_queryset(self):
        return queries.artists()


@extend_schema(parameters=[FIELDS_PARAMETER, PAGE_SIZE_PARAMETER], summary="Contributors, A–Z")
class ContributorList(PublicView, generics.ListAPIView):
    serializer_class = serializers.ContributorSerializer
    pagination_class = ByName
    list_kinds = (Contributor, Byline, Article)

    def get_queryset(self):
        return queries.contributors()


@extend_schema(parameters=[FIELDS_PARAMETER], summary="A contributor")
class ContributorDetail(DetailBySlug):
    serializer_class = serializers.ContributorSerializer
    list_kinds = (Byline, Article)
    not_found = "No contributor has this address."

    def get_queryset(self):
        return queries.contributors()


PROJECT_LIST_PARAMETERS = [
    FIELDS_PARAMETER,
    PAGE_SIZE_PARAMETER,
    OpenApiParameter("kind", str, enum=MediaProject.Kind.values, description="One kind only."),
]


@extend_schema(parameters=PROJECT_LIST_PARAMETERS, summary="Projects, A–Z by title")
class ProjectList(PublicView, generics.ListAPIView):
    serializer_class = serializers.ProjectSerializer
    pagination_class = ByTitle
    list_kinds = (MediaProject, Credit, ProjectRelation, Article)

    def get_queryset(self):
        projects = queries.projects()
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in MediaProject.Kind.values:
                raise ValidationError({"kind": f"Kinds: {', '.join(MediaProject.Kind.values)}."})
            projects = projects.filter(kind=kind)
        return projects


@extend_schema(parameters=[FIELDS_PARAMETER], summary="A project")
class ProjectDetail(DetailBySlug):
    serializer_class = serializers.ProjectSerializer
    list_kinds = (Credit, ProjectRelation, Article)
    not_found = "No project has this address."

    def get_queryset(self):
        return queries.projects()


@extend_schema(parameters=[FIELDS_PARAMETER, PAGE_SIZE_PARAMETER], summary="Tags, A–Z")
class TagList(PublicView, generics.ListAPIView):
    serializer_class = serializers.TagSerializer
    pagination_class = ByName
    list_kinds = (Tag, TaggedArticle, Article)

    def get_queryset(self):
        return queries.tags()


@extend_schema(parameters=[FIELDS_PARAMETER], summary="A tag that published stories carry")
class TagDetail(DetailBySlug):
    serializer_class = serializers.TagSerializer
    list_kinds = (TaggedArticle, Article)
    not_found = "No published story has this tag."

    def get_queryset(self):
        return queries.tags()


@extend_schema(summary="A photo a published story shows (as its lead or in its body)")
class ImageDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = serializers.ImageSerializer
    list_kinds = (Article,)

    def get_object(self):
        image = Image.objects.filter(pk=self.kwargs["pk"]).first()
        if image is None or not _shown(image):
            raise NotFound("No published story shows this image.")
        return image


def _shown(image: Image) -> bool:
    published = Article.objects.published()
    if published.filter(lead_image=image).exists():
        return True
    candidates = list(
        published.filter(body__contains="[image")
        .filter(body__contains=str(image.pk))
        .values_list("body", flat=True)[:50]
    )
    wanted = ("image", "id", str(image.pk))
    return any(wanted in refs for refs in rendering.cached_references_many(candidates))


GONE_PARAMETERS = [
    PAGE_SIZE_PARAMETER,
    OpenApiParameter(
        "kind",
        str,
        enum=["article", "artist", "contributor", "project"],
        description="What kind of record (default: article).",
    ),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only what went after this time."),
]


class ByGoneAt(Pagination):
    ordering = ("-gone_at", "-pk")


@extend_schema(parameters=GONE_PARAMETERS, summary="Addresses that are no longer public")
class GoneList(PublicView, generics.ListAPIView):
    """Stories (or artists, contributors, projects) that readers could see and no longer can
    at that address: deleted, unpublished (a draft again, or rescheduled) or moved to a new
    slug (the record itself is then listed again under its new one). Partners who sync with
    `updated_since` read this list with the same `since` to drop what went."""

    serializer_class = serializers.TombstoneSerializer
    pagination_class = ByGoneAt

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        tagcache.depend(changes.CHANGES_TAG, tagcache.list_of(Article))

    def wanted_fields(self):
        return set(field_names(self.get_serializer_class()))

    def get_queryset(self):
        kind = self.request.query_params.get("kind") or "article"
        if kind not in changes.Tombstone.Kind.values:
            raise ValidationError({"kind": f"Kinds: {', '.join(changes.Tombstone.Kind.values)}."})
        pagecache.accept(self.request, kind=kind)
        return changes.gone(kind, _time(self.request, "since"))


# Swagger UI's stylesheet draws its icons as data: images; the page may show those, and
# nothing else the site's policy refuses.
docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
)


def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "No such address in the API."}, status=404)
