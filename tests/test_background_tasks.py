"""Background work on Django's tasks framework: the commands queue the same tasks, the worker runs
them from the database, and a failed task shows in the admin with its error and can be run again."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.pagecache import tasks as edge_tasks
from references.models import Reference

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(settings):
    """The production backend: tasks wait in the database for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()


def work():
    """The worker, until the queue is empty (what `manage.py db_worker` does forever)."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_link_check_command_queues_the_check_and_the_worker_runs_it(queue, make):
    reference = make.reference(url="http://127.0.0.1:9/nothing-listens-here")
    assert "Queued the link check as task" in run("check_references", "--enqueue", "--timeout", "2")
    reference.refresh_from_db()
    assert reference.checked_at is None  # only queued so far
    work()
    result = DBTaskResult.objects.get(task_path="references.tasks.check_reference_links")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["broken"] == 1
    reference = Reference.objects.get(pk=reference.pk)
    assert reference.checked_at is not None and reference.check_error


def test_the_reminder_command_queues_the_reminders_and_the_worker_sends_them(queue, make):
    ana = make.reviewer(name="Dr. Ana Lee", slug="ana-lee", user=make.user(email="ana@example.org"))
    make.article(title="Ana overdue", reviewed_on=timezone.localdate() - datetime.timedelta(days=400), reviewed_by=ana)
    assert "Queued the review reminders" in run("review_due", "--notify", "--enqueue")
    assert mail.outbox == []
    work()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert DBTaskResult.objects.get(task_path="articles.tasks.send_review_reminders").status == TaskResultStatus.SUCCESSFUL


def test_enqueue_without_notify_is_refused(queue):
    with pytest.raises(Exception, match="--enqueue goes with --notify"):
        run("review_due", "--enqueue")


def test_a_failed_task_shows_in_the_admin_with_its_error_and_can_be_run_again(queue, settings, purges, client, make):
    settings.EDGE_PURGE_ATTEMPTS = 1
    purges.failures = 1
    edge_tasks.enqueue(["home"])
    work()
    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED

    client.force_login(make.user(is_superuser=True))
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    assert "purge_keys" in page.text and "PurgeError" in page.text
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert "The recording backend was told to fail" in detail.text  # the traceback

    answer = client.post("/admin/django_tasks_database/dbtaskresult/",
                         {"action": "run_again", "_selected_action": [str(failed.pk)]}, follow=True)
    assert "1 failed task(s) enqueued again." in answer.text
    work()
    again = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert again.status == TaskResultStatus.SUCCESSFUL and again.args_kwargs["kwargs"]["keys"] == ["home"]
    assert purges.purged == [frozenset({"home"})]


def test_run_again_skips_tasks_that_did_not_fail(queue, purges, client, make):
    edge_tasks.enqueue(["home"])
    work()
    done = DBTaskResult.objects.get()
    client.force_login(make.user(is_superuser=True))
    answer = client.post("/admin/django_tasks_database/dbtaskresult/",
                         {"action": "run_again", "_selected_action": [str(done.pk)]}, follow=True)
    assert "skipped: only failed tasks are run again" in answer.text
    assert DBTaskResult.objects.count() == 1


def test_a_writer_cannot_see_the_task_results(queue, client, make):
    client.force_login(make.user(username="wendy"))  # staff, no permissions
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403


@pytest.mark.django_db
def test_an_editor_sees_a_failed_purge_and_can_run_it_again(client, make, settings, purges):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    edge_tasks.enqueue(["tag-3", "home"])
    failed = DBTaskResult.objects.get()
    failed.set_failed(RuntimeError("Varnish at http://10.0.0.5 answered HTTP 503"))  # as the worker records it
    client.force_login(make.staff_in("Editor"))
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200 and "purge_keys" in page.text and "RuntimeError" in page.text
    assert "answered HTTP 503" in client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/").text
    client.post("/admin/django_tasks_database/dbtaskresult/", {"action": "run_again", "_selected_action": [str(failed.pk)]})
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).get().args_kwargs["kwargs"]["keys"] == ["home", "tag-3"]


def test_remaking_renditions_is_queued_and_the_worker_makes_them(queue, settings, tmp_path):
    """``regenerate_renditions --enqueue``: one task per image; the files appear when the worker runs."""
    from articles.media import processing, services
    from articles.media.models import Image
    from tests.media_files import picture, upload

    settings.MEDIA_ROOT = str(tmp_path)
    image = services.create_image(upload(picture((900, 600)), "plan.jpg"), alt_text="A floor plan")
    names = processing.rendition_names(image.renditions)
    for name in names:
        (tmp_path / name).unlink()  # lost in a storage move
    assert "Queued 1 image(s) for the task worker" in run("regenerate_renditions", "--enqueue")
    assert not any((tmp_path / name).exists() for name in names)  # only queued so far
    work()
    result = DBTaskResult.objects.get(task_path="articles.media.tasks.remake_renditions")
    assert result.status == TaskResultStatus.SUCCESSFUL
    image = Image.objects.get(pk=image.pk)
    assert all((tmp_path / name).exists() for name in processing.rendition_names(image.renditions))


def test_a_rendition_task_whose_original_is_missing_fails_visibly(queue, settings, tmp_path):
    from articles.media import services
    from articles.media.tasks import remake_renditions
    from tests.media_files import picture, upload

    settings.MEDIA_ROOT = str(tmp_path)
    image = services.create_image(upload(picture((900, 600)), "plan.jpg"), alt_text="A floor plan")
    (tmp_path / image.file.name).unlink()
    remake_renditions.enqueue(image.pk)
    work()
    assert DBTaskResult.objects.get(task_path="articles.media.tasks.remake_renditions").status == TaskResultStatus.FAILED
