from django.db import models


class TagVersion(models.Model):
    """When a cache tag (`newsroom.tagcache`) was last purged, in nanoseconds, kept in the
    database in the transaction of the edit that purged it: what tells a snapshot
    (`newsroom.snapshots`) whether it still shows the records as they are. Tags of lists of a
    whole model ("list:…"), which every save of that model purges, are not kept."""

    # A digest of the tag: tags name records by any key, slugs included, so their length varies.
    tag = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField()

    def __str__(self):
        return f"{self.tag} at {self.version}"


class Snapshot(models.Model):
    """The parts of a page kept by `newsroom.tagcache`, written to the database when what the
    page shows is saved, so that the page is quick to build with an empty cache (after a
    deploy with a new cache, or while the cache is down)."""

    key = models.CharField(max_length=255, primary_key=True)
    # `tagcache.schema()` when it was written: a snapshot of other models is never read.
    schema = models.CharField(max_length=32)
    # When its computation started (ns): a purge of one of its tags since then outdates it.
    started = models.BigIntegerField()
    # Pickled: the parts (key -> (value, tags, expires)), the digests of their tags, and what
    # else its page keeps with them.
    data = models.BinaryField()

    def __str__(self):
        return self.key
