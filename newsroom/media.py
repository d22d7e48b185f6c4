"""Uploaded files and renditions served from MEDIA_ROOT by the app itself, so one machine works
out of the box (`make serve`, DEBUG on or off) until a proxy or object storage takes over.

WhiteNoise serves them, as it serves static files: HEAD, byte ranges, conditional requests
(ETag, Last-Modified) and a year-long, immutable Cache-Control, since every media name is
written once and never reused (storage gives each upload a name of its own, renditions are
named after their original and spec). Files are looked up on each request, as uploads arrive
while the site runs, and only regular files under MEDIA_ROOT are served: the path is checked
once normalised and once every link in it is resolved. With object storage (an absolute
MEDIA_URL) the middleware steps aside.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit
from wsgiref.headers import Headers

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import NotARegularFileError, StaticFile

YEAR = 365 * 24 * 60 * 60


class MediaFilesMiddleware(WhiteNoise):
    # The same header renditions get in object storage.
    FOREVER = YEAR

    def __init__(self, get_response):
        if urlsplit(settings.MEDIA_URL).netloc or not settings.MEDIA_URL.startswith("/"):
            raise MiddlewareNotUsed("media are served from their own address")
        self.get_response = get_response
        super().__init__(
            application=None,
            autorefresh=True,  # look files up per request: uploads arrive while the site runs
            max_age=YEAR,
            allow_all_origins=False,
            immutable_file_test=lambda path, url: True,
        )
        self.prefix = settings.MEDIA_URL
        self.root = os.path.abspath(settings.MEDIA_ROOT)
        self.add_files(self.root, prefix=self.prefix)

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            media_file = self.find_file(request.path_info)
            if media_file is not None:
                return WhiteNoiseMiddleware.serve(media_file, request)
        return self.get_response(request)

    def find_file(self, url):
        try:
            return super().find_file(url)
        except NotARegularFileError:  # a pipe or a device: nothing to serve
            return None

    def candidate_paths_for_url(self, url):
        real_root = os.path.realpath(self.root)
        for path in super().candidate_paths_for_url(url):
            # A link inside the folder leads nowhere outside it.
            if self.path_is_child_of(os.path.realpath(path), real_root + os.sep):
                yield path

    def is_compressed_variant(self, path, stat_cache=None):
        # WhiteNoise would hide photo.gz when photo exists; media have no compressed copies.
        return False

    def get_static_file(self, path, url, stat_cache=None):
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        # No encodings: WhiteNoise would offer photo.jpg.gz in place of photo.jpg.
        return StaticFile(path, headers.items(), encodings={})
