"""Fill artists' (or projects') ids on the music web from a CSV file, without the network."""

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom import identifiers

# Column names the file may use for each id, besides the field's own name.
COLUMNS = {
    "musicbrainz_id": ("musicbrainz", "mbid"),
    "wikidata_id": ("wikidata",),
    "spotify_id": ("spotify",),
    "apple_music_id": ("apple_music", "apple"),
    "discogs_id": ("discogs",),
    "imdb_id": ("imdb",),
}
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Plan:
    """What the file asks for: each record's new ids, and what cannot be done, by line."""

    changes: dict = field(default_factory=dict)  # record -> {field: value}
    conflicts: list[str] = field(default_factory=list)
    claimed: dict = field(default_factory=dict)  # (field, value) -> (line, record)


class Command(BaseCommand):
    help = (
        "Fill ids on the music web (MusicBrainz, Wikidata, Spotify, Apple Music, Discogs, IMDb) "
        "from a CSV file whose rows name an artist (or, with --projects, a project) by slug or "
        "name. Ids already set are kept: a different one in the file is reported as a conflict, "
        "as is an id another record has, an id of the wrong shape, or a name that finds no "
        "record or several. Every other row is applied, in one transaction; the command exits "
        "with an error when there were conflicts. Nothing is fetched from the network."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file: a header row with slug or name, and ids.")
        parser.add_argument(
            "--projects", action="store_true", help="The rows name projects, not artists."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, file, projects=False, dry_run=False, **options):
        if projects:
            from projects.models import MediaProject as model

            name_field = "title"
        else:
            from people.models import Artist as model

            name_field = "name"
        rows, columns = self.read(file, name_field)
        plan = self.plan(model, rows, columns, name_field, artist=not projects)
        if not dry_run:
            with transaction.atomic():
                for record, values in plan.changes.items():
                    for name, value in values.items():
                        setattr(record, name, value)
                    # Saved one by one: shortcodes naming the record by a new id resolve at once.
                    record.save(update_fields=[*values, "updated_at"])
        label = model._meta.verbose_name_plural
        verb = "Would update" if dry_run else "Updated"
        count = sum(len(values) for values in plan.changes.values())
        self.stdout.write(f"{verb} {count} id(s) on {len(plan.changes)} {label}.")
        for conflict in plan.conflicts:
            self.stderr.write(conflict)
        if plan.conflicts:
            raise CommandError(
                f"{len(plan.conflicts)} conflict(s) left unapplied; the other rows were "
                + ("checked." if dry_run else "applied.")
            )

    def read(self, path, name_field):
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read(MAX_BYTES + 1)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if len(text) > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        reader = csv.DictReader(text.splitlines())
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = header
        columns = {}
        for name, aliases in COLUMNS.items():
            for column in (name, *aliases):
                if column in header:
                    columns[name] = column
                    break
        keys = {"slug", "name", name_field} & set(header)
        if not keys or not columns:
            raise CommandError(
                f"The header row needs a slug or {name_field} column and at least one id column "
                f"({', '.join(aliases[0] for aliases in COLUMNS.values())})."
            )
        try:
            return list(enumerate(reader, start=2)), columns
        except csv.Error as error:
            raise CommandError(f"{path} is not a readable CSV file: {error}") from error

    def plan(self, model, rows, columns, name_field, *, artist) -> Plan:
        plan = Plan()
        slugs = {str(row.get("slug") or "").strip() for _, row in rows} - {""}
        names = {
            str(row.get(name_field) or row.get("name") or "").strip().casefold() for _, row in rows
        } - {""}
        by_slug = model.objects.in_bulk(slugs, field_name="slug")
        by_name: dict[str, list] = {}
        if names:
            for record in model.objects.all().only(
                "pk", "slug", name_field, *identifiers.ID_FIELDS
            ):
                key = getattr(record, name_field).casefold()
                if key in names:
                    by_name.setdefault(key, []).append(record)
        records = {}  # pk -> the one instance changed, whichever way rows name it
        wanted: dict[str, dict] = {name: {} for name in columns}  # field -> {value: line}
        parsed = []
        for line, row in rows:
            slug = str(row.get("slug") or "").strip()
            name = str(row.get(name_field) or row.get("name") or "").strip()
            record = by_slug.get(slug) if slug else None
            if slug and record is None:
                plan.conflicts.append(
                    f"Line {line}: no {model._meta.verbose_name} has slug {slug!r}."
                )
                continue
            if record is None:
                found = by_name.get(name.casefold(), []) if name else []
                if not found:
                    plan.conflicts.append(
                        f"Line {line}: no {model._meta.verbose_name} is named {name!r}."
                    )
                    continue
                if len(found) > 1:
                    plan.conflicts.append(
                        f"Line {line}: {len(found)} {model._meta.verbose_name_plural} are named "
                        f"{name!r}; give the slug."
                    )
                    continue
                record = found[0]
            record = records.setdefault(record.pk, record)
            for field_name, column in columns.items():
                raw = str(row.get(column) or "").strip()
                if not raw:
                    continue
                try:
                    value = identifiers.clean_id(field_name, raw, artist=artist)
                except ValidationError as error:
                    plan.conflicts.append(f"Line {line}: {column} {raw!r}: {error.messages[0]}")
                    continue
                parsed.append((line, record, field_name, value))
                wanted[field_name].setdefault(value, set()).add(record.pk)
        holders = {}
        for field_name, values in wanted.items():
            if values:
                found = model.objects.filter(**{f"{field_name}__in": list(values)})
                for pk, value in found.values_list("pk", field_name):
                    holders[(field_name, value)] = pk
        for line, record, field_name, value in parsed:
            label = identifiers.BY_FIELD[field_name].label
            current = getattr(record, field_name)
            holder = holders.get((field_name, value))
            if current not in (None, "") and current != value:
                plan.conflicts.append(
                    f"Line {line}: {record} already has {label} id {current}, not {value}."
                )
            elif holder is not None and holder != record.pk:
                other = model.objects.filter(pk=holder).first()
                plan.conflicts.append(f"Line {line}: {label} id {value} is {other}'s already.")
            elif len(wanted[field_name][value]) > 1:
                plan.conflicts.append(
                    f"Line {line}: {label} id {value} is given to more than one "
                    f"{model._meta.verbose_name} in the file."
                )
            elif plan.changes.get(record, {}).get(field_name, value) != value:
                plan.conflicts.append(
                    f"Line {line}: {record} is given two {label} ids in the file."
                )
            elif current != value:
                plan.changes.setdefault(record, {})[field_name] = value
        return plan
