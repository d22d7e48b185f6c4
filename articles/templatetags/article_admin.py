"""The article list's date hierarchy at archive size.

Django's lists the years (or months, or days) that hold a story by reading every story's date
and truncating it: in Python on SQLite, 0.4 s at 10,000 stories. Here the same links come from
index look-ups: the first and the last date, then the first story of each period that holds
one. (Probing every period between the first and the last instead cost a read of every later
story for each empty period on SQLite, which bounds such a range by `published_at <= now`.)
"""

from datetime import datetime, timedelta

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min
from django.utils import timezone

register = template.Library()


def _following(start: datetime, kind: str) -> datetime:
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        month = start.year * 12 + start.month
        return datetime(month // 12, month % 12 + 1, 1)
    return start + timedelta(days=1)


def _period_start(moment: datetime, kind: str) -> datetime:
    """The start of the year, month or day `moment` (naive, local) falls in."""
    if kind == "year":
        return datetime(moment.year, 1, 1)
    if kind == "month":
        return datetime(moment.year, moment.month, 1)
    return datetime(moment.year, moment.month, moment.day)


class _Periods:
    """The list's queryset as the date hierarchy reads it, with `datetimes` answered from the
    index: which periods hold at least one story."""

    def __init__(self, queryset):
        self._queryset = queryset

    def __getattr__(self, name):
        return getattr(self._queryset, name)

    def aggregate(self, *args, **kwargs):
        """The first and last date (`first=Min(f), last=Max(f)`, as the date hierarchy asks)
        in two index look-ups: SQLite answers the two together by reading every story's."""
        first, last = kwargs.get("first"), kwargs.get("last")
        if (
            args
            or set(kwargs) != {"first", "last"}
            or not isinstance(first, Min)
            or not isinstance(last, Max)
        ):
            return self._queryset.aggregate(*args, **kwargs)
        field = first.source_expressions[0].name
        dated = self._queryset.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
        return {
            "first": dated.order_by(field).first(),
            "last": dated.order_by(f"-{field}").first(),
        }

    def datetimes(self, field, kind):
        """The start of each period holding a story, found by asking for the first story from
        the start of the period after the last one found: a look-up per period that holds
        stories, whatever the gaps between them."""
        zone = timezone.get_current_timezone()
        dated = self._queryset.exclude(**{f"{field}__isnull": True})
        dated = dated.values_list(field, flat=True).order_by(field)
        found = []
        after = None
        while True:
            following = dated if after is None else dated.filter(**{f"{field}__gte": after})
            moment = following.first()
            if moment is None:
                return found
            start = _period_start(timezone.localtime(moment, zone).replace(tzinfo=None), kind)
            found.append(timezone.make_aware(start, zone))
            after = timezone.make_aware(_following(start, kind), zone)


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
