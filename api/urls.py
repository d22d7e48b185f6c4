from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("artists/", views.ArtistList.as_view(), name="artist-list"),
    path("artists/<slug:slug>/", views.ArtistDetail.as_view(), name="artist-detail"),
    path("contributors/", views.ContributorList.as_view(), name="contributor-list"),
    path("contributors/<slug:slug>/", views.ContributorDetail.as_view(), name="contributor-detail"),
    path("projects/", views.ProjectList.as_view(), name="project-list"),
    path("projects/<slug:slug>/", views.ProjectDetail.as_view(), name="project-detail"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagDetail.as_view(), name="tag-detail"),
    path("images/<int:pk>/", views.ImageDetail.as_view(), name="image-detail"),
    path("gone/", views.GoneList.as_view(), name="gone"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    re_path(r"^", views.not_found),
]
