"""A whole site as one tar file, and back.

An archive holds, for each model a newsroom owns (every model of the installed apps but those
below), one JSON Lines file of its records as Django's serializers write them, with natural
keys for what they point at and their own primary keys (bodies name photos by id); the files
those records hold (original photos), under media/; and manifest.json: the format, the schema
(each app's latest migration), the number of records and the SHA-256 of every file. Records are
read and written one chunk at a time and files are copied in blocks, so memory stays flat
whatever the size of the site.

User accounts are exported without their passwords: they come back unable to sign in until a
password is set (`manage.py changepassword`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from articles import services
from newsroom import tagcache

from . import loading

FORMAT = "newsroom-site"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 500
BLOCK = 1024 * 1024

# Not the newsroom's: what migrate creates (content types, permissions), sessions, sign-in
# attempts and the admin's own log.
SKIPPED_APPS = {"contenttypes", "sessions", "axes", "admin"}
SKIPPED_MODELS = {"auth.permission"}


class Encoder(DjangoJSONEncoder):
    """Times to the microsecond (Django's encoder keeps milliseconds, as JavaScript does):
    a restored site shows the times the original stored."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class ArchiveError(Exception):
    """An archive that cannot be restored here, with the reason."""


def exported_models() -> list[type[models.Model]]:
    """Every model whose records the archive holds, each after those it points at."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED_APPS
        and model._meta.label_lower not in SKIPPED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]
    app_list = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def schema() -> dict[str, str]:
    """The latest migration applied of each app: what the archive's records are shaped by."""
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    latest: dict[str, str] = {}
    for app, name in sorted(loader.applied_migrations):
        leaves = loader.graph.leaf_nodes(app)
        if (app, name) in leaves:
            latest[app] = name
    return latest


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _records(model) -> Iterator[tuple[str, list[str]]]:
    """Each record of `model` as a JSON line, with the names of the files it holds."""
    queryset = model._default_manager.order_by("pk")
    links = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and hasattr(f.related_model, "natural_key")
    ]
    if links:
        queryset = queryset.select_related(*links)
    many = [
        f.name
        for f in model._meta.many_to_many
        if f.serialize and f.remote_field.through._meta.auto_created
    ]
    if many:
        queryset = queryset.prefetch_related(*many)
    files = _file_fields(model)
    is_user = model._meta.label_lower == apps.get_model("auth", "User")._meta.label_lower
    chunk: list[models.Model] = []

    def flush():
        rows = serializers.serialize("python", chunk, use_natural_foreign_keys=True)
        for obj, row in zip(chunk, rows, strict=True):
            if is_user:
                # Never the password hash: an unusable password instead.
                row["fields"]["password"] = make_password(None)
            names = [getattr(obj, f.attname).name for f in files if getattr(obj, f.attname)]
            yield json.dumps(row, cls=Encoder, ensure_ascii=False), names
        for obj in chunk:
            # A prefetched queryset points back at its record: without this, each chunk
            # would wait for the garbage collector, which runs the less often the more the
            # process holds, and memory would grow with the site.
            obj.__dict__.pop("_prefetched_objects_cache", None)
        chunk.clear()

    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            yield from flush()
    yield from flush()


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o644, 0, 0, "", ""
    with open(path, "rb") as fh:
        tar.addfile(info, fh)


def _digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def snapshot():
    """A read-only transaction that sees the database as it stood when it began, without
    holding up writers: SQLite's deferred read in WAL mode (the site's own atomic blocks take
    the write lock at once), PostgreSQL's repeatable read."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:  # a caller's transaction is the snapshot already
        yield
        return
    begin = {
        "sqlite": "BEGIN DEFERRED",
        "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    }.get(connection.vendor, "BEGIN")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(begin)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


@dataclass
class Summary:
    counts: dict[str, int]
    media: int


def export_site(out: str | os.PathLike, *, stdout=None) -> Summary:
    """Write the whole site to the tar file `out`."""
    members, media, counts = [], {}, {}
    with tempfile.TemporaryDirectory(prefix="export-") as tmp, tarfile.open(out, "w") as tar:
        # One consistent reading of the database, while editors go on working.
        with snapshot():
            for n, model in enumerate(exported_models()):
                label = model._meta.label_lower
                name = f"data/{n:03d}-{label}.jsonl"
                path = Path(tmp) / "records.jsonl"
                count = 0
                with open(path, "w", encoding="utf-8") as fh:
                    for line, files in _records(model):
                        fh.write(line + "\n")
                        count += 1
                        media.update(dict.fromkeys(files))
                _add_file(tar, name, path)
                members.append(
                    {"name": name, "model": label, "count": count, "sha256": _digest_file(path)}
                )
                counts[label] = count
                if stdout is not None:
                    stdout.write(f"{label}: {count}")
        media_list = []
        for file_name in media:
            if not default_storage.exists(file_name):
                if stdout is not None:
                    stdout.write(f"missing file, left out: {file_name}")
                continue
            path = Path(tmp) / "media-file"
            with default_storage.open(file_name, "rb") as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst, BLOCK)
            _add_file(tar, f"media/{file_name}", path)
            media_list.append({"name": file_name, "sha256": _digest_file(path)})
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "schema": schema(),
            "counts": counts,
            "records": members,
            "media": media_list,
        }
        path = Path(tmp) / MANIFEST
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _add_file(tar, MANIFEST, path)
    return Summary(counts, len(media_list))


# Records that say the database holds a site already (migrate creates none of these).
def _has_content() -> bool:
    return any(
        model._default_manager.exists()
        for model in exported_models()
        if model._meta.app_label not in ("auth", "taggit", "reversion")
        or model._meta.label_lower == "auth.user"
    )


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise ArchiveError("No manifest.json: not a site archive.") from None
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise ArchiveError(
            f"Not a {FORMAT} archive of version {FORMAT_VERSION}: "
            f"{manifest.get('format')} {manifest.get('version')}."
        )
    here = schema()
    newer = sorted(
        f"{app}.{name}" for app, name in manifest["schema"].items() if here.get(app) != name
    )
    if newer:
        raise ArchiveError(
            "The archive was written by a site with other migrations "
            f"({', '.join(newer)}); run the same release, migrated, to restore it."
        )
    return manifest


def _extract_checked(tar: tarfile.TarFile, name: str, sha256: str, dest: Path) -> None:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise ArchiveError(f"{name} is listed in the manifest but not in the archive.") from None
    if not member.isfile():
        raise ArchiveError(f"{name} is not a file.")
    digest = hashlib.sha256()
    with tar.extractfile(member) as src, open(dest, "wb") as dst:
        while block := src.read(BLOCK):
            digest.update(block)
            dst.write(block)
    if digest.hexdigest() != sha256:
        raise ArchiveError(f"{name} does not match its checksum: the archive is damaged.")


def _safe_media_name(name: str) -> str:
    parts = Path(name).parts
    if not name or Path(name).is_absolute() or ".." in parts:
        raise ArchiveError(f"Refused file name in the archive: {name!r}.")
    return name


def import_site(source: str | os.PathLike, *, merge: bool = False, stdout=None) -> Summary:
    """Restore the archive `source` into this database: an empty one, or with `merge` one that
    holds a site already (records of the archive replace those with the same primary key, if
    they are the same records: see `loading.Collision`). All or nothing: every check comes
    before the first write, and records, derived data and files go in one transaction."""
    if not merge and _has_content():
        raise ArchiveError(
            "This database holds a site already: restore into an empty database, or pass "
            "--merge to load the archive over it."
        )
    try:
        tar = tarfile.open(source, "r:")
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"Cannot read {source}: {error}") from None
    with tar, tempfile.TemporaryDirectory(prefix="import-") as tmp:
        manifest = _read_manifest(tar)
        by_label = {model._meta.label_lower: model for model in exported_models()}
        records = []
        for n, member in enumerate(manifest["records"]):
            if member["model"] not in by_label:
                raise ArchiveError(f"{member['model']} records are not kept by this site.")
            if not member["count"]:
                continue
            path = Path(tmp) / f"{n:03d}.jsonl"
            _extract_checked(tar, member["name"], member["sha256"], path)
            records.append((by_label[member["model"]], path))
        media = []
        for entry in manifest["media"]:
            name = _safe_media_name(entry["name"])
            path = Path(tmp) / f"media-{len(media)}"
            _extract_checked(tar, f"media/{name}", entry["sha256"], path)
            media.append((name, path))
            # Placed after the records load; each file waits on disk, not in memory.
        loader = loading.Loader(by_label.values(), using=DEFAULT_DB_ALIAS, merge=merge)
        try:
            with transaction.atomic(), loader.quiet():
                for model, path in records:
                    with open(path, encoding="utf-8") as lines:
                        loader.load(model, lines)
                loader.finish()
                # What saves derive from bodies (plain text, mentions, search entries), for
                # every story at once.
                services.derive_all()
                # Files last: storage is not part of the transaction.
                for name, path in media:
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    with open(path, "rb") as fh:
                        saved = default_storage.save(name, fh)
                    if saved != name:
                        raise ArchiveError(f"Storage put {name} under another name: {saved}.")
                # Every page may show what was restored: the whole cache is out of date.
                transaction.on_commit(lambda: tagcache.purge([tagcache.EVERYTHING]))
        except (
            loading.Collision,
            LookupError,
            DatabaseError,
            ValidationError,
            DeserializationError,
        ) as error:
            raise ArchiveError(f"Nothing was restored: {error}") from None
    counts = {m["model"]: m["count"] for m in manifest["records"]}
    if stdout is not None:
        for label, count in counts.items():
            stdout.write(f"{label}: {count}")
    return Summary(counts, len(media))
