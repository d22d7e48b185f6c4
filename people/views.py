from django.core.files.storage import default_storage
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from articles.models import Article
from articles.views import SubjectArticlesView
from images import renditions
from images.placeholders import monogram_png
from newsroom import tagcache
from projects.models import KIND_PLURALS, Credit, MediaProject

from .models import Artist, Contributor

KIND_HEADINGS = KIND_PLURALS


# The A–Z bar: a letter each, and "#" for names that start with anything else.
LETTERS = [chr(code) for code in range(ord("A"), ord("Z") + 1)]
OTHER = "#"


class ArtistIndexView(ListView):
    """Every artist A–Z with their photo (or monogram) and how many published stories mention
    them; one letter at a time when the reader picks one."""

    template_name = "people/artist_list.html"
    context_object_name = "artists"
    paginate_by = 60

    def get(self, request, *args, **kwargs):
        letter = request.GET.get("letter", "").upper()
        self.letter = letter if letter in LETTERS or letter == OTHER else ""
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
    template_name = "people/artist_detail.html"
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
        return context


class ContributorDetailView(SubjectArticlesView):
    template_name = "people/contributor_detail.html"
    subject_context_name = "contributor"

    def get_subject_queryset(self):
        return Contributor.objects.all()

    def get_articles(self, published):
        return published.by_contributor(self.subject)


# Square sizes the photo address serves: the profile card (96) and the profile page (320).
PHOTO_SIZES = (96, 320)


@require_GET
def photo(request, kind, slug, size):
    """A person's photo as a square rendition, or a monogram placeholder when there is none."""
    if size not in PHOTO_SIZES:
        raise Http404("No such photo size.")
    model = {"artists": Artist, "contributors": Contributor}.get(kind)
    if model is None:
        raise Http404("No such person.")
    person = get_object_or_404(model.objects.only("name", "photo"), slug=slug)
    rendition = None
    if person.photo:
        source = renditions.Source(name=person.photo.name)
        rendition = renditions.single(source, ratio=(1, 1), width=size, fmt="webp")
    if rendition is not None:
        with default_storage.open(rendition.name, "rb") as fh:
            response = HttpResponse(fh.read(), content_type=rendition.mime_type)
    else:
        response = HttpResponse(monogram_png(person.name, size), content_type="image/png")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
