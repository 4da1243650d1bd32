from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "articles.feedback"
    label = "feedback"
    verbose_name = "Reader feedback"
