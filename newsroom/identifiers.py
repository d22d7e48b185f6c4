"""Where artists and projects are known on the music web: each service's id format, the address
of an id's page there, and the "Listen on" / "Watch on" links built from them. Pure: no models,
no network; people and projects both use it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator


@dataclass(frozen=True)
class Service:
    field: str  # the model field holding the id
    label: str  # the service's name, for editors and readers
    # The id's page there, by what the record is: "artist", or a project's kind ("album", …).
    # A kind missing from the map has no page of that service.
    pages: dict[str, str]
    # Where readers can play what the record is: "Listen on Spotify".
    plays: bool = False

    def url(self, what: str, value) -> str | None:
        template = self.pages.get(what, self.pages.get("*"))
        if value in (None, "") or template is None:
            return None
        return template.format(id=value)


RECORDS = ("album", "ep", "song")
FILMS = ("music_video", "short_film", "feature_film", "documentary")

SERVICES = (
    Service(
        "musicbrainz_id",
        "MusicBrainz",
        {
            "artist": "https://musicbrainz.org/artist/{id}",
            **{kind: "https://musicbrainz.org/release-group/{id}" for kind in RECORDS},
        },
    ),
    Service("wikidata_id", "Wikidata", {"*": "https://www.wikidata.org/wiki/{id}"}),
    Service(
        "spotify_id",
        "Spotify",
        {
            "artist": "https://open.spotify.com/artist/{id}",
            "album": "https://open.spotify.com/album/{id}",
            "ep": "https://open.spotify.com/album/{id}",
            "song": "https://open.spotify.com/track/{id}",
        },
        plays=True,
    ),
    Service(
        "apple_music_id",
        "Apple Music",
        {
            "artist": "https://music.apple.com/artist/{id}",
            "album": "https://music.apple.com/album/{id}",
            "ep": "https://music.apple.com/album/{id}",
            "song": "https://music.apple.com/song/{id}",
            "music_video": "https://music.apple.com/music-video/{id}",
        },
        plays=True,
    ),
    Service(
        "discogs_id",
        "Discogs",
        {
            "artist": "https://www.discogs.com/artist/{id}",
            "*": "https://www.discogs.com/master/{id}",
        },
    ),
    Service(
        "imdb_id",
        "IMDb",
        {"artist": "https://www.imdb.com/name/{id}/", "*": "https://www.imdb.com/title/{id}/"},
    ),
)
BY_FIELD = {service.field: service for service in SERVICES}
ID_FIELDS = tuple(BY_FIELD)

# The formats each service gives its ids, as editors paste them.
validate_wikidata = RegexValidator(
    r"^Q[1-9][0-9]{0,11}\Z", "Enter a Wikidata item id such as Q15935."
)
validate_spotify = RegexValidator(
    r"^[0-9A-Za-z]{22}\Z",
    "Enter a Spotify id: the 22 letters and digits after /artist/, /album/ or /track/ in its link.",
)
validate_digits = RegexValidator(
    r"^[1-9][0-9]{0,19}\Z", "Enter the id's digits only, such as 1230523."
)
validate_imdb_name = RegexValidator(r"^nm[0-9]{7,10}\Z", "Enter an IMDb name id such as nm0005069.")
validate_imdb_title = RegexValidator(
    r"^tt[0-9]{7,10}\Z", "Enter an IMDb title id such as tt1286537."
)


def clean_id(field: str, value: str, *, artist: bool) -> str | uuid.UUID:
    """`value` as an artist's (or a project's) `field` stores it: an MBID as a UUID, the rest
    as text, trimmed; a ValidationError naming the expected format when it has another shape."""
    value = value.strip()
    if field == "musicbrainz_id":
        try:
            return uuid.UUID(value)
        except ValueError:
            raise ValidationError(
                "Enter a MusicBrainz id such as 164f0d73-1234-4e2c-8743-d77bf2191051."
            ) from None
    validator = {
        "wikidata_id": validate_wikidata,
        "spotify_id": validate_spotify,
        "apple_music_id": validate_digits,
        "discogs_id": validate_digits,
        "imdb_id": validate_imdb_name if artist else validate_imdb_title,
    }[field]
    validator(value)
    return value


def links(what: str, record) -> list[tuple[str, str]]:
    """(label, address) of each service `record` has an id on, in the order of SERVICES."""
    found = []
    for service in SERVICES:
        url = service.url(what, getattr(record, service.field, None))
        if url:
            found.append((service.label, url))
    return found


def same_as(what: str, record, *extra: str) -> list[str]:
    """Every address that names `record` elsewhere, for JSON-LD's sameAs."""
    return [url for _, url in links(what, record)] + [url for url in extra if url]


# Hosts of the places editors link for listening and watching, by name; any other host is
# named by its own address ("example.bandcamp.com" is Bandcamp, the rest show their host).
PLAY_HOSTS = {
    "open.spotify.com": "Spotify",
    "music.apple.com": "Apple Music",
    "www.youtube.com": "YouTube",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "music.youtube.com": "YouTube Music",
    "bandcamp.com": "Bandcamp",
    "soundcloud.com": "SoundCloud",
    "tidal.com": "Tidal",
    "vimeo.com": "Vimeo",
}
MAX_PLAY_LINKS = 10


def play_label(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host in PLAY_HOSTS:
        return PLAY_HOSTS[host]
    if host.endswith(".bandcamp.com"):
        return "Bandcamp"
    return host.removeprefix("www.")


def validate_play_links(text: str) -> None:
    """One https address a line, at most MAX_PLAY_LINKS."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_PLAY_LINKS:
        raise ValidationError(f"Give at most {MAX_PLAY_LINKS} addresses.")
    check = URLValidator(schemes=["https"])
    for line in lines:
        try:
            check(line)
        except ValidationError:
            raise ValidationError(
                'Line "%(line)s" is not an https:// address. Put one address on each line.',
                params={"line": line[:80]},
            ) from None


def play_links(what: str, record) -> list[tuple[str, str]]:
    """(service name, address) of each place readers can listen to or watch `record`: the
    services its ids name, then the addresses editors added (`play_links` field), each once."""
    found = []
    for service in SERVICES:
        if service.plays:
            url = service.url(what, getattr(record, service.field, None))
            if url:
                found.append((service.label, url))
    seen = {url for _, url in found}
    for line in (getattr(record, "play_links", "") or "").splitlines():
        url = line.strip()
        if url and url not in seen:
            seen.add(url)
            found.append((play_label(url), url))
    return found
