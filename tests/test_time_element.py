"""Days on public pages: ``time_element`` writes what two ``date`` filters wrote, in one call.

The public pages are Jinja2 (``cms/jinja2.py``); Django's template language with its ``date``
filter is the reference they are held to, time zone included.
"""

import datetime

import pytest
from django.template import Context, Template, engines
from django.utils import timezone

from cms.jinja2 import time_element

TWO_FILTERS = Template("""<time datetime="{{ d|date:'Y-m-d' }}">{{ d|date:"j F Y" }}</time>""")


ONE_FILTER = engines["jinja2"].from_string("{{ d|time_element }}")  # as a public page calls it


def one_filter(**context):
    return ONE_FILTER.render(context)


@pytest.mark.parametrize(
    "day",
    [datetime.date(2021, 3, 26), datetime.date(2024, 1, 5), datetime.date(1999, 12, 31), datetime.date(2026, 2, 28)],
)
def test_a_day_reads_as_the_date_filters_wrote_it(day):
    assert one_filter(d=day) == TWO_FILTERS.render(Context({"d": day}))
    assert time_element(datetime.date(2021, 3, 26)) == '<time datetime="2021-03-26">26 March 2021</time>'


def test_a_moment_is_shown_on_its_day_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Australia/Sydney"
    late_evening_utc = datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC)  # 1 July, 09:30 in Sydney
    shown = one_filter(d=late_evening_utc)
    assert shown == '<time datetime="2024-07-01">1 July 2024</time>'
    assert shown == TWO_FILTERS.render(Context({"d": late_evening_utc}))
    assert timezone.get_current_timezone_name() == "Australia/Sydney"


def test_no_day_shows_nothing():
    assert one_filter(d=None) == ""
    assert one_filter() == ""
