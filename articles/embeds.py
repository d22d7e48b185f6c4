"""The [embed url="…" /] tag's URLs: which provider's player each one is, parsed strictly.

A pure module, with no Django imports. A player URL is only ever built from an id that matched
its provider's pattern, never copied from what the editor typed, so nothing unchecked can reach
an iframe's src.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

__all__ = ["Embed", "embed_problem", "parse_embed"]

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
_SPOTIFY_ID = re.compile(r"[A-Za-z0-9]{22}")
_SPOTIFY_KINDS = {"track", "album", "playlist", "artist", "episode", "show"}
_SPOTIFY_LOCALE = re.compile(r"intl-[a-z]{2}(?:-[a-z]{2})?")
_SEGMENT = re.compile(r"[A-Za-z0-9_-]{1,100}")
_APPLE_STOREFRONT = re.compile(r"[a-z]{2}")
_APPLE_KINDS = {"album", "playlist", "song", "music-video", "station"}
_APPLE_ID = re.compile(r"(?:[0-9]{1,15}|pl\.[A-Za-z0-9-]{1,64}|ra\.[0-9]{1,15})")
_APPLE_SLUG = re.compile(r"[^/?#\s]{1,200}")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\`]")

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
MAX_URL = 2000


@dataclass(frozen=True)
class Embed:
    """A parsed [embed] URL. `player_url` is None for a plain link card."""

    url: str
    provider: str  # "YouTube", "Vimeo", "Spotify", "SoundCloud", "Apple Music", or the host
    kind: str  # "video", "audio" or "link"
    player_url: str | None = None

    @property
    def pk(self) -> str:
        """A short key naming the embed in caches."""
        return hashlib.blake2b(self.url.encode(), digest_size=12).hexdigest()

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def slug(self) -> str:
        return self.provider.lower().replace(" ", "-") if self.player_url else "link"

    def __str__(self) -> str:
        return self.url


def embed_problem(url: str) -> str | None:
    """What is wrong with an [embed] URL, or None."""
    url = url.strip()
    if not url:
        return '[embed] needs a url attribute, e.g. [embed url="https://youtu.be/…" /].'
    if len(url) > MAX_URL:
        return f"[embed] url is longer than {MAX_URL} characters."
    if _UNSAFE.search(url):
        return "[embed] url must not contain spaces, quotes or angle brackets."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return f'[embed] url "{url[:80]}" is not a valid address.'
    if parts.scheme.lower() != "https":
        return f'[embed] url must start with https://, not "{url[:80]}".'
    if not parts.hostname or parts.username or parts.password:
        return f'[embed] url "{url[:80]}" has no valid host.'
    return None


def parse_embed(url: str) -> Embed | None:
    """The embed an [embed] URL stands for: a provider's player, a plain link card for any
    other https address, or None when the URL is not acceptable at all."""
    if embed_problem(url):
        return None
    url = url.strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    for parser in (_youtube, _vimeo, _spotify, _soundcloud, _apple_music):
        found = parser(host, segments, query)
        if found is not None:
            provider, kind, player = found
            return Embed(url=url, provider=provider, kind=kind, player_url=player)
    return Embed(url=url, provider=host, kind="link")


_Found = tuple[str, str, str] | None


def _youtube(host: str, segments: list[str], query: dict[str, list[str]]) -> _Found:
    video = None
    if host == "youtu.be" and len(segments) == 1:
        video = segments[0]
    elif host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            video = (query.get("v") or [""])[0]
        elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live"):
            video = segments[1]
    if video and _YOUTUBE_ID.fullmatch(video):
        return "YouTube", "video", f"https://www.youtube-nocookie.com/embed/{video}"
    return None


def _vimeo(host: str, segments: list[str], query: dict[str, list[str]]) -> _Found:
    if host not in ("vimeo.com", "www.vimeo.com", "player.vimeo.com"):
        return None
    if segments[:1] == ["video"]:
        segments = segments[1:]
    if not segments or not _VIMEO_ID.fullmatch(segments[0]) or len(segments) > 2:
        return None
    player = f"https://player.vimeo.com/video/{segments[0]}"
    secret = segments[1] if len(segments) == 2 else (query.get("h") or [None])[0]
    if secret is not None:
        if not _VIMEO_HASH.fullmatch(secret):
            return None
        player += f"?h={secret}"
    return "Vimeo", "video", player


def _spotify(host: str, segments: list[str], query: dict[str, list[str]]) -> _Found:
    if host != "open.spotify.com":
        return None
    if segments and _SPOTIFY_LOCALE.fullmatch(segments[0]):
        segments = segments[1:]
    if segments[:1] == ["embed"]:
        segments = segments[1:]
    if len(segments) != 2 or segments[0] not in _SPOTIFY_KINDS:
        return None
    kind, item = segments
    if not _SPOTIFY_ID.fullmatch(item):
        return None
    return "Spotify", "audio", f"https://open.spotify.com/embed/{kind}/{item}"


def _soundcloud(host: str, segments: list[str], query: dict[str, list[str]]) -> _Found:
    if host not in ("soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"):
        return None
    if not 1 <= len(segments) <= 3 or not all(_SEGMENT.fullmatch(s) for s in segments):
        return None
    if len(segments) == 3 and segments[1] != "sets":
        return None
    track = quote("https://soundcloud.com/" + "/".join(segments), safe="")
    return "SoundCloud", "audio", f"https://w.soundcloud.com/player/?url={track}"


def _apple_music(host: str, segments: list[str], query: dict[str, list[str]]) -> _Found:
    if host not in ("music.apple.com", "embed.music.apple.com"):
        return None
    if len(segments) not in (3, 4) or not _APPLE_STOREFRONT.fullmatch(segments[0]):
        return None
    kind, item = segments[1], segments[-1]
    if kind not in _APPLE_KINDS or not _APPLE_ID.fullmatch(item):
        return None
    if len(segments) == 4 and not _APPLE_SLUG.fullmatch(segments[2]):
        return None
    path = "/".join(quote(segment, safe="-.") for segment in segments)
    player = f"https://embed.music.apple.com/{path}"
    song = (query.get("i") or [""])[0]
    if song and re.fullmatch(r"[0-9]{1,15}", song):
        player += f"?i={song}"
    kind_name = "video" if kind == "music-video" else "audio"
    return "Apple Music", kind_name, player
