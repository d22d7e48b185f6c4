from django.db.models import Prefetch
from django.views.generic import ListView

from newsroom import pagecache, tagcache

from .models import KIND_PLURALS, Credit, MediaProject

# Who a project is by, on the list of projects.
BY_ROLES = (Credit.Role.PERFORMER, Credit.Role.DIRECTOR)


class MediaProjectIndexView(pagecache.PageNumberMixin, ListView):
    """Every project grouped by kind, newest first; one kind at a time when the reader picks one."""

    template_name = "projects/mediaproject_list.html"
    context_object_name = "projects"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "")
        self.kind = kind if kind in MediaProject.Kind.values else ""
        pagecache.accept(request, kind=self.kind)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        tagcache.depend(tagcache.list_of(MediaProject), tagcache.list_of(Credit))
        projects = MediaProject.objects.newest_first_by_kind().prefetch_related(
            Prefetch(
                "credits",
                queryset=Credit.objects.filter(role__in=BY_ROLES)
                .select_related("artist")
                .order_by("order", "pk"),
                to_attr="by_credits",
            )
        )
        return projects.filter(kind=self.kind) if self.kind else projects

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups: dict[str, list] = {}
        for project in context["projects"]:
            groups.setdefault(project.kind, []).append(project)
        context.update(
            kind=self.kind,
            kinds=[(kind, KIND_PLURALS.get(kind, kind)) for kind in MediaProject.Kind.values],
            groups=[(KIND_PLURALS.get(kind, kind), members) for kind, members in groups.items()],
        )
        return context
