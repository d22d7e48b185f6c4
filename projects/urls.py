from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.MediaProjectIndexView.as_view(), name="index"),
]
