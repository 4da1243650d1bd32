from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and reviews"

    def ready(self):
        from . import (
            caching,
            revisions,  # noqa: F401  (connects the revision snapshot signal)
        )

        caching.connect_signals()
