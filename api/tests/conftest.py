import pytest


@pytest.fixture
def memory_cache(settings):
    """The cache in this process's memory: for tests that build many records, each of whose
    saves writes purges, which the file cache makes slow. What is cached, and so the queries
    counted, is the same on every backend."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
