from django.core.management.base import BaseCommand

from articles import snapshots
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Write the snapshot of every live story's page (articles/snapshots.py), for a site whose "
        "stories came in without one (seed_bulk, import_site, import_wordpress)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only the stories with these slugs.")
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args, slugs=(), batch=200, **options):
        live = Article.objects.published().order_by("-published_at", "-pk")
        if slugs:
            live = live.filter(slug__in=slugs)
        pks = list(live.values_list("pk", flat=True))
        written = 0
        for at in range(0, len(pks), batch):
            written += snapshots.build(pks[at : at + batch])
            if options["verbosity"] > 1:
                self.stdout.write(f"  {min(at + batch, len(pks))} of {len(pks)} stories")
        self.stdout.write(f"Wrote the snapshots of {written} of {len(pks)} live stories.")
