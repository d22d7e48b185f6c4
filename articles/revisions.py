"""Revisions of articles (django-reversion): what is kept, comparing two of them, and restoring
one.

Every admin save and every publishing action keeps a revision with its author, time and a short
comment. A revision holds the article's own fields (headline, dek, body, status, time, lead image,
related projects) and follows its bylines, corrections and tags. A story that came from anywhere
else (loaddata, seed, an import, the ORM) gets its first revision, as it stood, before its first
admin edit (`keep_original`).

Restoring brings back a revision's content (`RESTORED`: the words, lead photo, bylines, tags,
related projects and, for a review, the project and score) and nothing else: the story keeps its
status, publication time, corrections and address, so a live story stays live and its public
record of corrections stays whole.
"""

from __future__ import annotations

import difflib
import json
import re

import reversion
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version
from taggit.models import Tag

from images.models import Image
from people.models import Contributor
from projects.models import MediaProject

from .models import Article, Byline, Correction, TaggedArticle

# What an article's revision holds besides the article itself.
FOLLOWED = ("bylines", "corrections", "tagged_items")


def register() -> None:
    # The admin's VersionAdmin registers the article first, following its inlines only; the
    # registration here replaces it so tags are kept too.
    for model in (Article, Byline, Correction, TaggedArticle):
        if reversion.is_registered(model):
            reversion.unregister(model)
    reversion.register(Article, follow=list(FOLLOWED))
    reversion.register(Byline)
    reversion.register(Correction)
    reversion.register(TaggedArticle)


# The article's own fields a comparison shows, by the name a revision keeps them under.
COMPARED_FIELDS = [
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Dek"),
    ("status", "Status"),
    ("published_at", "Publication time"),
    ("source", "Source"),
    ("legacy_path", "Legacy address"),
    ("lead_image_id", "Lead photo"),
    ("related_projects", "Related projects"),
    ("reviewed_project_id", "Reviewed project"),
    ("rating", "Score"),
    ("bylines", "Bylines"),
    ("tags", "Tags"),
    ("corrections", "Corrections"),
]

# What a restore brings back; everything else stays as the story is now.
RESTORED = [
    "headline",
    "dek",
    "body",
    "lead_image_id",
    "bylines",
    "tags",
    "related_projects",
    "reviewed_project_id",
    "rating",
]


def content_of(version) -> dict:
    """The article as `version` keeps it: its own fields, and the bylines, tags and corrections
    kept in the same revision (a revision made by a bulk action holds several articles)."""
    pk = int(version.object_id)
    content = dict(version.field_dict)
    content["related_projects"] = sorted(content.get("related_projects") or [])
    bylines, tags, corrections = [], [], []
    for other in version.revision.version_set.select_related("content_type"):
        model, row = other._model, other.field_dict
        if model is Byline and row.get("article_id") == pk:
            bylines.append(row)
        elif model is TaggedArticle and row.get("content_object_id") == pk:
            tags.append(row)
        elif model is Correction and row.get("article_id") == pk:
            corrections.append(row)
    content["bylines"] = sorted(bylines, key=lambda row: (row["position"], row["id"]))
    content["tags"] = sorted(tags, key=lambda row: row["id"])
    content["corrections"] = sorted(corrections, key=lambda row: (row["noted_at"], row["id"]))
    return content


def content_now(article) -> dict:
    """The article as it is stored now, in the shape of `content_of`."""
    article = Article.objects.get(pk=article.pk)
    content = {field.attname: getattr(article, field.attname) for field in Article._meta.fields}
    content["related_projects"] = sorted(article.related_projects.values_list("pk", flat=True))
    content["bylines"] = list(
        Byline.objects.filter(article=article)
        .order_by("position", "pk")
        .values("id", "article_id", "contributor_id", "position")
    )
    content["tags"] = list(
        TaggedArticle.objects.filter(content_object=article)
        .order_by("pk")
        .values("id", "content_object_id", "tag_id")
    )
    content["corrections"] = list(
        Correction.objects.filter(article=article)
        .order_by("noted_at", "pk")
        .values("id", "article_id", "kind", "text", "noted_at")
    )
    return content


class _Names:
    """Names of the records two contents refer to by id, each kind looked up once."""

    def __init__(self, *contents: dict) -> None:

        def ids(pick):
            return {value for content in contents for value in pick(content) if value is not None}

        self.contributors = Contributor.objects.in_bulk(
            ids(lambda c: [row["contributor_id"] for row in c["bylines"]])
        )
        self.tags = Tag.objects.in_bulk(ids(lambda c: [row["tag_id"] for row in c["tags"]]))
        self.images = Image.objects.in_bulk(ids(lambda c: [c.get("lead_image_id")]))
        self.projects = MediaProject.objects.in_bulk(
            ids(lambda c: [*c["related_projects"], c.get("reviewed_project_id")])
        )

    @staticmethod
    def _name(found, pk, kind):
        record = found.get(pk)
        return str(record) if record is not None else f"{kind} #{pk} (since deleted)"

    def show(self, name: str, content: dict) -> str:
        """One field of `content` as editors read it."""
        value = content.get(name)
        if name == "bylines":
            return ", ".join(
                self._name(self.contributors, row["contributor_id"], "contributor") for row in value
            )
        if name == "tags":
            return ", ".join(sorted(self._name(self.tags, row["tag_id"], "tag") for row in value))
        if name == "corrections":
            return "; ".join(
                f"{Correction.Kind(row['kind']).label} ({_when(row['noted_at'])}): {row['text']}"
                for row in value
            )
        if name == "related_projects":
            return ", ".join(sorted(self._name(self.projects, pk, "project") for pk in value))
        if name == "lead_image_id":
            return "" if value is None else self._name(self.images, value, "photo")
        if name == "reviewed_project_id":
            return "" if value is None else self._name(self.projects, value, "project")
        if name == "status":
            return Article.Status(value).label if value in Article.Status.values else value or ""
        if name == "published_at":
            return _when(value) if value else ""
        return "" if value is None else str(value)


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i:s")


def _comparable(name: str, content: dict):
    value = content.get(name)
    if name == "bylines":
        return [(row["contributor_id"], row["position"]) for row in value]
    if name == "tags":
        return sorted(row["tag_id"] for row in value)
    if name == "corrections":
        return [(row["kind"], row["text"], row["noted_at"]) for row in value]
    return value


def compare_contents(a: dict, b: dict, names=None) -> dict:
    """What changed from content `a` to content `b`: the body word by word, and each of
    `names` (all of COMPARED_FIELDS by default) as editors read it."""
    shown = _Names(a, b)
    fields = []
    for name, label in COMPARED_FIELDS:
        if names is not None and name not in names:
            continue
        changed = _comparable(name, a) != _comparable(name, b)
        before, after = shown.show(name, a), shown.show(name, b)
        fields.append(
            {"name": name, "label": label, "before": before, "after": after, "changed": changed}
        )
    return {
        "body": word_diff(a.get("body", ""), b.get("body", "")),
        "body_changed": a.get("body") != b.get("body"),
        "fields": fields,
    }


def compare(old, new) -> dict:
    """What changed from version `old` to version `new` of one article."""
    return compare_contents(content_of(old), content_of(new))


def restore_preview(article, version) -> dict:
    """What restoring `version` would change in the story as it is now: the content it brings
    back, and what stays as it is."""
    now, then = content_now(article), content_of(version)
    diff = compare_contents(now, then, names=RESTORED)
    diff["changed"] = diff["body_changed"] or any(field["changed"] for field in diff["fields"])
    return diff


@transaction.atomic
def restore(article, version) -> list[str]:
    """Write the content of `version` (`RESTORED`) over the stored article, and leave its
    status, publication time, corrections, slug, source and legacy address as they are.
    `updated_at` is left too, so the restore form's save is checked against edits made since it
    opened like any other. Returns what could not come back, for the editor."""

    then = content_of(version)
    notes = []
    lead = then.get("lead_image_id")
    if lead is not None and not Image.objects.filter(pk=lead).exists():
        notes.append("The revision's lead photo has since been deleted from the library.")
        lead = None
    words = {"headline": then["headline"], "dek": then["dek"], "body": then["body"]}
    stored = Article.objects.filter(pk=article.pk).values(*words).get()
    # The form's save sees the restored words as already stored, so the change readers are
    # told about ("Updated") is noted here.
    revised = {"revised_at": timezone.now()} if stored != words else {}
    # A review's score goes with the project it reviews (a score needs one).
    reviewed, rating = then.get("reviewed_project_id"), then.get("rating")
    if reviewed is not None and not MediaProject.objects.filter(pk=reviewed).exists():
        notes.append("The project the revision reviews has since been deleted.")
        reviewed = rating = None
    Article.objects.filter(pk=article.pk).update(
        **words, lead_image_id=lead, reviewed_project_id=reviewed, rating=rating, **revised
    )
    projects = set(
        MediaProject.objects.filter(pk__in=then["related_projects"]).values_list("pk", flat=True)
    )
    if len(projects) < len(then["related_projects"]):
        notes.append("Some of the revision's related projects have since been deleted.")
    Article.objects.get(pk=article.pk).related_projects.set(projects)
    # Put back with their own ids, so the restore form's rows are the rows its save updates.
    Byline.objects.filter(article=article.pk).delete()
    people = Contributor.objects.in_bulk([row["contributor_id"] for row in then["bylines"]])
    Byline.objects.bulk_create(
        Byline(
            pk=row["id"],
            article_id=article.pk,
            contributor_id=row["contributor_id"],
            position=row["position"],
        )
        for row in then["bylines"]
        if row["contributor_id"] in people
    )
    if len(people) < len({row["contributor_id"] for row in then["bylines"]}):
        notes.append("Some of the revision's bylines name contributors since deleted.")
    TaggedArticle.objects.filter(content_object=article.pk).delete()
    tags = Tag.objects.in_bulk([row["tag_id"] for row in then["tags"]])
    TaggedArticle.objects.bulk_create(
        TaggedArticle(pk=row["id"], content_object_id=article.pk, tag_id=row["tag_id"])
        for row in then["tags"]
        if row["tag_id"] in tags
    )
    if len(tags) < len(then["tags"]):
        notes.append("Some of the revision's tags have since been deleted.")
    return notes


ORIGINAL_COMMENT = "As the story stood before its first edit in the admin."


def keep_first_revisions(articles, *, comment: str, date_created, followed=None) -> None:
    """A revision for each of several new articles, as `reversion.create_revision` would keep
    it around their first save (the article, its bylines, corrections and tags), written with
    one insert of revisions and one of versions for them all. `followed` holds, for each
    article, its bylines, corrections and tags as the caller wrote them (a dict of lists by
    name, with the contributors and tags loaded); without it they are read with one query
    each for them all."""
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import router
    from reversion.models import Revision

    articles = list(articles)
    if not articles:
        return
    # The article's many-to-many fields are part of its version; and what each record's name
    # shows.
    lookups = ["related_projects"]
    if followed is None:
        lookups += [
            models.Prefetch("bylines", queryset=Byline.objects.select_related("contributor")),
            "corrections",
            models.Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag")),
        ]
    models.prefetch_related_objects(articles, *lookups)
    if followed is None:
        followed = [{name: getattr(a, name).all() for name in FOLLOWED} for a in articles]
    revisions = Revision.objects.bulk_create(
        [Revision(date_created=date_created, comment=comment) for _ in articles]
    )
    kept = [
        (revision, obj)
        for article, revision, related in zip(articles, revisions, followed, strict=True)
        for obj in [article, *(obj for name in FOLLOWED for obj in related[name])]
    ]
    rows = serializers.serialize("python", [obj for _, obj in kept])
    content_types = ContentType.objects.get_for_models(*{type(obj) for _, obj in kept})
    versions = [
        Version(
            revision=revision,
            content_type=content_types[type(obj)],
            object_id=str(obj.pk),
            db=router.db_for_write(type(obj), instance=obj),
            format="json",
            serialized_data="[" + json.dumps(row, cls=DjangoJSONEncoder) + "]",
            object_repr=str(obj),
        )
        for (revision, obj), row in zip(kept, rows, strict=True)
    ]
    Version.objects.bulk_create(versions)


def keep_original(article_pk) -> None:
    """Keep the stored article as its first revision when it has none (it came from loaddata,
    seed, seed_bulk, an import or the ORM), dated when it was last saved, so its first admin
    edit does not lose it. Runs outside any other revision, whose save it precedes."""
    import reversion

    if Version.objects.get_for_object_reference(Article, article_pk).exists():
        return
    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return
    with reversion.create_revision():
        reversion.add_to_revision(article)
        reversion.set_comment(ORIGINAL_COMMENT)
        reversion.set_date_created(article.updated_at)


def keep_originals(article_pks) -> None:
    """`keep_original` for each of several articles, finding those without a revision at once."""
    pks = [str(pk) for pk in article_pks]
    kept = set(
        Version.objects.get_for_model(Article)
        .filter(object_id__in=pks)
        .values_list("object_id", flat=True)
    )
    for pk in pks:
        if pk not in kept:
            keep_original(int(pk))


def changes_since(article_pk: int, started_from: str) -> dict | None:
    """What others saved since an editor opened the article at version `started_from` (the
    `updated_at` their form carried): the comparison of that revision with the newest, and who
    saved last. None when the revisions do not tell (an edit made outside the admin)."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(started_from)
    except ValueError:
        return None
    versions = Version.objects.get_for_object_reference(Article, article_pk).select_related(
        "revision__user"
    )
    # A revision is dated when its save begins, just before the row's `updated_at`: the last one
    # dated at or before the version the editor opened is that version's.
    base = versions.filter(revision__date_created__lte=when).order_by("-revision__date_created")
    base = base.first()
    newest = versions.order_by("-revision__date_created").first()
    if base is None or newest is None or base.pk == newest.pk:
        return None
    return {"diff": compare(base, newest), "newest": newest}


_WORDS = re.compile(r"\S+|\s+")


def word_diff(old: str, new: str) -> SafeString:
    """`new` against `old` word by word: removed words in <del>, added ones in <ins>, all text
    escaped. Linear in practice for edits (difflib's autojunk keeps long texts cheap)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))
