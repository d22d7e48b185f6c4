"""`migrate`, which also creates the SQLite file on a fresh machine: the site itself opens it
only when it exists (settings), so a missing file is an error rather than a new empty database."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from newsroom.db import create_sqlite_file


class Command(MigrateCommand):
    def handle(self, *args, **options):
        create_sqlite_file(connections[options["database"]])
        return super().handle(*args, **options)
