from django.core.management.base import BaseCommand
from django.db import transaction

from articles import rendering, search, services
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Derive again, for every article, what is kept from its body (the text search reads, the "
        "artists and projects it mentions) and report each article where the stored copy was "
        "stale. With --check nothing is written and the exit status is 1 when anything is stale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report stale articles without fixing them."
        )

    def handle(self, *args, check=False, **options):
        total = stale = 0
        articles = Article.objects.only("pk", "slug", "body", "body_text").order_by("pk")
        for article in articles.iterator(chunk_size=500):
            total += 1
            with transaction.atomic():
                problems = self.rederive(article, check=check)
            if problems:
                stale += 1
                self.stdout.write(f"{article.slug}: {', '.join(problems)}")
        verb = "stale" if check else "fixed"
        self.stdout.write(f"{stale} of {total} article(s) {verb}.")
        if check and stale:
            raise SystemExit(1)

    def rederive(self, article, *, check):
        problems = []
        body_text = rendering.plain_text(article.body)
        if body_text != article.body_text:
            problems.append("body text")
            if not check:
                Article.objects.filter(pk=article.pk).update(body_text=body_text)
        found = services.derived_mentions(article.body)
        current = {
            "artist": set(article.artists.values_list("pk", flat=True)),
            "project": set(article.projects.values_list("pk", flat=True)),
        }
        for name in ("artist", "project"):
            if found[name] != current[name]:
                problems.append(f"{name}s")
        if problems and not check:
            article.artists.set(found["artist"])
            article.projects.set(found["project"])
            # Its search entry holds the body text and the linked names.
            search.update_vectors([article.pk])
        return problems
