from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView

from articles.models import Article

from . import images
from .models import Artist, Contributor


class ArtistDetailView(DetailView):
    template_name = "people/artist_detail.html"
    context_object_name = "artist"

    def get_queryset(self):
        return Artist.objects.prefetch_related("disciplines", "tags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        artist = self.object
        context["credits"] = artist.credits.select_related("project").order_by(
            "-project__release_year", "project__title", "order"
        )
        context["articles"] = Article.objects.published().mentioning(artist).for_listing()
        return context


class ContributorDetailView(DetailView):
    template_name = "people/contributor_detail.html"
    context_object_name = "contributor"
    model = Contributor

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = Article.objects.published().by_contributor(self.object).for_listing()
        return context


@require_GET
def photo(request, kind, slug, size):
    """A person's photo as a square rendition, or a monogram placeholder when there is none."""
    if size not in images.RENDITION_SIZES:
        raise Http404("No such photo size.")
    model = {"artists": Artist, "contributors": Contributor}.get(kind)
    if model is None:
        raise Http404("No such person.")
    person = get_object_or_404(model.objects.only("name", "photo"), slug=slug)
    if person.photo:
        try:
            name = images.rendition(person.photo, size)
        except (OSError, ValueError):
            name = None
        if name:
            from django.core.files.storage import default_storage

            with default_storage.open(name, "rb") as fh:
                response = HttpResponse(fh.read(), content_type="image/webp")
            patch_cache_control(response, public=True, max_age=60 * 60 * 24)
            return response
    response = HttpResponse(images.monogram_png(person.name, size), content_type="image/png")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
