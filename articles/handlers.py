"""The shortcode tags article bodies may use: [artist], [project], [contributor], [embed],
[image] and [event]."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from events.models import Event
from images.models import Image
from newsroom import identifiers, tagcache
from people.models import Artist, Contributor
from projects.models import MediaProject

from .embeds import embed_problem, parse_embed
from .rendering import TagHandler, known_records, register
from .shortcodes import Shortcode

# ASCII digits only, as the shortcode contract says: "\d" would also accept other scripts' digits.
_DIGITS = re.compile(r"[0-9]{1,18}")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


# What an [artist] tag may name an artist by, besides its external id and slug: its id on a
# service of the music web (newsroom/identifiers.py), as the attribute -> the model field.
ARTIST_ID_ATTRIBUTES = {
    "mbid": "musicbrainz_id",
    "wikidata": "wikidata_id",
    "spotify": "spotify_id",
    "apple": "apple_music_id",
    "discogs": "discogs_id",
    "imdb": "imdb_id",
}


def _reference(
    node: Shortcode, *, numeric: str, others: Sequence[str] = ()
) -> tuple[str, str] | None:
    """The (attribute, value) a tag refers by: the numeric id first, then the other ids in
    their order, then the slug."""
    for attr in (numeric, *others, "slug"):
        if attr in node.attrs:
            return attr, str(node.attrs[attr]).strip()
    return None


def _validate_reference(
    node: Shortcode, *, numeric: str, others: dict[str, str] | None = None
) -> str | None:
    others = others or {}
    ref = _reference(node, numeric=numeric, others=list(others))
    if ref is None:
        example = f'[{node.name} {numeric}="123"]'
        names = ", ".join([numeric, *others]) + " or slug" if others else f"{numeric} or slug"
        return f"[{node.name}] needs an {names} attribute, e.g. {example}."

    attr, value = ref
    if attr == numeric and not _DIGITS.fullmatch(value):
        return f'[{node.name}] {attr} must be a number, not "{value}".'
    if attr == "slug" and not _SLUG.match(value):
        return f'[{node.name}] slug "{value}" is not a valid slug.'
    if attr in others:
        try:
            identifiers.clean_id(others[attr], value, artist=True)
        except ValidationError as error:
            return f'[{node.name}] {attr}="{value[:60]}": {error.messages[0]}'
    return None


def _key(attr: str, value: str, *, numeric: str, others: dict[str, str]) -> Any:
    """A tag's reference as the record's field holds it: a number, a UUID, text."""
    if attr == numeric:
        return int(value)
    if attr in others:
        return identifiers.clean_id(others[attr], value, artist=True)
    return value


def _batched(
    nodes: Sequence[Shortcode],
    queryset,
    *,
    numeric: str,
    numeric_field: str,
    others: dict[str, str] | None = None,
) -> list[Any]:
    """The record each tag refers to by `numeric` (as `numeric_field`), by one of the `others`
    (attribute -> field) or by slug: the records the caller knows already
    (`rendering.knowing`), then one query for the others, if any."""
    others = others or {}
    fields = {numeric: numeric_field, **others, "slug": "slug"}
    known = list(known_records(nodes[0].name).values()) if nodes else []
    by = {attr: {} for attr in fields}

    def note(objects) -> None:
        for obj in objects:
            for attr, field in fields.items():
                value = getattr(obj, field)
                if value not in (None, ""):
                    by[attr][value] = obj

    note(known)
    refs = []
    wanted: dict[str, set] = {attr: set() for attr in fields}
    for node in nodes:
        attr, value = _reference(node, numeric=numeric, others=list(others))
        key = _key(attr, value, numeric=numeric, others=others)
        refs.append((attr, key))
        if key not in by[attr]:
            wanted[attr].add(key)
    query = Q()
    for attr, keys in wanted.items():
        if keys:
            query |= Q(**{f"{fields[attr]}__in": keys})
    if query:
        note(queryset.filter(query))
    found = [by[attr].get(key) for attr, key in refs]
    # A known record was loaded before this look-up: it depends on it all the same.
    tagcache.depend(*(tagcache.tag(obj) for obj in found if obj is not None))
    return found


def _close_matches(model, field: str = "name") -> Callable[[Sequence[Shortcode]], list[list[str]]]:
    """A suggester: for each unresolved tag, up to three existing names closest to what the
    editor wrote (the enclosed text, or the slug), from one query for all the tags."""

    def suggest(nodes: Sequence[Shortcode]) -> list[list[str]]:
        if not nodes:
            return []
        rows = list(model.objects.values_list(field, "slug"))
        name_of_slug = dict((slug, name) for name, slug in rows)
        names = [name for name, _ in rows]
        suggestions = []
        for node in nodes:
            found = []
            wanted = (node.content or "").strip()
            if wanted:
                found = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
            slug = str(node.attrs.get("slug", "")).strip()
            if not found and slug:
                close = difflib.get_close_matches(slug, list(name_of_slug), n=3, cutoff=0.6)
                found = [name_of_slug[match] for match in close]
            suggestions.append(found)
        return suggestions

    return suggest


register(
    TagHandler(
        name="artist",
        template="people/includes/artist_mention.html",
        context_name="artist",
        validate=lambda node: _validate_reference(node, numeric="id", others=ARTIST_ID_ATTRIBUTES),
        lookup=lambda nodes: _batched(
            nodes,
            Artist.objects.only("pk", "name", "slug", "external_id", *identifiers.ID_FIELDS),
            numeric="id",
            numeric_field="external_id",
            others=ARTIST_ID_ATTRIBUTES,
        ),
        load=lambda pks: Artist.objects.with_card_data().in_bulk(pks),
        suggest=_close_matches(Artist),
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
        suggest=_close_matches(MediaProject, "title"),
    )
)


# [image id="12" /] or [image id="12" caption="…" /]: a library photo as a figure. The record
# is the whole row (a picture needs nothing else), looked up in one query for all the tags.


@dataclass(frozen=True)
class BodyImage:
    """A library image as one tag shows it: with the tag's own caption, if it gives one."""

    image: Image
    caption: str | None

    @property
    def pk(self) -> str:
        # Tags showing the same photo with different captions render differently.
        if self.caption is None:
            return str(self.image.pk)
        digest = hashlib.blake2b(self.caption.encode(), digest_size=8).hexdigest()
        return f"{self.image.pk}-{digest}"

    @property
    def title(self) -> str:
        return self.image.alt_text

    @property
    def cache_tag(self) -> str:
        return tagcache.tag(self.image)


def _validate_image(node: Shortcode) -> str | None:
    value = str(node.attrs.get("id", "")).strip()
    if not value:
        return '[image] needs the id of a library image, e.g. [image id="12" /].'
    if not _DIGITS.fullmatch(value):
        return f'[image] id must be a number, not "{value}".'
    return None


def _lookup_images(nodes: Sequence[Shortcode]) -> list[Any]:
    by_id = Image.objects.in_bulk({int(str(node.attrs["id"]).strip()) for node in nodes})
    found = []
    for node in nodes:
        image = by_id.get(int(str(node.attrs["id"]).strip()))
        caption = node.attrs.get("caption")
        found.append(None if image is None else BodyImage(image, caption))
    return found


register(
    TagHandler(
        name="image",
        template="images/includes/figure.html",
        context_name="body_image",
        validate=_validate_image,
        lookup=_lookup_images,
        # The looked-up rows are all a figure shows.
        load=lambda pks: {},
        block=True,
        inline_template="images/includes/inline_picture.html",
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
    # What a link shows, which is all a contributor's mention shows.
    by_slug = Contributor.objects.only("name", "slug").in_bulk(slugs, field_name="slug")
    return [by_slug.get(str(node.attrs["slug"]).strip()) for node in nodes]


register(
    TagHandler(
        name="contributor",
        template="people/includes/contributor_mention.html",
        context_name="contributor",
        validate=_validate_contributor,
        lookup=_lookup_contributors,
        load=lambda pks: {},
        suggest=_close_matches(Contributor),
    )
)


def _validate_embed(node: Shortcode) -> str | None:
    return embed_problem(str(node.attrs.get("url", "")))


# [embed url="https://…" /]: no database behind it; the "look-up" parses each URL.
register(
    TagHandler(
        name="embed",
        template="articles/includes/embed.html",
        context_name="embed",
        validate=_validate_embed,
        lookup=lambda nodes: [parse_embed(str(node.attrs.get("url", ""))) for node in nodes],
        load=lambda pks: {},
        block=True,
        inline_template="articles/includes/embed_link.html",
        feed_template="articles/includes/embed_link.html",
    )
)


# [event id="12" /]: a tour date as a card (when, who, where, tickets), on a line of its own;
# inside running text, its venue and day as a link to its headliner. The events app knows
# nothing of bodies: the tag lives here, with the others.


def _validate_event(node: Shortcode) -> str | None:
    value = str(node.attrs.get("id", "")).strip()
    if not value:
        return '[event] needs the id of a tour date, e.g. [event id="12" /].'
    if not _DIGITS.fullmatch(value):
        return f'[event] id must be a number, not "{value}".'
    return None


def _lookup_events(nodes: Sequence[Shortcode]) -> list[Any]:
    ids = {int(str(node.attrs["id"]).strip()) for node in nodes}
    # The dates the caller knows already (the article page loads them for its structured
    # data), then the others with their line-ups and projects: all a card shows.
    known = known_records("event")
    by_id = {pk: known[pk] for pk in ids if pk in known}
    if len(by_id) < len(ids):
        by_id.update(Event.objects.with_performers().in_bulk(ids - by_id.keys()))
    # A known date was loaded before this look-up: it depends on it all the same.
    tagcache.depend(*(tag for pk in ids if pk in known for tag in tagcache.tags_of(known[pk])))
    return [by_id.get(int(str(node.attrs["id"]).strip())) for node in nodes]


def placed_events(references: Sequence[tuple[str, str, str]]) -> list[int]:
    """The ids of the tour dates a body places, in order (`references`: the body's
    `rendering.cached_references`)."""
    return [
        int(value)
        for tag, attr, value in references
        if tag == "event" and attr == "id" and _DIGITS.fullmatch(value)
    ]


register(
    TagHandler(
        name="event",
        template="events/includes/event_card.html",
        context_name="event",
        validate=_validate_event,
        lookup=_lookup_events,
        load=lambda pks: {},
        block=True,
        inline_template="events/includes/event_link.html",
    )
)
