"""Admin forms of the editorial workflow: the article form's version check and one form per transition."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from articles.content.review_dates import validate_review_date
from articles.content.times import zone_label
from articles.models import Article, MedicalReview, Reviewer, tag_name_problem
from articles.workflow import conflicts
from articles.workflow.revisions import describe_conflict


class ArticleAdminForm(forms.ModelForm):
    """The article form, carrying the version the editor opened so a stale save is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The saved version an editor compared theirs with after a conflict (articles.workflow.conflicts).
    conflict_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean_tags(self):
        names = self.cleaned_data.get("tags") or []
        problems = [problem for problem in map(tag_name_problem, names) if problem]
        if problems:
            raise forms.ValidationError(problems)
        return names

    def clean(self):
        cleaned = super().clean()
        self.conflict = None
        if not self.instance.pk:
            return cleaned
        seen = cleaned.get("seen_version")
        if seen is None:
            raise forms.ValidationError("This form is missing its version: reload the page and make your changes again.")
        # Lock the row until this save commits, so nobody can slip in between
        # this check and the UPDATE (which checks the version again).
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or seen == current.version:
            return cleaned
        fields = conflicts.field_conflicts(self, current, seen)
        resolved = cleaned.get("conflict_version") == current.version and all(c.choice for c in fields)
        if resolved:
            # The editor has seen the other version and chosen, field by field: keep their choices
            # and save against the version they looked at (the UPDATE still checks it).
            for conflict in fields:
                if conflict.choice == conflicts.THEIRS:
                    cleaned[conflict.name] = conflicts.their_value(current, conflict.name)
            cleaned["seen_version"] = current.version
            return cleaned
        summary = describe_conflict(self.instance.pk, seen)
        when = timezone.localtime(summary["when"]).strftime("%H:%M on %d %B %Y") if summary["when"] else "meanwhile"
        self.conflict = {"version": current.version, "who": summary["who"], "when": when, "fields": fields,
                         "other_changes": [label for label in summary["changed"]
                                           if label not in {c.label for c in fields} and label in conflicts.RELATED_LABELS]}
        self.data = self.data.copy()
        self.data[self.add_prefix("conflict_version")] = current.version
        changed = ", ".join(summary["changed"]) or "its content"
        raise forms.ValidationError(
            format_html(
                "Not saved: {} saved this article at {}, after you opened it, and changed: {}. "
                "Your text is still in the form. Below, compare their version with yours and choose, "
                "field by field, which to keep; then save again.",
                summary["who"], when, changed,
            ),
            code="edit_conflict",
        )


class CommentForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Recorded in the article's audit trail."
    )


class SubmitForm(CommentForm):
    reviewer = forms.ModelChoiceField(
        queryset=Reviewer.objects.filter(is_active=True),
        required=False,
        help_text="Who should review it; leave empty for any medical reviewer.",
    )


class RequestChangesForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="What the writer should change.")


class ReviewAgainForm(CommentForm):
    reviewer = forms.ModelChoiceField(
        queryset=Reviewer.objects.filter(is_active=True),
        required=False,
        help_text="Who should review it again (its last reviewer is chosen); leave empty for any medical reviewer. "
                  "It waits for them on their desk, and shows what changed since the last review.",
    )


class SignOffForm(forms.Form):
    # The fingerprint of the content the page showed (integrity.stored_fingerprint): a sign-off covers
    # what the reviewer saw, so a change made meanwhile is refused (workflow.sign_off).
    seen_content = forms.CharField(widget=forms.HiddenInput, required=False)
    reviewed_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_review_date],
        help_text="Leave empty for today; an earlier date if you reviewed it before. Never in the future.",
    )
    scope = forms.ChoiceField(choices=MedicalReview.Scope.choices, initial=MedicalReview.Scope.FULL)
    sections = forms.CharField(required=False, max_length=300, help_text="For a partial review: which sections.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conflict_of_interest = forms.CharField(max_length=300, initial="None declared")


class PublishForm(CommentForm):
    at = forms.DateTimeField(
        label="Publish time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worked out per form: the zone's abbreviation changes with summer time.
        self.fields["at"].help_text = (
            f"Leave empty to publish now, or choose a future time to schedule it, in the site's time ({zone_label()})."
        )


TRANSITION_FORMS = {
    "submit": SubmitForm,
    "sign_off": SignOffForm,
    "request_changes": RequestChangesForm,
    "review_again": ReviewAgainForm,
    "publish": PublishForm,
    "unpublish": CommentForm,
    "archive": CommentForm,
    "restore": CommentForm,
}
