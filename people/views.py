from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from images import renditions
from images.placeholders import monogram_png

from .models import Artist, Contributor

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
