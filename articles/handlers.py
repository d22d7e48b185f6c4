"""The shortcode tags article bodies may use: [artist], [project] and [contributor]."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from people.models import Artist, Contributor
from projects.models import MediaProject

from .rendering import TagHandler, register
from .shortcodes import Shortcode

_DIGITS = re.compile(r"^\d{1,18}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def _reference(node: Shortcode, *, numeric: str, slug: str = "slug") -> tuple[str, str] | None:
    """The (attribute, value) a tag refers by: the numeric id first, then the slug."""
    if numeric in node.attrs:
        return numeric, str(node.attrs[numeric]).strip()
    if slug in node.attrs:
        return slug, str(node.attrs[slug]).strip()
    return None


def _validate_reference(node: Shortcode, *, numeric: str) -> str | None:
    ref = _reference(node, numeric=numeric)
    if ref is None:
        example = f'[{node.name} {numeric}="123"]'
        return f"[{node.name}] needs an {numeric} or slug attribute, e.g. {example}."

    attr, value = ref
    if attr == numeric and not _DIGITS.match(value):
        return f'[{node.name}] {attr} must be a number, not "{value}".'
    if attr == "slug" and not _SLUG.match(value):
        return f'[{node.name}] slug "{value}" is not a valid slug.'
    return None


def _batched(
    nodes: Sequence[Shortcode], queryset, *, numeric: str, numeric_field: str
) -> list[Any]:
    ids, slugs = set(), set()
    for node in nodes:
        attr, value = _reference(node, numeric=numeric)
        (ids if attr == numeric else slugs).add(int(value) if attr == numeric else value)
    objects = list(queryset.filter(Q(**{f"{numeric_field}__in": ids}) | Q(slug__in=slugs)))
    by_id = {getattr(obj, numeric_field): obj for obj in objects}
    by_slug = {obj.slug: obj for obj in objects}
    found = []
    for node in nodes:
        attr, value = _reference(node, numeric=numeric)
        found.append(by_id.get(int(value)) if attr == numeric else by_slug.get(value))
    return found


def _close_names(model, node: Shortcode, field: str = "name") -> list[str]:
    wanted = (node.content or "").strip()
    if not wanted:
        return []
    names = list(model.objects.values_list(field, flat=True))
    return difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)


register(
    TagHandler(
        name="artist",
        template="people/includes/artist_mention.html",
        context_name="artist",
        validate=lambda node: _validate_reference(node, numeric="id"),
        lookup=lambda nodes: _batched(
            nodes,
            Artist.objects.only("pk", "name", "slug", "external_id"),
            numeric="id",
            numeric_field="external_id",
        ),
        load=lambda pks: Artist.objects.with_card_data().in_bulk(pks),
        suggest=lambda node: _close_names(Artist, node),
    )
)

register(
    TagHandler(
        name="project",
        template="projects/includes/project_mention.html",
        context_name="project",
        validate=lambda node: _validate_reference(node, numeric="id"),
        lookup=lambda nodes: _batched(
            nodes,
            MediaProject.objects.only("pk", "title", "slug"),
            numeric="id",
            numeric_field="pk",
        ),
        load=lambda pks: MediaProject.objects.with_credits().in_bulk(pks),
        suggest=lambda node: _close_names(MediaProject, node, "title"),
    )
)


def _validate_contributor(node: Shortcode) -> str | None:
    slug = str(node.attrs.get("slug", "")).strip()
    if not slug:
        return '[contributor] needs a slug attribute, e.g. [contributor slug="mtv-news"].'
    if not _SLUG.match(slug):
        return f'[contributor] slug "{slug}" is not a valid slug.'
    return None


def _lookup_contributors(nodes: Sequence[Shortcode]) -> list[Any]:
    slugs = {str(node.attrs["slug"]).strip() for node in nodes}
    by_slug = Contributor.objects.in_bulk(slugs, field_name="slug")
    return [by_slug.get(str(node.attrs["slug"]).strip()) for node in nodes]


register(
    TagHandler(
        name="contributor",
        template="people/includes/contributor_mention.html",
        context_name="contributor",
        validate=_validate_contributor,
        lookup=_lookup_contributors,
        load=lambda pks: Contributor.objects.in_bulk(pks),
        suggest=lambda node: _close_names(Contributor, node),
    )
)
