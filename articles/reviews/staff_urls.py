"""Staff pages of the review cycle, under /staff/ (included from cms/urls.py)."""

from django.urls import path

from articles.reviews import staff_views

app_name = "staff"

urlpatterns = [
    path("reviews/", staff_views.review_schedule, name="review_schedule"),
    path("reviews/mine/", staff_views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/confirm/", staff_views.confirm_no_change, name="confirm_no_change"),
    path("reviews/<int:pk>/changes/", staff_views.review_changes, name="review_changes"),
]
