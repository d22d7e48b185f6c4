from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from newsroom import snapshots as stored

        from . import handlers, revisions, signals, snapshots  # noqa: F401  (registers receivers)

        revisions.register()
        # The page of a story whose own tag is purged gets a new snapshot.
        stored.register("articles.article", snapshots.build)
        # On SQLite: the trigram tables of names search reads, made again where a migration
        # remade the table they follow, and the search index merged into one segment.
        post_migrate.connect(tend_search_indexes, sender=self, dispatch_uid="articles.names")


def tend_search_indexes(sender, using="default", **kwargs):
    from . import search

    search.ensure_name_indexes(using)
    search.optimize_index(using)
