"""Background tasks of the articles room (docs/background-tasks.md).

The go-live purge is ``articles.edge.go_live``; the review reminders run the very code of
``manage.py review_due --notify``, so the command and the task cannot drift apart.
"""

import io

from django.core.management import call_command
from django.tasks import task


@task
def send_review_reminders(within=30):
    """E-mail reviewers their newly due articles and escalate long-overdue ones (each at most once per due date).

    Fails (visibly, in the admin's task results) when an e-mail could not be sent; running it again
    sends only what is still owed.
    """
    report, listing = io.StringIO(), io.StringIO()
    call_command("review_due", "--notify", f"--within={within}", "--format=csv", stdout=listing, stderr=report)
    return report.getvalue()
