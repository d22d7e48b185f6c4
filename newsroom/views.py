from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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
