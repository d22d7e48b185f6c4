"""Behaviour shared by the apps' admin screens."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe


class OutOfRangeFiltersMixin:
    """A change list filtered by a date the database cannot hold (a hand-edited address with
    year 9999, say) goes back to the unfiltered list with a message, instead of failing."""

    def changelist_view(self, request, extra_context=None):
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        except OverflowError:
            messages.error(request, "That filter asks for a date out of range, so it was removed.")
            return HttpResponseRedirect(request.path)
        return response


MUSIC_WEB_IDS = [
    "musicbrainz_id",
    "wikidata_id",
    "spotify_id",
    "apple_music_id",
    "discogs_id",
    "imdb_id",
]
# Ids found by the exact value an editor pastes (an MBID is left out: a search term that is
# not one would be refused by the database on PostgreSQL).
MUSIC_WEB_SEARCH = ["=wikidata_id", "=spotify_id", "=apple_music_id", "=discogs_id", "=imdb_id"]


def id_pages(obj):
    """Each id's page on its service, so an editor can check it is the right one."""
    if obj is None or obj.pk is None or not obj.id_links:
        return "-"
    return format_html_join(
        mark_safe("<br>"),
        '{}: <a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
        ((label, url, url) for label, url in obj.id_links),
    )
