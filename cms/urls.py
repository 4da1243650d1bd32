from django.contrib import admin
from django.urls import include, path

from . import health, views

admin.site.site_header = "Vetted"
admin.site.site_title = "Vetted admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("articles.urls")),
]

handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"
