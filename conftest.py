import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered bodies are cached; each test starts cold so query counts and output are its own.
    cache.clear()
    yield
    cache.clear()


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
