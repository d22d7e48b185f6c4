from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from people.models import Artist
from projects.models import MediaProject

from .models import Article
from .rendering import cached_body_html


class HomeView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        queryset = Article.objects.all()
        if not self.can_preview():
            queryset = queryset.published()
        return queryset.for_listing().prefetch_related(
            "tags",
            Prefetch("artists", queryset=Artist.objects.with_card_data()),
            Prefetch("related_projects", queryset=MediaProject.objects.with_credits()),
        )

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body_html"] = cached_body_html(self.object.body)
        context["is_preview"] = not self.object.is_published
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


def legacy_redirect(request, path):
    article = get_object_or_404(Article.objects.published(), legacy_path=f"/news/{path}")
    return redirect(article, permanent=True)
