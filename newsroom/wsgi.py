import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()


def load_before_fork() -> None:
    """What a worker would otherwise load on its first requests, loaded once in gunicorn's
    master before the workers are forked, so that they share it (copy-on-write) rather than
    each keeping a copy: the URL patterns, with every view module they import, and every
    template of the project's `templates/` folder, compiled into the cached loader. A template
    that does not compile stops the start, rather than failing a reader's request. No database
    connection is opened."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 (populates the patterns, importing every view)
    for folder in settings.TEMPLATES[0]["DIRS"]:
        folder = Path(folder)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".txt", ".xml"):
                get_template(path.relative_to(folder).as_posix())
