from django.core.files.storage import default_storage
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from articles.views import SubjectArticlesView
from images import renditions
from images.placeholders import monogram_png
from projects.models import MediaProject

from .models import Artist, Contributor

KIND_HEADINGS = {
    MediaProject.Kind.ALBUM: "Albums",
    MediaProject.Kind.EP: "EPs",
    MediaProject.Kind.SONG: "Songs",
    MediaProject.Kind.MUSIC_VIDEO: "Music videos",
    MediaProject.Kind.SHORT_FILM: "Short films",
    MediaProject.Kind.FEATURE_FILM: "Feature films",
    MediaProject.Kind.DOCUMENTARY: "Documentaries",
    MediaProject.Kind.TOUR: "Tours",
}


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
        return Artist.objects.prefetch_related("disciplines")

    def get_articles(self, published):
        return published.mentioning(self.subject)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Undated projects are the announced and upcoming ones, so they lead.
        credits = self.subject.credits.select_related("project").order_by(
            F("project__release_year").desc(nulls_first=True),
            F("project__release_date").desc(nulls_last=True),
            "project__title",
            "order",
            "pk",
        )
        context["project_groups"] = projects_by_kind(credits)
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
