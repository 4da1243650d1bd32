from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


def _due_dates_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """A deploy runs ``migrate``: a changed ``REVIEW_INTERVAL_MONTHS`` is applied to every stored due
    date then (seconds on a large site), not by the first schedule view that would notice it."""
    from articles.models import ReviewPolicy  # lazy: the app registry is not ready when apps.py is imported
    from articles.reviews import queries  # lazy: imports the models (app registry not ready at import)

    if using == DEFAULT_DB_ALIAS and ReviewPolicy._meta.db_table in connections[using].introspection.table_names():
        queries.ensure_due_dates()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and reviews"

    def ready(self):
        from articles import receivers  # lazy: receivers import the models, which need the app registry

        receivers.connect()
        post_migrate.connect(_due_dates_after_migrate, sender=self, dispatch_uid="vetted-due-dates-after-migrate")
