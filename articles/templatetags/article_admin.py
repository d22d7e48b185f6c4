"""The article list's date hierarchy at archive size.

Django's lists the years (or months, or days) that hold a story by reading every story's date
and truncating it: in Python on SQLite, 0.4 s at 10,000 stories. Here the same links come from
the first and last date (two index look-ups) and one index probe for each period between them.
"""

from datetime import datetime, timedelta

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min
from django.utils import timezone

register = template.Library()


def _starts(first: datetime, last: datetime, kind: str) -> list[datetime]:
    """The start of each year, month or day from `first`'s to `last`'s (naive, local)."""
    if kind == "year":
        return [datetime(year, 1, 1) for year in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [datetime(month // 12, month % 12 + 1, 1) for month in months]
    day = datetime(first.year, first.month, first.day)
    days = []
    while day.date() <= last.date():
        days.append(day)
        day += timedelta(days=1)
    return days


def _following(start: datetime, kind: str) -> datetime:
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        month = start.year * 12 + start.month
        return datetime(month // 12, month % 12 + 1, 1)
    return start + timedelta(days=1)


class _Periods:
    """The list's queryset as the date hierarchy reads it, with `datetimes` answered from the
    index: which periods hold at least one story."""

    def __init__(self, queryset):
        self._queryset = queryset

    def __getattr__(self, name):
        return getattr(self._queryset, name)

    def datetimes(self, field, kind):
        span = self._queryset.aggregate(first=Min(field), last=Max(field))
        if span["first"] is None:
            return []
        zone = timezone.get_current_timezone()
        first, last = (timezone.localtime(span[end], zone) for end in ("first", "last"))
        found = []
        for start in _starts(first, last, kind):
            begins = timezone.make_aware(start, zone)
            ends = timezone.make_aware(_following(start, kind), zone)
            window = {f"{field}__gte": begins, f"{field}__lt": ends}
            if self._queryset.filter(**window).exists():
                found.append(begins)
        return found


class _List:
    def __init__(self, changelist):
        self._changelist = changelist
        self.queryset = _Periods(changelist.queryset)

    def __getattr__(self, name):
        return getattr(self._changelist, name)


@register.tag(name="article_date_hierarchy")
def article_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=lambda changelist: date_hierarchy(_List(changelist)),
        template_name="date_hierarchy.html",
        takes_context=False,
    )
