"""Every URL of the site, found through the URL resolver, so views added later are walked too."""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

STAFF_PREFIXES = ("admin/", "staff/", "preview/")
# The syndication API: JSON for partners with a key, not pages (its own contract test walks it).
API_PREFIX = "api/"


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "articles/<slug:slug>/"
    name: str  # e.g. "articles:detail" ("" when the pattern has no name)
    kwargs: tuple  # names of the captured arguments
    converters: dict

    def __str__(self):
        return self.name or self.route


def iter_routes(patterns=None, prefix="", namespace=""):
    """Every URL pattern as a Route, nested includes flattened."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_routes(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            converters = getattr(pattern.pattern, "converters", {}) or {}
            kwargs = tuple(converters) or tuple(pattern.pattern.regex.groupindex)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield Route(route, name, kwargs, dict(converters))


def public_routes():
    """Routes a reader may reach: everything outside the admin and the staff pages."""
    return [r for r in iter_routes() if not r.route.startswith((*STAFF_PREFIXES, API_PREFIX))]


def api_routes():
    """The syndication API's routes (docs/api.md)."""
    return [r for r in iter_routes() if r.route.startswith(API_PREFIX)]


def staff_routes():
    """Named routes of staff pages outside the admin (/staff/..., /preview/...)."""
    return [r for r in iter_routes() if r.route.startswith(("staff/", "preview/")) and r.name]


def sample_kwargs(route, objects):
    """Real values for a route's arguments, taken from ``objects`` (a dict of sample rows), or None."""
    first = route.route.split("/", 1)[0]
    by_prefix = {"articles": "article", "series": "series", "reviewers": "reviewer", "tags": "tag"}
    values = {}
    for kwarg in route.kwargs:
        if kwarg == "slug":
            values[kwarg] = objects[by_prefix.get(first, "article")].slug
        elif kwarg in {"pk", "id", "object_id", "article_id"} or kwarg.endswith("_id"):
            values[kwarg] = objects["article"].pk
        elif kwarg in {"year", "month", "day"}:
            values[kwarg] = getattr(objects["article"].publish_at, kwarg)
        else:
            return None
    return values


def url_for(route, objects):
    """The route's URL filled with sample rows, or None when it cannot be filled."""
    if not route.name:
        return None
    values = sample_kwargs(route, objects)
    if values is None:
        return None
    try:
        return reverse(route.name, kwargs=values)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class AdminURL:
    url: str
    name: str
    model: type | None  # None for site-wide admin views
    action: str  # changelist, add, change, delete, history, or the custom view's suffix
    guessed: bool = False  # an argument other than the object's id was filled with a guess (may 404)


# Site-wide admin views that are not pages to walk: the login form (public by design),
# logout (POST only), and redirect helpers that need a content type.
SITE_VIEWS_NOT_WALKED = {"login", "logout", "view_on_site", "autocomplete"}


def admin_urls(obj_for_model):
    """Every admin page: site views, and each registered model's views (object views use ``obj_for_model(model)``)."""
    urls = []
    for route in iter_routes(admin.site.get_urls(), "admin/", "admin"):
        short = route.name.removeprefix("admin:")
        # A model's own views are walked below (an app label may hold "_": django_tasks_database).
        if not route.name or short in SITE_VIEWS_NOT_WALKED or any(short.startswith(f"{label}_") for label in _app_labels()):
            continue
        if short == "app_list":
            for label in sorted(_app_labels()):
                urls.append(AdminURL(reverse("admin:app_list", kwargs={"app_label": label}), f"app_list:{label}", None, "app_list"))
            continue
        if route.kwargs:
            continue
        urls.append(AdminURL(reverse(route.name), short, None, short))
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = None
        for route in iter_routes(model_admin.get_urls(), "", "admin"):
            if not route.name:
                continue  # the catch-all redirect to the change view
            action = route.name.removeprefix(f"admin:{opts.app_label}_{opts.model_name}_")
            if route.kwargs:
                obj = obj if obj is not None else obj_for_model(model)
                if obj is None:
                    continue
                kwargs = {k: obj.pk for k in route.kwargs}
                guessed = bool(set(route.kwargs) - {"object_id", "id", "pk"})
                urls.append(AdminURL(reverse(route.name, kwargs=kwargs), route.name, model, action, guessed))
            else:
                urls.append(AdminURL(reverse(route.name), route.name, model, action))
    return urls


def _app_labels():
    return {model._meta.app_label for model in admin.site._registry}
