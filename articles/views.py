import time
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from events.views import kept_events, kept_upcoming
from newsroom import pagecache, tagcache
from newsroom import snapshots as stored
from people.models import Artist, Contributor
from projects.models import KIND_PLURALS, Credit, MediaProject, ProjectRelation, makers

from . import rendering, search, snapshots
from .handlers import ARTIST_ID_ATTRIBUTES, placed_events
from .models import CACHE_SECONDS, SEARCH_MAX_WORDS, Article, next_publication
from .rendering import cached_body_html
from .teasers import with_teasers

RELATED_ARTICLES = 4
# The newest reviews an artist's or a project's page lists above its stories.
SUBJECT_REVIEWS = 10
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_NAMES = 5
# Up to this many matching stories are ranked, best match first. A search matching more (a
# word most stories hold) shows the newest this many: ranking reads every match, counting
# them all too, and a reader does not page past this far.
SEARCH_RANKED_UP_TO = 1000


class KeptCountMixin:
    """A list's number of stories (for its pages) counted once and kept in the shared cache
    until what the list depends on changes (`count_tags()`: any story for the front page, the
    stories about its subject for a subject's page) or a scheduled story goes live, rather than
    counted on every view. `count_key()` names the list."""

    def count_key(self) -> str:
        raise NotImplementedError

    def count_tags(self) -> set[str]:
        return {tagcache.list_of(Article)}

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        key = f"articles:count:{self.count_key()}"
        count = tagcache.fetch(key)
        if count is None:
            rec = tagcache.Recording(tags=self.count_tags())
            rec.deadlines.append(next_publication)
            count = queryset.count()
            tagcache.store(key, count, rec, CACHE_SECONDS)
        paginator.count = count
        return paginator


class HomeView(pagecache.PageNumberMixin, KeptCountMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        tagcache.depend(tagcache.list_of(Article))
        return Article.objects.published().for_teasers()

    def count_key(self):
        return "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead_first"] = context["page_obj"].number == 1
        return context


# Score bands readers filter reviews by: (label, lowest, highest), highest band first.
SCORE_BANDS = {
    "9": ("9.0 to 10", Decimal("9.0"), Decimal("10.0")),
    "8": ("8.0 to 8.9", Decimal("8.0"), Decimal("8.9")),
    "7": ("7.0 to 7.9", Decimal("7.0"), Decimal("7.9")),
    "5": ("5.0 to 6.9", Decimal("5.0"), Decimal("6.9")),
    "0": ("Below 5.0", Decimal("0.0"), Decimal("4.9")),
}


class ReviewListView(pagecache.PageNumberMixin, KeptCountMixin, ListView):
    """Published reviews, newest first; of one kind of project and in one score band when the
    reader picks them. An unknown kind or band shows every review, as /projects/ does."""

    template_name = "articles/review_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "")
        self.kind = kind if kind in MediaProject.Kind.values else ""
        score = request.GET.get("score", "")
        self.score = score if score in SCORE_BANDS else ""
        pagecache.accept(request, kind=self.kind, score=self.score)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # A project's new kind moves its reviews between the kinds' lists.
        tagcache.depend(*self.count_tags())
        reviews = Article.objects.published().reviews()
        if self.kind:
            reviews = reviews.filter(reviewed_project__kind=self.kind)
        if self.score:
            _, lowest, highest = SCORE_BANDS[self.score]
            reviews = reviews.filter(rating__gte=lowest, rating__lte=highest)
        return reviews.for_teasers()

    def count_key(self):
        return f"reviews:{self.kind}:{self.score}"

    def count_tags(self):
        return {tagcache.list_of(Article), tagcache.list_of(MediaProject)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            score=self.score,
            kinds=[(kind, KIND_PLURALS.get(kind, kind)) for kind in MediaProject.Kind.values],
            bands=[(value, label) for value, (label, _, _) in SCORE_BANDS.items()],
        )
        return context


class SubjectArticlesView(pagecache.PageNumberMixin, KeptCountMixin, ListView):
    """A page about one thing (an artist, a contributor, a tag, a project) above the published
    articles about it, paginated. Subclasses say how to find the thing and its articles."""

    context_object_name = "articles"
    paginate_by = 10
    subject_context_name = "subject"

    def get(self, request, *args, **kwargs):
        self.subject = self.kept_subject(kwargs["slug"])
        # Its stories, credits and relations: whatever links to it.
        tagcache.depend(tagcache.about(self.subject))
        return super().get(request, *args, **kwargs)

    def kept_subject(self, slug):
        """The subject with what `get_subject_queryset` loads with it, from the shared cache
        while it is kept there: until it, anything loaded with it, anything pointing at it (a
        new credit) or the stories about it change."""
        key = f"articles:subject:{type(self).__name__}:{tagcache.schema()}:{slug}"
        subject = tagcache.fetch(key)
        if subject is None:
            with tagcache.recording() as rec:
                subject = get_object_or_404(self.get_subject_queryset(), slug=slug)
            rec.tags |= {*tagcache.tags_of(subject), tagcache.about(subject)}
            tagcache.store(key, subject, rec, CACHE_SECONDS)
        return subject

    def get_subject_queryset(self):
        """The subject's records, with everything the page shows of it loaded alongside."""
        raise NotImplementedError

    def get_reviews(self, published):
        """The reviews the page lists above its stories, if it lists any."""
        return published.none()

    def kept_reviews(self) -> list:
        """The newest reviews `get_reviews` finds, with their teasers: their ids are kept in the
        shared cache until the stories about the subject change or a scheduled story goes
        live, so a view whose teasers are kept reads nothing for them."""
        key = f"articles:reviews-of:{tagcache.tag(self.subject)}"
        ids = tagcache.fetch(key)
        if ids is None:
            rec = tagcache.Recording(tags={tagcache.about(self.subject)})
            rec.deadlines.append(next_publication)
            reviews = self.get_reviews(Article.objects.published())
            ids = list(reviews.values_list("pk", flat=True)[:SUBJECT_REVIEWS])
            tagcache.store(key, ids, rec, CACHE_SECONDS)
        if not ids:
            return []
        stories = Article.objects.published().for_teasers()
        return with_teasers(stories, level=3, ids=ids)

    def get_articles(self, published):
        raise NotImplementedError

    def get_queryset(self):
        return self.get_articles(Article.objects.published()).for_teasers()

    def count_key(self):
        return tagcache.tag(self.subject)

    def count_tags(self):
        # Saving a story purges the lists of what it is about: no need to follow every story.
        return {tagcache.about(self.subject)}

    def get_context_data(self, **kwargs):
        kwargs[self.subject_context_name] = self.subject
        kwargs["reviews"] = self.kept_reviews()
        return super().get_context_data(**kwargs)


class TagView(SubjectArticlesView):
    template_name = "articles/tag_detail.html"
    subject_context_name = "tag"

    def get_subject_queryset(self):
        return Article.objects.published().tags_in_use()

    def get_articles(self, published):
        return published.filter(tags=self.subject)


def in_order_of_mention(references, artists):
    """`artists` in the order the body first links to them (`references`: the body's
    `rendering.cached_references`); any the body no longer names last."""
    by_ref = {}
    for artist in artists:
        by_ref[("id", str(artist.external_id))] = artist
        by_ref[("slug", artist.slug)] = artist
        for attr, field in ARTIST_ID_ATTRIBUTES.items():
            value = getattr(artist, field)
            if value:
                by_ref[(attr, rendering.reference_value(attr, value))] = artist
    ordered = []
    for tag, attr, value in references:
        artist = by_ref.get((attr, value)) if tag == "artist" else None
        if artist is not None and artist not in ordered:
            ordered.append(artist)
    return ordered + [artist for artist in artists if artist not in ordered]


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        queryset = Article.objects.all()
        if not self.can_preview():
            queryset = queryset.published()
        # Its bylines, tags, corrections, artists and related projects come with
        # `Article.load_page_relations`.
        return queryset.select_related("lead_image", "reviewed_project")

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_object(self, queryset=None):
        if self.can_preview():  # drafts too, as they stand in the database
            return super().get_object(queryset)
        article = Article.live(self.kwargs["slug"])
        if article is None:
            raise Http404("No published article has this address.")
        return article

    def get(self, request, *args, **kwargs):
        # The story as the cache holds it, read once; with nothing of it in the cache, the
        # parts of its page from its snapshot when it has an up-to-date one
        # (articles/snapshots.py).
        if self.can_preview():
            return super().get(request, *args, **kwargs)
        entries = snapshots.restore(self.kwargs["slug"], RELATED_ARTICLES)
        if entries is None:
            # Neither the cache nor an up-to-date snapshot held the story: built from the
            # records, and its snapshot written once the response is out.
            response = super().get(request, *args, **kwargs)
            stored.heal("articles.article", self.object.pk)
            return response
        with tagcache.overlay(entries):
            return super().get(request, *args, **kwargs).render()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        # Its bylines, tags and corrections.
        tagcache.depend(tagcache.about(article))
        started = time.time_ns()
        fresh = article.load_page_relations()
        artists = article.artists.all()
        references = rendering.cached_references(article.body)
        # The tour dates the body places, for the page's structured data; the body's cards
        # and links are built from them too.
        events = kept_events(placed_events(references))
        # From the database, the artists come with what their cards show: the body's cards and
        # the profile cards not kept are built from them. Kept, they still resolve the body's tags.
        loaded = {"artist": artists} if fresh else None
        found = {"artist": artists, "event": events}
        with rendering.knowing(started, found=found, loaded=loaded):
            context["body_html"] = cached_body_html(article.body)
            context["mentioned_artists"] = in_order_of_mention(references, artists)
            context["artist_cards"] = rendering.cached_profile_cards(context["mentioned_artists"])
        context["body_events"] = events
        if article.reviewed_project is not None:
            context["review_makers"] = makers(article.reviewed_project.review_credits)
        context["is_preview"] = not article.is_published
        # Ids from the cache: finding them means counting what every candidate shares. When they
        # are kept, only the stories whose teaser is not kept are loaded.
        stories = Article.objects.published().for_teasers()
        ids, found = stories.related(article, RELATED_ARTICLES)
        if found is not None:
            context["related_articles"] = with_teasers(found, level=3)
        else:
            context["related_articles"] = with_teasers(stories, level=3, ids=ids)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


class SharedPreviewView(ArticleDetailView):
    """A draft or scheduled article for whoever holds a share link: signed, expiring, revoked
    by a new preview key. Anything else about the link (tampered, expired, revoked) is a 404,
    and once the article is live the link leads to its public page."""

    def get_object(self, queryset=None):
        article = self.get_queryset().from_share_token(self.kwargs["token"])
        if article is None:
            raise Http404("This preview link is not valid.")
        return article

    def can_preview(self):
        return True

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            return redirect(self.object)
        context = self.get_context_data(object=self.object, is_share_link=True)
        return self.render_to_response(context)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response


class SearchView(pagecache.PageNumberMixin, ListView):
    template_name = "articles/article_search.html"
    context_object_name = "articles"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        # Control characters never help a search, and PostgreSQL refuses NUL in a string.
        raw = "".join(ch if ch.isprintable() else " " for ch in request.GET.get("q", ""))
        query = " ".join(raw.split())
        self.was_shortened = len(query) > SEARCH_MAX_LENGTH
        self.query = query[:SEARCH_MAX_LENGTH].strip()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        tagcache.depend(*(tagcache.list_of(model) for model in (Article, Artist, MediaProject)))
        self.many = False
        if not self.query:
            return Article.objects.none()
        published = Article.objects.published()
        # Counted no further than the ranking's limit, without ranking or ordering anything.
        self.found = search.count(published, self.query, SEARCH_RANKED_UP_TO + 1)
        self.many = self.found > SEARCH_RANKED_UP_TO
        if self.found:
            # Only a search that finds stories is kept: made-up words would each be a page.
            pagecache.accept(self.request, q=self.query)
        queryset = published.search(self.query, ranked=not self.many)
        # Bodies are not shown (the snippets' query reads the text it needs).
        return queryset.select_related("lead_image").defer("body", "body_text")

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.query:
            # Counted already. Past the limit, the newest as many as ranking would have covered.
            paginator.count = min(self.found, SEARCH_RANKED_UP_TO)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            query=self.query,
            many=self.many,
            was_shortened=self.was_shortened,
            max_length=SEARCH_MAX_LENGTH,
            artists=[],
            projects=[],
        )
        # The page's ids alone: each story is shown by its teaser, kept between pages, and only
        # the stories whose teaser is not kept are loaded.
        ids = list(context["articles"].values_list("pk", flat=True)) if self.query else []
        found = search.snippets(ids, self.query)
        articles = with_teasers(Article.objects.published().for_teasers(), level=3, ids=ids)
        context["results"] = [(article, found.get(article.pk)) for article in articles]
        # Names only on the first page: later pages are for paging through stories.
        if self.query and context["page_obj"].number == 1:
            words = self.query.split()[:SEARCH_MAX_WORDS]
            context["artists"], context["projects"] = search.names_matching(words, SEARCH_MAX_NAMES)
        return context


# Pages about an artist, a contributor or a project: the record above the stories about it. They
# live here, with the tag page, because they list stories: people and projects know nothing of
# articles.

KIND_HEADINGS = KIND_PLURALS


# The A–Z bar: a letter each, and "#" for names that start with anything else.
LETTERS = [chr(code) for code in range(ord("A"), ord("Z") + 1)]
OTHER = "#"


class ArtistIndexView(pagecache.PageNumberMixin, ListView):
    """Every artist A–Z with their photo (or monogram) and how many published stories mention
    them; one letter at a time when the reader picks one."""

    template_name = "articles/artist_list.html"
    context_object_name = "artists"
    paginate_by = 60

    def get(self, request, *args, **kwargs):
        letter = request.GET.get("letter", "").upper()
        self.letter = letter if letter in LETTERS or letter == OTHER else ""
        pagecache.accept(request, letter=self.letter)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        tagcache.depend(tagcache.list_of(Artist), tagcache.list_of(Article))
        published = Article.objects.published()
        artists = Artist.objects.only("name", "slug", "photo", "photo_alt").annotate(
            story_count=Count("mentioned_in", filter=Q(mentioned_in__in=published), distinct=True)
        )
        if self.letter == OTHER:
            artists = artists.exclude(name__iregex=r"^[a-z]")
        elif self.letter:
            artists = artists.filter(name__istartswith=self.letter)
        return artists.order_by(Lower("name"), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups: dict[str, list] = {}
        for artist in context["artists"]:
            groups.setdefault(initial(artist.name), []).append(artist)
        context.update(letters=[*LETTERS, OTHER], letter=self.letter, groups=groups.items())
        return context


def initial(name: str) -> str:
    first = name[:1].upper()
    return first if first in LETTERS else OTHER


def projects_by_kind(credits):
    """[(heading, [(project, [role labels]), …]), …]: one entry per project with all the artist's
    roles on it, grouped by kind in the order kinds are declared, keeping the credits' order."""
    groups = {kind: {} for kind in MediaProject.Kind}
    for credit in credits:
        roles = groups.setdefault(credit.project.kind, {}).setdefault(credit.project, [])
        roles.append(credit.get_role_display())
    return [
        (KIND_HEADINGS.get(kind, kind), list(projects.items()))
        for kind, projects in groups.items()
        if projects
    ]


class ArtistDetailView(SubjectArticlesView):
    template_name = "articles/artist_detail.html"
    subject_context_name = "artist"

    def get_subject_queryset(self):
        # Undated projects are the announced and upcoming ones, so they lead.
        credits = Credit.objects.select_related("project").order_by(
            F("project__release_year").desc(nulls_first=True),
            F("project__release_date").desc(nulls_last=True),
            "project__title",
            "order",
            "pk",
        )
        return Artist.objects.prefetch_related(
            "disciplines", Prefetch("credits", queryset=credits, to_attr="page_credits")
        )

    def get_articles(self, published):
        return published.mentioning(self.subject)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project_groups"] = projects_by_kind(self.subject.page_credits)
        context["upcoming_events"] = kept_upcoming(self.subject)
        return context

    def get_reviews(self, published):
        return published.reviews_of_work_by(self.subject)


class ContributorDetailView(SubjectArticlesView):
    template_name = "articles/contributor_detail.html"
    subject_context_name = "contributor"

    def get_subject_queryset(self):
        return Contributor.objects.all()

    def get_articles(self, published):
        return published.by_contributor(self.subject)


class MediaProjectDetailView(SubjectArticlesView):
    template_name = "articles/mediaproject_detail.html"
    subject_context_name = "project"

    def get_subject_queryset(self):
        return MediaProject.objects.with_credits().prefetch_related(
            Prefetch(
                "outgoing_relations",
                queryset=ProjectRelation.objects.select_related("target").order_by(
                    "relation", "target__title"
                ),
            ),
            Prefetch(
                "incoming_relations",
                queryset=ProjectRelation.objects.select_related("source").order_by(
                    "relation", F("position").asc(nulls_last=True), "source__title"
                ),
            ),
        )

    def get_articles(self, published):
        project = self.subject
        return published.filter(Q(related_projects=project) | Q(projects=project)).distinct()

    def get_reviews(self, published):
        return published.filter(reviewed_project=self.subject)
