"""Revisions of articles (django-reversion): what is kept, and comparing two of them.

Every admin save and every publishing action keeps a revision with its author, time and a short
comment. A revision holds the article's own fields (headline, dek, body, status, time, lead image,
related projects) and follows its bylines, corrections and tags.
"""

from __future__ import annotations

import difflib
import re

import reversion
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Byline, Correction, TaggedArticle


def register() -> None:
    # The admin's VersionAdmin registers the article first, following its inlines only; the
    # registration here replaces it so tags are kept too.
    for model in (Article, Byline, Correction, TaggedArticle):
        if reversion.is_registered(model):
            reversion.unregister(model)
    reversion.register(Article, follow=["bylines", "corrections", "tagged_items"])
    reversion.register(Byline)
    reversion.register(Correction)
    reversion.register(TaggedArticle)


COMPARED_FIELDS = [
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Dek"),
    ("status", "Status"),
    ("published_at", "Publication time"),
    ("source", "Source"),
    ("legacy_path", "Legacy address"),
    ("lead_image", "Lead photo"),
    ("related_projects", "Related projects"),
]

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


def _related(version, name):
    """Rows of `name` (bylines, corrections, tags) kept with this revision, as text."""
    rows = []
    for other in version.revision.version_set.all():
        model = other._model
        data = other.field_dict
        if name == "bylines" and model is Byline and data.get("article") == version.object_id_int:
            rows.append((data.get("position", 0), f"contributor #{data.get('contributor')}"))
        elif name == "corrections" and model is Correction:
            rows.append((str(data.get("noted_at")), f"{data.get('kind')}: {data.get('text')}"))
        elif name == "tags" and model is TaggedArticle:
            rows.append((0, f"tag #{data.get('tag')}"))
    return ", ".join(text for _, text in sorted(rows, key=lambda r: str(r[0])))


def changes_since(article_pk: int, started_from: str) -> dict | None:
    """What others saved since an editor opened the article at version `started_from` (the
    `updated_at` their form carried): the comparison of that revision with the newest, and who
    saved last. None when the revisions do not tell (an edit made outside the admin)."""
    from datetime import datetime

    from reversion.models import Version

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


def compare(old, new) -> dict:
    """What changed from version `old` to version `new` of one article."""
    a, b = old.field_dict, new.field_dict
    fields = []
    for name, label in COMPARED_FIELDS:
        before, after = a.get(name), b.get(name)
        if isinstance(before, list | tuple):
            before, after = sorted(before), sorted(after or [])
        fields.append(
            {"label": label, "before": before, "after": after, "changed": before != after}
        )
    for name, label in [("bylines", "Bylines"), ("corrections", "Corrections"), ("tags", "Tags")]:
        before, after = _related(old, name), _related(new, name)
        fields.append(
            {"label": label, "before": before, "after": after, "changed": before != after}
        )
    return {
        "body": word_diff(a.get("body", ""), b.get("body", "")),
        "body_changed": a.get("body") != b.get("body"),
        "fields": fields,
    }
