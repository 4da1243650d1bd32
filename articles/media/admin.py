"""The media library in the admin: thumbnails, search, filters (licence, missing alt text, no
consent, unused), several files at once, each image's uses, and no delete of an image in use."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import services, tasks
from .forms import BulkUploadForm, ImageForm
from .models import Image, ImageUse
from .rendering import storage_url

PICKER_RESULTS = 12


def used_in(article_count, profile_count):
    """["2 articles", "1 reviewer profile"]: where an image is used, counted (the list's column, a refused delete)."""
    parts = []
    if article_count:
        parts.append(f"{article_count} article{'s' if article_count != 1 else ''}")
    if profile_count:
        parts.append(f"{profile_count} reviewer profile{'s' if profile_count != 1 else ''}")
    return parts


def use_rows(image):
    """Where ``image`` is shown, as (admin address, name, place) rows: the articles', then the reviewer profiles'."""
    articles = [
        (reverse("admin:articles_article_change", args=[use.article_id]), use.article.title, use.get_place_display())
        for use in ImageUse.objects.filter(image=image).select_related("article").order_by("article__title", "place")
    ]
    profiles = [
        (reverse("admin:articles_reviewer_change", args=[r.pk]), r.name, "Reviewer's photo")
        for r in image.reviewer_photos.all()
    ]
    return articles, profiles


def use_links(rows, each=False):
    """The rows as links with their place: one HTML string of ``<li>``s, or (``each``) one link per row."""
    if each:
        return [format_html('<a href="{}">{}</a> ({})', *row) for row in rows]
    return format_html_join("", '<li><a href="{}">{}</a> ({})</li>', rows)


def in_use_sentence(image, articles, profiles, *, one=True):
    """ "This image is used in 2 articles; remove it from them first:" (``one``), or, among several
    images, "“Port” is used in 1 article; remove it from that article first:"."""
    article_count = len({url for url, _name, _place in articles})  # lead image and figure of one article: one
    where = " and ".join(used_in(article_count, len(profiles)))
    if article_count + len(profiles) > 1:
        them = "them"
    else:
        them = "that article" if article_count else "that profile"
    subject = "This image" if one else f"“{image}”"
    return f"{subject} is used in {where}; remove it from {them} first:"


class ProblemFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("alt", "Missing alt text"), ("consent", "No consent recorded"), ("unused", "Unused")]

    def queryset(self, request, queryset):
        if self.value() == "alt":
            return queryset.missing_alt_text()
        if self.value() == "consent":
            return queryset.without_consent()
        if self.value() == "unused":
            return queryset.unused()
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    change_list_template = "admin/media/image/change_list.html"
    list_display = ["thumbnail", "title", "alt_text_status", "licence", "consent", "dimensions", "usage", "uploaded_at"]
    list_display_links = ["title"]  # the thumbnail is decorative beside it (alt="")
    list_filter = [ProblemFilter, "licence", "consent", "decorative", "format", ("tags", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "alt_text", "caption", "description", "credit", "original_filename", "tags__name"]
    list_per_page = 50
    ordering = ["-uploaded_at", "-id"]

    class Media:
        css = {"all": ["media/admin/media.css"]}
    readonly_fields = ["preview", "facts", "uses"]
    fieldsets = [
        (None, {"fields": ["preview", "upload", "title", "alt_text", "decorative", "caption", "credit"]}),
        ("Licence and consent", {"fields": ["licence", "licence_other", "source_url", "licence_url", "consent"]}),
        ("Cropping", {"fields": ["focal_x", "focal_y"],
                      "description": "Crops (the picture shown when a page is shared, thumbnails) keep this point."}),
        ("About the file", {"fields": ["description", "tags", "facts", "uses"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage().select_related("uploaded_by")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.bulk_upload_view), name="media_image_bulk_upload"),
            path("search/", wrap(self.search_view), name="media_image_search"),
            path("quick-upload/", wrap(self.quick_upload_view), name="media_image_quick_upload"),
            path("<int:pk>/thumbnail/", wrap(self.thumbnail_view), name="media_image_thumbnail"),
            *super().get_urls(),
        ]

    # --- columns -----------------------------------------------------------------------------

    @admin.display(description="Picture")
    def thumbnail(self, image):
        url = storage_url(image.renditions.get("thumb", "")) if image.renditions.get("thumb") else ""
        if not url:
            return "—"
        return format_html('<img src="{}" width="80" height="80" alt="" loading="lazy" class="media-thumb">', url)

    @admin.display(description="Alt text")
    def alt_text_status(self, image):
        if image.decorative:
            return "Decorative"
        if not image.alt_text:
            return mark_safe('<strong class="media-missing">Missing</strong>')  # fixed text
        return image.alt_text if len(image.alt_text) <= 60 else image.alt_text[:59] + "…"

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height} {image.format}"

    @admin.display(description="Used in", ordering="article_count")
    def usage(self, image):
        parts = used_in(image.article_count, image.reviewer_count)
        if not parts:
            return "Unused"
        url = reverse("admin:media_image_change", args=[image.pk]) + "#uses"
        return format_html('<a href="{}">{}</a>', url, ", ".join(parts))

    # --- the change form ---------------------------------------------------------------------

    @admin.display(description="Picture")
    def preview(self, image):
        sizes = image.renditions.get("sizes", {}) if image.pk else {}
        rows = sizes.get(image.renditions.get("fallback", "JPEG"), [])
        if not rows:
            return "Choose a file below."
        width, height, name = rows[min(1, len(rows) - 1)]
        return format_html('<img src="{}" width="{}" height="{}" alt="" class="media-preview">', storage_url(name), width, height)

    @admin.display(description="File")
    def facts(self, image):
        if not image.pk:
            return "—"
        by = image.uploaded_by.get_username() if image.uploaded_by else "an import"
        return format_html(
            '{} × {} pixels, {}, {} KB; uploaded by {} on {}. <a href="{}">Original file</a>',
            image.width, image.height, image.format, round(image.file_size / 1000), by,
            image.uploaded_at.strftime("%d %B %Y"), storage_url(image.file.name),
        )

    @admin.display(description="Used in")
    def uses(self, image):
        if not image.pk:
            return "—"
        articles, profiles = use_rows(image)
        if not articles and not profiles:
            return "Not used yet."
        return format_html('<ul id="uses">{}</ul>', use_links(articles + profiles))

    def save_model(self, request, obj, form, change):
        clean = getattr(form, "clean_image", None)
        if clean is not None:
            if not change:
                obj.uploaded_by = request.user
            obj.original_filename = form.cleaned_data["upload"].name[:255]
            services.save_with_file(obj, clean)
            return
        focal_moved = change and {"focal_x", "focal_y"} & set(form.changed_data)
        super().save_model(request, obj, form, change)
        if focal_moved:  # the crops follow in the background; pages keep the current ones until then
            tasks.remake_later([obj.pk])
            messages.info(request, "The crops that keep the focal point are being made again in the background; "
                                   "pages show them once the task worker has made them.")

    # --- deleting: refused while used ----------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        """An image in use is refused in plain words, with links to where it is used.

        Django's own refusal ("would require deleting the following protected related objects")
        reads as if the article would go with it. ``protected`` becomes, for each image in use, its
        sentence and then its links (the templates ``admin/media/image/delete_*confirmation.html``).
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = []
        for image in objs:
            articles, profiles = use_rows(image)
            if articles or profiles:
                in_use += [in_use_sentence(image, articles, profiles, one=len(objs) == 1), use_links(articles + profiles, each=True)]
        return deleted, counts, perms_needed, in_use or protected

    def delete_model(self, request, obj):
        services.delete_image(obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for image in queryset:
                services.delete_image(image)

    # --- several files at once -------------------------------------------------------------------

    def bulk_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            created, refused = form.save(by=request.user)
            for name, why in refused.items():
                messages.error(request, f"“{name}” was not uploaded: {why}")
            if created:
                messages.success(
                    request, f"{len(created)} image{'s' if len(created) != 1 else ''} uploaded. "
                             "Describe each one (alt text) before it can be published.")
                ids = ",".join(str(image.pk) for image in created)
                return redirect(reverse("admin:media_image_changelist") + f"?id__in={ids}")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": "Upload pictures", "has_view_permission": True}
        return TemplateResponse(request, "admin/media/image/bulk_upload.html", context)

    # --- the body editor's picker (media/admin/image-picker.js) -------------------------------------

    def _card(self, image):
        return {"id": image.pk, "title": image.title, "alt": image.alt_text, "decorative": image.decorative,
                "caption": image.caption, "credit": image.credit,
                "thumbnail": storage_url(image.renditions.get("thumb", "")), "problems": image.publish_problems()}

    def search_view(self, request):
        """Library images matching ``q`` (title, alt text, caption, credit, file name, tag), newest first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").replace("\x00", "").strip()[:100]
        images = Image.objects.all()
        if term:
            images, _ = self.get_search_results(request, images, term)
        return JsonResponse({"results": [self._card(image) for image in images.distinct()[:PICKER_RESULTS]]})

    def quick_upload_view(self, request):
        """One image uploaded from the body editor, with its alt text (or "decorative"), the library's
        caption and credit; the same form and service as the library's own add page. The caption
        the writer gives for their article is not sent: it belongs to that article's figure only,
        and every other article showing the image would show it too."""
        if request.method != "POST":
            return JsonResponse({"errors": {"__all__": ["Send the picture with POST."]}}, status=405)
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST.copy()
        for field, default in {"licence": Image.Licence.OWN, "consent": Image.Consent.NOT_APPLICABLE,
                               "focal_x": "50", "focal_y": "50"}.items():
            data.setdefault(field, default)
        form = ImageForm(data, request.FILES)
        if not form.is_valid():
            return JsonResponse({"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}, status=400)
        image = form.save(commit=False)
        image.uploaded_by = request.user
        image.original_filename = form.cleaned_data["upload"].name[:255]
        if not image.title:
            image.title = image.original_filename.rsplit(".", 1)[0][:200] or "Untitled image"
        services.save_with_file(image, form.clean_image)
        form.save_m2m()
        return JsonResponse(self._card(image), status=201)

    def thumbnail_view(self, request, pk):
        """The library thumbnail of image ``pk`` (the editor shows it for each figure in the body)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        image = Image.objects.filter(pk=pk).only("renditions").first()
        if image is None or not image.renditions.get("thumb"):
            raise Http404("No such image.")
        return redirect(storage_url(image.renditions["thumb"]))

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "id__in" or super().lookup_allowed(lookup, value, request)

