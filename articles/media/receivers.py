"""Keeps ``ImageUse`` (which articles show which image) on every save of an article through the
ORM: the admin, restore, the importers, ``load_demo``. Connected by ``MediaConfig.ready``; the
sender is named lazily, so this app never imports the article models."""

from django.db.models.signals import post_save

from . import services


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.record_uses(instance.pk, lead_image_id=instance.lead_image_id, body=instance.body)


def connect():
    post_save.connect(article_saved, sender="articles.Article", dispatch_uid="vetted-media-uses")
