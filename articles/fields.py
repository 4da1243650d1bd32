"""Model fields of the articles app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django_prose_editor.fields import ProseEditorField

from .html import EDITOR_EXTENSIONS, sanitize_html


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
