from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "articles.api"
    label = "syndication"
    verbose_name = "Syndication API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import changes  # noqa: F401  # lazy: receivers import the models, which need the app registry
