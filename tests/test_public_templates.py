"""The public pages' Jinja2 environment (``cms/jinja2.py``) keeps the promises of Django's templates.

Escaping unless a value is marked safe, an empty string for a missing value at any depth, and
dates in the site's time zone exactly as Django's ``date`` filter writes them.
"""

import datetime

from django.template import Context, Template, engines
from django.utils.safestring import mark_safe


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_values_are_escaped_unless_marked_safe():
    assert render("{{ v }}", v='<script>alert("x")</script>') == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert render("{{ v }}", v=mark_safe("<em>kept</em>")) == "<em>kept</em>"


def test_a_missing_value_is_empty_at_any_depth():
    assert render("[{{ missing }}|{{ missing.label }}|{{ none.title.upper }}|{{ entry.previous.label }}]",
                  none=None, entry={}) == "[|||]"
    assert render("{% if missing.label %}shown{% else %}hidden{% endif %}") == "hidden"


def test_the_date_filter_writes_what_djangos_writes_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Australia/Sydney"
    moment = datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC)  # 1 July, 09:30 in Sydney
    for format_string in ("c", "j F Y H:i", "Y-m-d"):
        django = Template("{{ d|date:f }}").render(Context({"d": moment, "f": format_string}))
        assert render("{{ d|date(f) }}", d=moment, f=format_string) == django
    assert render('{{ d|date("j F Y H:i") }}', d=moment) == "1 July 2024 09:30"
