"""The archive at size: what grows with the number of stories, measured in process.

Builds a SQLite database in a temporary folder for each size (the seed story, then `seed_bulk`
with 1 artist for every 5 stories and 3 projects for every 10, timed), or reads one given with
--database. Then, with Django's test client in this process (no network, no page cache, a
local-memory cache of its own), on each database:

- search: p50 and p90 of 200 searches, each for a word picked at random from the stories' text;
- the sitemap index and each of its pages, built from scratch;
- the article list in the admin: plain, filtered by state, searched;
- the seed story's page with every cache empty (the cache cleared and the process's kept
  addresses forgotten before each view), and its query count;
- the home, an artist's and a tag's page with the parts of pages kept (no page cache);
- first, a floor: a fixed page through the same middleware (`/bench/floor/`), to read the
  others against on a machine whose speed varies.

With two sizes (the default: 10,000 and 100,000) the table gives the ratio of the second to the
first. With --postgres URL the same runs on PostgreSQL at the first size given.

    python bench/bench_archive.py [--sizes 10000 100000] [--database URL] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sites import ROOT, base_env, bulk_arguments, in_process_env, manage

SEED_PATH = "/articles/kanye-west-spike-jonze-collaborate-on-short-film/"
SEARCHES = 200
ROUNDS = 15


def build(database_url: str, articles: int, folder: Path) -> float:
    """A database with the seed story and `articles` bulk stories; seconds seed_bulk took."""
    env = base_env()
    # DEBUG for static addresses under their plain names, as the measurements use them: the
    # seed story's snapshot holds its page's parts as they are served.
    env.update(
        DATABASE_URL=database_url, SECRET_KEY="bench", CACHE_DIR=str(folder / "cache"), DEBUG="True"
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed")
    started = time.monotonic()
    manage(
        env, *bulk_arguments(articles),
        "--contributors", str(max(200, articles // 50)), "--tags", str(max(300, articles // 33)),
    )  # fmt: skip
    return time.monotonic() - started


def measure(database_url: str) -> dict[str, float]:
    """Run this file again in a process of its own on `database_url`; its figures."""
    env = in_process_env(
        database_url,
        CACHE_URL="locmemcache://bench-archive?max_entries=1000000",
        BENCH_FLOOR="True",
    )
    result = subprocess.run(
        [sys.executable, __file__, "--inside"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"measuring {database_url} failed:\n{result.stderr[-4000:]}")
    figures = {}
    for line in result.stdout.splitlines():
        if line.startswith("FIGURE\t"):
            _, name, value = line.split("\t")
            figures[name] = float(value)
    return figures


def inside() -> None:
    """The measurements, in a process set up for the database in DATABASE_URL."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings

    # Static addresses under their plain names: no collectstatic for an in-process run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from newsroom import links

    def figure(name: str, value: float) -> None:
        print(f"FIGURE\t{name}\t{value:.3f}", flush=True)

    def timed(client, path, params=None, *, before=None, rounds=ROUNDS) -> list[float]:
        times = []
        for _ in range(rounds):
            if before:
                before()
            started = time.perf_counter()
            response = client.get(path, params or {})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, params, response.status_code)
        return times

    rng = random.Random(7)
    reader = Client()
    figure("stories", Article.objects.count())
    # The floor, in the same run: a fixed page through the same middleware, no database, cache
    # or template. The machine's speed varies; the pages' multiples of this vary less.
    timed(reader, "/bench/floor/", rounds=20)
    figure(
        "floor (fixed page, same middleware)",
        statistics.median(timed(reader, "/bench/floor/", rounds=200)),
    )

    # Words readers might look for: from the text of stories picked at random.
    ids = list(Article.objects.published().values_list("pk", flat=True))
    texts = Article.objects.filter(pk__in=rng.sample(ids, min(300, len(ids)))).values_list(
        "body_text", flat=True
    )
    words = sorted(
        {word.strip(".,;:!?'\"()").lower() for text in texts for word in text.split()} - {""}
    )
    words = [word for word in words if word.isalpha() and len(word) > 2]
    timed(reader, "/search/", {"q": "warm"}, rounds=3)
    times = []
    for _ in range(SEARCHES):
        started = time.perf_counter()
        response = reader.get("/search/", {"q": rng.choice(words)})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    figure("search p50", statistics.median(times))
    figure("search p90", statistics.quantiles(times, n=10)[-1])

    # Sitemaps, each built from scratch.
    from urllib.parse import urlsplit
    from xml.etree import ElementTree

    cache.clear()
    started = time.perf_counter()
    index = reader.get("/sitemap.xml")
    figure("sitemap index", (time.perf_counter() - started) * 1000)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    for entry in ElementTree.fromstring(index.content).iter(f"{ns}loc"):
        address = urlsplit(entry.text)
        cache.clear()
        params = {"p": address.query[2:]} if address.query else {}
        started = time.perf_counter()
        page = reader.get(address.path, params)
        elapsed = (time.perf_counter() - started) * 1000
        assert page.status_code == 200
        name = address.path.strip("/") + (f"?{address.query}" if address.query else "")
        figure(name, elapsed)
        figure(f"{name}, addresses", page.content.count(b"<url>"))
    started = time.perf_counter()
    assert reader.get("/sitemap-news.xml").status_code == 200
    figure("sitemap-news.xml", (time.perf_counter() - started) * 1000)

    # The admin's article list.
    editor, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    staff = Client()
    staff.force_login(editor)
    lists = {
        "admin list": {},
        "admin list, live stories": {"state": "live"},
        "admin list, drafts": {"status__exact": "draft"},
        "admin list, searched": {"q": "heartbreak"},
        "admin list, searched and filtered": {"q": "film", "status__exact": "published"},
    }
    for name, params in lists.items():
        figure(name, statistics.median(timed(staff, "/admin/articles/article/", params, rounds=5)))

    # The seed story's page with every cache empty.
    def cold():
        cache.clear()
        links._kept.cache_clear()

    times = timed(reader, SEED_PATH, before=cold)
    figure("cold article page", statistics.median(times))
    cold()
    with CaptureQueriesContext(connection) as captured:
        reader.get(SEED_PATH)
    figure("cold article page, queries", len(captured.captured_queries))

    # Pages whose cost should not grow with the archive (parts of pages kept).
    seed = Article.objects.get(slug=SEED_PATH.split("/")[2])
    artist = seed.artists.first()
    tag = Article.objects.published().tags_in_use().order_by("pk").first()
    for name, path in [
        ("home page", "/"),
        ("artist page", artist.get_absolute_url()),
        ("tag page", f"/tags/{tag.slug}/"),
    ]:
        timed(reader, path, rounds=2)
        figure(name, statistics.median(timed(reader, path)))


def table(columns: list[tuple[str, dict[str, float]]]) -> list[str]:
    names = list(dict.fromkeys(name for _, figures in columns for name in figures))
    head = "| ms (p50 unless said) | " + " | ".join(label for label, _ in columns)
    lines = [head + (" | ratio |" if len(columns) == 2 else " |")]
    lines.append("|---" * (len(columns) + 1 + (len(columns) == 2)) + "|")
    for name in names:
        cells = [figures.get(name) for _, figures in columns]
        row = f"| {name} | " + " | ".join("" if c is None else f"{c:,.1f}" for c in cells)
        if len(columns) == 2:
            a, b = cells
            row += f" | {b / a:.1f}×" if a and b else " | "
        lines.append(row + " |")
    return lines


def main() -> int:
    if "--inside" in sys.argv:
        inside()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", default="", help="Measure this database only.")
    parser.add_argument("--postgres", default="", help="PostgreSQL URL, for the first size.")
    args = parser.parse_args()
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    columns = []
    if args.database:
        columns.append((args.database, measure(args.database)))
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
        try:
            for size in args.sizes:
                url = f"sqlite:///{folder}/db-{size}.sqlite3"
                seconds = build(url, size, folder)
                figures = {"seed_bulk, s": seconds} | measure(url)
                columns.append((f"SQLite, {size:,}", figures))
                print(f"SQLite, {size:,} stories: measured (load {os.getloadavg()[0]:.1f})")
            if args.postgres:
                size = args.sizes[0]
                seconds = build(args.postgres, size, folder)
                columns.append((f"PostgreSQL, {size:,}", measure(args.postgres)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(table(columns)))
    print(f"Load average after the run: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
