from django.db.models import Prefetch, Q

from articles.views import SubjectArticlesView

from .models import MediaProject, ProjectRelation


class MediaProjectDetailView(SubjectArticlesView):
    template_name = "projects/mediaproject_detail.html"
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
                    "relation", "position", "source__title"
                ),
            ),
        )

    def get_articles(self, published):
        project = self.subject
        return published.filter(Q(related_projects=project) | Q(projects=project)).distinct()
