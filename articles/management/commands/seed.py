from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article
from newsroom import snapshots


class Command(BaseCommand):
    help = (
        "Load the seed story into an empty database. A database that already holds articles is "
        "left alone, so restarting the site never reverts what editors changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the fixture even if articles exist."
        )

    def handle(self, *args, force=False, **options):
        if Article.objects.exists() and not force:
            self.stdout.write("The database already has articles; the seed story was not loaded.")
            return
        call_command("loaddata", "seed_story", verbosity=options["verbosity"])
        # The snapshot of the seed story's page (newsroom/snapshots.py), as a save would write.
        snapshots.build_pending()
