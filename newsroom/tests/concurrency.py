"""Run functions in separate processes at the same moment, against one real database.

Each process starts fresh (spawn), points DATABASE_URL at the database under test, sets Django
up and calls a function named by its dotted path. `wait_for_the_others()` inside that function
holds every process at a barrier, so the racing part starts together. This module imports
nothing from Django at the top: spawned processes import it before Django is set up.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import traceback
from typing import Any

_barrier = None


def _start(barrier, database_url: str) -> None:
    global _barrier
    _barrier = barrier
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def wait_for_the_others(timeout: float = 60) -> None:
    _barrier.wait(timeout)


def _call(job: tuple[str, dict[str, Any]]) -> tuple[str, Any]:
    dotted, kwargs = job
    module, name = dotted.rsplit(".", 1)
    try:
        return "ok", getattr(importlib.import_module(module), name)(**kwargs)
    except Exception:  # noqa: BLE001 (reported to the test, which fails on it)
        return "error", traceback.format_exc()
    finally:
        from django.db import connections

        connections.close_all()


def run_together(
    database_url: str, dotted: str, kwargs_list: list[dict[str, Any]], timeout: float = 300
) -> list[tuple[str, Any]]:
    """Call `dotted(**kwargs)` once per kwargs in its own process, all at once; returns each
    call's ("ok", result) or ("error", traceback), in order."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(kwargs_list))
    with context.Pool(
        len(kwargs_list), initializer=_start, initargs=(barrier, database_url)
    ) as pool:
        jobs = [(dotted, kwargs) for kwargs in kwargs_list]
        return pool.map_async(_call, jobs, chunksize=1).get(timeout)


def run_alone(database_url: str, dotted: str, **kwargs) -> Any:
    [(outcome, result)] = run_together(database_url, dotted, [kwargs])
    if outcome != "ok":
        raise AssertionError(result)
    return result


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
