from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path(
        "photos/<str:kind>/<slug:slug>/<int:size>/",
        views.photo,
        name="photo",
    ),
]
