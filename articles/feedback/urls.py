from django.urls import path

from articles.edge import CORRECTIONS
from cms.pagecache.decorators import public_page

from . import feeds, views

app_name = "feedback"

urlpatterns = [
    path("articles/<slug:slug>/feedback/", views.feedback, name="submit"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/feed/", public_page(params=(), keys=(CORRECTIONS,))(feeds.CorrectionsFeed()), name="feed"),
]
