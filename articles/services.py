"""Operations on articles that span several models."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from . import rendering, shortcodes
from .shortcodes import Shortcode


@dataclass(frozen=True)
class BodyProblem:
    line: int
    column: int
    message: str
    severity: str  # "error" or "warning"

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.message}"


def check_body(body: str) -> list[BodyProblem]:
    """Every problem in a body, in source order: syntax first found by the parser, then
    references that resolve to nothing, with the closest existing names suggested."""
    names = rendering.tag_names()
    problems = [
        BodyProblem(p.line, p.column, p.message, p.severity)
        for p in shortcodes.find_problems(body, names)
    ]
    nodes = rendering.parse(body)
    tags = [node for node in nodes if isinstance(node, Shortcode)]
    resolved = rendering.resolve(tags)
    for node in tags:
        line, column = shortcodes.line_col(body, node.start)
        handler = rendering.REGISTRY[node.name]
        invalid = handler.validate(node)
        if invalid:
            problems.append(BodyProblem(line, column, invalid, "error"))
        elif resolved[id(node)] is None:
            message = f"{node.raw[: node.raw.find(']') + 1]} matches no {node.name}."
            suggestions = handler.suggest(node)
            if suggestions:
                message += " Did you mean " + " or ".join(suggestions) + "?"
            problems.append(BodyProblem(line, column, message, "error"))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def sync_mentions(article) -> None:
    """Set the article's `artists` and `projects` to exactly those its body links to."""
    nodes = rendering.parse(article.body)
    tags = [node for node in nodes if isinstance(node, Shortcode)]
    resolved = rendering.resolve(tags)
    found = {"artist": set(), "project": set()}
    for node in tags:
        obj = resolved[id(node)]
        if obj is not None and node.name in found:
            found[node.name].add(obj.pk)
    with transaction.atomic():
        article.artists.set(found["artist"])
        article.projects.set(found["project"])


def resync_articles_containing(tag: str, needles: list[str]) -> None:
    """Re-derive mentions for the articles whose body has a `tag` shortcode and any of
    `needles` (an id or slug): a cheap superset of the articles that may refer to it."""
    from django.db.models import Q

    from .models import Article

    query = Q()
    for needle in needles:
        if needle:
            query |= Q(body__contains=needle)
    if not query:
        return
    articles = Article.objects.filter(query, body__contains=f"[{tag}").only("pk", "body")
    for article in articles:
        sync_mentions(article)


def rewrite_artist_references(body: str, *, old_ids: set[str], old_slugs: set[str], target) -> str:
    """The body with every [artist] tag that points at `old_ids`/`old_slugs` pointing at
    `target` instead; everything else, enclosed text included, is kept byte for byte."""
    if target.external_id is not None:
        reference = f'id="{target.external_id}"'
    else:
        reference = f'slug="{target.slug}"'
    pieces = []
    for node in rendering.parse(body):
        if (
            isinstance(node, Shortcode)
            and node.name == "artist"
            and (
                str(node.attrs.get("id", "")).strip() in old_ids
                or str(node.attrs.get("slug", "")).strip() in old_slugs
            )
        ):
            closing = f"[/{node.name}]"
            if node.content is None:
                tail = ""
                opening_end = " /]" if node.explicit_self_closing else "]"
            else:
                tail = node.content + closing
                opening_end = "]"
            pieces.append(f"[{node.name} {reference}{opening_end}{tail}")
        else:
            pieces.append(node.raw)
    return "".join(pieces)


@transaction.atomic
def merge_artists(*, sources, target) -> int:
    """Fold `sources` into `target`: rewrite the shortcodes that name them, move their credits,
    tags and disciplines, then delete them. Returns the number of articles rewritten."""
    from projects.models import Credit

    from .models import Article

    sources = [artist for artist in sources if artist.pk != target.pk]
    if not sources:
        return 0
    old_ids = {str(a.external_id) for a in sources if a.external_id is not None}
    old_slugs = {a.slug for a in sources}
    rewritten = 0
    candidate_ids = set(Article.objects.filter(artists__in=sources).values_list("pk", flat=True))
    # Lock the rows being rewritten so a concurrent admin save cannot resurrect an old id.
    for article in Article.objects.filter(pk__in=candidate_ids).select_for_update():
        body = rewrite_artist_references(
            article.body, old_ids=old_ids, old_slugs=old_slugs, target=target
        )
        if body != article.body:
            article.body = body
            article.save(update_fields=["body", "updated_at"])
            rewritten += 1
    for credit in Credit.objects.filter(artist__in=sources):
        duplicate = Credit.objects.filter(
            project=credit.project_id, artist=target, role=credit.role
        ).exists()
        if duplicate:
            credit.delete()
        else:
            credit.artist = target
            credit.save(update_fields=["artist"])
    for artist in sources:
        target.disciplines.add(*artist.disciplines.all())
        target.tags.add(*artist.tags.all())
        artist.delete()
    return rewritten
