from django.core.management.base import BaseCommand

from portability.archive import export_site


class Command(BaseCommand):
    help = (
        "Write the whole site to a tar file: every article in every state with its revisions "
        "and corrections, people, projects, credits, relations, tags, photos with their "
        "original files, events, redirects and user accounts without passwords, as JSON Lines "
        "with natural keys, with a manifest of counts, checksums and the schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="The tar file to write, e.g. site.tar.")

    def handle(self, *args, out, **options):
        summary = export_site(out, stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(
            f"Wrote {out}: {sum(summary.counts.values())} records of "
            f"{len(summary.counts)} kinds, {summary.media} files."
        )
