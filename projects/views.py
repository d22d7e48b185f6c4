from django.db.models import Q
from django.views.generic import DetailView

from articles.models import Article

from .models import MediaProject


class MediaProjectDetailView(DetailView):
    template_name = "projects/mediaproject_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return MediaProject.objects.with_credits().prefetch_related(
            "outgoing_relations__target", "incoming_relations__source"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context["articles"] = (
            Article.objects.published()
            .filter(Q(related_projects=project) | Q(projects=project))
            .distinct()
            .for_listing()
        )
        return context
