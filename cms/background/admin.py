"""Task results in the admin: failed tasks with their error, and a "Run again" action.

django-tasks-db registers a read-only page of task results; this replaces it with one that
also shows the error's class, searches by task, and re-enqueues failed tasks with the same
arguments (a new result row; the failed one stays as the record).
"""

from django.contrib import admin, messages
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task_name", "status", "error", "enqueued_at", "finished_at", "run_after_display", "queue_name")
    search_fields = ("task_path", "exception_class_path")
    actions = ["run_again"]

    @admin.display(description="error")
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""

    @admin.display(description="run after")
    def run_after_display(self, obj):
        return self.display_run_after(obj)

    def has_change_permission(self, request, obj=None):
        # Needed for actions; every field stays read-only (get_readonly_fields).
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")

    @admin.action(description="Run again (failed tasks only)")
    def run_again(self, request, queryset):
        failed = list(queryset.filter(status="FAILED"))
        for result in failed:
            task_result = result.task_result
            result.task.using(run_after=None).enqueue(*task_result.args, **task_result.kwargs)
        skipped = queryset.count() - len(failed)
        if failed:
            self.message_user(request, f"{len(failed)} failed task(s) enqueued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} task(s) skipped: only failed tasks are run again.", messages.WARNING)
