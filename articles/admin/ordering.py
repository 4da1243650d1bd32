"""Reordering inline rows (citations, related links, series entries) without tripping unique positions.

Dragging swaps positions: row A goes 1 -> 2 while row B goes 2 -> 1. Saved one by
one, the first UPDATE would collide with the unique (parent, position) constraint
on SQLite and PostgreSQL alike. So the formset is validated as a whole (no two
rows may share a position) and saved in two phases: every row that moves or goes
away is first parked at a temporary position, then each is written at its new one.
"""


from django import forms
from django.contrib import admin
from django.db.models import F, UniqueConstraint
from django.forms.models import BaseInlineFormSet

PARKING_OFFSET = 20000  # above any real position, below PositiveSmallIntegerField's 32767


class PositionedForm(forms.ModelForm):
    """Checks every constraint against the database except position uniqueness, which the formset settles."""

    def validate_constraints(self):
        exclude = self._get_validation_exclusions()
        model = type(self.instance)
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and "position" in constraint.fields:
                continue
            try:
                constraint.validate(model, self.instance, exclude=exclude)
            except forms.ValidationError as error:
                if constraint.violation_error_code is None and not getattr(error, "error_dict", None):
                    field = constraint.fields[-1] if isinstance(constraint, UniqueConstraint) and constraint.fields else None
                    if field and field not in exclude:
                        error = forms.ValidationError({field: error.messages})
                self._update_errors(error)


class PositionedInlineFormSet(BaseInlineFormSet):
    """Saves rows whose positions were swapped, dragged or freed, in two phases."""

    def clean(self):
        if any(isinstance(c, UniqueConstraint) and "position" in c.fields for c in self.model._meta.constraints):
            seen = set()
            for form in self.forms:
                if self._should_delete_form(form) or not form.is_valid() or not form.has_changed() and not form.instance.pk:
                    continue
                position = form.cleaned_data.get("position")
                if position in seen:
                    raise forms.ValidationError(f"Two rows have position {position}: give each its own number.")
                seen.add(position)
        super().clean()

    def save_existing_objects(self, commit=True):
        if commit:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (self._should_delete_form(form) or "position" in form.changed_data)
            ]
            if moving:
                self.model._default_manager.filter(pk__in=moving).update(position=F("position") + PARKING_OFFSET)
        return super().save_existing_objects(commit)


PARKED = 32767  # PositiveSmallIntegerField's largest value: where a moving row waits (one per parent)


def make_room(siblings, position, moving_pk=None):
    """Free ``position`` among ``siblings`` (one parent's rows) by moving it and every later row
    down one, so a row can be inserted there; returns the rows moved, in order, as they now stand.

    ``moving_pk`` is a row of the same parent about to take the position: it is parked first, so
    moving a part up the list shifts only the parts it passes. Nothing moves when the position is
    free. Run inside the save's transaction (the admin's is atomic); the parent's rows are locked
    so two insertions cannot interleave.
    """
    if moving_pk is not None:
        siblings.filter(pk=moving_pk).update(position=PARKED)
    others = siblings.exclude(pk=moving_pk) if moving_pk is not None else siblings
    later = list(others.select_for_update().filter(position__gte=position, position__lt=PARKED).order_by("position"))
    if not later or later[0].position != position:
        return []
    keys = [row.pk for row in later]
    # Two steps, as in PositionedInlineFormSet: an UPDATE of many rows may meet the unique
    # (parent, position) constraint halfway on PostgreSQL, which checks it row by row.
    siblings.filter(pk__in=keys).update(position=F("position") + PARKING_OFFSET + 1)
    siblings.filter(pk__in=keys).update(position=F("position") - PARKING_OFFSET)
    for row in later:
        row.position += 1
    return later


class SortableInlineMixin:
    """Tabular inline with a drag handle (our small script) over plain, still editable position numbers."""

    form = PositionedForm
    formset = PositionedInlineFormSet
    classes = ["sortable-inline"]

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/sortable-inlines.js"], css={"all": ["articles/admin/sortable-inlines.css"]}
        )


class SortableTabularInline(SortableInlineMixin, admin.TabularInline):
    pass
