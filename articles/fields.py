"""Model fields of the articles app."""

from django_prose_editor.fields import ProseEditorField

from .html import EDITOR_EXTENSIONS, sanitize_html


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
