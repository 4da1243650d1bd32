"""Staff-only downloads, mounted under /staff/exports/ (see cms/urls.py)."""

from django.urls import path

from articles.reviews import exports

app_name = "exports"

urlpatterns = [
    path("articles.csv", exports.articles_csv, name="articles_csv"),
]
