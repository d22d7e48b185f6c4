from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api import oembed
from articles import sitemaps

from . import views

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include("api.urls")),
    path("oembed/", oembed.endpoint, name="oembed"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("", include("people.urls")),
    path("", include("projects.urls")),
    path("", include("events.urls")),
    path("", include("articles.urls")),
]

handler400 = "newsroom.views.bad_request"
handler500 = "newsroom.views.server_error"

# The benchmark's floor (bench/bench_http.py); never routed in production.
if settings.BENCH_FLOOR:
    urlpatterns.insert(0, path("bench/floor/", views.bench_floor, name="bench-floor"))
