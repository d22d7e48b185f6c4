import copy
import secrets
from datetime import timedelta
from decimal import Decimal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse as django_reverse
from django.utils import timezone
from django.utils.formats import date_format
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom import tagcache
from newsroom.db import AtomicSaveMixin
from newsroom.fields import WholeSecondsDateTimeField
from newsroom.links import reverse
from newsroom.natural_keys import BySlugQuerySet, SlugNaturalKey
from newsroom.validators import validate_sensible_time

# The one scale of review scores on the site.
RATING_WORST = Decimal("0.0")
RATING_BEST = Decimal("10.0")

# Each word adds a filter; past this many the rest are ignored, which keeps the SQL bounded.
SEARCH_MAX_WORDS = 10


class ArticleQuerySet(BySlugQuerySet):
    def published(self):
        """Articles readers may see: published, with a publication time that has come. What is
        cached from them is kept no later than the next scheduled publication."""
        tagcache.depend_until(next_publication)
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published articles whose publication time has not come yet."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def in_state(self, state):
        """Articles in one of `Article.State`: draft, in review, scheduled or live."""
        if state == Article.State.LIVE:
            return self.published()
        if state == Article.State.SCHEDULED:
            return self.scheduled()
        return self.filter(status=state)

    def by_contributor(self, contributor):
        return self.filter(bylines__contributor=contributor)

    def formerly_at(self, address: str):
        """Articles once read at `address` (see `Article.keep_address`): at most one."""
        return self.filter(former_addresses__path=normalize_address(address))

    def reviews(self):
        """Articles that review a project."""
        return self.filter(reviewed_project__isnull=False)

    def reviews_of_work_by(self, artist):
        """Reviews of the projects `artist` is credited on."""
        from projects.models import Credit

        return self.filter(
            reviewed_project__in=Credit.objects.filter(artist=artist).values("project_id")
        )

    def from_share_token(self, token: str):
        """The article a share link names, if the link is genuine, unexpired and not revoked;
        None otherwise."""
        try:
            data = signing.loads(
                token, salt=Article.SHARE_SALT, max_age=settings.SHARE_PREVIEW_SECONDS
            )
        except signing.BadSignature:  # tampered, or expired (SignatureExpired is a subclass)
            return None
        if not isinstance(data, dict) or not isinstance(data.get("a"), int):
            return None
        return self.filter(pk=data["a"], preview_key=str(data.get("k", ""))).first()

    def mentioning(self, artist):
        return self.filter(artists=artist)

    def related_to(self, article):
        """Other articles sharing artists or tags with `article`, those sharing most first.

        The candidates come from the mention and tag indexes (articles linked to one of its
        artists or tags), and only they are counted, so the cost follows how many stories share
        something with this one, not how many stories there are."""
        mentions = Article.artists.through.objects
        artists = mentions.filter(article=article).values("artist_id")
        tags = TaggedArticle.objects.filter(content_object=article).values("tag_id")

        def count(rows, column):
            counted = rows.order_by().values(column).annotate(n=models.Count("pk")).values("n")
            return Coalesce(models.Subquery(counted[:1]), 0)

        shared_artists = mentions.filter(article=OuterRef("pk"), artist_id__in=artists)
        shared_tags = TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=tags)
        return (
            self.filter(
                models.Q(pk__in=mentions.filter(artist_id__in=artists).values("article_id"))
                | models.Q(
                    pk__in=TaggedArticle.objects.filter(tag_id__in=tags).values("content_object_id")
                )
            )
            .exclude(pk=article.pk)
            .annotate(
                shared=count(shared_artists, "article") + count(shared_tags, "content_object")
            )
            .order_by("-shared", "-published_at", "-pk")
        )

    def related(self, article, count: int) -> tuple[list[int], list | None]:
        """The ids of the `count` articles from `related_to`, kept in the cache until any
        article is saved (it may have become related) or an hour has passed; and, when they
        were not kept, the articles themselves, as this queryset loads them, from the same
        query (else None)."""
        key = related_key(article.pk, count)
        ids = tagcache.fetch(key, propagate=False)
        if ids is not None:
            return ids, None
        rec = tagcache.Recording(tags={tagcache.list_of(Article)})
        rec.deadlines.append(next_publication)
        found = list(self.related_to(article)[:count])
        ids = [related.pk for related in found]
        # Not passed on to the page: a page showing related stories is not purged by every new
        # story; its list of related stories is refreshed when the page expires.
        tagcache.store(key, ids, rec, 60 * 60, propagate=False)
        return ids, found

    def search(self, query, *, ranked=True):
        """Articles matching every word of `query` in the headline, dek or body, or in the name
        of an artist or project they mention or are about, best match first: full-text search
        on PostgreSQL and on SQLite (articles/search.py). With `ranked` False, newest first:
        ranking reads every match, and a word most stories hold matches thousands."""
        from . import search

        return search.matching(self, query, ranked=ranked)

    def tags_in_use(self):
        """The tags these articles carry (a Tag queryset), so a tag only on drafts stays unseen."""
        from taggit.models import Tag

        # Checked tag by tag, so finding one tag costs a look-up in its own links, not a
        # gathering of every tag of every article.
        carried = TaggedArticle.objects.filter(
            models.Exists(self.filter(pk=OuterRef("content_object_id"))), tag=OuterRef("pk")
        )
        return Tag.objects.filter(models.Exists(carried)).exclude(slug="")

    def cache_tags(self) -> list[str]:
        """Cache tags of the lists these articles appear on: the stories about each artist,
        project, tag and contributor they relate to, and the reviews of each artist's work, in
        one query."""
        links = [
            (Article.artists.through.objects, "artist_id", "people.artist"),
            (Article.projects.through.objects, "mediaproject_id", "projects.mediaproject"),
            (Article.related_projects.through.objects, "mediaproject_id", "projects.mediaproject"),
            (Byline.objects, "contributor_id", "people.contributor"),
        ]
        rows = (
            TaggedArticle.objects.filter(content_object__in=self)
            .annotate(label=models.Value("taggit.tag"))
            .values_list("label", "tag_id")
        )
        # The artists credited on a project a review is of: their pages list its reviews.
        from projects.models import Credit

        rows = rows.union(
            Credit.objects.filter(project__reviews__in=self)
            .annotate(label=models.Value("people.artist"))
            .values_list("label", "artist_id")
            .order_by(),
            all=True,
        )
        for manager, column, label in links:
            rows = rows.union(
                manager.filter(article__in=self)
                .annotate(label=models.Value(label))
                .values_list("label", column)
                .order_by(),
                all=True,
            )
        return [f"about:{label}:{pk}" for label, pk in rows]

    def for_teasers(self):
        """What `articles.teasers.with_teasers` needs to load: the stories with their lead
        image (joined), not their bodies. Bylines are loaded there, for the teasers not kept."""
        return self.select_related("lead_image").defer("body", "body_text")

    def for_listing(self):
        """What an article teaser shows: its lead image (joined, no extra query), bylines and
        their contributors, in two extra queries."""
        return self.select_related("lead_image").prefetch_related(
            models.Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("contributor").order_by("position"),
            )
        )


def related_key(pk: int, count: int) -> str:
    """The cache key of the ids of the `count` stories related to story `pk`."""
    return f"articles:related:{pk}:{count}"


NEXT_PUBLICATION_KEY = "articles:next-publication"
CACHE_SECONDS = 60 * 60 * 24 * 7


def next_publication():
    """When the next scheduled article goes live (None if none is scheduled), looked up once
    per change to any article."""
    found = tagcache.fetch(NEXT_PUBLICATION_KEY, propagate=False)
    if found is not None:
        return found[0]
    rec = tagcache.Recording(tags={tagcache.list_of(Article)})
    when = (
        Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True)
    ).first()
    # Kept until then: past it, the next one is looked up.
    rec.expires = when.timestamp() if when is not None else None
    tagcache.store(NEXT_PUBLICATION_KEY, (when,), rec, 24 * 60 * 60, propagate=False)
    return when


def _without_card_data(artist):
    """A copy of an artist loaded with `with_card_data()` and its disciplines, without them."""
    light = copy.copy(artist)
    light.__dict__.pop("card_credits", None)
    light.__dict__.pop("_prefetched_objects_cache", None)
    return light


def normalize_address(address: str) -> str:
    """An address as former addresses are stored and looked up: its path, decoded, with one
    slash at each end (old links circulate with and without the last one), and its query
    string if it has one. A full URL counts for its path and query alone."""
    parts = urlsplit(address.strip())
    path = "/" + unquote(parts.path).strip("/")
    if path != "/":
        path += "/"
    return f"{path}?{parts.query}" if parts.query else path


def new_preview_key():
    return secrets.token_urlsafe(16)


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, slug, tag_name):
        return self.get(content_object__slug=slug, tag__name=tag_name)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = TaggedArticleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]


class Article(AtomicSaveMixin, SlugNaturalKey, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    class State(models.TextChoices):
        """Where an article stands for readers: the status, with "published" split by time."""

        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    dek = models.CharField(
        max_length=500, blank=True, help_text="The one-sentence summary under the headline."
    )
    body = models.TextField(
        help_text=(
            "A blank line starts a new paragraph. Markdown: *italic*, **bold**, ## Sub-heading, "
            "> quote, - list item, 1. numbered item, [link text](https://…), --- for a rule. "
            'Link people and projects with shortcodes: [artist id="1230523"]Kanye West[/artist], '
            '[project slug="…"]…[/project], [contributor slug="…"]…[/contributor]. '
            'Put a video or song on the page, on a line of its own: [embed url="https://…" /].'
        )
    )
    # The body as readers read it, without shortcode syntax: what search looks in.
    body_text = models.TextField(blank=True, editable=False, serialize=False)
    contributors = models.ManyToManyField(
        "people.Contributor", through="Byline", related_name="articles", blank=True
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the story first ran. For example: MTV News."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = WholeSecondsDateTimeField(
        "publication time",
        null=True,
        blank=True,
        validators=[validate_sensible_time],
        help_text="Readers see a published article from this time on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="articles_created",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # When the headline, dek or body last changed after publication: what "Updated" shows,
    # together with corrections (see `last_updated`). Other saves (tags, status) leave it.
    revised_at = WholeSecondsDateTimeField(
        "last substantive change", null=True, blank=True, editable=False
    )
    legacy_path = models.CharField(
        "legacy address",
        max_length=300,
        unique=True,
        null=True,
        blank=True,
        help_text="An old address that should redirect here, e.g. /news/1608065/some-story/.",
    )
    # Part of every share link to this article's preview; a new key revokes the links given out.
    preview_key = models.CharField(max_length=32, default=new_preview_key, editable=False)
    tags = TaggableManager(blank=True, through=TaggedArticle)
    # PROTECT: deleting a photo a story leads with must be a deliberate choice of another photo
    # first, not a silent gap at the top of a published page.
    lead_image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
        help_text="The photo at the top of the story, on listings and in link previews.",
    )
    # Derived from the body's shortcodes on every save (see articles.services.sync_mentions).
    artists = models.ManyToManyField(
        "people.Artist", related_name="mentioned_in", blank=True, editable=False, serialize=False
    )
    projects = models.ManyToManyField(
        "projects.MediaProject",
        related_name="mentioned_in",
        blank=True,
        editable=False,
        serialize=False,
    )
    related_projects = models.ManyToManyField(
        "projects.MediaProject",
        related_name="articles",
        blank=True,
        help_text="Media projects this story is about, shown below it.",
    )

    # PROTECT: a project with reviews is not deleted by accident; the reviews go first.
    reviewed_project = models.ForeignKey(
        "projects.MediaProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The album, film or other project this story reviews, if it is a review.",
    )
    rating = models.DecimalField(
        "score",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_WORST), MaxValueValidator(RATING_BEST)],
        help_text="The review's score from 0.0 to 10.0, in steps of 0.1. For example: 8.4.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Drafts without a publication time last on every database.
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
            # Covers the sitemap index's latest change of each page of stories, read without
            # the rows (and their bodies).
            models.Index(
                fields=["status", "published_at", "updated_at"], name="article_live_updated_idx"
            ),
            # The admin's list sorts by each of these.
            models.Index(fields=["-published_at"], name="article_published_at_idx"),
            models.Index(fields=["-updated_at"], name="article_updated_at_idx"),
            models.Index(fields=["headline"], name="article_headline_idx"),
            # Whether a story is live, by its id, read without its row (and its body, which on
            # SQLite lies before these columns): search checks each match with it.
            models.Index(fields=["id", "status", "published_at"], name="article_live_by_id_idx"),
            # Reviews, newest first (the reviews page, its feed, the sitemap): only the stories
            # that review a project, so a few reviews among 100,000 stories are not found by
            # reading them all.
            models.Index(
                fields=["status", "-published_at"],
                condition=models.Q(reviewed_project__isnull=False),
                name="article_review_idx",
            ),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_article_has_date",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(
                    reviewed_project__isnull=False,
                    rating__gte=RATING_WORST,
                    rating__lte=RATING_BEST,
                ),
                name="rating_of_a_reviewed_project",
                violation_error_message=(
                    "A score needs the project it reviews, and runs from 0.0 to 10.0."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def keep_address(self, address: str) -> "FormerAddress | None":
        """Have `address`, where this story was once read (its address before a change of
        slug, its address on an earlier site), lead to it: while the story is published, a
        request there that finds nothing is answered with a permanent redirect to its current
        address (`articles.middleware.FormerAddressMiddleware`). An address another story kept
        moves to this one. The story's current address is not kept (None)."""
        path = self.former_path(address)
        if path is None:
            return None
        former, _ = FormerAddress.objects.update_or_create(path=path, defaults={"article": self})
        return former

    def former_path(self, address: str) -> str | None:
        """`address` as `keep_address` would keep it for this story: None for its current
        address; ValueError for one too long to keep."""
        path = normalize_address(address)
        if path == normalize_address(self.get_absolute_url()):
            return None
        if len(path) > FormerAddress.MAX_LENGTH:
            raise ValueError(f"An address is at most {FormerAddress.MAX_LENGTH} characters.")
        return path

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.legacy_path:
            self.legacy_path = "/" + self.legacy_path.strip().lstrip("/")
            if not self.legacy_path.endswith("/"):
                self.legacy_path += "/"
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.published_at is None and self.status == self.Status.PUBLISHED:
            raise ValidationError({"published_at": "A published article needs a publication time."})
        if self.rating is not None and self.reviewed_project_id is None:
            raise ValidationError(
                {"rating": "A score needs the project it reviews: choose the reviewed project."}
            )

    @property
    def is_review(self) -> bool:
        return self.reviewed_project_id is not None

    SHARE_SALT = "articles.share-preview"

    def share_token(self) -> str:
        """A signed token naming this article and its preview key (see `from_share_token`)."""
        return signing.dumps({"a": self.pk, "k": self.preview_key}, salt=self.SHARE_SALT)

    def get_share_url(self) -> str:
        # Not kept by `newsroom.links`: each link is new, and a secret.
        return django_reverse("articles:share", kwargs={"token": self.share_token()})

    def share_expires_at(self, signed_at=None):
        return (signed_at or timezone.now()) + timedelta(seconds=settings.SHARE_PREVIEW_SECONDS)

    def revoke_share_links(self) -> None:
        self.preview_key = new_preview_key()
        self.save(update_fields=["preview_key"])

    def is_owned_by(self, user) -> bool:
        """A writer's own story: they created it, or they are in its byline (through the
        contributor tied to their account)."""
        if not user.is_authenticated:
            return False
        if self.created_by_id == user.pk:
            return True
        if "bylines" in getattr(self, "_prefetched_objects_cache", {}):
            return any(byline.contributor.user_id == user.pk for byline in self.bylines.all())
        return self.pk is not None and self.bylines.filter(contributor__user=user).exists()

    # The number changes with what an entry holds, so an entry of an earlier shape is not read.
    PAGE_RELATIONS_KEY = "articles:page-relations:5:{schema}:{pk}"
    LIVE_KEY = "articles:live:1:{schema}:{slug}"
    # What readers' pages never show, and is written again without a save (rederive_articles):
    # left out of the kept article.
    NOT_KEPT = ("body_text",)

    @classmethod
    def live(cls, slug: str) -> "Article | None":
        """The published article with this slug, with its lead image, from the shared cache
        while it is kept there: until it, or its lead image, is saved or deleted. None when no
        published article has it. Fields that a page never shows are not loaded."""
        key = cls.LIVE_KEY.format(schema=tagcache.schema(), slug=slug)
        article = tagcache.fetch(key)
        if article is None:
            with tagcache.recording() as rec:
                found = cls.objects.published().filter(slug=slug)
                found = found.select_related("lead_image", "reviewed_project")
                article = found.defer(*cls.NOT_KEPT).first()
            if article is None:
                return None
            # Its tags, not when the next story goes live: this one is live already.
            rec.deadlines.clear()
            tagcache.store(key, article, rec, CACHE_SECONDS)
        return article

    def load_page_relations(self) -> bool:
        """Load the bylines, tags, corrections, artists and related projects the article page
        shows, as `prefetch_related` would, and for a review the credits of the project it
        reviews (as `reviewed_project.review_credits`), from the shared cache when they are
        kept there. They
        are kept until one of them, or a link from this article to one, changes. True when they
        came from the database, the artists then with everything their cards show (credits,
        disciplines)."""
        # Bylines and corrections point back at this article: kept without it, put back after.
        pointing_back = ("bylines", "corrections")
        key = self.PAGE_RELATIONS_KEY.format(schema=tagcache.schema(), pk=self.pk)
        kept = tagcache.fetch(key)
        fresh = kept is None
        if fresh:
            kept = self._page_relations_from_database(key, pointing_back)
        kept = dict(kept)
        review_credits = kept.pop("review_credits", [])
        if self.reviewed_project_id is not None:
            self.reviewed_project.review_credits = review_credits
        for name in pointing_back:
            for item in kept[name]:
                item._state.fields_cache["article"] = self
        cache = getattr(self, "_prefetched_objects_cache", None)
        if cache is None:
            cache = self._prefetched_objects_cache = {}
        for name, items in kept.items():
            # What prefetch_related leaves behind: a queryset holding its results. Its filter,
            # for whoever narrows it further, is the records' own keys, and is only built then.
            queryset = self._meta.get_field(name).related_model._default_manager.all()
            queryset._defer_next_filter = True
            queryset = queryset.filter(pk__in=[item.pk for item in items])
            queryset._result_cache = items
            queryset._prefetch_done = True
            cache[name] = queryset
        return fresh

    def _page_relations_from_database(self, key, pointing_back) -> dict[str, list]:
        from people.models import Artist
        from projects.models import MediaProject

        relations = {
            "bylines": Byline.objects.select_related("contributor").order_by("position"),
            "tags": None,
            "corrections": None,
            # With all their cards show: the body's links and the profile cards are built from
            # these when they are not kept (`rendering.knowing`), the metadata always.
            "artists": Artist.objects.defer("bio").with_card_data().prefetch_related("disciplines"),
            # The box lists titles and kinds alone.
            "related_projects": MediaProject.objects.only("title", "slug", "kind"),
        }
        rec = tagcache.Recording(tags={tagcache.about(self)})
        models.prefetch_related_objects(
            [self],
            *(
                name if queryset is None else models.Prefetch(name, queryset=queryset)
                for name, queryset in relations.items()
            ),
        )
        kept = {name: list(getattr(self, name).all()) for name in relations}
        if self.reviewed_project_id is not None:
            # Who made the project it reviews, for the score box and the Review's metadata;
            # a credit added to that project changes them.
            kept["review_credits"] = list(self.reviewed_project.credits_in_order())
            rec.tags.add(tagcache.pointed_at_key("projects.mediaproject", self.reviewed_project_id))
        for name in pointing_back:
            for item in kept[name]:
                item._state.fields_cache.pop("article", None)
        # Kept without what the artists' cards show, which an artist with a long career makes
        # large and every page view would read: the cards are kept on their own.
        stored = dict(kept, artists=[_without_card_data(artist) for artist in kept["artists"]])
        for items in stored.values():
            for item in items:
                # The record and what it was loaded with (a byline's contributor).
                rec.tags |= tagcache.tags_of(item, depth=1)
        tagcache.store(key, stored, rec, CACHE_SECONDS)
        return kept

    @property
    def state(self) -> str:
        if self.status != self.Status.PUBLISHED:
            return self.status
        return self.State.LIVE if self.is_published else self.State.SCHEDULED

    @property
    def state_label(self) -> str:
        """The state as editors read it: "Scheduled: goes live Tuesday 25 November, 14:00"."""
        label = self.State(self.state).label
        if self.state == self.State.SCHEDULED:
            when = date_format(timezone.localtime(self.published_at), "l j F Y, H:i")
            return f"{label}: goes live {when}"
        return label

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    # Edits within this time of publication are part of publishing, not an update.
    UPDATE_GRACE = timedelta(hours=1)

    @property
    def last_updated(self):
        """When readers last got a change worth telling them about: the later of the last
        substantive revision (past the grace period after publication) and the last correction;
        None when there is neither. Reads `corrections`, so prefetch them on listings."""
        if not self.published_at:
            return None
        times = [correction.noted_at for correction in self.corrections.all()]
        if self.revised_at and self.revised_at - self.published_at > self.UPDATE_GRACE:
            times.append(self.revised_at)
        return max(times) if times else None

    @property
    def was_updated(self):
        """True when the article changed noticeably, or was corrected, after publication."""
        return self.last_updated is not None


class BylineManager(models.Manager):
    def get_by_natural_key(self, article_slug, contributor_slug):
        return self.get(article__slug=article_slug, contributor__slug=contributor_slug)


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    contributor = models.ForeignKey(
        "people.Contributor", on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = BylineManager()

    class Meta:
        ordering = ["article", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "contributor"], name="unique_byline"),
        ]

    def __str__(self):
        return f"{self.contributor} on {self.article}"

    def natural_key(self):
        return (self.article.slug, self.contributor.slug)

    natural_key.dependencies = ["articles.article", "people.contributor"]


class Correction(models.Model):
    """A dated note at the foot of an article telling readers what was wrong or unclear."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(
        help_text=(
            "What was wrong and what is right, for readers. For example: An earlier version of "
            "this story misstated the film's running time."
        )
    )
    noted_at = WholeSecondsDateTimeField(
        "time", default=timezone.now, validators=[validate_sensible_time]
    )

    class Meta:
        ordering = ["noted_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"


class FormerAddress(models.Model):
    """An address a story was once read at, which leads to its current address."""

    MAX_LENGTH = 500

    path = models.CharField(
        max_length=MAX_LENGTH,
        unique=True,
        help_text="For example: /news/1608065/some-story/ or /articles/an-earlier-slug/.",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_addresses")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "former addresses"

    def __str__(self):
        return self.path
