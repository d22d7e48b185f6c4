"""Operations on articles that span several models."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from . import rendering, search, shortcodes
from .shortcodes import Shortcode

# Sent by `create_articles` with `articles`, the new articles, once they are written: what
# other apps keep for each saved article is written for them too.
articles_created = Signal()


@dataclass(frozen=True)
class BodyProblem:
    line: int
    column: int
    message: str
    severity: str  # "error" or "warning"

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.message}"


# Unresolved tags of one name past this many are reported without "Did you mean …?".
MAX_SUGGESTED_TAGS = 20
# Problems that refuse a body whose shape would cost the renderer seconds start with this.
CAPPED = "This body has too many"
# markdown-it-py tries every "[" outside a tag as the start of a link, and every run of "*" or
# "_" as emphasis, at 10 to 25 microseconds each on a 2-core server: a 200,000-character body
# of nothing else takes it seconds (bench/bench_body.py). A story uses a few dozen; past these
# counts the body is refused with a message rather than tie a worker up at every save and
# preview.
MAX_BRACKETS = 5_000
MAX_EMPHASIS_RUNS = 20_000
_BRACKET = re.compile(r"(?<!\\)\[")
_EMPHASIS_RUN = re.compile(r"(?<![\\*_])[*_]+")


def shape_problems(body: str, nodes: list | None = None) -> list[BodyProblem]:
    """The body's shapes Markdown would spend seconds on: too many "[" outside tags, or too
    many runs of "*" and "_". Counted in one pass, stopping at the first one past the limit."""
    problems = []
    limits = [
        (
            _BRACKET,
            MAX_BRACKETS,
            "[ brackets outside tags (more than {limit:,}; the first past the limit is here). "
            "Write \\[ for a bracket that starts no link or tag.",
        ),
        (
            _EMPHASIS_RUN,
            MAX_EMPHASIS_RUNS,
            "runs of * and _ (more than {limit:,}; the first past the limit is here). "
            "Write \\* or \\_ for one that marks no emphasis.",
        ),
    ]
    if nodes is None:
        nodes = rendering.parse(body)
    nodes = [node for node in nodes if not isinstance(node, Shortcode)]
    place = None
    for pattern, limit, message in limits:
        seen = 0
        for node in nodes:
            # An escaped tag ([[artist]]) shows one bracket fewer at each end.
            offset = node.start + (len(node.raw) - len(node.text)) // 2
            for match in pattern.finditer(node.text):
                seen += 1
                if seen > limit:
                    place = place or shortcodes.LineIndex(body)
                    line, column = place(offset + match.start())
                    text = f"{CAPPED} {message.format(limit=limit)}"
                    problems.append(BodyProblem(line, column, text, "error"))
                    break
            if seen > limit:
                break
    return problems


def check_body(body: str) -> list[BodyProblem]:
    """Every problem in a body, in source order: syntax first found by the parser, then
    references that resolve to nothing, with the closest existing names suggested, and links
    whose address is not allowed."""
    return check_bodies([body])[0]


def check_bodies(bodies: list[str]) -> list[list[BodyProblem]]:
    """`check_body` of each of several bodies (an import's), with one look-up per tag name for
    them all."""
    parsed = [rendering.parse(body) for body in bodies]
    capped = [shape_problems(body, nodes) for body, nodes in zip(bodies, parsed, strict=True)]
    # The rest of the check would cost what the cap is there to avoid.
    resolved = rendering.resolve(
        node
        for nodes, cap in zip(parsed, capped, strict=True)
        if not cap
        for node in nodes
        if isinstance(node, Shortcode)
    )
    return [
        cap or _problems(body, nodes, resolved)
        for body, nodes, cap in zip(bodies, parsed, capped, strict=True)
    ]


def _problems(body: str, nodes: list, resolved: dict) -> list[BodyProblem]:
    names = rendering.tag_names()
    problems = [
        BodyProblem(p.line, p.column, p.message, p.severity)
        for p in shortcodes.find_problems(body, names)
    ]
    tags = [node for node in nodes if isinstance(node, Shortcode)]
    place = shortcodes.LineIndex(body)
    unresolved: dict[str, list[Shortcode]] = {}
    for node in tags:
        line, column = place(node.start)
        invalid = rendering.REGISTRY[node.name].validate(node)
        if invalid:
            problems.append(BodyProblem(line, column, invalid, "error"))
        elif resolved[id(node)] is None:
            unresolved.setdefault(node.name, []).append(node)
    for name, nodes in unresolved.items():
        # Suggestions compare names, which costs per record: the first few tags get them.
        suggestions = rendering.REGISTRY[name].suggest(nodes[:MAX_SUGGESTED_TAGS])
        suggestions += [[] for _ in nodes[MAX_SUGGESTED_TAGS:]]
        for node, names in zip(nodes, suggestions, strict=True):
            line, column = place(node.start)
            message = f"{node.raw[: node.raw.find(']') + 1]} matches no {node.name}."
            if names:
                message += " Did you mean " + " or ".join(names) + "?"
            problems.append(BodyProblem(line, column, message, "error"))
    problems.extend(
        BodyProblem(line, column, message, "error")
        for line, column, message in rendering.link_problems(body)
    )
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def derived_mentions(body: str) -> dict[str, set[int]]:
    """The primary keys of the artists and projects a body links to, by tag name."""
    return derived_mentions_many([body])[0]


def derived_mentions_many(bodies: list[str]) -> list[dict[str, set[int]]]:
    """`derived_mentions` of each of several bodies, with one look-up per tag name for them
    all."""
    tags = [
        [node for node in rendering.reader_nodes(body) if isinstance(node, Shortcode)]
        for body in bodies
    ]
    resolved = rendering.resolve(node for nodes in tags for node in nodes)
    mentions = []
    for nodes in tags:
        found: dict[str, set[int]] = {"artist": set(), "project": set()}
        for node in nodes:
            obj = resolved[id(node)]
            if obj is not None and node.name in found:
                found[node.name].add(obj.pk)
        mentions.append(found)
    return mentions


def derive_all(*, batch: int = 200) -> int:
    """Derive again what every article keeps from its body (plain text, the artists and
    projects it links to, its search entry), `batch` articles at a time with a few statements
    each, writing only what differs: for a bulk load that wrote articles without saving them.
    The number of articles."""
    from .models import Article

    links = {"artist": Article.artists.field, "project": Article.projects.field}
    last, total = 0, 0
    while True:
        articles = list(
            Article.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "body", "body_text")[:batch]
        )
        if not articles:
            search.optimize_index()  # one segment for the many the batches wrote
            return total
        last, total = articles[-1].pk, total + len(articles)
        ids = [article.pk for article in articles]
        stale_text = []
        for article in articles:
            text = rendering.plain_text(article.body)
            if text != article.body_text:
                article.body_text = text
                stale_text.append(article)
        if stale_text:
            # One plain statement per row: Django's bulk_update builds a CASE of every row,
            # several times slower at this size.
            table = connection.ops.quote_name(Article._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET body_text = %s WHERE id = %s",
                    [(article.body_text, article.pk) for article in stale_text],
                )
        mentions = derived_mentions_many([article.body for article in articles])
        for name, field in links.items():
            found = {pk: linked[name] for pk, linked in zip(ids, mentions, strict=True)}
            through = field.remote_field.through
            source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
            current: dict[int, set[int]] = {pk: set() for pk in ids}
            rows = through.objects.filter(**{f"{source}__in": ids}).values_list(source, target)
            for pk, linked in rows:
                current[pk].add(linked)
            stale = [pk for pk in ids if found[pk] != current[pk]]
            if stale:
                through.objects.filter(**{f"{source}__in": stale}).delete()
                through.objects.bulk_create(
                    through(**{source: pk, target: linked})
                    for pk in stale
                    for linked in sorted(found[pk])
                )
        search.update_vectors(ids)


def sync_mentions(article) -> None:
    """Set the article's `artists` and `projects` to exactly those its body links to."""
    found = derived_mentions(article.body)
    with transaction.atomic():
        article.artists.set(found["artist"])
        article.projects.set(found["project"])
        search.update_vectors([article.pk])


def keep_former_addresses(article, *, before: tuple[str, str, str | None] | None) -> None:
    """After a save of `article`: an address it was published at before a change of slug, and
    its legacy address, lead to it from now on; its current address is taken off whichever
    story kept it before. `before` is the (slug, status, legacy_path) the save replaced, None
    for a new row or one loaded by loaddata."""
    # Django's own reverse: a draft's address is worked out here, and the addresses kept per
    # process (newsroom.links) are those readers can be sent to.
    from django.urls import reverse

    from .models import Article, FormerAddress

    slug_changed = before is None or before[0] != article.slug
    if slug_changed:
        current = reverse("articles:detail", kwargs={"slug": article.slug})
        FormerAddress.objects.filter(path=current).delete()
    if before is not None and slug_changed and before[1] == Article.Status.PUBLISHED:
        article.keep_address(reverse("articles:detail", kwargs={"slug": before[0]}))
    if article.legacy_path and (before is None or before[2] != article.legacy_path):
        article.keep_address(article.legacy_path)


def create_articles(
    articles: list,
    *,
    contributors: list[list],
    tags: list[list],
    addresses: list[list[str]],
    comment: str,
) -> None:
    """Save new articles (unsaved `Article`s, checked already) with what each save would derive,
    in bulk: for each, its bylines (`contributors` in order), its tags (saved `Tag`s), the
    addresses it leads from (each as `Article.former_path` gives it), its body text, mentions
    and search entry, its first revision (with `comment`), the cache purges and what other apps
    keep (`articles_created`). For an import of thousands of stories, where a save each costs
    many times more; in one transaction, so a batch is written whole or not at all."""
    from django.urls import reverse

    from newsroom import tagcache
    from newsroom.apps import clean_text_fields, linked_tags, saved_tags

    from . import revisions, sitemaps
    from .models import Article, Byline, FormerAddress, TaggedArticle

    if not articles:
        return
    # Dated as a save's revision is: as the save begins.
    started = timezone.now()
    for article in articles:
        clean_text_fields(Article, article)
        article.body_text = rendering.plain_text(article.body)
    mentions = derived_mentions_many([article.body for article in articles])
    with transaction.atomic():
        Article.objects.bulk_create(articles)
        bylines = Byline.objects.bulk_create(
            Byline(article=article, contributor=contributor, position=position)
            for article, people in zip(articles, contributors, strict=True)
            for position, contributor in enumerate(people)
        )
        tagged = TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag=tag)
            for article, found in zip(articles, tags, strict=True)
            for tag in found
        )
        links = {"artist": Article.artists, "project": Article.projects}
        for name, descriptor in links.items():
            through = descriptor.through
            source = descriptor.field.m2m_field_name() + "_id"
            target = descriptor.field.m2m_reverse_field_name() + "_id"
            through.objects.bulk_create(
                through(**{source: article.pk, target: pk})
                for article, found in zip(articles, mentions, strict=True)
                for pk in sorted(found[name])
            )
        # A story's own address leads nowhere else (keep_former_addresses).
        current = {reverse("articles:detail", kwargs={"slug": a.slug}) for a in articles}
        FormerAddress.objects.filter(path__in=current).delete()
        kept = {}
        for article, paths in zip(articles, addresses, strict=True):
            for path in paths:
                if path not in current:
                    kept[path] = article
        former = FormerAddress.objects.bulk_create(
            [FormerAddress(path=path, article=article) for path, article in kept.items()],
            update_conflicts=True,
            unique_fields=["path"],
            update_fields=["article"],
        )
        ids = [article.pk for article in articles]
        search.update_vectors(ids)
        followed = [{"bylines": [], "corrections": [], "tagged_items": []} for _ in articles]
        by_pk = {article.pk: related for article, related in zip(articles, followed, strict=True)}
        for byline in bylines:
            by_pk[byline.article_id]["bylines"].append(byline)
        for item in tagged:
            by_pk[item.content_object_id]["tagged_items"].append(item)
        revisions.keep_first_revisions(
            articles, comment=comment, date_created=started, followed=followed
        )
        purged = set()
        for record in [*articles, *bylines, *tagged, *former]:
            purged.update(saved_tags(type(record), record))
        for article, found, labels in zip(articles, mentions, tags, strict=True):
            tag_model = TaggedArticle.tag.field.related_model
            purged.update(linked_tags(TaggedArticle, article, tag_model, [t.pk for t in labels]))
            for name, descriptor in links.items():
                model = descriptor.field.related_model
                purged.update(linked_tags(descriptor.through, article, model, found[name]))
            purged.add(sitemaps.article_page_tag(article.pk))
        tagcache.purge_on_commit(sorted(purged))
        tagcache.purge_on_commit(lambda: Article.objects.filter(pk__in=ids).cache_tags())
        articles_created.send(sender=Article, articles=articles)


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


def rewrite_artist_references(body: str, *, source_pks: set[int], reference: str) -> str:
    """The body with every [artist] tag that resolves to one of `source_pks` referring by
    `reference` (such as 'id="1230523"') instead; everything else, enclosed text included,
    is kept byte for byte."""
    nodes = rendering.parse(body)
    resolved = rendering.resolve(nodes)
    pieces = []
    for node in nodes:
        obj = resolved.get(id(node))
        if isinstance(node, Shortcode) and node.name == "artist" and obj and obj.pk in source_pks:
            if node.content is None:
                end = " /]" if node.explicit_self_closing else "]"
                pieces.append(f"[{node.name} {reference}{end}")
            else:
                pieces.append(f"[{node.name} {reference}]{node.content}[/{node.name}]")
        else:
            pieces.append(node.raw)
    return "".join(pieces)


@transaction.atomic
def merge_artists(*, sources, target) -> int:
    """Fold `sources` into `target`: rewrite the shortcodes that name them, move their credits,
    tour dates, tags and disciplines, then delete them. When the target has no external id (or
    no id on a service of the music web) and exactly one source has, the target takes it over,
    so archive text using that id keeps resolving.
    Returns the number of articles rewritten."""
    from events.models import EventPerformer
    from projects.models import Credit

    from .models import Article

    sources = [artist for artist in sources if artist.pk != target.pk]
    if not sources:
        return 0
    inherited_id = None
    source_ids = [a.external_id for a in sources if a.external_id is not None]
    if target.external_id is None and len(source_ids) == 1:
        inherited_id = source_ids[0]
        reference = f'id="{inherited_id}"'
    elif target.external_id is not None:
        reference = f'id="{target.external_id}"'
    else:
        reference = f'slug="{target.slug}"'

    source_pks = {a.pk for a in sources}
    candidate_ids = set(Article.objects.filter(artists__in=sources).values_list("pk", flat=True))
    # Lock the rows being rewritten so a concurrent admin save cannot resurrect an old id.
    locked = Article.objects.filter(pk__in=candidate_ids).select_for_update()
    rewritten = []
    for article in locked:
        body = rewrite_artist_references(article.body, source_pks=source_pks, reference=reference)
        if body != article.body:
            article.body = body
            rewritten.append(article)
    for credit in Credit.objects.filter(artist__in=sources):
        duplicate = Credit.objects.filter(
            project=credit.project_id, artist=target, role=credit.role
        ).exists()
        if duplicate:
            credit.delete()
        else:
            credit.artist = target
            credit.save(update_fields=["artist"])
    for performance in EventPerformer.objects.filter(artist__in=sources):
        if EventPerformer.objects.filter(event=performance.event_id, artist=target).exists():
            performance.delete()
        else:
            performance.artist = target
            performance.save(update_fields=["artist"])
    # Each id on the music web the target lacks and one source has is taken over too, so a
    # shortcode naming the artist by it ([artist mbid="…"]) keeps resolving.
    from .handlers import ARTIST_ID_ATTRIBUTES

    inherited = {}
    for field in ARTIST_ID_ATTRIBUTES.values():
        values = {getattr(a, field) for a in sources} - {None, ""}
        if getattr(target, field) in (None, "") and len(values) == 1:
            inherited[field] = values.pop()
    if inherited_id is not None:
        inherited["external_id"] = inherited_id
    for artist in sources:
        target.disciplines.add(*artist.disciplines.all())
        target.tags.add(*artist.tags.all())
        artist.delete()
    if inherited:
        for field, value in inherited.items():
            setattr(target, field, value)
        target.save(update_fields=[*inherited, "updated_at"])
    # Saved last: the mentions each save derives must point at the merged artist.
    for article in rewritten:
        article.save(update_fields=["body", "body_text", "updated_at"])
    return len(rewritten)
