from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from . import handlers, signals  # noqa: F401  (registers shortcode tags and receivers)
