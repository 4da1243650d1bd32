"""The one rule for a medical review's date: not before ``REVIEW_DATE_FLOOR`` and not in the future.

Every path that records a review applies it: the model field's validator (the admin inline,
``full_clean()`` in ``workflow.sign_off`` and ``reviews.services.record_review``), the sign-off form and
the plain-text importer's parser. The floor is also a database constraint (migration
``0027_review_date_floor``), so a restored backup or raw SQL cannot store 0001-01-01 either.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

# Earlier than any review this library can hold; a year such as 0001 or 1900 is a typing slip.
# The database constraint repeats this date: change both together (a new migration).
REVIEW_DATE_FLOOR = datetime.date(1990, 1, 1)
FLOOR_MESSAGE = f"A review date cannot be before {REVIEW_DATE_FLOOR.day} {REVIEW_DATE_FLOOR:%B %Y}."


def review_date_problem(value):
    """Why ``value`` cannot be a review's date, or None."""
    if value < REVIEW_DATE_FLOOR:
        return f"{FLOOR_MESSAGE} Check the year of {value.isoformat()}."
    if value > timezone.localdate():
        return "A review date cannot be in the future."
    return None


def validate_review_date(value):
    """Field validator: raises ValidationError when ``value`` is not a plausible review date."""
    if problem := review_date_problem(value):
        raise ValidationError(problem, code="review_date")
