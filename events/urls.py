from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="index"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("events.ics", views.site_calendar, name="calendar"),
    path("artists/<slug:slug>/events.ics", views.artist_calendar, name="artist-calendar"),
    path(
        "artists/<slug:slug>/past-dates/",
        views.ArtistPastEventsView.as_view(),
        name="artist-past",
    ),
]
