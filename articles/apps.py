from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from newsroom import snapshots as stored

        from . import handlers, revisions, signals, snapshots  # noqa: F401  (registers receivers)

        revisions.register()
        # The page of a story whose own tag is purged gets a new snapshot.
        stored.register("articles.article", snapshots.build)
