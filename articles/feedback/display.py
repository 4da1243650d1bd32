"""What the public templates show of feedback: the notice, the sections to choose from.

Registered in the Jinja2 environment as ``feedback`` (articles/jinja2.py): ``feedback.notice()``,
``feedback.sections(article.body)``.
"""

from django.conf import settings

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
