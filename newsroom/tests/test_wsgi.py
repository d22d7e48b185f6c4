"""What gunicorn's master loads before forking the workers (newsroom.wsgi.load_before_fork)."""

import pytest
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

from newsroom.wsgi import load_before_fork


def cached_templates():
    (loader,) = engines["django"].engine.template_loaders
    return loader.get_template_cache


@pytest.mark.django_db
def test_every_template_is_compiled_and_the_urls_loaded_without_the_database(
    django_assert_num_queries,
):
    cached_templates().clear()
    with django_assert_num_queries(0):
        load_before_fork()
    compiled = cached_templates()
    for name in ("articles/article_detail.html", "articles/artist_detail.html", "base.html"):
        assert name in compiled
    assert get_resolver()._populated


def test_a_template_that_does_not_compile_stops_the_start(settings, tmp_path):
    (tmp_path / "broken.html").write_text("{% if %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(TemplateSyntaxError):
        load_before_fork()
