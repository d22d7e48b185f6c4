"""The article list in the admin at archive size: no count of the whole table on a filtered
view, full-text search, an index for every ordering offered, a writer's checks read at once,
and no plain select over a list that can hold thousands."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from images.models import Image
from newsroom.testing import make_article, make_contributor
from people.models import Artist, Contributor
from projects.models import MediaProject

pytestmark = pytest.mark.django_db

LIST = "/admin/articles/article/"


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [article.headline for article in response.context["cl"].result_list]


def test_a_filtered_list_counts_only_what_it_shows(admin_client):
    make_article(headline="Live")
    make_article(headline="Draft", status=Article.Status.DRAFT)
    with CaptureQueriesContext(connection) as captured:
        assert listed(admin_client, status__exact="draft") == ["Draft"]
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("WHERE" in sql for sql in counts), counts
    page = admin_client.get(LIST, {"status__exact": "draft"}).content.decode()
    assert "Show all" in page  # the link that replaces the table's total


def test_the_list_is_searched_like_the_site_and_by_slug(admin_client):
    make_article(headline="Album tour", slug="album-tour-2008", body="Plain.")
    make_article(headline="Quiet week", body="The falsetto is back.")
    make_article(headline="Draft notes", body="A falsetto again.", status=Article.Status.DRAFT)
    assert sorted(listed(admin_client, q="falsetto")) == ["Draft notes", "Quiet week"]
    assert listed(admin_client, q="tours") == ["Album tour"]
    assert listed(admin_client, q="album-tour-2008") == ["Album tour"]
    for query in ['"', "falsetto*", "NEAR(", "^", "-"]:
        assert admin_client.get(LIST, {"q": query}).status_code == 200, query


@pytest.mark.parametrize("ordering", ["", "1", "-1", "2", "-2", "3", "-3", "4", "-4"])
def test_every_ordering_the_list_offers_reads_an_index(admin_client, ordering):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL's depend on its statistics")
    make_article()
    response = admin_client.get(LIST, {"o": ordering} if ordering else {})
    queryset = response.context["cl"].result_list
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_a_writers_checks_on_the_list_read_the_bylines_once(django_assert_num_queries):
    from articles.admin import ArticleAdmin

    user = User.objects.create_user("writer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Writers"))
    mine = make_contributor(user=user)
    request = RequestFactory().get(LIST)
    request.user = user
    model_admin = ArticleAdmin(Article, admin.site)
    user.has_perm("articles.change_article")  # the account's permissions, read once
    counts = []
    for count in (1, 10):
        Article.objects.all().delete()
        theirs = set()
        for n in range(count):
            byline = mine if n % 2 == 0 else make_contributor()
            article = make_article(contributors=[byline], status=Article.Status.DRAFT)
            if byline == mine:
                theirs.add(article.pk)
        with CaptureQueriesContext(connection) as captured:
            allowed = {
                article.pk
                for article in model_admin.get_queryset(request)
                if model_admin.has_change_permission(request, article)
            }
        assert allowed == theirs
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_writers_list_still_opens(client):
    user = User.objects.create_user("writer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Writers"))
    writer = Client()
    writer.force_login(user)
    make_article(headline="Someone's story")
    assert listed(writer) == ["Someone's story"]


def test_no_admin_form_offers_a_plain_select_over_a_list_of_thousands(admin_user):
    large = {Artist, Contributor, MediaProject, Image, Article}
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    found = []
    for model_admin in admin.site._registry.values():
        forms_of = [(model_admin, model_admin.get_form(request, None))]
        for inline in model_admin.get_inline_instances(request):
            forms_of.append((inline, inline.get_formset(request).form))
        for owner, form in forms_of:
            for name, field in form.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                widget = getattr(field.widget, "widget", field.widget)
                picks = (AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget)
                if field.queryset.model in large and not isinstance(widget, picks):
                    found.append(f"{type(owner).__name__}.{name}")
    assert found == []


def test_the_date_hierarchy_lists_the_periods_that_hold_stories(admin_client):
    from datetime import datetime

    from django.utils import timezone

    def at(*parts):
        return timezone.make_aware(datetime(*parts))

    make_article(published_at=at(2008, 11, 24, 12))
    make_article(published_at=at(2008, 12, 31, 23, 30))  # still 2008 here, 2009 in UTC
    make_article(published_at=at(2010, 2, 1, 9))

    def choices(**params):
        response = admin_client.get(LIST, params)
        return [choice["title"] for choice in response.context["choices"]]

    assert choices() == ["2008", "2010"]
    assert choices(published_at__year="2008") == ["November 2008", "December 2008"]
    assert choices(published_at__year="2008", published_at__month="12") == ["December 31"]


@pytest.mark.parametrize("gap", [1, 12])
def test_the_date_hierarchy_costs_a_look_up_per_year_with_stories_whatever_the_gaps(
    admin_client, gap
):
    from datetime import datetime

    from django.utils import timezone

    make_article(published_at=timezone.make_aware(datetime(2010, 5, 1)))
    make_article(published_at=timezone.make_aware(datetime(2010 + gap, 5, 1)))
    make_article(published_at=timezone.make_aware(datetime(2010 + gap, 6, 1)))
    make_article(status=Article.Status.DRAFT)  # undated, first in the order of dates on SQLite
    for params in ({}, {"state": "live"}):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(LIST, params)
        years = [choice["title"] for choice in response.context["choices"]]
        assert years == ["2010", str(2010 + gap)]
        dated = [q for q in captured.captured_queries if "published_at" in q["sql"]]
        # The first and last date, then the first story from each year found on, and the
        # look-up that finds none after the last: not one per year between.
        assert len([q for q in dated if "LIMIT 1" in q["sql"]]) == 2 + 2 + 1


def test_on_postgresql_the_unfiltered_total_is_the_planners_estimate(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's estimate: run with DATABASE_URL=postgres://…")
    from articles import admin_lists

    monkeypatch.setattr(admin_lists, "ESTIMATE_FROM", 0)
    for _ in range(3):
        make_article()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    with CaptureQueriesContext(connection) as captured:
        total = admin_lists.EstimatedCountPaginator(Article.objects.all(), 100).count
    assert total == 3
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    assert admin_lists.EstimatedCountPaginator(drafts, 100).count == 0


def test_a_searched_list_shows_no_date_hierarchy(admin_client):
    make_article(headline="Falsetto")
    searched = admin_client.get(LIST, {"q": "falsetto"}).content.decode()
    assert 'class="toplinks"' not in searched and "Falsetto" in searched
    assert 'class="toplinks"' in admin_client.get(LIST).content.decode()


@pytest.mark.parametrize("everywhere", [5_000, 1])
def test_a_search_finding_many_stories_is_counted_so_far_and_says_so(
    admin_client, monkeypatch, everywhere
):
    from articles import admin_lists
    from articles import search as searching

    monkeypatch.setattr(admin_lists, "SEARCH_COUNTED_UP_TO", 2)
    # Both ways through the matches (gathered, or each story looked for among them).
    monkeypatch.setattr(searching, "EVERYWHERE", everywhere)
    for n in range(3):
        make_article(headline=f"Falsetto {n}")
    make_article(headline="Baritone")
    response = admin_client.get(LIST, {"q": "falsetto"})
    html = response.content.decode()
    assert "More than 2 results" in html and "More than 2 articles" in html
    assert len(response.context["cl"].result_list) == 3
    response = admin_client.get(LIST, {"q": "baritone"})
    html = response.content.decode()
    assert "1 result" in html and "More than" not in html
    assert [a.headline for a in response.context["cl"].result_list] == ["Baritone"]


def test_counts_in_the_list_have_their_thousands_separated(admin_client, monkeypatch):
    from articles import admin_lists

    make_article(headline="Falsetto")

    # A search counted as far as the list counts one: a thousand, and more.
    def counted_so_far(paginator):
        paginator.more = True
        return 1_000

    monkeypatch.setattr(admin_lists.SearchedCountPaginator, "count", property(counted_so_far))
    html = admin_client.get(LIST, {"q": "falsetto"}).content.decode()
    assert "More than 1,000 results" in html and "More than 1,000 articles" in html
    # And a list counted in full.
    monkeypatch.setattr(admin_lists.EstimatedCountPaginator, "count", property(lambda p: 12_345))
    html = admin_client.get(LIST).content.decode()
    assert "12,345 articles" in html


def test_the_tag_filter_offers_the_latest_stories_tags_and_filters_by_one(admin_client):
    from articles.admin_actions import TagFilter

    old = make_article(headline="Old story")
    old.tags.add("archive-only")
    for n in range(TagFilter.shown + 5):
        story = make_article(headline=f"Story {n}")
        story.tags.add(f"topic {n:02}", "tour")
    response = admin_client.get(LIST)
    tag_filter = next(f for f in response.context["cl"].filter_specs if f.title == "tag")
    offered = [title for _, title in tag_filter.lookup_choices]
    assert len(offered) == TagFilter.shown
    assert offered[0] == "tour"  # the most used first
    assert listed(admin_client, tag="archive-only") == ["Old story"]
    picked = admin_client.get(LIST, {"tag": "archive-only"}).context["cl"].filter_specs
    offered = [title for _, title in next(f for f in picked if f.title == "tag").lookup_choices]
    assert "archive-only" in offered  # the tag picked is shown, however old


@pytest.mark.parametrize("stories", [1, 30])
def test_the_tag_filter_reads_the_same_queries_whatever_the_tags(admin_client, stories):
    for n in range(stories):
        make_article(headline=f"Story {n}").tags.add(f"topic {n}")
    admin_client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(LIST)
    tag_queries = [q for q in captured.captured_queries if "taggit_tag" in q["sql"]]
    assert len(tag_queries) == 1


def test_autocomplete_pages_through_artists_contributors_and_stories_in_order(admin_client):
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    from newsroom.testing import make_artist

    for n in range(3):
        make_artist(name=f"Jane {n}")
        make_contributor(name=f"Jane Writer {n}")
        make_article(headline=f"Jane story {n}")
    asked = [
        ("events", "eventperformer", "artist"),
        ("articles", "byline", "contributor"),
        ("articles", "formeraddress", "article"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        for app_label, model_name, field_name in asked:
            response = admin_client.get(
                "/admin/autocomplete/",
                {"app_label": app_label, "model_name": model_name, "field_name": field_name,
                 "term": "jane"},
            )  # fmt: skip
            assert response.status_code == 200, (model_name, response.content[:300])
            assert len(response.json()["results"]) == 3, model_name
