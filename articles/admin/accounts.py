"""The staff accounts list shows each person's groups (their roles), so an editor sees who may do what.

The login throttle's lists (django-axes) get the date drill-down that survives year 9999.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Prefetch

from cms.changelist import guard_date_drill_down

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "role_groups", "is_staff", "is_active", "last_login"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    def get_queryset(self, request):
        from django.contrib.auth.models import Group

        return super().get_queryset(request).prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))

    @admin.display(description="name", ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="groups")
    def role_groups(self, user):
        names = [group.name for group in user.groups.all()]
        if user.is_superuser:
            names.insert(0, "Superuser")
        return ", ".join(names) or "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)

for throttle_model in (AccessAttempt, AccessLog, AccessFailureLog):
    guard_date_drill_down(admin.site, throttle_model)
