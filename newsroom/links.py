"""Addresses of named URLs, worked out once per process.

Django's `reverse` walks the URL patterns on every call, and a reader's page makes a few dozen
calls (navigation, bylines, tags, projects, photos): on the article page served without the
page cache that was about a fifth of its time. The patterns do not change while a process
runs, so the address for a name and its arguments is kept, in a bounded table keyed also on
the URLconf and script prefix in force, and forgotten whenever the URLconf setting changes.

Only arguments that are plain strings and integers are kept: anything else (a model instance,
whose text could change) goes to Django's `reverse` every time.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

# About 470 bytes each: at most about 2 MiB a worker, whatever crawls the site. The addresses
# readers' pages share (navigation, feeds, busy tags and artists) stay; the rest come and go.
KEPT_ADDRESSES = 4_000


def _keepable(value) -> bool:
    return isinstance(value, str) or (type(value) is int)


@lru_cache(maxsize=KEPT_ADDRESSES)
def _kept(viewname, args, kwargs, current_app, urlconf, prefix) -> str:
    # `prefix` is only part of the key: `reverse` reads the script prefix itself.
    return django_reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None) -> str:
    """`django.urls.reverse`, with the answer kept for plain names and arguments."""
    args = tuple(args or ())
    kwargs = tuple(sorted((kwargs or {}).items()))
    if not (
        isinstance(viewname, str)
        and all(_keepable(value) for value in args)
        and all(_keepable(value) for _, value in kwargs)
    ):
        return django_reverse(viewname, urlconf, args, dict(kwargs), current_app)
    # The URLconf a request set, or the setting (read now, so an override is followed).
    urlconf = urlconf or get_urlconf() or settings.ROOT_URLCONF
    return _kept(viewname, args, kwargs, current_app, urlconf, get_script_prefix())


@receiver(setting_changed)
def _forget_on_new_urlconf(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _kept.cache_clear()
