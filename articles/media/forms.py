"""The library's forms: one image with its description, and several files at once."""

from django import forms
from django.core.exceptions import ValidationError

from . import processing, services
from .models import Image


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _accept():
    return ",".join(f"image/{ext if ext != 'jpg' else 'jpeg'}" for ext in processing.ACCEPTED.values())


class ImageForm(forms.ModelForm):
    """Add or change one image. The file is required when adding; when changing, a new file
    replaces the picture everywhere it is shown."""

    upload = forms.FileField(
        label="File", required=False,
        help_text="JPEG, PNG, WebP, GIF or AVIF. Location and camera details are removed on upload.",
        widget=forms.ClearableFileInput(attrs={"accept": ""}),
    )

    class Meta:
        model = Image
        fields = ["title", "alt_text", "decorative", "caption", "description", "credit", "source_url", "licence", "licence_other",
                  "licence_url", "consent", "focal_x", "focal_y", "tags"]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 2, "maxlength": 250})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].widget.attrs["accept"] = _accept()
        self.fields["title"].required = False
        if self.instance.pk is None:
            self.fields["upload"].required = True
        else:
            self.fields["upload"].label = "Replace the file"
            self.fields["upload"].help_text = "Optional: the new picture replaces this one in every article that shows it."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("decorative") and not (cleaned.get("alt_text") or "").strip() and "alt_text" not in self.errors:
            self.add_error("alt_text", "Describe the picture, or tick “decorative” if it adds nothing a reader would miss.")
        upload = cleaned.get("upload")
        if upload:
            try:
                self.clean_image = processing.clean_upload(upload)
            except processing.UploadRefused as error:
                self.add_error("upload", str(error))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("upload") and not self.instance.original_filename:
            self.instance.original_filename = self.cleaned_data["upload"].name[:255]


class BulkUploadForm(forms.Form):
    """Several files at once: each becomes an image titled after its file, to describe next."""

    files = MultipleFileField(label="Pictures", help_text="Choose several files. Each needs its alt text afterwards.")
    licence = forms.ChoiceField(choices=Image.Licence.choices, initial=Image.Licence.OWN)
    credit = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = _accept()

    def save(self, by):
        """Create one image per file; returns (created, {file name: why it was refused})."""
        created, refused = [], {}
        for upload in self.cleaned_data["files"]:
            try:
                created.append(services.create_image(
                    upload, by=by, licence=self.cleaned_data["licence"], credit=self.cleaned_data["credit"],
                ))
            except ValidationError as error:
                refused[upload.name] = " ".join(error.messages)
        return created, refused
