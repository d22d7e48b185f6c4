"""A WordPress site's `?p=123` addresses lead to the story the post became."""

from django.http import HttpResponsePermanentRedirect

from articles.models import Article

# WordPress's plain addresses: a post, a page, an attachment.
QUERY_KEYS = ("p", "page_id", "attachment_id")


class WordPressQueryAddressMiddleware:
    """A GET of the home page with WordPress's `?p=ID` (or `?page_id=ID`) is answered with a
    permanent redirect to the published story imported from that post (its address was kept by
    the import as a former address, `/?p=ID`). The home page answers 200 whatever its query, so
    the former-address middleware, which acts on a 404, never sees these; any other request
    costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and request.method in ("GET", "HEAD") and request.GET:
            for key in QUERY_KEYS:
                value = request.GET.get(key, "")
                if value.isdigit() and len(value) < 20:
                    article = (
                        Article.objects.published()
                        .formerly_at(f"/?{key}={int(value)}")
                        .only("slug")
                        .first()
                    )
                    if article is not None:
                        return HttpResponsePermanentRedirect(article.get_absolute_url())
        return self.get_response(request)
