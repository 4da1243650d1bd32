from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "articles.feedback"
    label = "feedback"
    verbose_name = "Reader feedback"

    def ready(self):
        from articles.reviews import schedule  # lazy: models are not ready when the app config is imported

        from . import sitemaps, stats  # lazy: they import the models, not ready when the app config is imported

        if stats.schedule_extension not in schedule.page_extensions:
            schedule.page_extensions.append(stats.schedule_extension)
        sitemaps.add_section()
