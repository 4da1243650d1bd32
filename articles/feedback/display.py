"""What the public templates show of feedback: the notice, the sections to choose from.

Registered in the Jinja2 environment as ``feedback`` (articles/jinja2.py): ``feedback.notice()``,
``feedback.sections(article.body)``.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from articles.content.contents import headings

from .forms import HONEYPOT, WHOLE_PAGE
from .models import TEXT_MAX_LENGTH, Feedback

REASONS = Feedback.Reason.choices
honeypot = HONEYPOT
whole_page = WHOLE_PAGE
text_max_length = TEXT_MAX_LENGTH


def notice():
    """The form's plain statement of what it is not for, and where to go instead (settings)."""
    return {"text": settings.FEEDBACK_NOTICE, "links": settings.FEEDBACK_HELP_LINKS}


def sections(body):
    """The article's h2 headings, each at most once."""
    return list(dict.fromkeys(title for title in headings(body) if title))


def try_again(seconds, now):
    """When a reader over the limit may send again, in words, from the seconds ``Retry-After`` gives
    at ``now``: "in about 2 minutes (after 14:00 GMT)", in the site's time zone."""
    minutes = round(seconds / 60)
    if seconds < 60:
        wait = "in less than a minute"
    elif minutes >= 60:
        wait = "in about an hour"
    else:
        wait = "in about a minute" if minutes == 1 else f"in about {minutes} minutes"
    at = timezone.localtime(now + datetime.timedelta(seconds=seconds))
    return f"{wait} (after {at:%H:%M} {at.tzname()})"
