"""The library's one record: an Image, its file (cleaned and renamed on upload) and what an editor
must know to use it lawfully and accessibly."""

import html
import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

ALT_TEXT_MAX = 250
# How a body shows a library image: <figure data-image="42">, expanded when the page is rendered
# (rendering.expand_figures), so moving storage or remaking renditions never breaks a body.
FIGURE_REFERENCE = re.compile(r"""<figure\b[^>]*?\bdata-image\s*=\s*["']?(\d{1,18})""", re.IGNORECASE)


# A whole stored figure, and the article's own caption written inside it (plain text once shown):
# read here for the page (rendering.expand_figures) and the API alike.
WHOLE_FIGURE = re.compile(r"<figure\b[^>]*?\bdata-image\s*=\s*[\"']?(\d{1,18})[\"']?[^>]*>.*?</figure>", re.IGNORECASE | re.DOTALL)
_OWN_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def body_image_ids(body):
    """The library images a body shows, in order, each once."""
    seen = []
    for match in FIGURE_REFERENCE.finditer(body or ""):
        pk = int(match.group(1))
        if pk not in seen:
            seen.append(pk)
    return seen


def own_caption(figure_html):
    """The article's own caption in one stored figure, as plain text ("" when it gives none, and the
    library's caption shows)."""
    found = _OWN_CAPTION.search(figure_html)
    return html.unescape(_TAG.sub("", found.group(1))).strip() if found else ""


def own_captions(body):
    """{image id: the article's own caption} for a body's figures that give one; an image shown in
    two figures answers for the first, as ``body_image_ids`` lists it once."""
    captions = {}
    for match in WHOLE_FIGURE.finditer(body or ""):
        captions.setdefault(int(match.group(1)), own_caption(match.group(0)))
    return {pk: text for pk, text in captions.items() if text}

# Alt text that is really a file name or a camera's label ("IMG_2041", "DSC0001.jpg", "photo-3.png").
_FILE_NAME_LIKE = re.compile(
    r"""^(?:.*\.(?:jpe?g|png|gif|webp|avif|heic|tiff?|bmp|svg)
        |(?:img|dsc|dscn|dcim|pxl|screenshot|image|photo|picture)[-_ ]?\d[\w-]*
        |[\w-]*\d{4,}[\w-]*)$""",
    re.IGNORECASE | re.VERBOSE,
)


def alt_text_problem(alt_text, original_filename=""):
    """Why ``alt_text`` is not a description of the picture, or ``""``."""
    text = (alt_text or "").strip()
    if not text:
        return ""
    if len(text) > ALT_TEXT_MAX:
        return f"Alt text is at most {ALT_TEXT_MAX} characters (this is {len(text)}): put the rest in the caption."
    stem = os.path.splitext(os.path.basename(original_filename or ""))[0]
    if _FILE_NAME_LIKE.match(text) or (stem and text.lower() in {stem.lower(), os.path.basename(original_filename).lower()}):
        return "Alt text must describe the picture for someone who cannot see it, not repeat its file name."
    return ""


class ImageTag(TagBase):
    """A library tag ("diagram", "skin", "portrait"): kept apart from the articles' topics."""

    class Meta:
        verbose_name = "image tag"
        verbose_name_plural = "image tags"


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey("Image", on_delete=models.CASCADE)
    tag = models.ForeignKey(ImageTag, on_delete=models.CASCADE, related_name="tagged_images")


class ImageQuerySet(models.QuerySet):
    def missing_alt_text(self):
        """Images that are not decorative and have no alt text: publishing an article with one is blocked."""
        return self.filter(decorative=False, alt_text="")

    def without_consent(self):
        """Photos of an identifiable person whose consent is not on file: publishing is blocked too."""
        return self.filter(consent=Image.Consent.NONE)

    def with_usage(self):
        """Each image with ``article_count`` (lead image or in a body) and ``reviewer_count``."""
        return self.annotate(
            article_count=models.Count("uses__article", distinct=True),
            reviewer_count=models.Count("reviewer_photos", distinct=True),
        )

    def unused(self):
        return self.filter(uses__isnull=True, reviewer_photos__isnull=True)


class Image(models.Model):
    """A picture in the library. Its ``file`` is the uploaded image with its metadata stripped and
    its orientation applied, under a generated name; ``renditions`` names the sized copies made
    from it once (``processing.make_renditions``).

    No ``get_absolute_url``: an image has no public page of its own (readers see it only in the
    pages that show it), and the admin's "View on site" would only lead back to the admin.
    """

    class Licence(models.TextChoices):
        OWN = "own", "Own work"
        CC_BY = "cc-by", "CC BY"
        CC_BY_SA = "cc-by-sa", "CC BY-SA"
        CC0 = "cc0", "CC0"
        LICENSED = "licensed", "Licensed (paid or by agreement)"
        PUBLIC_DOMAIN = "public-domain", "Public domain"
        OTHER = "other", "Other (describe)"

    class Consent(models.TextChoices):
        NOT_APPLICABLE = "n/a", "Not applicable: no identifiable person"
        ON_FILE = "on-file", "Consent on file"
        NONE = "none", "Identifiable person, no consent recorded"

    file = models.FileField(upload_to="images/", max_length=200, editable=False)
    title = models.CharField(max_length=200, help_text="For finding it in the library; readers do not see it.")
    alt_text = models.CharField(
        "alt text", max_length=ALT_TEXT_MAX, blank=True,
        help_text="What the picture shows, for someone who cannot see it (at most 250 characters). "
                  "Not the file name. Required unless the image is decorative.",
    )
    decorative = models.BooleanField(
        default=False, help_text="Tick only if the picture adds nothing a reader would miss: it is then hidden from screen readers.",
    )
    caption = models.TextField(blank=True, help_text="Shown under the picture.")
    description = models.TextField(blank=True, help_text="Notes for editors (what it shows in detail, where it came from); not shown to readers.")
    credit = models.CharField(max_length=200, blank=True, help_text='E.g. "Illustration: Jane Roe" or "Photo: NHS England".')
    source_url = models.URLField("source address", max_length=500, blank=True, help_text="Where the picture came from, if not our own.")
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.OWN)
    licence_other = models.CharField("licence (other)", max_length=200, blank=True, help_text="The licence, when “Other”.")
    licence_url = models.URLField(
        "licence or purchase page", max_length=500, blank=True,
        help_text="Where the licence can be read or bought (structured data's acquireLicensePage).",
    )
    consent = models.CharField(
        max_length=10, choices=Consent.choices, default=Consent.NOT_APPLICABLE,
        help_text="For a photo of a person who could be recognised. “No consent recorded” blocks publishing.",
    )
    focal_x = models.PositiveSmallIntegerField(
        "focal point across (%)", default=50, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Crops keep this point: 0 is the left edge, 100 the right.",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point down (%)", default=50, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="0 is the top edge, 100 the bottom.",
    )
    tags = TaggableManager(through=TaggedImage, blank=True)

    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=10, editable=False, help_text="JPEG, PNG, WEBP, GIF or AVIF, read from the content.")
    file_size = models.PositiveIntegerField("size (bytes)", editable=False)
    original_filename = models.CharField(max_length=255, blank=True, editable=False, help_text="The uploader's file name, for search only.")
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    source_key = models.CharField(
        max_length=300, blank=True, db_index=True, editable=False,
        help_text="Where an import found it (e.g. a WordPress attachment), so a second run finds it again.",
    )

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "image"
        verbose_name_plural = "images"
        constraints = [
            models.CheckConstraint(condition=models.Q(focal_x__lte=100, focal_y__lte=100), name="media_image_focal_point_in_picture"),
            models.CheckConstraint(condition=~models.Q(file=""), name="media_image_has_file"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # Missing alt text is allowed in the library (a bulk upload, an import): it is listed by the
        # "missing alt text" filter and blocks publishing. The one-image form asks for it.
        errors = {}
        problem = alt_text_problem(self.alt_text, self.original_filename)
        if problem:
            errors["alt_text"] = problem
        if self.licence == self.Licence.OTHER and not self.licence_other.strip():
            errors["licence_other"] = "Name the licence."
        if errors:
            raise ValidationError(errors)

    @property
    def licence_label(self):
        return self.licence_other if self.licence == self.Licence.OTHER and self.licence_other else self.get_licence_display()

    def publish_problems(self):
        """What about this image blocks publishing an article that shows it (empty: nothing)."""
        problems = []
        if not self.decorative and not self.alt_text.strip():
            problems.append(f"The image “{self.title}” has no alt text (describe it, or mark it decorative).")
        if self.consent == self.Consent.NONE:
            problems.append(f"The image “{self.title}” shows an identifiable person and no consent is recorded.")
        return problems

    def shown_caption(self, own=""):
        """The caption readers see under this picture: none when it is decorative, else the
        article's ``own`` caption for it when it gives one, else the library's."""
        return "" if self.decorative else (own or self.caption)

    def fingerprint_data(self):
        """What a medical review of an article showing this image covered of it."""
        return {"id": self.pk, "file": self.file.name, "alt": self.alt_text, "decorative": self.decorative,
                "caption": self.caption, "credit": self.credit}


class ImageUse(models.Model):
    """One article showing one image (its lead image or a figure in its body), kept by
    ``services.record_uses`` whenever an article is saved. Answers "used in 3 articles" and
    refuses a delete, without reading every body."""

    class Place(models.TextChoices):
        LEAD = "lead", "Lead image"
        BODY = "body", "In the body"

    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="uses")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="image_uses")
    place = models.CharField(max_length=4, choices=Place.choices)

    class Meta:
        verbose_name = "image use"
        constraints = [models.UniqueConstraint(fields=["image", "article", "place"], name="media_imageuse_unique")]

    def __str__(self):
        return f"{self.image} in {self.article} ({self.get_place_display().lower()})"


def shown_ids(lead_image_id, body):
    """The images an article shows: its lead image, then its body's figures."""
    ids = [lead_image_id] if lead_image_id else []
    return ids + [pk for pk in body_image_ids(body) if pk != lead_image_id]


def review_data(lead_image_id, body, images):
    """What a medical review covers of an article's images (``images``: {id: Image}); part of
    ``articles.integrity``'s fingerprint, so a new picture or new alt text counts as a change."""
    data = []
    if lead_image_id:
        lead = images.get(lead_image_id)
        data.append({"place": "lead", **(lead.fingerprint_data() if lead else {"id": lead_image_id})})
    for pk in body_image_ids(body):
        image = images.get(pk)
        data.append({"place": "body", **(image.fingerprint_data() if image else {"id": pk})})
    return data


def publish_problems(lead_image_id, body, images):
    """Why the images an article shows block publishing (``images``: {id: Image} of them), as
    ``(image, text)`` pairs: the image to open to fix it, or None for a figure whose image is gone."""
    problems = []
    for pk in shown_ids(lead_image_id, body):
        image = images.get(pk)
        if image is None:
            problems.append((None, f"The body shows image {pk}, which is not in the media library: remove that figure."))
        else:
            problems.extend((image, text) for text in image.publish_problems())
    return problems


def images_by_id(ids):
    """{id: Image} for ``ids``: one query, none for no ids."""
    ids = set(ids)
    return {image.pk: image for image in Image.objects.filter(pk__in=ids)} if ids else {}
