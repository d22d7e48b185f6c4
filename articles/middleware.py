"""Old addresses of stories lead to where they are now."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from .models import Article


class FormerAddressMiddleware:
    """A GET that finds nothing (404) at an address a published story was once read at
    (`Article.keep_address`: an earlier slug, a legacy address) is answered with a permanent
    redirect to the story's current address, in one hop however often it moved. Its query
    string goes along, unless the address was kept with it. Only requests that found nothing
    cost a look-up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        # No kept address holds a NUL, and PostgreSQL refuses one in a query.
        if "\x00" in request.path_info:
            return response
        published = Article.objects.published().only("slug")
        query = request.META.get("QUERY_STRING", "")
        # An address kept with its query string (an old site's "/?p=123") is that address alone.
        if query:
            article = published.formerly_at(f"{request.path_info}?{query}").first()
            if article is not None:
                return self.redirect(article.get_absolute_url())
        article = published.formerly_at(request.path_info).first()
        if article is None:
            return response
        location = article.get_absolute_url()
        return self.redirect(f"{location}?{query}" if query else location)

    @staticmethod
    def redirect(location):
        response = HttpResponsePermanentRedirect(location)
        # Browsers keep a permanent redirect without end unless told otherwise; a story may
        # take its old slug back, and the redirect must not outlive that by more than a page.
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
            s_maxage=settings.PAGE_CACHE_CDN_SECONDS,
        )
        return response
