"""Whole public pages for anonymous readers, kept in the shared cache and purged by tag.

`PageCacheMiddleware` serves a page it has kept without calling the view, the database or the
middleware below it; otherwise it records what the view loads (`newsroom.tagcache`) and keeps
the response when it is a public one: a 200 to a GET without a session, not marked private or
no-store, setting no cookie. Staff, previews and share links are therefore never kept nor
served from it: they carry a session, or say `no-store`.

It also does the HTTP side for public pages: an ETag and Last-Modified, 304 for conditional
requests, a Cache-Control that lets a CDN keep the page for PAGE_CACHE_CDN_SECONDS and serve
it stale while it revalidates, and Vary: Cookie, since a signed-in editor may be shown a
different page. Responses to requests with a session are never stored by anyone.

Query parameters. A page is kept under its address with the query parameters it reads, and
only with values it accepts, so that made-up addresses cannot fill the cache: a view declares
each parameter it read, with the value it took it as, by calling `accept()`:

    pagecache.accept(request, kind=self.kind)   # "" when ?kind= named no known kind

and a `ListView` adds `PageNumberMixin`, which accepts `page` once the paginator found the page
(a page that does not exist is a 404, never kept). The response is kept only when every
parameter of the request (bar `utm_*` and click ids, which are left out of the key) was accepted
with exactly the value the request gave, once: `?kind=album` is kept, while `?kind=bogus`
(taken as ""), `?page=02` (taken as 2), `?letter=k` (taken as K), `?kind=album&kind=song` and
any parameter the view never read are answered by the view, uncached. A view that cannot tell
a good value from a bad one (an opaque cursor) simply does not accept it: its pages are then
rendered on every request, which is safe.
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from . import tagcache

# Query parameters that never change a page: campaign tracking added by social networks and
# newsletters. They are left out of the cache key, so a spike from one shared link is one page.
TRACKING_PARAMS = ("fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid")

_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")

_ACCEPTED = "page_cache_params"


def accept(request, **params) -> None:
    """Let the page cache keep this page under these query parameters, with these values: the
    values the view took them as (`str()` of each). A parameter the request carries with any
    other value, or that no view accepted, leaves the page uncached."""
    request = getattr(request, "_request", request)  # a REST framework request wraps Django's
    accepted = request.__dict__.setdefault(_ACCEPTED, {})
    accepted.update((name, str(value)) for name, value in params.items())


class PageNumberMixin:
    """For a `ListView`: its page number enters the page cache's key once the page is found."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, objects, is_paginated = super().paginate_queryset(queryset, page_size)
        accept(self.request, **{self.page_kwarg: page.number})
        return paginator, page, objects, is_paginated


def _ignored(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMS


def params_accepted(request) -> bool:
    """Whether the view accepted every parameter of the request, with the value it came with."""
    accepted = getattr(request, _ACCEPTED, {})
    return all(
        len(values) == 1 and accepted.get(name) == values[0]
        for name, values in request.GET.lists()
        if not _ignored(name)
    )


def _signed_in(request) -> bool:
    """A session, or messages waiting to be shown (Django's cookie storage of messages, whose
    cookie name is `messages` and no setting)."""
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    )


def _public_request(request) -> bool:
    """A GET or HEAD without a session for a path that is not excluded (the admin, share
    links, health checks)."""
    return (
        request.method in ("GET", "HEAD")
        and not _signed_in(request)
        and not any(request.path.startswith(p) for p in settings.PAGE_CACHE_EXCLUDE)
    )


def page_key(request) -> str | None:
    """The cache key of the page a request asks for, or None when it must not be cached: not
    a GET or HEAD, a session, or an excluded path. Whether the page may be stored under it is
    known once the view has accepted its parameters (`accept()`)."""
    if not _public_request(request):
        return None
    path = request.path
    params = [
        (name, value)
        for name, values in sorted(request.GET.lists())
        if not _ignored(name)
        for value in values
    ]
    address = f"{request.scheme}://{request.get_host()}{path}?{urlencode(params)}"
    digest = hashlib.blake2b(address.encode("utf-8", "surrogatepass"), digest_size=16)
    return f"page:{digest.hexdigest()}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"cookie", "accept-encoding"}


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


def _public_headers(response, tags) -> None:
    """Cache-Control, Vary and the CDN's tag header of a page anyone may keep. A view that
    chose its own Cache-Control (a photo kept for a day) keeps it."""
    if settings.CDN_TAG_HEADER and tags:
        response[settings.CDN_TAG_HEADER] = " ".join(sorted(tags))
    if "Cache-Control" in response:
        return
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
        s_maxage=settings.PAGE_CACHE_CDN_SECONDS,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
    )
    patch_vary_headers(response, ["Cookie"])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request) if settings.PAGE_CACHE_SECONDS > 0 else None
        if key is None:
            # Recorded all the same: what the view keeps in the cache (teasers, cards) is then
            # dated from the start of the request, before the view read what it shows.
            with tagcache.recording():
                response = self.get_response(request)
            if _signed_in(request) and "Cache-Control" not in response:
                # What a signed-in editor is shown stays in their browser alone.
                patch_cache_control(response, private=True, no_store=True)
            elif _public_request(request) and _storable(response):
                return self._not_kept(request, response)
            return response

        kept = tagcache.fetch(key)
        if kept is not None:
            response = self._rebuild(kept)
            response["X-Page-Cache"] = "hit"
            return self._conditional(request, response, kept["modified"])

        with tagcache.recording() as rec:
            response = self.get_response(request)
        if not _storable(response):
            return response
        if not params_accepted(request):
            return self._not_kept(request, response)
        modified = time.time()
        self._validators(response, modified)
        _public_headers(response, rec.tags)
        kept = {
            "content": response.content,
            "headers": {
                name: response[name]
                for name in (*_KEPT_HEADERS, "ETag", "Cache-Control", "Vary")
                if name in response
            }
            | (
                {settings.CDN_TAG_HEADER: response[settings.CDN_TAG_HEADER]}
                if settings.CDN_TAG_HEADER in response
                else {}
            ),
            "modified": modified,
            "extra": self._extra_headers(response),
        }
        tagcache.store(key, kept, rec, settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return self._conditional(request, response, modified)

    @staticmethod
    def _not_kept(request, response):
        """A public page that is not kept: there is no time it last changed, so the ETag alone
        validates it."""
        if "ETag" not in response:
            response["ETag"] = _etag(response.content)
        _public_headers(response, ())
        return get_conditional_response(request, etag=response["ETag"], response=response)

    @staticmethod
    def _extra_headers(response) -> dict[str, str]:
        # Security headers set below this middleware (CSP, frame options, referrer policy).
        skip = {h.lower() for h in (*_KEPT_HEADERS, "ETag", "Cache-Control", "Vary")}
        skip |= {"content-length", "last-modified", "x-page-cache", "date", "set-cookie"}
        return {name: value for name, value in response.items() if name.lower() not in skip}

    @staticmethod
    def _validators(response, modified: float) -> None:
        if "ETag" not in response:
            response["ETag"] = _etag(response.content)
        response["Last-Modified"] = http_date(modified)

    @staticmethod
    def _rebuild(kept) -> HttpResponse:
        response = HttpResponse(kept["content"])
        for name, value in {**kept["extra"], **kept["headers"]}.items():
            response[name] = value
        response["Last-Modified"] = http_date(kept["modified"])
        return response

    @staticmethod
    def _conditional(request, response, modified: float):
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(modified), response=response
        )
