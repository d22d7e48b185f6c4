"""The read API beside the pages it mirrors, without the page cache, measured in process.

Builds a SQLite database in a temporary folder (the seed story and `seed_bulk`, 1,000 stories
by default, their photos beside it), or reads one given with --database (with its photos in
MEDIA_ROOT). Then, with Django's test client in a process
of its own (no network, PAGE_CACHE_SECONDS=0, the file cache in a temporary folder unless
--cache names another, as CACHE_URL does), times each pair after a warm-up that fills the
cache below the pages: the home page and the API's list (`/api/v1/articles/`, 20 stories with
the list's fields), the seed story's page and its API detail, in turns of 20 requests. Each
figure is the p50 of --requests requests, wall and CPU time; the ratio is the API's wall p50
over the page's. The target is 2×:
the exit status is 1 when a ratio misses it. --profile then profiles the API list.

    python bench/bench_api.py [--articles 1000] [--requests 200] [--database URL]
                              [--cache CACHE_URL] [--profile]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sites import ROOT, base_env, bulk_arguments, in_process_env, manage

SEED_PATH = "/articles/kanye-west-spike-jonze-collaborate-on-short-film/"
PAIRS = (("home page", "/", "API list", "/api/v1/articles/"),
         ("article page", SEED_PATH, "API article", "/api/v1" + SEED_PATH))  # fmt: skip
TARGET = 2.0
BLOCK = 20


def build(database_url: str, articles: int, folder: Path) -> None:
    env = base_env()
    env.update(DATABASE_URL=database_url, SECRET_KEY="bench", CACHE_DIR=str(folder / "cache"))
    env.setdefault("MEDIA_ROOT", str(folder / "media"))
    manage(env, "migrate", "--noinput")
    manage(env, "seed")
    manage(env, *bulk_arguments(articles))


def measure(database_url: str, cache_url: str, folder: Path, args) -> list[str]:
    """Run this file again in a process of its own on `database_url`; its output lines."""
    env = in_process_env(
        database_url, CACHE_URL=cache_url, CACHE_DIR=str(folder / "cache-api"), API_RATE_LIMIT=""
    )
    # The photos seed_bulk made: without them every page would try to make its renditions.
    env.setdefault("MEDIA_ROOT", str(folder / "media"))
    command = [sys.executable, __file__, "--inside", "--requests", str(args.requests)]
    if args.profile:
        command.append("--profile")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"measuring {database_url} failed:\n{result.stderr[-4000:]}")
    return result.stdout.splitlines()


def inside(requests: int, profile: bool) -> None:
    """The measurements, in a process set up by `measure`."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {  # static addresses under their plain names: no collectstatic
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.test import Client

    reader = Client()

    def once(path: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = reader.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert response.status_code == 200, (path, response.status_code)
        return wall * 1000, cpu * 1000

    for _, page, _, api in PAIRS:
        for path in (page, api, page, api):  # fills what is kept below the pages
            assert reader.get(path).status_code == 200
    print("| no page cache | page p50 ms (CPU) | API p50 ms (CPU) | API / page | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    for page_name, page, api_name, api in PAIRS:
        # In turns of BLOCK requests, so that the machine's other load falls on both alike
        # while neither pays for the other's garbage.
        pages, apis = [], []
        for _ in range(0, requests, BLOCK):
            pages += [once(page) for _ in range(BLOCK)]
            apis += [once(api) for _ in range(BLOCK)]
        page_p50, page_cpu = (statistics.median(column) for column in zip(*pages, strict=True))
        api_p50, api_cpu = (statistics.median(column) for column in zip(*apis, strict=True))
        ratio = api_p50 / page_p50
        verdict = "met" if ratio <= TARGET else "missed"
        print(
            f"| {api_name} vs {page_name} | {page_p50:.1f} ({page_cpu:.1f}) "
            f"| {api_p50:.1f} ({api_cpu:.1f}) | {ratio:.1f}× (≤ {TARGET:g}×: {verdict}) "
            f"| {api_cpu / page_cpu:.1f}× |"
        )
        print(f"RATIO\t{ratio:.3f}")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            reader.get(PAIRS[0][3])
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="", help="Measure this database (no seeding).")
    parser.add_argument("--cache", default="", help="A CACHE_URL (default: the file cache).")
    parser.add_argument("--profile", action="store_true", help="Profile the API list after.")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args.requests, args.profile)
        return 0
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        url = args.database
        if not url:
            url = f"sqlite:///{folder}/db.sqlite3"
            build(url, args.articles, folder)
        lines = measure(url, args.cache, folder, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(line for line in lines if not line.startswith("RATIO\t")))
    print(f"Load average after the run: {os.getloadavg()[0]:.1f}")
    ratios = [float(line.split("\t")[1]) for line in lines if line.startswith("RATIO\t")]
    return 0 if all(ratio <= TARGET for ratio in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
