"""Times as editors read them: in the site's time zone (``settings.TIME_ZONE``), with its name.

Times are stored in UTC; forms read what an editor types in the site's zone (Django's
``USE_TZ``), and every page and message that names a moment writes it through ``local_time``,
so "Scheduled for 15 January 2027, 09:00 GMT" reads the same on the list, the article's page,
the preview and the dashboard.
"""

from django.utils import timezone


def local_time(value):
    """``value`` (an aware datetime) in the site's time zone, e.g. "15 January 2027, 09:00 GMT"."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y, %H:%M} {local.tzname()}"


def zone_label(when=None):
    """The site's time zone as an editor reads it beside an input, e.g. "Europe/London, now GMT"."""
    local = timezone.localtime(when)
    return f"{timezone.get_current_timezone_name()}, now {local.tzname()}"
