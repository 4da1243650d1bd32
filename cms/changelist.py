"""The admin's changelist for every model admin with a date drill-down (``date_hierarchy``)."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateSafeChangeList(ChangeList):
    """Django's changelist, with a date drill-down past the calendar's end treated as a bad address.

    Django computes the end of the chosen year, month or day; for 9999 (``?publish_at__year=9999``)
    that is year 10,000, which ``datetime`` cannot hold, and the page answered 500. Such a date
    is now what Django makes of any unusable lookup: a redirect to the unfiltered list (``?e=1``).
    Every admin with ``date_hierarchy`` uses this class or a subclass (tests/test_admin_walk.py).
    """

    def get_filters(self, request):
        """Django's filters; a drill-down date out of range is an ``IncorrectLookupParameters``."""
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class DateSafeAdminMixin:
    """For a model admin with a date drill-down whose changelist is Django's own (third-party admins)."""

    def get_changelist(self, request, **kwargs):
        """``DateSafeChangeList`` instead of Django's ``ChangeList``."""
        return DateSafeChangeList


def guard_date_drill_down(site, model):
    """Register ``model``'s admin on ``site`` again with ``DateSafeAdminMixin``, if it is registered."""
    if not site.is_registered(model):
        return
    model_admin = type(site.get_model_admin(model))
    site.unregister(model)
    site.register(model, type(model_admin.__name__, (DateSafeAdminMixin, model_admin), {}))
