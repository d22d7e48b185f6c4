"""Kept addresses (newsroom/links.py and the `{% url %}` builtin) give exactly what Django's
`reverse` and `{% url %}` give, and follow a change of URLconf."""

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, path, set_script_prefix
from django.urls import reverse as django_reverse

from newsroom import links


def ok(request):
    raise AssertionError("never served")


urlpatterns = [path("elsewhere/<slug:slug>/", ok, name="artist")]


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("articles:home", None, None),
        ("articles:tag", None, {"slug": "hip-hop"}),
        ("articles:tag", ["hip-hop"], None),
        ("people:photo", ["artists", "kanye-west", 320], None),
        ("admin:articles_article_change", [7], None),
    ],
)
def test_kept_address_is_djangos(name, args, kwargs):
    for _ in range(2):  # worked out, then kept
        assert links.reverse(name, args=args, kwargs=kwargs) == django_reverse(
            name, args=args, kwargs=kwargs
        )


def test_unknown_name_raises_as_django_does():
    with pytest.raises(NoReverseMatch):
        links.reverse("articles:nowhere")
    with pytest.raises(NoReverseMatch):
        links.reverse("articles:tag", kwargs={"slug": "not a slug"})


class Named:
    """Stands for a record: what `reverse` writes is its text, which can change."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


def test_arguments_other_than_strings_and_integers_are_not_kept():
    record = Named("first-slug")
    links._kept.cache_clear()
    assert links.reverse("articles:artist", args=[record]) == "/artists/first-slug/"
    record.text = "second-slug"
    assert links.reverse("articles:artist", args=[record]) == "/artists/second-slug/"
    assert links.reverse("articles:artist", args=[True]) == django_reverse(
        "articles:artist", args=[True]
    )
    assert links._kept.cache_info().currsize == 0
    assert links.reverse("articles:artist", args=["first-slug"]) == "/artists/first-slug/"
    assert links._kept.cache_info().currsize == 1


def test_a_new_urlconf_is_followed():
    before = links.reverse("articles:artist", kwargs={"slug": "kanye-west"})
    with override_settings(ROOT_URLCONF=__name__):
        assert links.reverse("artist", kwargs={"slug": "kanye-west"}) == "/elsewhere/kanye-west/"
        with pytest.raises(NoReverseMatch):
            links.reverse("articles:artist", kwargs={"slug": "kanye-west"})
    assert links.reverse("articles:artist", kwargs={"slug": "kanye-west"}) == before


def test_the_script_prefix_is_part_of_the_key():
    assert links.reverse("articles:home") == "/"
    set_script_prefix("/news/")
    try:
        assert links.reverse("articles:home") == "/news/"
    finally:
        set_script_prefix("/")
    assert links.reverse("articles:home") == "/"


def test_url_tag_is_the_kept_one_everywhere_and_writes_what_djangos_writes():
    project_engine = engines["django"].engine
    source = (
        "{% url 'articles:tag' slug as tag_url %}[{{ tag_url }}]"
        "{% url 'articles:search' %}|{% url 'nowhere' as missing %}[{{ missing }}]"
    )
    context = {"slug": "hip-hop"}
    ours = project_engine.from_string(source).render(Context(context))
    plain = Engine(libraries={}).from_string(source).render(Context(context))
    assert ours == plain == "[/tags/hip-hop/]/search/|[]"
    assert type(project_engine.from_string("{% url 'articles:home' %}").nodelist[0]).__name__ == (
        "KeptURLNode"
    )
    with pytest.raises(NoReverseMatch):
        project_engine.from_string("{% url 'nowhere' %}").render(Context())


def test_url_tag_uses_the_requests_namespace_for_the_admin():
    request = RequestFactory().get("/admin/")
    request.current_app = "admin"
    template = engines["django"].from_string("{% url 'admin:index' %}")
    assert template.render({}, request) == django_reverse("admin:index", current_app="admin")


@pytest.mark.urls(__name__)
def test_a_urlconf_set_without_the_settings_signal_is_followed():
    assert links.reverse("artist", kwargs={"slug": "kanye-west"}) == "/elsewhere/kanye-west/"


@pytest.mark.django_db
def test_share_links_are_not_kept():
    from newsroom.testing import make_article

    links._kept.cache_clear()
    article = make_article(status="draft")
    assert article.get_share_url().startswith("/preview/")
    assert links._kept.cache_info().currsize == 0
