"""The article list in the admin at archive size (100,000 stories and more): no count of the
whole table on every view, full-text search instead of LIKE over every body, no body carried
through a sort, and the ownership checks of a writer's bulk action read in one query."""

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.utils.functional import cached_property

from . import roles, search

# Below this many rows PostgreSQL's estimate is not worth its error: the table is counted.
ESTIMATE_FROM = 50_000


class EstimatedCountPaginator(Paginator):
    """Counts a filtered list exactly; the whole table, on PostgreSQL, from the planner's
    estimate (a COUNT(*) there reads every row: about 30 ms at 100,000)."""

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= ESTIMATE_FROM:
                return row[0]
        return super().count


# A searched list is counted no further than this (the pages past it are not offered).
SEARCH_COUNTED_UP_TO = 1_000


class SearchedCountPaginator(EstimatedCountPaginator):
    """Counts the stories a search finds up to SEARCH_COUNTED_UP_TO, and says when there are
    more (`more`): a word most of 100,000 stories hold would otherwise be counted story by
    story on every view of the list."""

    more = False

    @cached_property
    def count(self):
        found = self.object_list[: SEARCH_COUNTED_UP_TO + 1].count()
        self.more = found > SEARCH_COUNTED_UP_TO
        return min(found, SEARCH_COUNTED_UP_TO)


class ArticleChangeList(ChangeList):
    def get_results(self, request):
        # The list shows no body: a sort need not carry every story's text.
        self.queryset = self.queryset.defer("body", "body_text")
        super().get_results(request)


class ArticleListMixin:
    # The total of the whole table is not counted again on every filtered view.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_help_text = (
        "Words in the headline, dek, body or the names a story links to (as the site's search "
        "finds them), or a story's slug."
    )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searched = " ".join(request.GET.get("q", "").split())
        paginator = SearchedCountPaginator if searched else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        # A slug as a whole: a part of one would be looked for in every story's.
        found = search.narrowed(queryset, term) | queryset.filter(slug=term)
        # In the list's order (the change list sorts it again; autocomplete pages through it).
        return found.order_by(*(queryset.query.order_by or queryset.model._meta.ordering)), False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not roles.can_publish(request.user):
            # A writer's checks (is the story theirs?) read its bylines: all at once.
            from .models import Byline

            queryset = queryset.prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("contributor"))
            )
        return queryset
