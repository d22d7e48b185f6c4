"""The default cache: Django's file-based cache, shared by every process on the machine."""

import time

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's FileBasedCache, minus a directory listing before every write.

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

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self._cull_interval
        super()._cull()
