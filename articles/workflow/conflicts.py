"""Edit conflicts in the article form: what another person saved since the form was opened, field by field.

The form carries the version the editor opened (``seen_version``). When someone else has saved
since, each field they changed is listed with their value and the editor's, and the save is
refused until the editor has chosen, for each of those fields, which value to keep. The choice
is tied to the version it was made against (``conflict_version``): if a third save lands
meanwhile, the conflict is shown again against that one. Nothing is overwritten by a second
press of Save.
"""

from dataclasses import dataclass

from articles.models import Article
from articles.workflow.revisions import side_by_side, text_lines

# The article form's fields a conflict is shown for (those a revision keeps, plus the
# publishing fields an editor may change); labels come from the form.
FIELDS = [
    "title", "slug", "summary", "body", "tags", "funding",
    "author", "assigned_reviewer", "referenced_on", "review_interval_months",
]
THEIRS, YOURS = "theirs", "yours"
CHOICE_PREFIX = "conflict_choice_"


@dataclass
class FieldConflict:
    """One field changed by someone else since the form was opened, and changed differently here."""

    name: str
    label: str
    theirs: object
    yours: object
    theirs_text: str
    yours_text: str
    untouched: bool  # the editor left it as it was when they opened the form
    choice: str = ""

    @property
    def input_name(self):
        return CHOICE_PREFIX + self.name

    @property
    def rows(self):
        """Side-by-side lines, theirs on the left and yours on the right, the differences marked."""
        is_html = self.name == "body"
        return side_by_side(text_lines(self.theirs_text, is_html), text_lines(self.yours_text, is_html))


def _value(source, name):
    """A field's comparable value on an article or one of its history records."""
    if name == "tags":
        if hasattr(source, "related"):  # a history record: the tags kept in its snapshot
            return sorted((source.related or {}).get("tags", []))
        return sorted(source.tags.names())
    field = Article._meta.get_field(name)
    if field.is_relation:
        return getattr(source, field.attname)
    return getattr(source, name)


def _form_value(cleaned, name):
    value = cleaned.get(name)
    if name == "tags":
        return sorted(value or [])
    field = Article._meta.get_field(name)
    if field.is_relation:
        return value.pk if value is not None else None
    if value is None and not field.null:
        return ""
    return value


def _text(name, value):
    if value is None or value == "":
        return "(empty)"
    if name == "tags":
        return ", ".join(value) or "(none)"
    field = Article._meta.get_field(name)
    if field.is_relation:
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    return str(value)


def field_conflicts(form, current, seen_version):
    """The fields of ``form`` that someone changed after ``seen_version`` and that the form has differently.

    ``current`` is the article as saved now. Each conflict carries the choice posted for it, if any.
    """
    seen = Article.history.filter(id=current.pk, version=seen_version).order_by("-history_id").first()
    conflicts = []
    for name in FIELDS:
        if name not in form.fields or name not in form.cleaned_data:
            continue
        theirs, yours = _value(current, name), _form_value(form.cleaned_data, name)
        base = _value(seen, name) if seen is not None else None
        if theirs == yours or (seen is not None and theirs == base):
            continue  # the same value on both sides, or they did not change it
        untouched = seen is not None and yours == base
        posted = form.data.get(form.add_prefix(CHOICE_PREFIX + name))
        conflicts.append(FieldConflict(
            name=name, label=str(form.fields[name].label or name).capitalize(), theirs=theirs, yours=yours,
            theirs_text=_text(name, theirs), yours_text=_text(name, yours), untouched=untouched,
            choice=posted if posted in {THEIRS, YOURS} else "",
        ))
    return conflicts


def their_value(current, name):
    """The value to put in the form's cleaned data when the editor keeps the other person's ``name``."""
    if name == "tags":
        return sorted(current.tags.names())
    return getattr(current, name)


# Parts of a revision kept outside the form's fields (inline rows): named in the notice only.
RELATED_LABELS = {"Citations", "Related articles", "Series"}
