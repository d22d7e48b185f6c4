"""oEmbed (https://oembed.com/): a link to a story, an artist or a project pasted into another
site (WordPress, Slack, Discord, another newsroom's CMS) shows a card. `/oembed/?url=…` answers
with a `rich` response whose `html` is that card; pages name the endpoint with
<link rel="alternate" type="application/json+oembed">."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe

from articles.models import Article
from images import renditions
from newsroom import pagecache, tagcache
from newsroom.links import reverse
from people.models import Artist
from projects.models import MediaProject

DEFAULT_WIDTH = 600
THUMBNAIL_RATIO = (16, 9)
# Each story's card shows one of the widths the site makes anyway, so no request makes a file.
THUMBNAIL_WIDTHS = renditions.WIDTHS


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _positive(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) == 0:
        raise ValueError
    return int(value)


def _ours(request, url: str) -> str | None:
    """The path of `url` when it is an address of this site, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    hosts = {request.get_host(), *(h for h in settings.ALLOWED_HOSTS if h != "*")}
    return parts.path or "/" if parts.netloc in hosts or parts.hostname in hosts else None


@require_safe
def endpoint(request):
    url = request.GET.get("url", "").strip()
    if not url:
        return _error(400, "Give the address of a story, artist or project as url=.")
    if request.GET.get("format", "json") != "json":
        return _error(501, "Only format=json is offered.")
    try:
        maxwidth = _positive(request.GET.get("maxwidth"))
        maxheight = _positive(request.GET.get("maxheight"))
    except ValueError:
        return _error(400, "maxwidth and maxheight are whole numbers of pixels.")
    path = _ours(request, url)
    if path is None:
        return _error(404, "Not an address of this site.")
    try:
        match = resolve(path)
    except Resolver404:
        return _error(404, "No page has this address.")
    card = CARDS.get(match.view_name)
    found = card(request, match.kwargs["slug"]) if card is not None else None
    if found is None:
        return _error(404, "No story, artist or project is published at this address.")
    # Kept under the record's own address, and the sizes as numbers.
    pagecache.accept(request, url=found["url"], format="json")
    pagecache.accept(
        request, **{n: v for n, v in (("maxwidth", maxwidth), ("maxheight", maxheight)) if v}
    )
    width = min(maxwidth or DEFAULT_WIDTH, DEFAULT_WIDTH)
    image = found.pop("image", None)
    picked = _thumbnail(request, image, width) if image is not None else None
    height = 0
    if picked is not None:
        height = picked["thumbnail_height"]
        if maxheight is not None and height + 200 > maxheight:
            picked = None  # the card without its picture fits
            height = 0
    height += 200
    if maxheight is not None:
        height = min(height, maxheight)
    html = render_to_string(
        "api/oembed_card.html",
        {**found, "width": width, "thumbnail": picked, "site_name": settings.SITE_NAME},
    )
    data = {
        "version": "1.0",
        "type": "rich",
        "provider_name": settings.SITE_NAME,
        "provider_url": request.build_absolute_uri("/"),
        "title": found["title"],
        "html": html.strip(),
        "width": width,
        "height": height,
        "cache_age": settings.PAGE_CACHE_SECONDS or 600,
    }
    if found.get("author_name"):
        data["author_name"] = found["author_name"]
        data["author_url"] = found["author_url"]
    if picked is not None:
        data.update(picked)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": True})


def _thumbnail(request, image, width: int) -> dict | None:
    """The story's photo in the widest of the site's usual widths that fits `width`; None when
    none does."""
    fitting = [w for w in THUMBNAIL_WIDTHS if w <= width]
    if not fitting:
        return None
    made = renditions.single(image.source, ratio=THUMBNAIL_RATIO, width=fitting[-1])
    if made is None:
        return None
    return {
        "thumbnail_url": request.build_absolute_uri(made.url),
        "thumbnail_width": made.width,
        "thumbnail_height": made.height,
        "thumbnail_alt": image.alt_text,
    }


def _article(request, slug):
    article = Article.live(slug)
    if article is None:
        return None
    tagcache.depend(tagcache.about(article))
    bylines = list(article.bylines.select_related("contributor").order_by("position", "pk"))
    card = {
        "title": article.headline,
        "summary": article.dek,
        "url": request.build_absolute_uri(article.get_absolute_url()),
    }
    if bylines:
        card["author_name"] = ", ".join(b.contributor.name for b in bylines)
        card["author_url"] = request.build_absolute_uri(bylines[0].contributor.get_absolute_url())
    if article.lead_image is not None:
        card["image"] = article.lead_image
    return card


def _artist(request, slug):
    artist = Artist.objects.only("name", "slug", "summary", "photo", "photo_alt").filter(slug=slug)
    artist = artist.first()
    if artist is None:
        return None
    photo = reverse("people:photo", kwargs={"kind": "artists", "slug": artist.slug, "size": 96})
    return {
        "title": artist.name,
        "summary": artist.summary,
        "url": request.build_absolute_uri(artist.get_absolute_url()),
        "photo": request.build_absolute_uri(photo),
        "photo_alt": artist.photo_alt if artist.photo else f"Monogram of {artist.name}",
    }


def _project(request, slug):
    project = MediaProject.objects.filter(slug=slug).first()
    if project is None:
        return None
    return {
        "title": project.title,
        "summary": " · ".join([project.get_kind_display(), project.release_display]),
        "url": request.build_absolute_uri(project.get_absolute_url()),
    }


CARDS = {
    "articles:detail": _article,
    "articles:artist": _artist,
    "articles:project": _project,
}
