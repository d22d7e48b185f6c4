"""The site under load, as production runs it, side by side with a floor in the same run.

Builds a site in a temporary folder (SQLite, the shared file cache, DEBUG off, collected static
files) with the seed story and `seed_bulk` data (10,000 articles by default), then starts two
gunicorn servers of 2 sync workers each on 127.0.0.1: one with the page cache, one without.
Both route /bench/floor/, a fixed HTML page the size of the seed story's page through the same
middleware (BENCH_FLOOR, never set in production).

wrk drives each page at 1, 16 and 64 connections, in rounds that interleave the pages, and the
table shows the median of the rounds: requests a second, p50 and p99 latency, and errors
(socket errors and non-2xx answers). Then 64 connections for 30 s on the cached article check
that no request fails and no worker restarts, and the workers' memory is read.

With --postgres URL, search is also measured on PostgreSQL (full-text search) at the same size.
The read API's article and list are driven beside the same pages, and a site of --move-articles
bulk stories (1,000 by default) is exported and imported, timed, with peak memory.

    python bench/bench_http.py [--articles 10000] [--rounds 3] [--seconds 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sites import ROOT, bulk_arguments, manage, measured

RESULTS = ROOT / "bench" / "results.md"
ARTICLE = "/articles/kanye-west-spike-jonze-collaborate-on-short-film/"
CONNECTIONS = (1, 16, 64)
# The read API beside the same pages: the seed story, and the latest stories (20, as the home
# page lists them) with the list's fields (all but the bodies and mentions).
API_ARTICLE = "/api/v1" + ARTICLE
API_LIST = "/api/v1/articles/"


def site_env(folder: Path, database_url: str, *, page_cache: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PAGE_CACHE"))}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CACHE_URL="",
        CONN_MAX_AGE="60",  # as .env.example and the default have it
        CACHE_DIR=str(folder / ("cache" if page_cache else "cache-off")),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        SECURE_COOKIES="False",
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
        REQUEST_LOG_LEVEL="WARNING",
        BENCH_FLOOR="True",
        PAGE_CACHE_SECONDS="600" if page_cache else "0",
        API_RATE_LIMIT="",  # wrk is one client
        # The warm-up's first views make every rendition a page shows; on a busy machine that
        # can pass gunicorn's usual 30 s.
        GUNICORN_TIMEOUT="300",
        WEB_CONCURRENCY="2",
    )
    return env


def build_site(env: dict[str, str], articles: int) -> None:
    manage(env, "migrate", "--noinput")
    # Static files before the seed story's snapshot, which is its page as served.
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "seed")
    started = time.monotonic()
    out = manage(env, *bulk_arguments(articles))
    print(out.strip().splitlines()[-1], f"(wall {time.monotonic() - started:.0f} s)")


class Gunicorn:
    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", "127.0.0.1:0", "--workers", "2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.log: list[str] = []
        self.url = ""
        ready = threading.Event()

        def read() -> None:
            for line in self.process.stderr:
                self.log.append(line)
                found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
                if found:
                    self.url = found.group(1)
                if sum("Booting worker" in seen for seen in self.log) >= 2 and self.url:
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(60)
        if not self.url or self.process.poll() is not None:
            sys.exit("gunicorn did not start:\n" + "".join(self.log))

    def boots(self) -> int:
        return sum("Booting worker" in line for line in self.log)

    def worker_memory_mib(self, field: str) -> list[float]:
        """Each worker's memory: "Rss" (all its pages, shared ones included) or "Pss" (shared
        pages split between the processes sharing them: what each worker adds)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            kib = int(re.search(rf"^{field}:\s+(\d+) kB", rollup, re.M).group(1))
            sizes.append(kib / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def servers(*envs):
    started = [Gunicorn(env) for env in envs]
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:  # the status, for the caller's message
        return error.code, error.read()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, seconds: int) -> dict[str, float]:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout",
         "10s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    errors = 0
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(found.group(1)) if found else 0
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in found.groups()) if found else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors,
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--soak-seconds", type=int, default=30)
    parser.add_argument(
        "--move-articles", type=int, default=1000, help="Bulk articles to export and import."
    )
    parser.add_argument("--postgres", default="", help="PostgreSQL URL for the search figure.")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk; `make bench` does it).")

    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        return run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: Path) -> int:
    database = f"sqlite:///{folder / 'db.sqlite3'}"
    cached_env = site_env(folder, database, page_cache=True)
    uncached_env = site_env(folder, database, page_cache=False)
    print(f"Building the site: seed story + {args.articles} bulk articles (SQLite)…")
    build_site(cached_env, args.articles)

    lines: list[str] = []
    with servers(cached_env, uncached_env) as (cached, uncached):
        status, page = get(cached.url + ARTICLE)
        assert status == 200
        artist = "/artists/kanye-west/"
        tag = re.search(rb'href="(/tags/[^"]+/)"', page).group(1).decode()
        targets = {
            "floor (fixed page)": (cached, f"/bench/floor/?bytes={len(page)}"),
            "article, page cache": (cached, ARTICLE),
            "article, no page cache": (uncached, ARTICLE),
            "home, page cache": (cached, "/"),
            "home, no page cache": (uncached, "/"),
            "artist, no page cache": (uncached, artist),
            "tag, no page cache": (uncached, tag),
            "search, no page cache": (uncached, "/search/?q=kanye+film"),
            "feed, page cache": (cached, "/feeds/latest/"),
            "feed, no page cache": (uncached, "/feeds/latest/"),
            "API article, page cache": (cached, API_ARTICLE),
            "API article, no page cache": (uncached, API_ARTICLE),
            "API list, page cache": (cached, API_LIST),
            "API list, no page cache": (uncached, API_LIST),
        }
        for server, path in targets.values():  # warm: renditions, cached bodies and cards
            for _ in range(3):
                status, _ = get(server.url + path)
                assert status == 200, f"{path}: {status}\n" + "".join(server.log[-5:])
        boots = {server: server.boots() for server in (cached, uncached)}

        results: dict[tuple[str, int], list[dict]] = {}
        for n in range(args.rounds):
            print(f"round {n + 1} of {args.rounds}…", flush=True)
            for connections in CONNECTIONS:
                for name, (server, path) in targets.items():
                    run_ = wrk(server.url + path, connections, args.seconds)
                    results.setdefault((name, connections), []).append(run_)

        print(f"soak: 64 connections for {args.soak_seconds} s on the cached article…")
        soak = wrk(cached.url + ARTICLE, 64, args.soak_seconds)
        soak_uncached = wrk(uncached.url + ARTICLE, 64, args.soak_seconds)
        restarts = sum(server.boots() - boots[server] for server in boots)
        memory = {
            field: cached.worker_memory_mib(field) + uncached.worker_memory_mib(field)
            for field in ("Rss", "Pss")
        }

    moved = export_and_import(cached_env, folder, args.move_articles)

    search_pg = None
    if args.postgres:
        search_pg = postgres_search(args, folder)

    table = summarize(results, args)
    floor = {c: median_of(results[("floor (fixed page)", c)]) for c in CONNECTIONS}
    art_c = median_of(results[("article, page cache", 16)])
    art_u1 = median_of(results[("article, no page cache", 1)])
    checks = [
        (
            "cached article req/s at 16 connections >= 0.75x floor",
            art_c["rps"] / floor[16]["rps"], 0.75, art_c["rps"] / floor[16]["rps"] >= 0.75,
        ),
        (
            "article without page cache, p50 at 1 connection <= 8x floor",
            art_u1["p50"] / floor[1]["p50"], 8, art_u1["p50"] / floor[1]["p50"] <= 8,
        ),
    ]  # fmt: skip
    for api, page in (("API article", "article"), ("API list", "home")):
        # The same content as JSON: within 2x of its HTML page, kept and not.
        kept = median_of(results[(f"{api}, page cache", 16)])["rps"]
        kept_page = median_of(results[(f"{page}, page cache", 16)])["rps"]
        checks.append(
            (f"{api} req/s at 16 connections, page cache, vs {page} page >= 0.5x",
             kept / kept_page, 0.5, kept / kept_page >= 0.5)
        )  # fmt: skip
        p50 = median_of(results[(f"{api}, no page cache", 1)])["p50"]
        p50_page = median_of(results[(f"{page}, no page cache", 1)])["p50"]
        checks.append(
            (f"{api} p50 at 1 connection, no page cache, vs {page} page <= 2x",
             p50 / p50_page, 2, p50 / p50_page <= 2)
        )  # fmt: skip
    for page in ("home", "artist", "tag"):
        p50 = median_of(results[(f"{page}, no page cache", 1)])["p50"]
        ratio = p50 / floor[1]["p50"]
        checks.append(
            (f"{page} without page cache, p50 at 1 connection <= 8x floor", ratio, 8, ratio <= 8)
        )
    lines += [
        "# HTTP benchmark",
        "",
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores; "
        f"gunicorn, 2 sync workers per server, DEBUG off, SQLite, file cache; "
        f"seed story + {args.articles} bulk articles; wrk, {args.rounds} interleaved rounds of "
        f"{args.seconds} s, medians.",
        "",
        *table,
        "",
        "| target | measured | limit | |",
        "|---|---:|---:|---|",
        *[
            f"| {name} | {value:.2f} | {limit} | {'met' if ok else 'MISSED'} |"
            for name, value, limit, ok in checks
        ],
        f"| errors at 64 connections for {args.soak_seconds} s, page cache / none | "
        f"{soak['errors']:.0f} / {soak_uncached['errors']:.0f} | 0 | "
        f"{'met' if soak['errors'] == soak_uncached['errors'] == 0 else 'MISSED'} |",
        f"| worker restarts | {restarts} | 0 | {'met' if restarts == 0 else 'MISSED'} |",
        f"| worker memory after the run, proportional (PSS), MiB, max of 4 | "
        f"{max(memory['Pss']):.1f} | 80 | {'met' if max(memory['Pss']) <= 80 else 'MISSED'} |",
        f"| worker memory after the run, resident (RSS, shared pages counted in full), MiB | "
        f"{max(memory['Rss']):.1f} | | |",
    ]  # fmt: skip
    if search_pg is not None:
        ok = search_pg["p50"] <= 20
        lines.append(
            f"| search on PostgreSQL, p50 at 1 connection, ms | {search_pg['p50']:.2f} | 20 | "
            f"{'met' if ok else 'MISSED'} |"
        )
        lines.append(
            f'| search on PostgreSQL for a word in every story ("film"), p50 ms | '
            f"{search_pg['every_p50']:.2f} | | |"
        )
    lines.append(
        f"| export_site, {args.move_articles} bulk articles: seconds, peak MiB, archive MiB | "
        f"{moved['export_s']:.1f} / {moved['export_mib']:.0f} / {moved['archive_mib']:.0f} | | |"
    )
    lines.append(
        f"| import_site of it into an empty SQLite database: seconds, peak memory MiB | "
        f"{moved['import_s']:.1f} / {moved['import_mib']:.0f} | | |"
    )
    lines.append("")
    lines.append(
        f"Soak: cached article {soak['rps']:.0f} req/s (p99 {soak['p99']:.1f} ms), "
        f"uncached {soak_uncached['rps']:.0f} req/s (p99 {soak_uncached['p99']:.1f} ms)."
    )
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text)
    print(f"Written to {args.output}")
    return 0


def export_and_import(env: dict[str, str], folder: Path, articles: int) -> dict[str, float]:
    """A site of `articles` bulk stories out to a tar file, and into a new, empty SQLite
    database (bench_portability.py measures both at size, with CPU time)."""
    env = dict(env, DATABASE_URL=f"sqlite:///{folder / 'moved.sqlite3'}")
    env.update(MEDIA_ROOT=str(folder / "media-moved"), CACHE_DIR=str(folder / "cache-moved"))
    print(f"Building a site of {articles} bulk articles to move…", flush=True)
    build_site(env, articles)
    archive = folder / "site.tar"
    print("export_site…", flush=True)
    exported = measured(env, "export_site", str(archive))
    target = dict(env, DATABASE_URL=f"sqlite:///{folder / 'restored.sqlite3'}")
    target.update(MEDIA_ROOT=str(folder / "media-restored"), CACHE_DIR=str(folder / "cache-r"))
    manage(target, "migrate", "--noinput")
    print("import_site…", flush=True)
    imported = measured(target, "import_site", str(archive))
    return {
        "export_s": exported["wall"],
        "export_mib": exported["mib"],
        "archive_mib": archive.stat().st_size / 2**20,
        "import_s": imported["wall"],
        "import_mib": imported["mib"],
    }


def summarize(results, args) -> list[str]:
    rows = [
        "| page | conns | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for connections in CONNECTIONS:
        for (name, conns), runs in results.items():
            if conns != connections:
                continue
            m = median_of(runs)
            rows.append(
                f"| {name} | {conns} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | "
                f"{m['errors']:.0f} |"
            )
    return rows


def postgres_search(args, folder: Path) -> dict[str, float]:
    """Search at the same size on PostgreSQL, in a database of its own."""
    import psycopg

    base = args.postgres.replace("postgres://", "postgresql://")
    name = f"newsroom_bench_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/]*$", f"/{name}", args.postgres)
    try:
        env = site_env(folder, url, page_cache=False)
        env["CACHE_DIR"] = str(folder / "cache-pg")
        print(f"Building the site on PostgreSQL ({args.articles} bulk articles)…")
        build_site(env, args.articles)
        results = {}
        with servers(env) as (server,):
            # The benchmark's search, and a word every bulk story holds (past the ranking's limit).
            for path in ("/search/?q=kanye+film", "/search/?q=film"):
                for _ in range(3):
                    get(server.url + path)
                runs = [wrk(server.url + path, 1, args.seconds) for _ in range(args.rounds)]
                results[path] = median_of(runs)
                print(
                    f"{path} on PostgreSQL: p50 {results[path]['p50']:.2f} ms, "
                    f"{results[path]['rps']:.0f} req/s"
                )
        return results["/search/?q=kanye+film"] | {"every_p50": results["/search/?q=film"]["p50"]}
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
