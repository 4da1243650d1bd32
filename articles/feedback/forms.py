"""The reader's form: validated on the server whatever the page sent."""

from django import forms

from .models import SECTION_MAX_LENGTH, TEXT_MAX_LENGTH, Feedback

HONEYPOT = "website"
WHOLE_PAGE = "The whole page"


class VoteForm(forms.Form):
    """ "Was this page helpful?": yes or no."""

    helpful = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], error_messages={
        "required": "Choose Yes or No.", "invalid_choice": "Choose Yes or No.",
    })
    website = forms.CharField(required=False, max_length=200)  # the honeypot

    @property
    def is_helpful(self):
        return self.cleaned_data["helpful"] == "yes"


class ReportForm(forms.Form):
    """What was wrong, where, and in the reader's words (all optional, but not all empty)."""

    reason = forms.ChoiceField(
        label="What was wrong?", required=False, choices=Feedback.Reason.choices, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the reasons listed."},
    )
    section = forms.ChoiceField(label="Which part of the page?", required=False)
    text = forms.CharField(
        label="Tell us more (optional)", required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea,
        error_messages={"max_length": f"Please keep it under {TEXT_MAX_LENGTH:,} characters (you wrote %(show_value)d)."},
    )
    token = forms.CharField(required=False, max_length=300)  # the signed vote this report adds to
    website = forms.CharField(required=False, max_length=200)  # the honeypot

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", WHOLE_PAGE)] + [(title[:SECTION_MAX_LENGTH], title[:SECTION_MAX_LENGTH]) for title in sections]
        self.fields["section"].choices = choices
        self.fields["section"].error_messages["invalid_choice"] = "Choose one of the sections listed."

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("reason") or data.get("section") or data.get("text")):
            raise forms.ValidationError("Choose what was wrong, or tell us in your own words.")
        return data


def is_bot(form):
    """A filled honeypot: a person never sees the field."""
    return bool(form.data.get(HONEYPOT, "").strip())
