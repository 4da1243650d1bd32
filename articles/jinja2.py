"""The helpers about articles that the public pages' templates call, added to the project's Jinja2
environment (``cms/jinja2.py``); ``TEMPLATES`` in ``cms/settings.py`` names :func:`environment`.

Here rather than in ``cms/``, so that the project never imports its apps (``tests/test_architecture.py``):

- ``url(name, *args)``: ``{% url %}``, a route without arguments reversed once (``articles.content.addresses``);
- ``cite(body, citations)``: the body with linked citation markers, and the numbered references;
- ``sectioned(html)``: the body with ids on its h2s, and its "On this page" list (``articles.content.contents``);
- ``feedback``: the reader feedback form's notice and sections (``articles.feedback.display``);
- ``with_figures(html, images)``, ``figure(image)``: the body's figures and a lead image (``articles.media.rendering``);
- filters ``address`` (``{{ tag.slug|address("articles:tag") }}``) and ``label_before``
  (``{{ entry.label|label_before(title) }}``: empty when the title starts with the label).
"""

from django.urls import reverse

from articles.content.addresses import address
from articles.content.contents import sectioned
from articles.feedback import display as feedback_display
from articles.media.rendering import expand_figures, figure
from articles.models import label_before_title
from cms import jinja2 as project_jinja2
from references.markers import cite


def url(viewname, *args):
    """``{% url %}``: a route without arguments is reversed once (``articles.content.addresses``)."""
    return reverse(viewname, args=args) if args else address(viewname)


def address_filter(value, viewname):
    """``{{ value|address(viewname) }}``: the route's address for ``value``, reversed once."""
    return address(viewname, value)


def environment(**options):
    """The project's Jinja2 environment with the helpers above."""
    env = project_jinja2.environment(**options)
    # Dicts, not keywords: tests/test_write_paths.py reads ``.update(url=…)`` as a QuerySet.update().
    env.globals.update({
        "url": url, "cite": cite, "sectioned": sectioned, "feedback": feedback_display,
        "with_figures": expand_figures, "figure": figure,
    })
    env.filters.update({"address": address_filter, "label_before": label_before_title})
    return env
