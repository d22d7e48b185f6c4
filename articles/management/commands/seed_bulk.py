"""Bulk data for load tests and benchmarks: thousands of articles, artists, projects,
contributors, tags and images, written in batches.

The records are plainly synthetic ("Bulk Artist 0042", generated one-colour pictures), so they
can never be mistaken for reporting. Bodies are Markdown with 0-30 shortcodes each, and the
derived data the site keeps for them (plain text, the mention index, the search entries) is
written in bulk too, the same as saving each article would leave it.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag

from articles import rendering, search
from articles.models import Article, Byline, TaggedArticle
from images.models import Image
from newsroom import tagcache
from newsroom.db import refresh_planner_statistics
from people.models import Artist, Contributor
from projects.models import Credit, MediaProject

PREFIX = "bulk-"
EXTERNAL_ID_BASE = 5_000_000
BATCH = 1000

WORDS = (
    "album single tour studio producer verse chorus hook beat sample record label release "
    "stage festival crowd premiere video director film soundtrack session band drummer bass "
    "guitar synth vocal harmony remix collaboration interview critics chart week fans night "
    "city song track debut sequel lyric melody rhythm rehearsal camera scene story season"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class Command(BaseCommand):
    help = (
        "Fill an empty database with bulk synthetic data for load tests, e.g. "
        "seed_bulk --articles 10000 --artists 2000 --projects 3000. "
        "Refuses a database that already holds articles, unless --add is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--artists", type=int, default=2_000)
        parser.add_argument("--projects", type=int, default=3_000)
        parser.add_argument("--contributors", type=int, default=200)
        parser.add_argument("--tags", type=int, default=300)
        parser.add_argument("--images", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same data each run).")
        parser.add_argument(
            "--add",
            action="store_true",
            help="Add the bulk data beside existing articles (once: never twice).",
        )

    def handle(self, *args, **options):
        for name in ("articles", "artists", "projects", "contributors", "tags"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if options["images"] < 0:
            raise CommandError("--images cannot be negative.")
        if Article.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("Bulk data is already loaded; it is never loaded twice.")
        existing = Article.objects.count()
        if existing and not options["add"]:
            raise CommandError(
                f"The database already holds {existing} articles. seed_bulk fills an empty "
                "database (use a fresh DATABASE_URL), or pass --add to load beside them."
            )
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        with transaction.atomic():
            self.bulk(options)
            # Bulk writes send no signals: the lists pages show are purged once, here.
            models = (Article, Artist, MediaProject, Credit, Contributor, Tag, Image, Byline)
            tagcache.purge_on_commit([tagcache.list_of(model) for model in models])
        refresh_planner_statistics()
        search.optimize_index()
        self.stdout.write(
            f"Loaded {options['articles']} articles, {options['artists']} artists, "
            f"{options['projects']} projects, {options['contributors']} contributors, "
            f"{options['tags']} tags and {options['images']} images "
            f"in {time.monotonic() - started:.1f} s."
        )

    def bulk(self, options):
        rng = self.rng
        artists = Artist.objects.bulk_create(
            [
                Artist(
                    name=f"Bulk Artist {n:04d}",
                    slug=f"{PREFIX}artist-{n}",
                    external_id=EXTERNAL_ID_BASE + n,
                    summary=sentence(rng, 12),
                )
                for n in range(options["artists"])
            ],
            batch_size=BATCH,
        )
        kinds = list(MediaProject.Kind.values)
        projects = MediaProject.objects.bulk_create(
            [
                MediaProject(
                    title=f"Bulk Project {n:04d}",
                    slug=f"{PREFIX}project-{n}",
                    kind=rng.choice(kinds),
                    status=MediaProject.Status.RELEASED,
                    release_year=rng.randint(1990, 2026),
                )
                for n in range(options["projects"])
            ],
            batch_size=BATCH,
        )
        credits = []
        for project in projects:
            for order, artist in enumerate(rng.sample(artists, min(3, len(artists)))):
                role = Credit.Role.PERFORMER if order == 0 else Credit.Role.PRODUCER
                credits.append(
                    Credit(
                        project=project,
                        artist=artist,
                        role=role,
                        order=order,
                        is_known_for=order == 0,
                    )
                )
        Credit.objects.bulk_create(credits, batch_size=BATCH)
        contributors = Contributor.objects.bulk_create(
            [
                Contributor(name=f"Bulk Writer {n:03d}", slug=f"{PREFIX}writer-{n}")
                for n in range(options["contributors"])
            ],
            batch_size=BATCH,
        )
        tags = Tag.objects.bulk_create(
            [Tag(name=f"Bulk tag {n}", slug=f"{PREFIX}tag-{n}") for n in range(options["tags"])],
            batch_size=BATCH,
        )
        images = self.images(options["images"])
        self.articles(options["articles"], artists, projects, contributors, tags, images)

    def images(self, count: int) -> list[Image]:
        images = []
        for n in range(count):
            buffer = BytesIO()
            colour = tuple(self.rng.randrange(40, 220) for _ in range(3))
            PILImage.new("RGB", (1600, 1000), colour).save(buffer, "JPEG", quality=80)
            image = Image(
                title=f"Bulk picture {n}",
                alt_text=f"A plain generated picture, number {n}",
                credit="Generated for load tests",
            )
            image.file.save(f"{PREFIX}{n}.jpg", ContentFile(buffer.getvalue()), save=False)
            images.append(image)
        return Image.objects.bulk_create(images)

    def body(self, artists, projects, images):
        """A Markdown story of 300-1,200 words with 0-30 shortcodes; the artists and projects it
        links to, in order."""
        rng = self.rng
        mentions = rng.randint(0, 30)
        paragraphs = rng.randint(4, 14)
        linked_artists, linked_projects = [], []
        slots = [[] for _ in range(paragraphs)]
        for _ in range(mentions):
            roll = rng.random()
            if roll < 0.7:
                artist = rng.choice(artists)
                linked_artists.append(artist)
                tag = f'[artist id="{artist.external_id}"]{artist.name}[/artist]'
            elif roll < 0.95 or not images:
                project = rng.choice(projects)
                linked_projects.append(project)
                tag = f'[project slug="{project.slug}"]{project.title}[/project]'
            else:
                tag = f'\n\n[image id="{rng.choice(images).pk}" /]\n\n'
            slots[rng.randrange(paragraphs)].append(tag)
        parts = []
        for n, tags in enumerate(slots):
            if n and rng.random() < 0.15:
                parts.append(f"## {sentence(rng, 4)[:-1]}")
            words = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 7))]
            for tag in tags:
                words.insert(rng.randrange(len(words) + 1), tag)
            paragraph = " ".join(words)
            if rng.random() < 0.08:
                paragraph = "> " + paragraph
            elif rng.random() < 0.1:
                paragraph += " **" + sentence(rng, 5) + "**"
            parts.append(paragraph)
        return "\n\n".join(parts), linked_artists, linked_projects

    def articles(self, count, artists, projects, contributors, tags, images):
        rng = self.rng
        now = timezone.now()
        for start in range(0, count, BATCH):
            batch, links = [], []
            for n in range(start, min(start + BATCH, count)):
                body, linked_artists, linked_projects = self.body(artists, projects, images)
                status = Article.Status.PUBLISHED if rng.random() < 0.97 else Article.Status.DRAFT
                batch.append(
                    Article(
                        headline=f"Bulk story {n}: {sentence(rng, 6)[:-1]}",
                        slug=f"{PREFIX}story-{n}",
                        dek=sentence(rng, 14),
                        body=body,
                        body_text=rendering.plain_text(body),
                        status=status,
                        published_at=now - timedelta(minutes=10 + rng.randrange(5 * 365 * 24 * 60)),
                        lead_image=rng.choice(images) if images and rng.random() < 0.3 else None,
                    )
                )
                links.append((linked_artists, linked_projects))
            saved = Article.objects.bulk_create(batch)
            mentions, mentioned, related, bylines, tagged = [], [], [], [], []
            for article, (linked_artists, linked_projects) in zip(saved, links, strict=True):
                for artist in dict.fromkeys(linked_artists):
                    mentions.append(Article.artists.through(article=article, artist=artist))
                for project in dict.fromkeys(linked_projects):
                    mentioned.append(
                        Article.projects.through(article=article, mediaproject=project)
                    )
                for project in rng.sample(projects, rng.randint(0, 2)):
                    related.append(
                        Article.related_projects.through(article=article, mediaproject=project)
                    )
                for position, contributor in enumerate(rng.sample(contributors, rng.randint(1, 2))):
                    bylines.append(
                        Byline(article=article, contributor=contributor, position=position)
                    )
                for tag in rng.sample(tags, min(len(tags), rng.randint(0, 4))):
                    tagged.append(TaggedArticle(content_object=article, tag=tag))
            Article.artists.through.objects.bulk_create(mentions, batch_size=BATCH)
            Article.projects.through.objects.bulk_create(mentioned, batch_size=BATCH)
            Article.related_projects.through.objects.bulk_create(related, batch_size=BATCH)
            Byline.objects.bulk_create(bylines, batch_size=BATCH)
            TaggedArticle.objects.bulk_create(tagged, batch_size=BATCH)
            search.update_vectors(article.pk for article in saved)
            self.stdout.write(f"  {start + len(saved)} of {count} articles")
