"""The shared cache's backends: Django's file cache and Redis cache, made to outlive an outage.

Losing the cache costs re-rendering, never a page or a save. When the cache fails (Redis
stopped or unreachable, the file cache's folder unwritable, gone or replaced by a file) an
operation answers as if the cache were empty: a read finds nothing, a write keeps nothing. The
process then leaves the cache alone for CACHE_RETRY_SECONDS, so pages are rendered from the
database without waiting on it, and afterwards tries a write and a read of its own before it
trusts the cache again: a folder that is readable but not writable still holds entries no purge
can reach, so reading it alone proves nothing. The failure is logged at most once a minute per
process, with the number of failed operations since the last line.

When the cache answers again, the functions given to `on_recovery` run (`newsroom.tagcache`
purges there what it could not purge while the cache was down).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LOG_INTERVAL = 60


@dataclass
class Health:
    """What one process knows of one cache."""

    down: bool = False
    retry_at: float = 0.0
    next_log: float = 0.0
    failures: int = 0


# Per process and per cache location: Django gives each thread its own backend object.
_health: dict[str, Health] = {}
_recovery_hooks: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> Callable[[], None]:
    """Run `hook` each time a cache this process found down answers again."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)
    return hook


def is_down(backend=None) -> bool:
    """Whether this process found the cache (the default one unless given) down and has not
    seen it answer since."""
    if backend is None:
        from django.core.cache import cache as backend
    return getattr(backend, "health", Health()).down


def _guarded(name: str, failed: Callable[..., object]):
    """The backend's method `name`, answering `failed(*args, **kwargs)` instead of raising when
    the cache is unavailable."""

    def method(self, *args, **kwargs):
        raw = getattr(super(ResilientCacheMixin, self), name)
        if self._inside:  # Django's own methods built on others (set_many on set)
            return raw(*args, **kwargs)
        if self.health.down and not self._try_again():
            self.health.failures += 1
            return failed(*args, **kwargs)
        self._inside = True
        try:
            return raw(*args, **kwargs)
        except self.outage_errors as error:
            self._failed(error)
            return failed(*args, **kwargs)
        finally:
            self._inside = False

    method.__name__ = name
    return method


def _keys(data, *args, **kwargs):
    return list(data)


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientCacheMixin:
    outage_errors: tuple[type[BaseException], ...] = (OSError,)
    _inside = False

    @cached_property
    def health(self) -> Health:
        return _health.setdefault(f"{type(self).__name__}:{self._outage_key}", Health())

    @cached_property
    def _outage_key(self) -> str:
        return str(getattr(self, "_dir", None) or getattr(self, "_servers", ""))

    def _failed(self, error: BaseException) -> None:
        health = self.health
        health.failures += 1
        health.down = True
        health.retry_at = time.monotonic() + settings.CACHE_RETRY_SECONDS
        now = time.monotonic()
        if now >= health.next_log:
            log.error(
                "The cache is unavailable; pages are served without it: %s",
                error,
                exc_info=error,
                extra={"cache_failures": health.failures, "cache": self._outage_key},
            )
            health.next_log = now + LOG_INTERVAL
            health.failures = 0

    def _try_again(self) -> bool:
        """Once CACHE_RETRY_SECONDS have passed: whether a write and a read of a key of its own
        succeed now. If they do, the cache is trusted again and the recovery hooks run."""
        health = self.health
        if time.monotonic() < health.retry_at:
            return False
        key, value = f"cache-probe:{secrets.token_hex(8)}", secrets.token_hex(8)
        self._inside = True
        try:
            super().set(key, value, 30)
            answers = super().get(key) == value
            super().delete(key)
        except self.outage_errors as error:
            self._failed(error)
            return False
        finally:
            self._inside = False
        if not answers:
            self._failed(OSError("the cache did not return what was written"))
            return False
        health.down = False
        log.warning("The cache answers again", extra={"cache": self._outage_key})
        health.next_log = 0.0
        for hook in list(_recovery_hooks):
            hook()
        return True

    get = _guarded("get", _default)
    get_many = _guarded("get_many", lambda *args, **kwargs: {})
    has_key = _guarded("has_key", lambda *args, **kwargs: False)
    set = _guarded("set", lambda *args, **kwargs: False)
    add = _guarded("add", lambda *args, **kwargs: False)
    touch = _guarded("touch", lambda *args, **kwargs: False)
    set_many = _guarded("set_many", _keys)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda *args, **kwargs: None)


class FileCache(ResilientCacheMixin, FileBasedCache):
    """Django's FileBasedCache that outlives its folder, minus a directory listing before every
    write.

    Django counts the cache files before each `set` to decide whether to cull; with a few
    thousand entries that listing costs more than rendering what is being cached, and a page
    whose cards are all new writes hundreds of entries. Here each process counts at most once
    every `CULL_INTERVAL` seconds (OPTIONS, default 60), so the directory may briefly hold a
    few more than MAX_ENTRIES.
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_interval = float(params.get("OPTIONS", {}).get("CULL_INTERVAL", 60))
        self._next_cull = 0.0

    def _createdir(self):
        # Django makes the folder when the backend is made, in each thread: a folder that
        # cannot be made must not fail the request that first touches the cache.
        try:
            super()._createdir()
        except OSError:
            if not self._inside:
                return
            raise

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self._cull_interval
        super()._cull()


class RedisCache(ResilientCacheMixin, DjangoRedisCache):
    """Django's Redis cache that outlives Redis: stopped, restarting or unreachable."""

    outage_errors = (OSError, RedisError)
