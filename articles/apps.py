from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


def _due_dates_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """A deploy runs ``migrate``: a changed ``REVIEW_INTERVAL_MONTHS`` is applied to every stored due
    date then (seconds on a large site), not by the first schedule view that would notice it."""
    from . import review_cycle
    from .models import ReviewPolicy

    if using == DEFAULT_DB_ALIAS and ReviewPolicy._meta.db_table in connections[using].introspection.table_names():
        review_cycle.ensure_due_dates()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and reviews"

    def ready(self):
        from . import (
            caching,
            edge,
            integrity,  # noqa: F401  (connects the receivers that keep content fingerprints)
            revisions,  # noqa: F401  (connects the revision snapshot signal)
        )

        caching.connect_signals()
        edge.connect_signals()
        post_migrate.connect(_due_dates_after_migrate, sender=self, dispatch_uid="vetted-due-dates-after-migrate")
