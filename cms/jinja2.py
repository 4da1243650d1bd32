"""The public pages' template engine: Jinja2, and the site-wide helpers their templates call.

The public pages (``templates/jinja2/``) are rendered by Jinja2. The article page is the page a
burst of readers hits uncached after every edit, and Django's template language took half of
its CPU time (docs/performance.md, "Measurements behind the code"). The admin and the staff pages (which
extend the admin's templates) and e-mails stay in Django's template language.

As in Django's templates, values are escaped unless marked safe (Django's ``SafeString`` counts),
and a missing variable or attribute is empty rather than an error. Helpers defined here, for any
page of the project:

- ``static(path)``, ``now()``: ``{% static %}``, ``{% now %}``;
- ``json_ld(blocks)``, ``canonical_url(path)``: structured data and the canonical ``<link>``;
- filters ``date``, ``pluralize``, ``capfirst`` (Django's) and ``time_element``.

The helpers about articles (``url``, ``cite``, ``sectioned``, ``feedback``, figures, the
``address`` and ``label_before`` filters) are added by ``articles.jinja2.environment``, which
builds on :func:`environment` and which ``TEMPLATES`` names: the project does not import its apps.
"""

import datetime
import functools
import json

import jinja2
from django.core.serializers.json import DjangoJSONEncoder
from django.template import defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cms.site import absolute_url

# The characters that could end the <script> element or open a comment inside it, as JSON escapes
# (what django.utils.html.json_script does, for a script type json_script cannot write).
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _script_safe(text):
    """``text`` with ``_SCRIPT_ESCAPES`` applied. ``str.replace`` for each: ``str.translate`` with a
    table was many times slower on an article's JSON-LD."""
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return text


def json_ld(blocks):
    """One ``<script type="application/ld+json">`` per block (a dict, or a list of dicts), safely escaped."""
    scripts = []
    for block in [blocks] if isinstance(blocks, dict) else blocks or []:
        if not block:
            continue
        text = _script_safe(json.dumps(block, cls=DjangoJSONEncoder, ensure_ascii=False))
        scripts.append(format_html('<script type="application/ld+json">{}</script>', mark_safe(text)))
    return mark_safe("\n".join(scripts))


@jinja2.pass_context
def canonical_url(context, path):
    """The page's canonical address: ``path`` made absolute, with ``?page=N`` past a list's first page."""
    number = getattr(context.get("page"), "number", 1)
    suffix = f"?page={number}" if isinstance(number, int) and number > 1 else ""
    return absolute_url(str(path), context.get("request")) + suffix


def _local(value):
    """An aware datetime in the site's time zone, as Django's templates show it."""
    return timezone.template_localtime(value)


def date(value, format_string=None):
    """Django's ``date`` filter, in the site's time zone: ``{{ d|date("j F Y") }}``.

    ``"c"`` (ISO 8601, the article page's Open Graph times) is ``isoformat()``, as Django's own
    ``c`` writes it, without the cost of its general formatter."""
    if format_string == "c" and isinstance(value, datetime.date):
        return _local(value).isoformat()
    return defaultfilters.date(_local(value), format_string)


@functools.cache
def _month_name(language, month):
    """The month's name in ``language``, escaped: translating it took most of ``time_element``."""
    return conditional_escape(MONTHS[month])


def time_element(value):
    """A day as the site writes it, in a ``<time>``: ``<time datetime="2021-03-26">26 March 2021</time>``.

    For a date, or a datetime (shown on its day in the site's time zone); empty for None. The same
    as ``<time datetime="{{ d|date('Y-m-d') }}">{{ d|date("j F Y") }}</time>`` in one call: the
    article page shows up to a dozen days.
    """
    if not value:
        return ""
    value = _local(value)
    year, month, day = value.year, value.month, value.day
    name = _month_name(get_language(), month)
    return mark_safe(f'<time datetime="{year:04d}-{month:02d}-{day:02d}">{day} {name} {year:04d}</time>')


def environment(**options):
    """The Jinja2 environment with the project's helpers (an app's environment builds on it)."""
    # As in Django's template language, a missing variable or attribute is empty, at any depth
    # (``previous_entry.label`` where there is no previous entry), not an error.
    options["undefined"] = jinja2.ChainableUndefined
    options["keep_trailing_newline"] = True  # as Django's templates: the pages read as they did
    env = jinja2.Environment(**options)
    env.globals.update(static=static, now=timezone.localtime, json_ld=json_ld, canonical_url=canonical_url)
    env.filters.update(
        date=date, time_element=time_element, pluralize=defaultfilters.pluralize, capfirst=defaultfilters.capfirst
    )
    return env


class Template(django_jinja2.Template):
    """Django's Jinja2 template, announcing its rendering as Django's own templates do under test:
    the test client's ``response.context`` and ``response.templates`` come from that signal. With
    nobody listening (in production), sending it costs a check of an empty list."""

    def __init__(self, template, backend):
        super().__init__(template, backend)
        self.name = template.name

    def render(self, context=None, request=None):
        context = {} if context is None else context
        html = super().render(context, request)
        template_rendered.send(sender=self, template=self, context=context)
        return html


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend with the template class above."""

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)
