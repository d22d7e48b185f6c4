import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from redis.exceptions import RedisError

from .db import sqlite_file_problem

logger = logging.getLogger(__name__)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon of their own (the admin's):
    the site's icon, under its current static address."""
    return redirect(static("img/favicon.png"))


def server_error(request):
    # Rendered without the request: its context processors, or the database behind them,
    # may be what failed.
    html = loader.render_to_string("500.html", {"site_name": settings.SITE_NAME})
    return HttpResponseServerError(html)


def bad_request(request, exception=None):
    """A 400 that says what went wrong. The common case is a form larger than the site accepts
    (a very long article body, or many files): the editor is told the limit and that what they
    typed is still in their browser."""
    too_big = isinstance(exception, RequestDataTooBig)
    context = {
        "too_big": too_big,
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "max_body_chars": f"{settings.MAX_BODY_CHARS:,}",
    }
    return render(request, "400.html", context, status=400)


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    problem = sqlite_file_problem(connection)
    if problem:
        raise DatabaseError(problem)


def _cache_answers() -> None:
    # A key of its own per check, so concurrent checks from several processes never clash.
    # The cache's backend logs its own failures, once a minute (newsroom/cache.py).
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise OSError("the cache did not return what was written")
    cache.delete(key)


# Each check: what it runs, the errors that mean the part failed, and whether the site is down
# without it. Without the cache pages are rendered from the database, slower but right, so a
# load balancer must not take every server out because the shared cache is down.
HEALTH_CHECKS = {
    "database": (_database_answers, DatabaseError, True),
    "cache": (_cache_answers, (OSError, RedisError), False),
}


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitors: 200 when the site can serve pages, naming each part's
    state ("status" is "degraded" when the cache is down); 503 when the database fails."""
    report, down, degraded = {}, False, False
    for name, (check, errors, essential) in HEALTH_CHECKS.items():
        try:
            check()
        except errors:
            if essential:
                logger.exception("health check failed: %s", name)
            report[name] = "error"
            down |= essential
            degraded = True
        else:
            report[name] = "ok"
    status = "error" if down else "degraded" if degraded else "ok"
    return JsonResponse({"status": status, **report}, status=503 if down else 200)


_FLOOR_MAX_BYTES = 1_000_000


@require_GET
def bench_floor(request):
    """The benchmark's floor: a fixed HTML page of `?bytes=` bytes through the whole middleware
    stack, with no database, cache or template. Routed only when BENCH_FLOOR is set."""
    try:
        size = min(max(int(request.GET.get("bytes", "50000")), 0), _FLOOR_MAX_BYTES)
    except ValueError:
        size = 50_000
    return HttpResponse(_floor_page(size))


_floor_pages: dict[int, bytes] = {}


def _floor_page(size: int) -> bytes:
    if size not in _floor_pages:
        head = b"<!doctype html><html lang=en><title>Floor</title><p>"
        _floor_pages.clear()
        _floor_pages[size] = (head + b"x" * size)[:size]
    return _floor_pages[size]
