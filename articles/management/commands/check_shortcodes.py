from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.services import check_body


class Command(BaseCommand):
    help = (
        "Check the shortcodes in every article body and report broken references (an artist "
        "deleted or merged, a mistyped id) and malformed tags. Exits non-zero when any error "
        "is found."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--published-only", action="store_true", help="Check only articles readers can see."
        )
        parser.add_argument(
            "--warnings", action="store_true", help="Also list warnings (unknown tag names)."
        )

    def handle(self, *args, published_only=False, warnings=False, **options):
        articles = Article.objects.published() if published_only else Article.objects.all()
        checked = errors = 0
        for article in articles.only("pk", "slug", "headline", "body").iterator(chunk_size=200):
            checked += 1
            for problem in check_body(article.body):
                if problem.severity == "error":
                    errors += 1
                elif not warnings:
                    continue
                self.stdout.write(f"{article.slug} (#{article.pk}): {problem.severity}: {problem}")
        summary = f"Checked {checked} article(s): {errors} error(s)."
        if errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
