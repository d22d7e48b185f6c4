from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from . import handlers, revisions, signals  # noqa: F401  (registers tags and receivers)

        revisions.register()
