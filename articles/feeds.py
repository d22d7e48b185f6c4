import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html

from newsroom import tagcache
from newsroom.links import reverse
from newsroom.text import clean_lines
from people.models import Artist, Contributor

from . import rendering
from .models import Article

FEED_LENGTH = 20
# A story's body in a feed: at most this many characters of HTML, rendered from at most this
# many tags; past them, a link to the story. The limits keep a feed of 20 stories within a few
# MB whatever they hold (thousands of mentions or photos each), and quick to build.
FEED_BODY_CHARS = 100_000
FEED_BODY_TAGS = 200


def _xml_safe(value):
    if isinstance(value, str):
        return clean_lines(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(part) for part in value]
    return value


class FullTextRssFeed(Rss201rev2Feed):
    """RSS 2.0 with each item's full body in content:encoded."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullTextAtomFeed(Atom1Feed):
    """Atom with each entry's full body as HTML content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def lead_figure(article) -> str:
    """The story's lead photo for the top of its feed entry, or nothing."""
    if not article.lead_image:
        return ""
    html = render_to_string("articles/includes/lead_figure.html", {"image": article.lead_image})
    return rendering.sanitize(html.strip()) + "\n"


def read_on(article) -> str:
    """The link at the end of a story's shortened body in a feed."""
    return format_html(
        '<p><a href="{}">Read the whole story on {}</a></p>',
        article.get_absolute_url(),
        settings.SITE_NAME,
    )


class LatestArticlesFeed(Feed):
    feed_type = FullTextRssFeed

    def __call__(self, request, *args, **kwargs):
        # One feed object serves every request: the request's own state goes on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_feed(self, obj, request):
        # Rows stored before text was cleaned on save may still hold characters XML refuses;
        # one of them would make the whole feed fail, so every string is cleaned on the way out.
        feed = super().get_feed(obj, request)
        feed.feed = {key: _xml_safe(value) for key, value in feed.feed.items()}
        feed.items = [{key: _xml_safe(value) for key, value in item.items()} for item in feed.items]
        return feed

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: latest news"

    def subtitle(self, obj=None):
        """What the feed holds, in plain text (Atom's subtitle)."""
        return f"The latest stories from {settings.SITE_NAME}."

    def description(self, obj=None):
        # Feed readers show an RSS channel's description as HTML: a record's name in it is text.
        return escape(self.subtitle(obj))

    def link(self, obj=None):
        return reverse("articles:home")

    def get_articles(self, published, obj):
        return published

    def items(self, obj=None):
        tagcache.depend(tagcache.about(obj) if obj is not None else tagcache.list_of(Article))
        articles = self.get_articles(Article.objects.published(), obj)
        items = list(articles.for_listing().prefetch_related("tags", "corrections")[:FEED_LENGTH])
        # Full bodies for feed readers: mentions as plain links (no cards), absolute addresses.
        base = self.request.build_absolute_uri("/")
        # Each bounded, so a feed of huge stories stays small and quick: its leading part is
        # rendered alone, and whatever is left out is a link away.
        parts = [
            rendering.leading_part(item.body, max_chars=FEED_BODY_CHARS, max_tags=FEED_BODY_TAGS)
            for item in items
        ]
        bodies = rendering.cached_feed_bodies([part for part, _ in parts])
        self.contents = {}
        for item, (_, shortened), html in zip(items, parts, bodies, strict=True):
            html = rendering.absolutize(lead_figure(item) + html, base)
            html, cut = rendering.bounded_html(html, FEED_BODY_CHARS)
            if shortened or cut:
                html += "\n" + rendering.absolutize(read_on(item), base)
            self.contents[item.pk] = html
        return items

    def item_extra_kwargs(self, item):
        return {"content": self.contents.get(item.pk)}

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Feed readers treat the description as HTML; the dek and corrections are plain text.
        return render_to_string(
            "articles/includes/feed_description.html", {"article": item}
        ).strip()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_updated or item.published_at

    def item_author_name(self, item):
        return ", ".join(byline.contributor.name for byline in item.bylines.all()) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullTextAtomFeed


class ReviewsFeed(LatestArticlesFeed):
    def title(self, obj=None):
        return f"{settings.SITE_NAME}: reviews"

    def description(self, obj=None):
        return f"The latest reviews from {settings.SITE_NAME}, with their scores."

    subtitle = description

    def link(self, obj=None):
        return reverse("articles:reviews")

    def get_articles(self, published, obj):
        return published.reviews()

    def item_title(self, item):
        if item.rating is None:
            return item.headline
        return f"{item.headline} ({item.rating}/10)"


class ReviewsAtomFeed(ReviewsFeed):
    feed_type = FullTextAtomFeed


class SubjectFeed(LatestArticlesFeed):
    """The stories about one record found by its slug: an artist, a contributor, a tag."""

    # How the stories relate to it, for the description: "Stories from … that mention Kanye".
    relation = ""

    def subjects(self):
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.subjects(), slug=slug)

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def subtitle(self, obj=None):
        return f"Stories from {settings.SITE_NAME} {self.relation} {obj.name}."

    def link(self, obj=None):
        return obj.get_absolute_url()


class ArtistFeed(SubjectFeed):
    relation = "that mention"

    def subjects(self):
        return Artist.objects.all()

    def get_articles(self, published, obj):
        return published.mentioning(obj)


class ArtistAtomFeed(ArtistFeed):
    feed_type = FullTextAtomFeed


class ContributorFeed(SubjectFeed):
    relation = "by"

    def subjects(self):
        return Contributor.objects.all()

    def get_articles(self, published, obj):
        return published.by_contributor(obj)


class ContributorAtomFeed(ContributorFeed):
    feed_type = FullTextAtomFeed


class TagFeed(SubjectFeed):
    relation = "tagged"

    def subjects(self):
        # Only tags some published story carries: a tag drafts alone carry is not revealed.
        return Article.objects.published().tags_in_use()

    def link(self, obj=None):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def get_articles(self, published, obj):
        return published.filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = FullTextAtomFeed
