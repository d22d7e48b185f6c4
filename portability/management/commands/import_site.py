from django.core.management.base import BaseCommand, CommandError

from portability.archive import ArchiveError, import_site


class Command(BaseCommand):
    help = (
        "Restore a site written by export_site into this database, which must be empty (run "
        "migrate first) unless --merge is given. Checksums and the schema are checked first; "
        "nothing is written when any check or record fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The tar file export_site wrote.")
        parser.add_argument(
            "--merge",
            action="store_true",
            help="Load into a database that holds a site: the archive's records replace those "
            "with the same primary key, the others stay. A record whose key belongs to another "
            "record here (a photo id naming another photo) refuses the whole merge.",
        )

    def handle(self, *args, source, merge=False, **options):
        try:
            summary = import_site(
                source, merge=merge, stdout=self.stdout if options["verbosity"] > 1 else None
            )
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {sum(summary.counts.values())} records of {len(summary.counts)} kinds "
            f"and {summary.media} files from {source}."
        )
