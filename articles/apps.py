from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and reviews"

    def ready(self):
        from . import caching

        caching.connect_signals()
