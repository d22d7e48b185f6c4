from django.db import models


class ImportedPost(models.Model):
    """A WordPress post, page or attachment this site imported: the site it came from and its id
    there, so importing the same export again finds it instead of making it twice."""

    site = models.CharField(max_length=200, help_text="The WordPress site's address.")
    wp_id = models.PositiveBigIntegerField("WordPress id")
    post_type = models.CharField(max_length=40)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wordpress_posts",
    )
    image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wordpress_attachments",
    )
    old_address = models.CharField(max_length=500, blank=True)
    # What the export said of it, and what the import left here: a later import updates the
    # record when the first changed, and can tell when editors changed the second.
    wordpress_digest = models.CharField(max_length=64)
    local_digest = models.CharField(max_length=64, blank=True)
    # The export's record itself, with what its conversion depends on: the same again is
    # unchanged without being converted again.
    source_digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "wp_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="unique_wordpress_post"),
        ]

    def __str__(self):
        return f"{self.post_type} {self.wp_id} from {self.site}"


class ImportedAuthor(models.Model):
    """A WordPress author (a user, or a Co-Authors Plus guest author) and the contributor whose
    byline their posts carry here."""

    site = models.CharField(max_length=200)
    login = models.CharField(max_length=200)
    contributor = models.ForeignKey(
        "people.Contributor", on_delete=models.CASCADE, related_name="wordpress_authors"
    )

    class Meta:
        ordering = ["site", "login"]
        constraints = [
            models.UniqueConstraint(fields=["site", "login"], name="unique_wordpress_author"),
        ]

    def __str__(self):
        return f"{self.login} from {self.site}"
