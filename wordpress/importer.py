"""Moving a WordPress site in: posts, photos, authors, categories, tags and old addresses.

Each export is read twice, as a stream (`wxr.read`): the first pass imports the attachments as
library photos and notes every post's id, type and address (so a body can link to a post that
comes later in the file); the second converts and saves the posts, a batch of them
(`BATCH_SIZE`) in each transaction, so a crash leaves no half-imported post and a re-run
finishes the job.

A new post gets the article's checks (the model's field checks and the body check, for the
whole batch at once) and is saved with the others of its batch by
`articles.services.create_articles`, which writes what a save derives (bylines, tags, mentions,
search entry, former addresses, first revision) in bulk. A post the checks refuse, a post
imported before whose export record changed, and every post of a batch the database refused
(a slug taken meanwhile) go through the admin's own form one at a time (`ArticleAdminForm`),
which says why it refuses one. Records remember the WordPress site and id they came from
(`ImportedPost`, `ImportedAuthor`) and a digest of the export's record, so a second run of the
same export changes nothing and converts nothing again.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.text import Truncator, slugify
from taggit.models import Tag
from taggit.utils import parse_tags

from articles import search, services
from articles.forms import ArticleAdminForm, body_length_validator
from articles.models import Article, Byline
from images.models import Image
from newsroom import tagcache
from newsroom.links import reverse
from newsroom.text import clean_line, clean_lines
from people.models import Artist, Contributor

from . import convert, wxr
from .models import ImportedAuthor, ImportedPost

# A change here re-imports every post on the next run: the conversion changed.
CONVERSION_VERSION = "1"
POST_TYPES = {"post"}
SKIPPED_TYPES = {
    "revision": "revisions are not imported",
    "nav_menu_item": "menus are not imported",
    "page": "pages are imported with --pages",
}
STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "auto-draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
    "private": Article.Status.DRAFT,
}
NO_DATE = "0000-00-00 00:00:00"
PURGE_EVERY = 1000
# Posts saved in one transaction. A batch's look-ups and writes are one query each, whatever its
# size; a bigger batch holds more posts in memory and more work to redo after a crash.
BATCH_SIZE = 200
REVISION_COMMENT = "Imported from WordPress"
# Article fields whose checks the import has made already: the lead photo is one it imported or
# found, and the slug one it found free (the database refuses a taken one all the same).
CHECKED_BY_THE_IMPORT = ["lead_image", "reviewed_project"]
# Past this many records to purge at once, everything kept is purged instead (see
# tagcache.purges_deferred): one write rather than one per record.
CLEAR_CACHE_OVER = 2000
_CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.DOTALL)
_SPACES = re.compile(r"\s+")


@dataclass
class Report:
    """What an import did, by kind of record, and every problem it met."""

    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind, outcome] += 1

    def skip(self, kind: str, reason: str) -> None:
        self.counts[kind, "skipped"] += 1
        self.skipped[kind, reason] += 1

    def problem(self, item: wxr.Item | None, message: str) -> None:
        if item is None:
            self.problems.append(message)
            return
        title = _title(item) or "(no title)"
        self.problems.append(
            f"WordPress {item.get('wp:post_type', 'post')} {item.post_id} "
            f"“{Truncator(title).chars(60)}”: {message}"
        )

    def add(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.skipped.update(other.skipped)
        self.problems.extend(other.problems)
        self.refused.extend(other.refused)

    def lines(self) -> list[str]:
        lines = []
        for kind in ("post", "photo", "contributor", "comment"):
            outcomes = [
                f"{self.counts[kind, outcome]} {outcome}"
                for outcome in ("imported", "updated", "unchanged", "skipped", "created", "reused")
                if self.counts[kind, outcome]
            ]
            if outcomes:
                lines.append(f"{kind.capitalize()}s: " + ", ".join(outcomes))
            for (skipped_kind, reason), n in sorted(self.skipped.items()):
                if skipped_kind == kind:
                    lines.append(f"  skipped {n}: {reason}")
        lines.extend(f"Refused: {message}" for message in self.refused)
        if self.problems:
            lines.append(f"Problems ({len(self.problems)}):")
            lines.extend(f"  {problem}" for problem in self.problems)
        return lines


def _title(item: wxr.Item) -> str:
    # WordPress shows titles as HTML (`<em>` in a title is italic there): their text is kept.
    return _text(item.get("title"))


def _text(fragment: str) -> str:
    """A title, excerpt or caption as plain text: tags dropped (scripts and styles with their
    content), entities decoded, one line."""
    if "<" in fragment:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        for element in list(root.iter("script", "style")):
            element.drop_tree()
        fragment = root.text_content()
    else:
        fragment = html.unescape(fragment)
    return _SPACES.sub(" ", clean_line(fragment)).strip()


def _gmt(value: str) -> datetime | None:
    value = value.strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def site_key(url: str) -> str:
    """A WordPress site as records name it: host and path, without scheme or trailing slash."""
    parts = urlsplit(url.strip())
    return (parts.netloc.lower() + parts.path.rstrip("/")) or url.strip()


@dataclass
class _Post:
    wp_id: int
    post_type: str
    link: str
    slug: str
    wanted_slug: str
    status: str


@dataclass
class _NewPost:
    """A post never imported before, converted and ready for the checks."""

    item: wxr.Item
    post_type: str
    article: Article
    authors: list[tuple[str, str]]
    tags: list[str]
    digest: str
    source: str
    # The post's report, and what its conversion added once the checks accept it.
    report: Report
    prepared: Report
    refused: bool = False
    addresses: list[str] = field(default_factory=list)


class Importer:
    def __init__(
        self,
        paths: Iterable[str | Path],
        *,
        media_dir: str | Path | None = None,
        dry_run: bool = False,
        site_url: str = "",
        pages: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.paths = [Path(path) for path in paths]
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.dry_run = dry_run
        self.site_url = site_url
        self.post_types = POST_TYPES | ({"page"} if pages else set())
        self.progress = progress or (lambda phase, done, total: None)
        self.report = Report()
        self.site = ""
        self.hosts: set[str] = set()
        self.blog_path = "/"
        self.authors: dict[str, wxr.Author] = {}
        self.terms: dict[tuple[str, str], wxr.Term] = {}
        self.images_by_attachment: dict[int, int] = {}
        self.images_by_file: dict[str, int] = {}
        self.posts: dict[int, _Post] = {}
        self.conflicts: set[int] = set()
        self.slugs_taken: set[str] = set()
        self.slugs_in_use: set[str] = set()
        self.contributors: dict[str, Contributor] = {}
        self.tags: dict[str, Tag] = {}
        self.context: convert.Context | None = None
        # What every post's conversion depends on besides its own record (see _source_digest).
        self.run_digest = ""

    # --- the run ----------------------------------------------------------------------------

    def run(self) -> Report:
        """Import every file; with `dry_run`, everything is rolled back and no file is stored,
        and the report is the same."""
        if self.dry_run:
            with transaction.atomic():
                self._run()
                transaction.set_rollback(True)
        else:
            self._run()
            # The search index in one segment, for the many the batches wrote (SQLite).
            search.optimize_index()
        return self.report

    def _run(self) -> None:
        # Cache purges are written every thousand posts instead of at each save: on a file
        # cache, writing them one save at a time took most of an import's time.
        with tagcache.purges_deferred(clear_over=CLEAR_CACHE_OVER) as flush_purges:
            for path in self.paths:
                self._survey(path)
            self._plan()
            flush_purges()
            total = sum(1 for post in self.posts.values() if post.post_type in self.post_types)
            done = 0
            for batch in self._batches():
                for _ in range(self._batch(batch)):
                    done += 1
                    self.progress("posts", done, total)
                    if done % PURGE_EVERY == 0:
                        flush_purges()

    def _batches(self):
        """The posts of every file (attachments left out), BATCH_SIZE at a time."""
        batch: list[wxr.Item] = []
        for path in self.paths:
            for record in self._items(path):
                if record.get("wp:post_type") == "attachment":
                    continue
                batch.append(record)
                if len(batch) == BATCH_SIZE:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _items(self, path: Path):
        try:
            for record in wxr.read(path, max_field_chars=settings.MAX_BODY_CHARS * 5):
                if isinstance(record, wxr.Item):
                    yield record
        except wxr.WXRError:
            return  # the survey reported it, and what came before the fault is imported

    # --- pass 1: the site, its people and terms, its photos, where each post is ------------

    def _survey(self, path: Path) -> None:
        attachments = 0
        self.current_site = None
        try:
            for record in wxr.read(path, max_field_chars=settings.MAX_BODY_CHARS * 5):
                if isinstance(record, wxr.Site):
                    self._site(record)
                elif isinstance(record, wxr.Author):
                    self.authors[record.login] = record
                elif isinstance(record, wxr.Term):
                    self.terms[record.taxonomy, record.slug] = record
                elif record.get("wp:post_type") == "attachment":
                    if self._note(record):
                        self._attachment(record)
                        attachments += 1
                        self.progress("photos", attachments, 0)
                else:
                    self._note(record)
        except wxr.WXRError as error:
            self.report.refused.append(f"{path.name}: {error}")
            return
        repaired = self.current_site.repaired if self.current_site is not None else 0
        if repaired:
            self.report.problem(
                None,
                f"{path.name}: {repaired} character(s) that were not valid UTF-8, or that XML "
                "forbids, were replaced or dropped.",
            )

    # The file being read's Site record, which counts the characters repaired as reading goes.
    current_site: wxr.Site | None = None

    def _site(self, site: wxr.Site) -> None:
        self.current_site = site
        url = self.site_url or site.base_blog_url or site.link or site.base_site_url
        if not self.site:
            self.site = site_key(self.site_url or site.base_site_url or url)
        for address in (self.site_url, site.base_site_url, site.base_blog_url, site.link):
            host = urlsplit(address).hostname
            if host:
                self.hosts.add(host.lower())
        self.blog_path = (urlsplit(url).path.rstrip("/") or "") + "/"

    def _note(self, item: wxr.Item) -> bool:
        """Note a post's id and type; False for an id the export already used for another
        type (WordPress ids are unique across types on one site: the second is refused)."""
        wp_id = item.post_id
        post_type = item.get("wp:post_type", "post").strip()
        if wp_id is None:
            self.report.skip("post", "no post id")
            return False
        seen = self.posts.get(wp_id)
        if seen is not None and seen.post_type != post_type:
            self.conflicts.add(wp_id)
            return False
        name = unquote(item.get("wp:post_name").strip())
        wanted = slugify(name) or slugify(_title(item)) or f"wordpress-{wp_id}"
        status = item.get("wp:status").strip()
        self.posts[wp_id] = _Post(wp_id, post_type, item.get("link").strip(), "", wanted, status)
        return True

    def _plan(self) -> None:
        """Each post's address here, known before any is saved, so links between imported posts
        are rewritten whichever comes first; and what bodies may link to."""
        # The slugs alone: a site of any size, without its bodies.
        existing = dict(
            ImportedPost.objects.filter(site=self.site, article__isnull=False).values_list(
                "wp_id", "article__slug"
            )
        )
        for post in self.posts.values():
            if post.post_type in self.post_types and post.wp_id in existing:
                post.slug = existing[post.wp_id]
                self.slugs_taken.add(post.slug)
        by_path: dict[str, str] = {}
        wanted = [
            post
            for post in self.posts.values()
            if post.post_type in self.post_types
            and post.wp_id not in self.conflicts
            and post.status in STATUS  # not trashed, nor a status this import skips
        ]
        self._note_slugs_in_use([post.wanted_slug[:200] for post in wanted if not post.slug])
        for post in wanted:
            if not post.slug:
                post.slug = self._free_slug(post)
            new = reverse("articles:detail", kwargs={"slug": post.slug})
            if post.link:
                by_path[convert.old_path(post.link)] = new
            by_path[f"/?p={post.wp_id}"] = new
        self.context = convert.Context(
            images_by_attachment=self.images_by_attachment,
            images_by_file=self.images_by_file,
            posts_by_path=by_path,
            site_hosts=frozenset(self.hosts),
            artist_ids=frozenset(
                Artist.objects.exclude(external_id=None).values_list("external_id", flat=True)
            ),
            artist_slugs=frozenset(Artist.objects.values_list("slug", flat=True)),
        )
        context = self.context
        self.run_digest = _digest(
            CONVERSION_VERSION,
            sorted(context.images_by_attachment.items()),
            sorted(context.images_by_file.items()),
            sorted(context.posts_by_path.items()),
            sorted(context.site_hosts),
            sorted(context.artist_ids),
            sorted(context.artist_slugs),
            sorted(self.authors.items()),
            sorted(self.terms.items()),
            self.blog_path,
        )

    def _note_slugs_in_use(self, slugs: list[str]) -> None:
        """Which of these slugs stories here have already, looked up a thousand at a time."""
        for start in range(0, len(slugs), 1000):
            chunk = slugs[start : start + 1000]
            self.slugs_in_use.update(
                Article.objects.filter(slug__in=chunk).values_list("slug", flat=True)
            )

    def _free_slug(self, post: _Post) -> str:
        base = post.wanted_slug
        slug = base[:200]
        if slug in self.slugs_taken or slug in self.slugs_in_use:
            suffix = f"-{post.wp_id}"
            slug = base[: 200 - len(suffix)] + suffix
        self.slugs_taken.add(slug)
        return slug

    # --- photos -----------------------------------------------------------------------------

    def _attachment(self, item: wxr.Item) -> None:
        wp_id = item.post_id
        relative = item.meta.get("_wp_attached_file", "").strip()
        url = item.get("wp:attachment_url").strip()
        title = _title(item)[:255]
        alt = _text(item.meta.get("_wp_attachment_image_alt", ""))[:300]
        caption = _text(item.get("excerpt:encoded"))
        credit_match = _CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
        credit = _text(credit_match.group(1))[:200] if credit_match else ""
        digest = _digest(CONVERSION_VERSION, relative, url, title, alt, caption, credit)
        record = ImportedPost.objects.filter(site=self.site, wp_id=wp_id).first()
        keys = {convert.uploads_key(value) for value in (relative, url) if value}
        if record is not None and record.image_id is not None:
            self._remember_image(wp_id, keys, record.image_id)
            if record.wordpress_digest == digest:
                self.report.count("photo", "unchanged")
                return
        if not alt:
            alt = title or Path(relative or urlsplit(url).path).name
            self.report.problem(item, "the photo has no alt text; its title stands in for it.")
        if not (item.get("wp:post_type") == "attachment" and (relative or url)):
            self.report.skip("photo", "no file named")
            return
        source = self._media_file(relative or convert.uploads_key(url), item)
        if source is None:
            return
        with transaction.atomic():
            image = record.image if record is not None and record.image_id else Image()
            new_file = image.pk is None
            image.title = title or source.name
            image.alt_text = alt
            image.caption = caption
            image.credit = credit
            try:
                if new_file:
                    with source.open("rb") as handle:
                        self._store_image(image, handle, source.name)
                else:
                    image.full_clean()
                    image.save()
            except ValidationError as error:
                self.report.skip("photo", "refused by the library's upload checks")
                self.report.problem(item, "photo refused: " + " ".join(error.messages))
                return
            ImportedPost.objects.update_or_create(
                site=self.site,
                wp_id=wp_id,
                defaults={
                    "post_type": "attachment",
                    "image": image,
                    "article": None,
                    "old_address": url[:500],
                    "wordpress_digest": digest,
                },
            )
        self.report.count("photo", "imported" if new_file else "updated")
        self._remember_image(wp_id, keys, image.pk)

    def _store_image(self, image: Image, handle, name: str) -> None:
        image.file = File(handle, name=name)
        image.full_clean()
        if self.dry_run:
            # The upload checks ran on the file; nothing is written to storage.
            image.file.name = f"images/dry-run/{name}"
            image.file._committed = True
            image.width = image.height = 1
        image.save()

    def _remember_image(self, wp_id: int, keys: set[str], image_pk: int) -> None:
        self.images_by_attachment[wp_id] = image_pk
        for key in keys:
            self.images_by_file[key] = image_pk

    def _media_file(self, relative: str, item: wxr.Item) -> Path | None:
        """The attachment's file in --media-dir, never outside it; None (reported) when there
        is none."""
        if self.media_dir is None:
            self.report.skip("photo", "no --media-dir given")
            return None
        relative = unquote(relative).lstrip("/")
        candidate = (self.media_dir / relative).resolve()
        if not candidate.is_relative_to(self.media_dir):
            self.report.skip("photo", "its path leads outside --media-dir")
            self.report.problem(item, f"the path {relative[:80]!r} leads outside --media-dir.")
            return None
        if not candidate.is_file():
            self.report.skip("photo", "file missing from --media-dir")
            self.report.problem(item, f"file missing from --media-dir: {relative[:120]}")
            return None
        return candidate

    # --- pass 2: posts ----------------------------------------------------------------------

    def _batch(self, items: list[wxr.Item]) -> int:
        """Import a batch of posts in one transaction; how many of them count as posts."""
        contributors, tags = dict(self.contributors), dict(self.tags)
        try:
            with transaction.atomic():
                reports, counted = self._import_batch(items)
        except IntegrityError:
            # A row the checks could not foresee (a slug or an address taken since the run
            # began): each post of the batch again on its own, through the admin's form.
            self.contributors, self.tags = contributors, tags
            return sum(self._post(item) for item in items)
        for report in reports:
            self.report.add(report)
        return counted

    def _import_batch(self, items: list[wxr.Item]) -> tuple[list[Report], int]:
        """Each post's report, in the export's order, and how many count as posts. Nothing is
        added to the run's report here: it is added once the batch is committed."""
        ids = [item.post_id for item in items if item.post_id is not None]
        records = {
            row["wp_id"]: row
            for row in ImportedPost.objects.filter(site=self.site, wp_id__in=ids).values(
                "wp_id", "article_id", "source_digest", "local_digest", "article__updated_at"
            )
        }
        reports: list[Report] = []
        new: list[_NewPost] = []
        counted = 0
        for item in items:
            report = Report()
            reports.append(report)
            with self._reporting_to(report):
                admitted = self._admit(item)
                if admitted is None:
                    continue
                counted += 1
                if admitted is True:
                    continue
                post_type, status = admitted
                record = records.get(item.post_id)
                if record is None:
                    new.append(self._prepare(item, post_type, status, report))
                    continue
                self._known(item, post_type, status, record)
        self._check(new)
        for post in new:
            if post.refused:
                # The admin's form says why, as it would to an editor.
                with self._reporting_to(post.report):
                    self._save_one(post.item, post.post_type, post.item.get("wp:status").strip())
        self._create([post for post in new if not post.refused])
        return reports, counted

    @contextmanager
    def _reporting_to(self, report: Report):
        kept, self.report = self.report, report
        try:
            yield report
        finally:
            self.report = kept

    def _post(self, item: wxr.Item) -> bool:
        """Import one post in a transaction of its own, through the admin's form."""
        admitted = self._admit(item)
        if isinstance(admitted, tuple):
            self._save_one(item, *admitted)
            return True
        return bool(admitted)

    def _admit(self, item: wxr.Item) -> tuple[str, str] | bool | None:
        """A post's type and status when it is to be imported; else, once the report says why
        not, True when it counts as a post (trashed, too long) and None when it does not."""
        post_type = item.get("wp:post_type", "post").strip()
        status = item.get("wp:status").strip()
        wp_id = item.post_id
        if wp_id is None:
            return None
        if wp_id in self.conflicts:
            self.report.skip("post", "id used by another record of the export")
            self.report.problem(item, "the export uses this id for records of two types; skipped.")
            return None
        if item.comments:
            self.report.counts["comment", "skipped"] += item.comments
            self.report.skipped["comment", "comments are not imported"] += item.comments
        if post_type not in self.post_types:
            reason = SKIPPED_TYPES.get(post_type, f"{post_type} records are not imported")
            self.report.skip("post", reason)
            return None
        if status == "trash":
            self.report.skip("post", "in the trash")
            return True
        if status not in STATUS:
            self.report.skip("post", f"status {status!r}")
            self.report.problem(item, f"unknown status {status!r}; skipped.")
            return True
        if item.too_long:
            self.report.skip("post", "longer than a story can be")
            self.report.problem(item, "the post is too long to import; skipped.")
            return True
        return post_type, status

    def _save_one(self, item: wxr.Item, post_type: str, status: str) -> None:
        try:
            with transaction.atomic():
                self._save_post(item, post_type, status)
        except _Skip as skip:
            self.report.skip("post", skip.reason)
            self.report.problem(item, skip.detail)

    def _source_digest(self, item: wxr.Item) -> str:
        """The export's record as this run reads it: when it and everything its conversion
        depends on are the same as last time, so is the conversion."""
        return _digest(self.run_digest, item.fields, item.categories, item.meta)

    def _known(self, item: wxr.Item, post_type: str, status: str, record: dict) -> None:
        """A post imported before: unchanged when its export record is, else as `_save_post`
        finds it (updated, or unchanged once converted)."""
        if record["article_id"] is not None and record["source_digest"] != self._source_digest(
            item
        ):
            self._save_one(item, post_type, status)
            return
        self._lead_image(item)  # reported whether the post changed or not
        if record["article_id"] is None:
            self.report.skip("post", "deleted here")
            self.report.problem(
                item, "deleted on this site since an earlier import; not imported again."
            )
            return
        self.report.count("post", "unchanged")
        updated_at = record["article__updated_at"]
        if record["local_digest"] and record["local_digest"] != updated_at.isoformat():
            self.report.problem(item, "edited here since the import; the edits were kept.")

    def _prepare(self, item: wxr.Item, post_type: str, status: str, report: Report) -> _NewPost:
        """A new post converted, reported (in its own report, until the checks accept it) as
        `_save_post` reports it up to the form's checks."""
        with self._reporting_to(Report()) as prepared:
            return self._converted(item, post_type, status, report, prepared)

    def _report_conversion(self, item, conversion, fields: dict) -> None:
        """Report what converting `item` could not keep as it was; its fields' own notes are
        taken out of `fields`."""
        for problem in conversion.problems:
            self.report.problem(item, problem)
        if fields.pop("_untitled", False):
            self.report.problem(item, "no title; it was given one naming its WordPress id.")
        for note in fields.pop("_notes"):
            self.report.problem(item, note)

    def _converted(self, item, post_type, status, report, prepared) -> _NewPost:
        fields = self._fields(item, status)
        conversion = convert.convert(item.get("content:encoded"), self.context)
        authors = self._author_keys(item)
        lead_image = self._lead_image(item)
        digest = _digest(CONVERSION_VERSION, fields, conversion.body, authors, lead_image)
        self._report_conversion(item, conversion, fields)
        # As the admin's form takes them (newsroom.forms.CleanTextMixin, BodyField).
        article = Article(
            headline=clean_line(fields["headline"]).strip(),
            slug=self.posts[item.post_id].slug,
            dek=clean_line(fields["dek"]).strip(),
            body=clean_lines(clean_lines(conversion.body).strip()),
            status=fields["status"],
            published_at=fields["published_at"],
            revised_at=fields["revised_at"],
            source="",
            legacy_path=None,
            lead_image_id=lead_image or None,
        )
        return _NewPost(
            item=item,
            post_type=post_type,
            article=article,
            authors=authors,
            tags=parse_tags(fields["tags"]),
            digest=digest,
            source=self._source_digest(item),
            report=report,
            prepared=prepared,
        )

    def _check(self, posts: list[_NewPost]) -> None:
        """The article's checks, with the body check for all the posts at once: a post any of
        them refuses is marked refused."""
        too_long = body_length_validator()
        for post, problems in zip(
            posts, services.check_bodies([post.article.body for post in posts]), strict=True
        ):
            try:
                too_long(post.article.body)
                post.article.full_clean(
                    exclude=CHECKED_BY_THE_IMPORT, validate_unique=False, validate_constraints=False
                )
            except ValidationError:
                post.refused = True
            if any(problem.severity == "error" for problem in problems):
                post.refused = True

    def _create(self, posts: list[_NewPost]) -> None:
        """Save new posts that passed the checks, with one write of each kind for them all."""
        if not posts:
            return
        for post in posts:
            with self._reporting_to(post.prepared):
                post.addresses = self._addresses(post.article, post.item)
                self.report.count("post", "imported")
            post.report.add(post.prepared)
        with self._reporting_to(posts[0].report):
            contributors = [
                [self._contributor(login, name) for login, name in post.authors] for post in posts
            ]
        self._load_tags({name for post in posts for name in post.tags})
        services.create_articles(
            [post.article for post in posts],
            contributors=contributors,
            tags=[[self.tags[name] for name in post.tags] for post in posts],
            addresses=[post.addresses for post in posts],
            comment=REVISION_COMMENT,
        )
        ImportedPost.objects.bulk_create(
            ImportedPost(
                site=self.site,
                wp_id=post.item.post_id,
                post_type=post.post_type,
                article=post.article,
                old_address=post.item.get("link").strip()[:500],
                wordpress_digest=post.digest,
                source_digest=post.source,
                # What `_local_digest` reads: the save's `updated_at`.
                local_digest=post.article.updated_at.isoformat(),
            )
            for post in posts
        )

    def _load_tags(self, names: set[str]) -> None:
        """The tags of these names, found or made as the article form's tag field does."""
        missing = sorted(names - self.tags.keys())
        if not missing:
            return
        for tag in Tag.objects.filter(name__in=missing):
            self.tags[tag.name] = tag
        for name in missing:
            if name not in self.tags:
                self.tags[name], _ = Tag.objects.get_or_create(name=name, defaults={"name": name})

    def _save_post(self, item: wxr.Item, post_type: str, status: str) -> None:
        wp_id = item.post_id
        planned = self.posts[wp_id]
        record = (
            ImportedPost.objects.select_for_update().filter(site=self.site, wp_id=wp_id).first()
        )
        fields = self._fields(item, status)
        conversion = convert.convert(item.get("content:encoded"), self.context)
        authors = self._author_keys(item)
        lead_image = self._lead_image(item)
        digest = _digest(CONVERSION_VERSION, fields, conversion.body, authors, lead_image)
        article = None
        if record is not None:
            article = record.article
            if article is None:
                raise _Skip(
                    "deleted here",
                    "deleted on this site since an earlier import; not imported again.",
                )
            if record.wordpress_digest == digest:
                self.report.count("post", "unchanged")
                # What it depends on changed, not what it became: known the next time.
                ImportedPost.objects.filter(pk=record.pk).update(
                    source_digest=self._source_digest(item)
                )
                if record.local_digest and record.local_digest != article.updated_at.isoformat():
                    self.report.problem(item, "edited here since the import; the edits were kept.")
                return
            if record.local_digest and record.local_digest != article.updated_at.isoformat():
                self.report.problem(
                    item,
                    "changed on WordPress and edited here: WordPress's version replaced the edits.",
                )
        self._report_conversion(item, conversion, fields)
        data = {
            **fields,
            "slug": article.slug if article is not None else planned.slug,
            "body": conversion.body,
            "source": "",
            "legacy_path": article.legacy_path or "" if article is not None else "",
            "related_projects": [p.pk for p in article.related_projects.all()] if article else [],
            "lead_image": lead_image,
        }
        revised_at = data.pop("revised_at")
        form = ArticleAdminForm(data=data, instance=article)
        if not form.is_valid():
            errors = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in form.errors.items()
            )
            raise _Skip("refused by the article checks", f"not imported: {errors}")
        with reversion.create_revision():
            article = form.save()
            reversion.set_comment(REVISION_COMMENT)
            self._bylines(article, authors)
        if revised_at is not None:
            Article.objects.filter(pk=article.pk).update(revised_at=revised_at)
        self._keep_addresses(article, item)
        ImportedPost.objects.update_or_create(
            site=self.site,
            wp_id=wp_id,
            defaults={
                "post_type": post_type,
                "article": article,
                "image": None,
                "old_address": item.get("link").strip()[:500],
                "wordpress_digest": digest,
                "source_digest": self._source_digest(item),
                "local_digest": self._local_digest(article),
            },
        )
        self.report.count("post", "imported" if record is None else "updated")

    def _fields(self, item: wxr.Item, status: str) -> dict:
        notes: list[str] = []
        headline = _title(item)
        untitled = not headline
        if untitled:
            headline = f"Untitled (WordPress post {item.post_id})"
        if len(headline) > 300:
            headline = Truncator(headline).chars(300)
            notes.append("the title was cut to 300 characters.")
        dek = _text(item.get("excerpt:encoded"))
        if len(dek) > 500:
            dek = Truncator(dek).chars(500)
            notes.append("the excerpt was cut to 500 characters for the dek.")
        published_at = _gmt(item.get("wp:post_date_gmt"))
        if published_at is None and status in ("publish", "future", "private"):
            published_at = self._fallback_date(item)
        article_status = STATUS[status]
        if status == "private":
            notes.append("private on WordPress: imported as a draft, never public.")
        if item.get("wp:post_password").strip():
            article_status = Article.Status.DRAFT
            notes.append("password-protected on WordPress: imported as a draft, never public.")
        if item.get("wp:is_sticky").strip() == "1":
            notes.append("sticky on WordPress; this site's front page leads with the newest story.")
        if article_status == Article.Status.PUBLISHED and published_at is None:
            article_status = Article.Status.DRAFT
            notes.append("published without a date: imported as a draft.")
        return {
            "headline": headline,
            "dek": dek,
            "status": article_status,
            "published_at": published_at,
            "revised_at": _gmt(item.get("wp:post_modified_gmt")),
            "tags": self._tags(item),
            "_untitled": untitled,
            "_notes": notes,
        }

    def _fallback_date(self, item: wxr.Item) -> datetime | None:
        try:
            found = parsedate_to_datetime(item.get("pubDate").strip())
        except (TypeError, ValueError, IndexError):
            return None
        if found is None or found.year < 1971:
            return None
        return found

    def _tags(self, item: wxr.Item) -> str:
        """Categories and tags as one list of tag names; a category brings its parents along,
        each a tag of its own."""
        names: list[str] = []
        for domain, nicename, name in item.categories:
            if domain == "post_tag":
                names.append(name)
            elif domain == "category":
                names.append(name)
                parent = self.terms.get(("category", nicename))
                seen = {nicename}
                while parent is not None and parent.parent and parent.parent not in seen:
                    seen.add(parent.parent)
                    parent = self.terms.get(("category", parent.parent))
                    if parent is not None:
                        names.append(parent.name)
        cleaned = []
        for name in names:
            name = clean_line(html.unescape(name)).strip()[:100]
            if name and name not in cleaned:
                cleaned.append(name)
        # taggit's own format: names with commas or spaces quoted.
        return ", ".join('"{}"'.format(name.replace('"', "")) for name in cleaned)

    def _lead_image(self, item: wxr.Item):
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit():
            return ""
        image = self.images_by_attachment.get(int(thumbnail))
        if image is None:
            self.report.problem(item, "its featured image was not imported.")
            return ""
        return image

    # --- people ----------------------------------------------------------------------------

    def _author_keys(self, item: wxr.Item) -> list[tuple[str, str]]:
        """(login or guest slug, display name) of each author in byline order: Co-Authors
        Plus's author terms when the post has them, else its dc:creator."""
        found: list[tuple[str, str]] = []
        for domain, nicename, name in item.categories:
            if domain != "author":
                continue
            login = nicename.removeprefix("cap-")
            author = self.authors.get(login) or self.authors.get(html.unescape(name))
            if author is not None:
                found.append((author.login, author.display_name or author.login))
            else:
                found.append((login, html.unescape(name)))
        if not found:
            login = item.get("dc:creator").strip()
            if login:
                author = self.authors.get(login)
                found.append((login, (author.display_name if author else "") or login))
        unique = []
        for key in found:
            if key[0] not in [k for k, _ in unique]:
                unique.append(key)
        return unique

    def _contributor(self, login: str, name: str) -> Contributor:
        known = self.contributors.get(login)
        if known is not None:
            return known
        link = ImportedAuthor.objects.filter(site=self.site, login=login).select_related(
            "contributor"
        )
        found = link.first()
        if found is not None:
            contributor = found.contributor
        else:
            slug = slugify(login) or slugify(name) or "author"
            contributor = Contributor.objects.filter(slug=slug[:200]).first()
            if contributor is None:
                contributor = Contributor(
                    name=clean_line(name)[:200] or login[:200], slug=slug[:200]
                )
                contributor.full_clean()
                contributor.save()
                self.report.count("contributor", "created")
            else:
                self.report.count("contributor", "reused")
            ImportedAuthor.objects.create(site=self.site, login=login, contributor=contributor)
        self.contributors[login] = contributor
        return contributor

    def _bylines(self, article: Article, authors: list[tuple[str, str]]) -> None:
        wanted = [self._contributor(login, name) for login, name in authors]
        current = list(
            article.bylines.order_by("position").values_list("contributor_id", flat=True)
        )
        if current == [c.pk for c in wanted]:
            return
        article.bylines.all().delete()
        for position, contributor in enumerate(wanted):
            Byline.objects.create(article=article, contributor=contributor, position=position)

    def _local_digest(self, article: Article) -> str:
        # Every save here (the admin's, an action's) moves `updated_at`; the import's own
        # save is the last one it makes of the story.
        updated_at = Article.objects.filter(pk=article.pk).values_list("updated_at", flat=True)
        return updated_at.get().isoformat()

    # --- addresses --------------------------------------------------------------------------

    def _keep_addresses(self, article: Article, item: wxr.Item) -> None:
        for path in self._addresses(article, item):
            article.keep_address(path)

    def _addresses(self, article: Article, item: wxr.Item) -> list[str]:
        """The post's old addresses as the story keeps them (`Article.former_path`); one that
        cannot be kept is reported."""
        paths = []
        for address in (item.get("link").strip(), f"{self.blog_path}?p={item.post_id}"):
            if not address:
                continue
            try:
                path = article.former_path(address)
            except ValueError as error:
                self.report.problem(item, f"its old address was not kept: {error}")
                continue
            if path is not None:
                paths.append(path)
        return paths


class _Skip(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
