"""Page metadata for search engines and sharing: canonical and absolute URLs, share images,
JSON-LD structured data, and the page numbers a pagination bar shows."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString

from articles.models import RATING_BEST, RATING_WORST
from newsroom import jsonld
from newsroom.links import reverse

register = template.Library()

SHARE_IMAGE_SIZE = 320
DEFAULT_SHARE_IMAGE = "img/share-default.png"
# A story's own photo in link previews: the large-card shape, cropped around the focal point.
SHARE_CROP = ((40, 21), 1200)
# Search engines pick the crop that fits their layout: square, 4:3 and 16:9, each 1200 wide.
JSON_LD_CROPS = ((1, 1), (4, 3), (16, 9))
JSON_LD_CROP_WIDTH = 1200


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address without its query string, except a page number past the first."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


def artist_photo_path(artist) -> str:
    return reverse("people:photo", args=["artists", artist.slug, SHARE_IMAGE_SIZE])


@register.simple_tag(takes_context=True)
def share_image_url(context, artist=None) -> str:
    """An absolute image URL for link previews: the artist's photo, else the site's image."""
    path = artist_photo_path(artist) if artist else static(DEFAULT_SHARE_IMAGE)
    return absolute_url(context, path)


@register.simple_tag
def share_crop(image):
    """The 1200×630 focal crop of a library image for link previews, or None."""
    if not image or not getattr(image, "file", None):
        return None
    ratio, width = SHARE_CROP
    return image.crop(ratio, width)


def lead_image_urls(context, image) -> list[str]:
    """Absolute URLs of the story photo's 1:1, 4:3 and 16:9 crops."""
    if not image or not getattr(image, "file", None):
        return []
    crops = [image.crop(ratio, JSON_LD_CROP_WIDTH) for ratio in JSON_LD_CROPS]
    return [absolute_url(context, crop.url) for crop in crops if crop is not None]


@register.simple_tag
def elided_pages(page_obj):
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


def _artist_type(artist) -> str:
    return "MusicGroup" if artist.is_group else "Person"


def _artist_entity(context, artist) -> dict[str, Any]:
    return jsonld.compact(
        {
            "@type": _artist_type(artist),
            "name": artist.name,
            "url": absolute_url(context, artist.get_absolute_url()),
            "sameAs": artist.same_as,
        }
    )


def _publisher(context) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(context, reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": share_image_url(context)},
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, artists) -> SafeString:
    """NewsArticle data, for a review also a Review of its project; `artists` are those the
    body mentions, in prefetched order."""
    artists = list(artists)
    published = article.published_at
    modified = article.last_updated or published
    review = {}
    if article.reviewed_project is not None:
        project = article.reviewed_project
        review = {
            "itemReviewed": reviewed_item(context, project, project.review_credits),
            "reviewRating": _rating(article.rating),
        }
    return jsonld.script(
        jsonld.compact(
            {
                "@context": "https://schema.org",
                "@type": ["NewsArticle", "Review"] if review else "NewsArticle",
                "headline": article.headline,
                "description": article.dek,
                "url": canonical_url(context),
                "mainEntityOfPage": canonical_url(context),
                "datePublished": published,
                "dateModified": modified,
                "image": lead_image_urls(context, article.lead_image)
                or [share_image_url(context, artists[0] if artists else None)],
                "author": [
                    {
                        "@type": "Organization" if byline.contributor.is_organization else "Person",
                        "name": byline.contributor.name,
                        "url": absolute_url(context, byline.contributor.get_absolute_url()),
                    }
                    for byline in article.bylines.all()
                ],
                "publisher": _publisher(context),
                "keywords": [tag.name for tag in article.tags.all()],
                "mentions": [_artist_entity(context, artist) for artist in artists],
                "correction": [
                    {
                        "@type": "CorrectionComment",
                        "text": f"{correction.get_kind_display()}: {correction.text}",
                        "datePublished": correction.noted_at,
                    }
                    for correction in article.corrections.all()
                ],
                **review,
            }
        )
    )


def _rating(rating) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "@type": "Rating",
        # A number, as the site shows it: 8.4.
        "ratingValue": float(rating),
        "bestRating": float(RATING_BEST),
        "worstRating": float(RATING_WORST),
    }


def reviewed_item(context, project, credits) -> dict[str, Any]:
    """What a review reviews, typed by the project's kind, with who made it and its release."""
    credits = list(credits)
    item = _work(context, project)
    item["datePublished"] = project.release_date or (
        project.release_year and str(project.release_year)
    )
    kind = item["@type"]
    if kind in ("MusicAlbum", "MusicRecording"):
        item["byArtist"] = _people(context, credits, {"performer", "featured"})
    elif kind == "Movie":
        item["director"] = _people(context, credits, {"director"})
    else:
        item["creator"] = _people(context, credits, _CREATOR_ROLES)
    return jsonld.compact(item)


@register.simple_tag(takes_context=True)
def artist_json_ld(context, artist) -> SafeString:
    kind = _artist_type(artist)
    data = {
        "@context": "https://schema.org",
        **_artist_entity(context, artist),
        "description": artist.summary,
        "image": share_image_url(context, artist),
    }
    disciplines = [discipline.name for discipline in artist.disciplines.all()]
    if kind == "Person":
        data["jobTitle"] = disciplines
    else:
        data["genre"] = disciplines
    return jsonld.script(jsonld.compact(data))


PROJECT_TYPES = {
    "album": "MusicAlbum",
    "ep": "MusicAlbum",
    "song": "MusicRecording",
    "short_film": "Movie",
    "feature_film": "Movie",
    "documentary": "Movie",
    "music_video": "MusicVideoObject",
}


_CREATOR_ROLES = {
    "director",
    "performer",
    "starring",
    "writer",
    "songwriter",
    "composer",
    "featured",
}


def _people(context, credits, roles) -> list[dict[str, Any]]:
    return [_artist_entity(context, credit.artist) for credit in credits if credit.role in roles]


def _work(context, project) -> dict[str, Any]:
    return jsonld.compact(
        {
            "@type": PROJECT_TYPES.get(project.kind, "CreativeWork"),
            "name": project.title,
            "url": absolute_url(context, project.get_absolute_url()),
            "sameAs": project.same_as,
        }
    )


@register.simple_tag(takes_context=True)
def project_json_ld(context, project) -> SafeString:
    """The schema.org type that fits the project's kind, with its credits and relations;
    reads the credits and relations the view prefetched."""
    credits = list(project.credits.all())
    performers = _people(context, credits, {"performer", "featured"})
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        **_work(context, project),
        "description": project.synopsis,
        "datePublished": project.release_date or str(project.release_year or ""),
        "producer": _people(context, credits, {"producer", "executive_producer"}),
    }
    if project.running_time_min and not project.running_time_max:
        data["duration"] = f"PT{project.running_time_min}M"
    kind = data["@type"]
    if kind == "Movie":
        data["director"] = _people(context, credits, {"director"})
        data["actor"] = _people(context, credits, {"starring", "performer"})
        if project.label:
            data["productionCompany"] = {"@type": "Organization", "name": project.label}
        if project.shoot_location:
            data["locationCreated"] = {"@type": "Place", "name": project.shoot_location}
    elif kind == "MusicAlbum":
        data["byArtist"] = performers
        data["albumReleaseType"] = "EPRelease" if project.kind == "ep" else "AlbumRelease"
        tracks = [r for r in project.incoming_relations.all() if r.relation == "track_on"]
        data["numTracks"] = len(tracks) or None
        data["track"] = [_work(context, relation.source) for relation in tracks]
        if project.label:
            # A label releases a record: schema.org puts it on the release, not the album.
            data["albumRelease"] = {
                "@type": "MusicRelease",
                "name": project.title,
                "recordLabel": {"@type": "Organization", "name": project.label},
            }
    elif kind == "MusicRecording":
        data["byArtist"] = performers
        albums = [r.target for r in project.outgoing_relations.all() if r.relation == "track_on"]
        if albums:
            data["inAlbum"] = _work(context, albums[0])
    else:
        data["creator"] = _people(context, credits, _CREATOR_ROLES)
    return jsonld.script(jsonld.compact(data))


@register.simple_tag
def teasers(articles, level=2, lead_first=False):
    """`{% teasers articles level=3 as articles %}`: the stories, each with `teaser`, its teaser's
    HTML, kept in the cache between pages (articles/teasers.py)."""
    from articles.teasers import with_teasers

    return with_teasers(articles, level=level, lead_first=lead_first)
