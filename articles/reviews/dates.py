"""Review dates as the cycle counts them: adding months, the default and an article's own interval."""

import calendar
import datetime
import functools

from django.conf import settings

# --- Dates -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the end of the month (31 Jan + 1 = 28/29 Feb).

    Remembered: a due list of fifty thousand articles has a few thousand distinct review dates.
    """
    return date_in_month(month_index(day) + months, day.day)


def month_index(day):
    return day.year * 12 + day.month - 1


def date_in_month(index, day):
    """Day ``day`` of month ``index`` (see :func:`month_index`), clamped to the month's end."""
    year, month = divmod(index, 12)
    if year > datetime.MAXYEAR:
        return datetime.date.max
    month += 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def default_interval():
    return settings.REVIEW_INTERVAL_MONTHS


def interval_for(article):
    """The article's review interval in months: its own, else its series', else the site's."""
    if article.review_interval_months:
        return article.review_interval_months
    entry = getattr(article, "series_entry", None)
    if entry is not None and entry.series.review_interval_months:
        return entry.series.review_interval_months
    return default_interval()


