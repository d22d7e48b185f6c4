"""An archive's records into the database, a batch at a time.

What `loaddata` does, at the cost of a few statements per batch rather than several per record:

1. Each records file is read a line at a time; each line becomes a model instance through
   Django's own deserializer, its natural keys first turned into primary keys from a bounded
   memory of the records loaded so far (asked of the database on a miss).
2. Each batch of `BATCH` records is written as the archive holds it: a raw insert, as
   loaddata's (no field fills itself in, so times stay as they were), text cleaned as on every
   save, many-to-many links inserted together. A record whose primary key is taken (by one
   that migrate made, such as a group, or when merging by one of the site's) is updated
   instead, and only if it is the same record (see `Collision`).
3. No signal runs while records load: what saves derive from each record (plain text,
   mentions, search entries, purges, the API's change log) is either in the archive already
   (the change log, former addresses) or derived afterwards in batches over every story
   (`articles.services.derive_all`), and the caller purges the whole cache once. Signals are
   muted for the whole process (as the admin's revision preview does): this runs in a
   command's process of its own, never beside requests.

Memory stays flat whatever the size of the site: one batch of records, at most `KEYS_KEPT`
natural keys, and one batch of bodies at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.core import serializers
from django.core.management.color import no_style
from django.db import connections, models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from reversion.utils import mute_signals

from newsroom.apps import clean_text_fields

BATCH = 500
KEYS_KEPT = 20_000
QUIET = (pre_save, post_save, pre_delete, post_delete, m2m_changed)


class Collision(Exception):
    """When merging: an incoming record whose primary key or natural key is held by another
    record of the database."""


class NaturalKeys:
    """Natural key -> primary key of the records the archive's records point at: noted as
    records load, asked of the database on a miss, at most `KEYS_KEPT` remembered (the oldest
    forgotten first: records point mostly at those loaded shortly before)."""

    def __init__(self, using: str):
        self.using = using
        self.known: dict[tuple[str, str], object] = {}

    def _keep(self, key: tuple[str, str], pk) -> None:
        self.known[key] = pk
        if len(self.known) > KEYS_KEPT:
            del self.known[next(iter(self.known))]

    def note(self, obj: models.Model) -> None:
        self._keep((obj._meta.label_lower, json.dumps(list(obj.natural_key()))), obj.pk)

    def pk(self, model, natural_key: list):
        key = (model._meta.label_lower, json.dumps(natural_key))
        try:
            return self.known[key]
        except KeyError:
            pass
        manager = model._default_manager.db_manager(self.using)
        try:
            pk = manager.get_by_natural_key(*natural_key).pk
        except model.DoesNotExist:
            raise LookupError(
                f"{model._meta.label_lower} {natural_key!r} is neither in the archive nor here"
            ) from None
        self._keep(key, pk)
        return pk


def _natural(model) -> bool:
    return hasattr(model, "natural_key") and hasattr(model._default_manager, "get_by_natural_key")


class Loader:
    """Loads records model by model (`load`), then moves sequences past the restored keys and
    checks every foreign key (`finish`). Run inside a transaction, with `quiet()` around it."""

    def __init__(self, models_: Iterable[type[models.Model]], *, using: str, merge: bool):
        self.using = using
        self.merge = merge
        self.connection = connections[using]
        self.keys = NaturalKeys(using)
        self.loaded: list[type[models.Model]] = []
        # Models some record points at by natural key: their keys are noted as they load.
        self.pointed_at = {
            f.related_model
            for model in models_
            for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
            if f.is_relation and _natural(f.related_model)
        }

    @staticmethod
    def quiet():
        return mute_signals(*QUIET)

    def load(self, model, lines: Iterable[str]) -> int:
        """Load `model`'s records, one JSON line each; their number."""
        fields = model._meta.concrete_fields
        links = [
            f
            for f in fields
            if f.is_relation and _natural(f.related_model) and f.remote_field.field_name == "id"
        ]
        many = [
            f
            for f in model._meta.many_to_many
            if f.remote_field.through._meta.auto_created and _natural(f.related_model)
        ]
        count = 0
        for batch in _batches(lines, BATCH):
            rows = [self._with_pks(json.loads(line), links, many) for line in batch]
            objects = list(
                serializers.deserialize("python", rows, using=self.using, ignorenonexistent=False)
            )
            self._write(model, objects)
            count += len(objects)
        if count:
            self.loaded.append(model)
        return count

    def _with_pks(self, row: dict, links, many) -> dict:
        values = row["fields"]
        for f in links:
            value = values.get(f.name)
            if isinstance(value, list):
                values[f.name] = self.keys.pk(f.related_model, value)
        for f in many:
            value = values.get(f.name)
            if value:
                values[f.name] = [
                    self.keys.pk(f.related_model, v) if isinstance(v, list) else v for v in value
                ]
        return row

    def _write(self, model, objects) -> None:
        for deserialized in objects:
            clean_text_fields(model, deserialized.object)
        taken = self._taken(model, [d.object for d in objects])
        new = [d.object for d in objects if d.object.pk not in taken]
        fields = model._meta.local_concrete_fields
        size = self.connection.ops.bulk_batch_size(fields, new) or len(new) or 1
        manager = model._base_manager.db_manager(self.using)
        for start in range(0, len(new), size):
            manager._insert(new[start : start + size], fields=fields, using=self.using, raw=True)
        for deserialized in objects:
            obj = deserialized.object
            obj._state.adding, obj._state.db = False, self.using
            if obj.pk in taken:
                obj.save_base(raw=True, using=self.using)
        self._write_links(objects, taken)
        if model in self.pointed_at:
            for deserialized in objects:
                self.keys.note(deserialized.object)

    def _write_links(self, objects, taken) -> None:
        rows: dict[type[models.Model], list[models.Model]] = {}
        for deserialized in objects:
            obj = deserialized.object
            for name, values in (deserialized.m2m_data or {}).items():
                field = obj._meta.get_field(name)
                if obj.pk in taken:
                    getattr(obj, name).set(values)
                    continue
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                rows.setdefault(through, []).extend(
                    through(**{f"{source}_id": obj.pk, f"{target}_id": value}) for value in values
                )
        for through, links in rows.items():
            through._base_manager.db_manager(self.using).bulk_create(links, batch_size=BATCH)

    def _taken(self, model, objects) -> set:
        """The primary keys among `objects` that are in the database already (in an empty
        site, records migrate made, such as groups); a `Collision` when one belongs to another
        record, or, when merging, when an incoming record is here under another key."""
        manager = model._base_manager.db_manager(self.using)
        existing = manager.in_bulk([obj.pk for obj in objects])
        label = model._meta.label_lower
        if not _natural(model):
            # A record with no name of its own (a correction, an old address, an event) is the
            # same record if it belongs to the same records (those have passed this check).
            owners = [
                f
                for f in model._meta.concrete_fields
                if f.many_to_one and _natural(f.related_model)
            ]
            for obj in objects:
                here = existing.get(obj.pk)
                for f in owners if here is not None else ():
                    ours, theirs = getattr(obj, f.attname), getattr(here, f.attname)
                    if ours != theirs:
                        raise Collision(
                            f"{label} {obj.pk} belongs to {f.name} {ours} in the archive but "
                            f"to {f.name} {theirs} here."
                        )
            return set(existing)
        for obj in objects:
            here = existing.get(obj.pk)
            if here is None and not self.merge:
                continue
            incoming = tuple(obj.natural_key())
            if here is not None and tuple(here.natural_key()) != incoming:
                raise Collision(
                    f"{label} {obj.pk} is {_shown(incoming)} in the archive but "
                    f"{_shown(here.natural_key())} here."
                )
            if here is None and self.merge:
                try:
                    other = model._default_manager.db_manager(self.using).get_by_natural_key(
                        *incoming
                    )
                except model.DoesNotExist:
                    continue
                raise Collision(
                    f"{label} {_shown(incoming)} is {obj.pk} in the archive but {other.pk} here."
                )
        return set(existing)

    def finish(self) -> None:
        """Sequences past the restored keys (PostgreSQL), then every foreign key checked."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), self.loaded)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        tables = [m._meta.db_table for m in self.loaded] + [
            f.remote_field.through._meta.db_table
            for m in self.loaded
            for f in m._meta.many_to_many
            if f.remote_field.through._meta.auto_created
        ]
        self.connection.check_constraints(table_names=tables)


def _shown(natural_key) -> str:
    return " / ".join(str(part) for part in natural_key)


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch = []
    for line in lines:
        if line.strip():
            batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
