from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("artists/", views.ArtistIndexView.as_view(), name="artists"),
    path("artists/<slug:slug>/", views.ArtistDetailView.as_view(), name="artist"),
    path("contributors/<slug:slug>/", views.ContributorDetailView.as_view(), name="contributor"),
    path(
        "photos/<str:kind>/<slug:slug>/<int:size>/",
        views.photo,
        name="photo",
    ),
]
