import shutil
import tempfile

import pytest
from django.conf import settings
from django.core.cache import cache


def pytest_configure(config):
    # The file cache is shared by every process using the same directory: tests get their own,
    # so they never clear, or fill with test records, the cache of a server running from this
    # checkout.
    default = settings.CACHES["default"]
    if default["BACKEND"] == "newsroom.cache.FileCache":
        default["LOCATION"] = tempfile.mkdtemp(prefix="newsroom-test-cache-")
        config.add_cleanup(lambda: shutil.rmtree(default["LOCATION"], ignore_errors=True))
    # Tests render pages without running collectstatic: static files come from the app folders
    # under their plain names (the production storage is exercised by the server tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Whole pages are not kept between requests unless a test asks for it (the `page_cache`
    # fixture), so that each request's queries and output are the view's own.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """Pages kept for anonymous readers, as in production."""
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered bodies are cached; each test starts cold so query counts and output are its own.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_snapshots_queued():
    # Snapshots queued by one test's purges are not written during another's requests.
    from newsroom import snapshots

    snapshots.clear_pending()
    # Nor does a page built without a snapshot queue one (`snapshots.heal`), unless the test
    # asks for it: the page's own queries are what the tests count.
    snapshots._last_heal[0] = float("inf")
    yield
    snapshots.clear_pending()


@pytest.fixture(autouse=True)
def _fresh_renditions_memory():
    # Each test has its own media folder: the process's memory of which renditions exist
    # must not carry over from another test's.
    from images import renditions

    renditions.forget_known()
    yield
    renditions.forget_known()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
