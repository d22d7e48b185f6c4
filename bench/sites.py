"""What the benchmarks share: running this checkout's `manage.py` for a site of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def base_env() -> dict[str, str]:
    """This process's environment without Django's own variables (a settings module of the
    shell's must not take over a benchmark's site)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}


def manage(env: dict[str, str], *args: str) -> str:
    """`manage.py *args` in `env`; its output, or the benchmark stops with its errors."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def bulk_arguments(articles: int) -> list[str]:
    """`seed_bulk` arguments for `articles` stories with an artist for every 5 and 3 projects
    for every 10, as every benchmark loads them."""
    return [
        "seed_bulk", "--add", "--articles", str(articles),
        "--artists", str(max(1, articles // 5)), "--projects", str(max(1, articles * 3 // 10)),
    ]  # fmt: skip


def in_process_env(database_url: str, **more: str) -> dict[str, str]:
    """The environment of a benchmark measuring its site in process with Django's test client:
    DEBUG off, no page cache, quiet logs, no HTTPS redirects."""
    env = base_env()
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench",
        PAGE_CACHE_SECONDS="0",
        DEBUG="False",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
        REQUEST_LOG_LEVEL="WARNING",
        SENTRY_DSN="",
        SECURE_COOKIES="False",
        SECURE_SSL_REDIRECT="False",
    )
    env.update(more)
    return env


# Run by a probe process, so that the figures are the command's alone.
PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_utime + u.ru_stime, u.ru_maxrss)"
)


def measured(env: dict[str, str], *args: str) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak resident MiB of `manage.py *args`."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    cpu, peak = result.stdout.split()[-2:]
    return {"wall": time.monotonic() - started, "cpu": float(cpu), "mib": int(peak) / 1024}
