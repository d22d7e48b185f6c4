"""The sitemaps: every published article and the artists, projects, contributors and tags those
articles reach, the site's fixed pages (home, reviews, artists, projects, tour dates) and every
tour date's page. Records only drafts link to stay out, so a sitemap never hints at a coming
story; tour dates have no draft state, and each has a public page, past or upcoming.

`/sitemap.xml` is an index of pages of at most 50,000 addresses each (sitemaps.org's limit), one
section after another, `/sitemap-<section>.xml?p=N`, each with the time of its latest change.
Articles are paged by id (page N holds the published stories with ids from (N-1)*50,000 + 1 to
N*50,000), so a story stays on its page whatever is published or deleted around it, and a save
purges the one page that holds it. `/sitemap-news.xml` is the Google News sitemap: the stories
published in the last 48 hours, at most 1,000.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Exists, F, Max, OuterRef
from django.db.models.functions import Greatest
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_safe
from taggit.models import Tag

from events.models import Event
from events.views import depend_on_dates
from events.views import last_change as events_last_change
from newsroom import pagecache, tagcache
from newsroom.links import reverse
from people.models import Artist, Contributor
from projects.models import MediaProject

from .models import Article, Byline, TaggedArticle

# sitemaps.org: at most 50,000 addresses (and 50 MB) a file.
PAGE_SIZE = 50_000
# Google News: the stories of the last two days, at most 1,000.
NEWS_HOURS = 48
NEWS_MOST = 1_000


def article_page(pk: int) -> int:
    """The number of the sitemap page that lists the article with this id."""
    return (pk - 1) // PAGE_SIZE + 1


def article_page_tag(pk: int) -> str:
    return f"sitemap:articles:{article_page(pk)}"


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


class PagedSitemap(Sitemap):
    """A section of the index: its pages, each with the time of its latest change, found with
    one aggregate rather than by reading every item."""

    limit = PAGE_SIZE

    def latest(self):
        return None

    def count(self) -> int | None:
        """How many items the section lists, when a query cheaper than counting `items()` knows
        it; None to count `items()`."""
        return None

    @property
    def paginator(self):
        paginator = super().paginator  # a new one at each use
        count = self.count()
        if count is not None:
            paginator.count = count
        return paginator

    def pages(self) -> list[tuple[int, object]]:
        paginator = self.paginator
        if not paginator.count:
            return []
        latest = self.latest()
        return [(number, latest) for number in paginator.page_range]


def _latest_story():
    """When the latest published story came out, read from the publication index: the home,
    contributor and tag pages change with each new story. (The later of publication and
    update for every story would read them all.)"""
    return (
        Article.objects.published()
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _latest_review():
    """When the latest published review came out: the reviews page changes with each."""
    return (
        Article.objects.published()
        .reviews()
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _later(*times):
    return max((time for time in times if time is not None), default=None)


class HomeSitemap(PagedSitemap):
    """The site's fixed pages, each with the time its list last changed, where there is one.
    The section keeps the name it had when it held the home page alone, so its address stays."""

    changefreq = "hourly"

    def items(self):
        return list(self.changes())

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.changes()[item]

    def latest(self):
        return _later(*self.changes().values())

    def changes(self) -> dict:
        """{URL name: when the page last changed, or None}, read once."""
        if not hasattr(self, "_changes"):
            tagcache.depend(
                tagcache.list_of(Article), tagcache.list_of(Artist), tagcache.list_of(MediaProject)
            )
            depend_on_dates()
            story = _latest_story()
            # The artists' list counts each artist's published stories.
            artist = Artist.objects.aggregate(latest=Max("updated_at"))["latest"]
            project = MediaProject.objects.aggregate(latest=Max("updated_at"))["latest"]
            self._changes = {
                "articles:home": story,
                "articles:reviews": _latest_review(),
                "articles:artists": _later(artist, story),
                "projects:index": project,
                "events:index": events_last_change(),
            }
        return self._changes


class ArticleSitemap(PagedSitemap):
    """Pages by id: page N holds ids (N-1)*PAGE_SIZE+1 to N*PAGE_SIZE (see `article_page`)."""

    def items(self):
        return Article.objects.published()

    def pages(self):
        tagcache.depend(tagcache.list_of(Article))
        found = (
            Article.objects.published()
            .annotate(page=(F("pk") - 1) / PAGE_SIZE + 1)
            .order_by("page")
            .values("page")
            .annotate(latest=Max(Greatest("published_at", "updated_at")))
            .values_list("page", "latest")
        )
        return list(found)


class LinkedSitemap(PagedSitemap):
    """Records a published story links to, each found by an indexed look-up of its own links
    (EXISTS) rather than by gathering every published story's links; counted and dated together
    in one aggregate."""

    def linked(self):
        raise NotImplementedError

    def items(self):
        depend_on_links()
        return self.linked().only("slug", "updated_at").order_by("pk")

    def lastmod(self, record):
        return record.updated_at

    def summary(self) -> dict:
        if not hasattr(self, "_summary"):
            depend_on_links()
            self._summary = self.linked().aggregate(count=Count("pk"), latest=Max("updated_at"))
        return self._summary

    def count(self):
        return self.summary()["count"]

    def latest(self):
        return self.summary()["latest"]


class ArtistSitemap(LinkedSitemap):
    def linked(self):
        return Artist.objects.filter(
            Exists(Article.objects.published().filter(artists=OuterRef("pk")))
        )


class ProjectSitemap(LinkedSitemap):
    def linked(self):
        published = Article.objects.published()
        return MediaProject.objects.filter(
            Exists(published.filter(projects=OuterRef("pk")))
            | Exists(published.filter(related_projects=OuterRef("pk")))
        )


class ContributorSitemap(PagedSitemap):
    def items(self):
        depend_on_links()
        return (
            Contributor.objects.filter(articles__in=Article.objects.published())
            .only("name", "slug")  # grouped by these, not by every column with the biography
            .annotate(latest=Max("articles__published_at"))
            .order_by("name", "pk")
        )

    def count(self):
        # The contributors on published stories, without dating each: each contributor is
        # looked for among the bylines (an indexed look-up that stops at the first live
        # story), rather than every byline of every published story gathered and counted.
        depend_on_links()
        published = Article.objects.published()
        return Contributor.objects.filter(
            Exists(published.filter(bylines__contributor=OuterRef("pk")))
        ).count()

    def lastmod(self, contributor):
        return contributor.latest

    def latest(self):
        return _latest_story()


class TagSitemap(PagedSitemap):
    def items(self):
        depend_on_links()
        # Each tag published stories carry, with the latest of them: one pass over the links.
        return (
            TaggedArticle.objects.filter(content_object__in=Article.objects.published())
            .exclude(tag__slug="")
            .values("tag__slug", "tag__name")
            .annotate(latest=Max("content_object__published_at"))
            .order_by("tag__name", "tag__slug")
        )

    def count(self):
        # The tags on published stories (a slug names one tag), without dating each: each tag
        # looked for among its stories, as the contributors are.
        depend_on_links()
        published = Article.objects.published()
        return (
            Tag.objects.exclude(slug="")
            .filter(Exists(published.filter(tagged_items__tag=OuterRef("pk"))))
            .count()
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag["tag__slug"]})

    def lastmod(self, tag):
        return tag["latest"]

    def latest(self):
        return _latest_story()


class EventSitemap(PagedSitemap):
    """Every tour date's page, in the order they were entered; counted and dated together in
    one aggregate. A date's save or deletion purges the section (the list of dates)."""

    def items(self):
        tagcache.depend(tagcache.list_of(Event))
        return Event.objects.only("updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at

    def summary(self) -> dict:
        if not hasattr(self, "_summary"):
            tagcache.depend(tagcache.list_of(Event))
            self._summary = Event.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
        return self._summary

    def count(self):
        return self.summary()["count"]

    def latest(self):
        return self.summary()["latest"]


sitemaps = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "artists": ArtistSitemap,
    "projects": ProjectSitemap,
    "contributors": ContributorSitemap,
    "tags": TagSitemap,
    "events": EventSitemap,
}


@x_robots_tag
@require_safe
def index(request):
    """Every page of every section, with the time of its latest change."""
    site = get_current_site(request)
    entries = []
    for section, cls in sitemaps.items():
        address = f"{request.scheme}://{site.domain}" + reverse(
            "sitemap-section", kwargs={"section": section}
        )
        for number, latest in cls().pages():
            location = address if number == 1 else f"{address}?p={number}"
            entries.append(SitemapIndexItem(location, latest))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_safe
def section(request, section):
    """One page of one section: `?p=N` (1 without it), a 404 past the last."""
    if section == "articles":
        response = article_page_view(request)
    elif section in sitemaps:
        response = section_page_view(request, sitemaps[section]())
    else:
        raise Http404("No such sitemap.")
    if "p" in request.GET:
        pagecache.accept(request, p=int(request.GET["p"]))
    return response


@x_robots_tag
def article_page_view(request):
    """A page of up to PAGE_SIZE stories, written out directly: Django's sitemap template
    spends about 20 microseconds on each address, a second for a full page."""
    try:
        number = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404("No such page.") from None
    if number < 1:
        raise Http404("No such page.")
    tagcache.depend(f"sitemap:articles:{number}")
    rows = (
        Article.objects.published()
        .filter(pk__gt=(number - 1) * PAGE_SIZE, pk__lte=number * PAGE_SIZE)
        .order_by("pk")
        .values_list("slug", "published_at", "updated_at")
    )
    site = get_current_site(request)
    # Every story's address is the same but for its slug.
    head, tail = reverse("articles:detail", kwargs={"slug": "SLUG"}).split("SLUG")
    root = escape(f"{request.scheme}://{site.domain}{head}")
    zone = timezone.get_current_timezone()
    lines = [
        f"<url><loc>{root}{escape(slug)}{tail}</loc>"
        f"<lastmod>{max(published, updated).astimezone(zone):%Y-%m-%d}</lastmod></url>\n"
        for slug, published, updated in rows.iterator(chunk_size=5000)
    ]
    if not lines:
        raise Http404("No such page.")
    return _urlset(lines)


@x_robots_tag
def section_page_view(request, site):
    """A page of another section, written out directly like the stories' pages."""
    try:
        page = site.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page.") from None
    root = escape(f"{request.scheme}://{get_current_site(request).domain}")
    zone = timezone.get_current_timezone()
    lines = []
    for item in page.object_list:
        lastmod = site.lastmod(item)
        when = f"<lastmod>{lastmod.astimezone(zone):%Y-%m-%d}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{root}{escape(site.location(item))}</loc>{when}</url>\n")
    return _urlset(lines)


def _urlset(lines: list[str]) -> HttpResponse:
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(lines)
        + "</urlset>\n",
        content_type="application/xml",
    )


@x_robots_tag
@require_safe
def news(request):
    """The stories published in the last NEWS_HOURS hours, newest first, at most NEWS_MOST."""
    now = timezone.now()
    stories = list(
        Article.objects.published()
        .filter(published_at__gt=now - timedelta(hours=NEWS_HOURS))
        .only("slug", "headline", "published_at")
        .order_by("-published_at", "-pk")[:NEWS_MOST]
    )
    tagcache.depend(tagcache.list_of(Article))
    if stories:
        # The oldest leaves the list when it turns NEWS_HOURS old.
        leaves = stories[-1].published_at + timedelta(hours=NEWS_HOURS)
        tagcache.depend_until(lambda: leaves)
    site = get_current_site(request)
    context = {
        "stories": stories,
        "root": f"{request.scheme}://{site.domain}",
        "publication": settings.SITE_NAME,
        "language": settings.LANGUAGE_CODE.split("-")[0],
    }
    return TemplateResponse(
        request, "articles/sitemap_news.xml", context, content_type="application/xml"
    )
