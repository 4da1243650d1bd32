"""The missed-searches report, under /staff/searches/ (included from cms/urls.py)."""

from django.urls import path

from articles.admin import search

app_name = "searches"

urlpatterns = [
    path("", search.report, name="report"),
    path("resolve/", search.resolve_search, name="resolve"),
]
