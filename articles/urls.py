from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    # Tag slugs may be Unicode ("beyoncé"), which the slug converter would refuse.
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("artists/", views.ArtistIndexView.as_view(), name="artists"),
    path("artists/<slug:slug>/", views.ArtistDetailView.as_view(), name="artist"),
    path("contributors/<slug:slug>/", views.ContributorDetailView.as_view(), name="contributor"),
    path("projects/<slug:slug>/", views.MediaProjectDetailView.as_view(), name="project"),
    path("preview/<str:token>/", views.SharedPreviewView.as_view(), name="share"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="rss"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
    path("feeds/reviews/", feeds.ReviewsFeed(), name="reviews-rss"),
    path("feeds/reviews/atom/", feeds.ReviewsAtomFeed(), name="reviews-atom"),
    path("feeds/artists/<slug:slug>/", feeds.ArtistFeed(), name="artist-rss"),
    path("feeds/artists/<slug:slug>/atom/", feeds.ArtistAtomFeed(), name="artist-atom"),
    path("feeds/contributors/<slug:slug>/", feeds.ContributorFeed(), name="contributor-rss"),
    path(
        "feeds/contributors/<slug:slug>/atom/",
        feeds.ContributorAtomFeed(),
        name="contributor-atom",
    ),
    re_path(r"^feeds/tags/(?P<slug>[-\w]+)/$", feeds.TagFeed(), name="tag-rss"),
    re_path(r"^feeds/tags/(?P<slug>[-\w]+)/atom/$", feeds.TagAtomFeed(), name="tag-atom"),
]
