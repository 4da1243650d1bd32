"""django-taggit's tag admin, with its merge view behind the tag permissions.

taggit's ``merge_tags_view`` checks only that the user is staff: any staff account
could create and merge tags, and a POST without a selection answered 500. The new name is
held to the same rule as tags typed on an article (``tag_name_problem``).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from taggit.admin import TagAdmin
from taggit.models import Tag

from articles.models import tag_name_problem


class GuardedTagAdmin(TagAdmin):
    def merge_tags_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        selected = [pk for pk in request.session.get("selected_tag_ids", "").split(",") if pk.isdigit()]
        if not selected or Tag.objects.filter(pk__in=selected).count() != len(set(selected)):
            self.message_user(request, "Select the tags to merge in the list first.", level=messages.WARNING)
            return redirect("admin:taggit_tag_changelist")
        new_name = request.POST.get("new_tag_name", "").strip()
        if request.method == "POST" and new_name and (problem := tag_name_problem(new_name)):
            self.message_user(request, problem, level=messages.ERROR)
            return redirect(request.path)
        return super().merge_tags_view(request)


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
admin.site.register(Tag, GuardedTagAdmin)
