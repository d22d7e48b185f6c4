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
