"""The sitemap: every published article and the artists, projects, contributors and tags those
articles reach. Records only drafts link to stay out, so a sitemap never hints at a coming story."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from newsroom import tagcache
from newsroom.links import reverse
from people.models import Artist, Contributor
from projects.models import MediaProject

from .models import Article, Byline, TaggedArticle


def depend_on_links():
    """The sitemap lists what published stories link to: it changes with any story or link."""
    through = (
        Article,
        Article.artists.through,
        Article.projects.through,
        Article.related_projects.through,
        Byline,
        TaggedArticle,
    )
    tagcache.depend(*(tagcache.list_of(model) for model in through))


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    def items(self):
        depend_on_links()
        return Article.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, article):
        return max(article.published_at, article.updated_at)


class ArtistSitemap(Sitemap):
    def items(self):
        depend_on_links()
        mentions = Article.artists.through.objects.filter(article__in=Article.objects.published())
        return Artist.objects.filter(pk__in=mentions.values("artist_id")).only("slug", "updated_at")

    def lastmod(self, artist):
        return artist.updated_at


class ProjectSitemap(Sitemap):
    def items(self):
        depend_on_links()
        published = Article.objects.published()
        mentions = Article.projects.through.objects.filter(article__in=published)
        related = Article.related_projects.through.objects.filter(article__in=published)
        return MediaProject.objects.filter(
            Q(pk__in=mentions.values("mediaproject_id"))
            | Q(pk__in=related.values("mediaproject_id"))
        ).only("slug", "updated_at")

    def lastmod(self, project):
        return project.updated_at


class ContributorSitemap(Sitemap):
    def items(self):
        depend_on_links()
        return (
            Contributor.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__published_at"))
            .order_by("name")
        )

    def lastmod(self, contributor):
        return contributor.latest


class TagSitemap(Sitemap):
    def items(self):
        depend_on_links()
        return Article.objects.published().tags_in_use().order_by("name")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


sitemaps = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "artists": ArtistSitemap,
    "projects": ProjectSitemap,
    "contributors": ContributorSitemap,
    "tags": TagSitemap,
}
