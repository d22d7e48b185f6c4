import sys
import time

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import Importer


class Command(BaseCommand):
    help = (
        "Import WordPress exports (WXR files from Tools → Export): posts become articles, "
        "attachments library photos, authors contributors, categories and tags tags, and old "
        "addresses redirect. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("exports", nargs="+", help="One or more WXR files of one site.")
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads, where attachments are found.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Write nothing; print the same report."
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The address the old site's links use, e.g. https://news.example.com, when "
            "it is not the export's own.",
        )
        parser.add_argument(
            "--pages", action="store_true", help="Import pages (post_type=page) as articles too."
        )

    def handle(self, *args, exports, media_dir, dry_run, site_url, pages, **options):
        for path in exports:
            try:
                with open(path, "rb"):
                    pass
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        progress = Progress(self.stderr, sys.stderr.isatty())
        importer = Importer(
            exports,
            media_dir=media_dir,
            dry_run=dry_run,
            site_url=site_url,
            pages=pages,
            progress=progress,
        )
        started = time.monotonic()
        report = importer.run()
        progress.finish()
        heading = "Dry run: nothing was written." if dry_run else "WordPress import finished."
        self.stdout.write(f"{heading} ({time.monotonic() - started:.1f} s)")
        for line in report.lines():
            self.stdout.write(line)
        if report.refused and not any(report.counts.values()):
            raise CommandError("Nothing was imported: " + " ".join(report.refused))


class Progress:
    """A bar on a terminal; on anything else, a plain line every thousand records."""

    WIDTH = 30

    def __init__(self, stream, tty: bool) -> None:
        self.stream = stream
        self.tty = tty
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.tty:
            if total:
                filled = self.WIDTH * done // total
                bar = "#" * filled + "." * (self.WIDTH - filled)
                self.stream.write(f"\r{phase:6} [{bar}] {done}/{total}", ending="")
            else:
                self.stream.write(f"\r{phase:6} {done}", ending="")
            self.stream.flush()
            self.shown = True
        elif done % 1000 == 0 or done == total:
            self.stream.write(f"{phase}: {done}" + (f" of {total}" if total else ""))

    def finish(self) -> None:
        if self.shown:
            self.stream.write("")
