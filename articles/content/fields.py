"""Model fields of the articles app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django_prose_editor.fields import ProseEditorField

from articles.content import accessibility
from articles.content.html import EDITOR_EXTENSIONS, sanitize_html


def validate_body_size(value):
    """Refuse an article body larger than ``settings.ARTICLE_BODY_MAX_BYTES`` (its HTML, in UTF-8).

    The one limit for every write path: the admin form and both importers validate
    the body with ``full_clean``, which runs this.
    """
    limit = settings.ARTICLE_BODY_MAX_BYTES
    size = len((value or "").encode("utf-8"))
    if size > limit:
        raise ValidationError(
            "The body is %(size)s; the most an article can hold is %(limit)s. Split it into several articles.",
            code="body_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


class SanitizedHTMLField(ProseEditorField):
    """Rich text edited with the prose editor and sanitised on every save.

    ProseEditorField sanitises only in ``full_clean``; this field also cleans in
    ``pre_save`` so that code paths that skip forms (importers, scripts,
    ``bulk_create``) cannot store unsafe markup.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        kwargs.setdefault("sanitize", sanitize_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class AccessibilityCountField(models.PositiveIntegerField):
    """How many accessibility findings of one severity the row's body has (``articles.content.accessibility``).

    Worked out from the body as the row is written (``pre_save``, after the body field has
    sanitised it), so every path that saves an article keeps it: the admin, a revision restored,
    an importer, ``bulk_create``. ``QuerySet.update(body=...)`` and ``bulk_update`` do not; after
    one of those, or a change to the checks, ``manage.py check_accessibility --refresh`` works
    every row out again (docs/accessibility.md).
    """

    def __init__(self, *args, severity, source="body", **kwargs):
        self.severity, self.source = severity, source
        kwargs.setdefault("default", 0)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "severity": self.severity, "source": self.source}

    def pre_save(self, model_instance, add):
        if self.source not in model_instance.__dict__:  # a deferred body is not being written
            return getattr(model_instance, self.attname)
        blockers, warnings = accessibility.counts(getattr(model_instance, self.source) or "")
        value = blockers if self.severity == accessibility.BLOCKER else warnings
        setattr(model_instance, self.attname, value)
        return value
