"""Moving a whole site: `export_site` and `import_site` at size.

For each size (default 1,000 and 10,000 stories), builds a SQLite site in a temporary folder
(the seed story, then `seed_bulk` with 1 artist for every 5 stories and 3 projects for every
10), writes it to a tar file with `export_site`, and restores that into a new, empty SQLite
database with `import_site` (and into PostgreSQL as well with --postgres URL). Each command runs
in a process of its own with DEBUG off; the table gives its wall time, CPU time (user and
system) and peak resident memory, and the archive's size. Memory should not grow with the site:
the last column gives the ratio of the largest size's peak to the smallest's.

    python bench/bench_portability.py [--sizes 1000 10000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from sites import base_env, bulk_arguments, manage, measured


def environment(folder: Path, database_url: str) -> dict[str, str]:
    env = base_env()
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench",
        DEBUG="False",  # a .env beside manage.py may turn it on, and DEBUG logs every query
        CACHE_DIR=str(folder / "cache"),
        MEDIA_ROOT=str(folder / "media"),
    )
    return env


def postgres_database(base: str, name: str, *, drop: bool = False) -> str:
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def run_size(articles: int, folder: Path, postgres: str | None) -> dict[str, dict[str, float]]:
    source = environment(folder / "source", f"sqlite:///{folder / 'source.sqlite3'}")
    print(f"Building a site of {articles} bulk stories…", flush=True)
    manage(source, "migrate", "--noinput", "-v0")
    manage(source, "seed")
    manage(source, *bulk_arguments(articles))
    archive = folder / "site.tar"
    print("export_site…", flush=True)
    figures = {"export_site": measured(source, "export_site", str(archive))}
    figures["export_site"]["archive_mib"] = archive.stat().st_size / 2**20
    targets = [("import_site, SQLite", f"sqlite:///{folder / 'restored.sqlite3'}")]
    name = f"newsroom_bench_move_{secrets.token_hex(4)}"
    if postgres:
        targets.append(("import_site, PostgreSQL", postgres_database(postgres, name)))
    try:
        for label, url in targets:
            target = environment(folder / label.split()[-1], url)
            manage(target, "migrate", "--noinput", "-v0")
            print(f"{label}…", flush=True)
            figures[label] = measured(target, "import_site", str(archive))
    finally:
        if postgres:
            postgres_database(postgres, name, drop=True)
    for path in folder.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--postgres", help="Also restore into PostgreSQL at this server URL.")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-portability-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            results[size] = run_size(size, folder, args.postgres)
    load = os.getloadavg()
    print()
    print(
        f"{platform.node()}, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end"
    )
    print()
    print("| command | stories | wall s | CPU s | peak MiB | archive MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for size, figures in results.items():
        for label, f in figures.items():
            archive = f"{f['archive_mib']:.0f}" if "archive_mib" in f else ""
            print(
                f"| {label} | {size:,} | {f['wall']:.1f} | {f['cpu']:.1f} | {f['mib']:.0f} | "
                f"{archive} |"
            )
    smallest, largest = results[min(results)], results[max(results)]
    if len(results) > 1:
        print()
        for label in smallest:
            ratio = largest[label]["mib"] / smallest[label]["mib"]
            print(f"{label}: peak memory at {max(results):,} stories is {ratio:.2f}× that at "
                  f"{min(results):,}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
