"""Paginators that stay fast on large tables: public lists and the admin changelist."""

import json
from functools import cached_property

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Subquery
from django.db.models.query import EmptyQuerySet, QuerySet

from cms.changelist import DateSafeChangeList


class DeferredJoinPaginator(Paginator):
    """Finds a page's primary keys first (from an index, however deep the page), then loads those rows.

    ``OFFSET 20000`` on the full rows makes the database read and discard 20,000 wide rows (bodies
    included); on the primary keys alone it walks an index. ``count_cache`` (a callable taking
    a function that counts) lets the caller remember the count until the content changes.
    """

    def __init__(self, object_list, per_page, *args, count_cache=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_cache = count_cache

    @cached_property
    def count(self):
        if self.count_cache is None:
            return super().count
        return self.count_cache(lambda: Paginator.count.func(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        # The keys already satisfy the filters; a list may say where to load rows from without them.
        rows_from = getattr(self.object_list, "rows_from", self.object_list)
        return self._get_page(rows_from.filter(pk__in=Subquery(keys)), number, self)


class EstimatedCountPaginator(DeferredJoinPaginator):
    """The admin's paginator: on PostgreSQL, a large result is counted by the planner's estimate.

    An exact ``COUNT(*)`` reads every matching row; past ``EXACT_BELOW`` rows the estimate is
    good enough to page through, and it costs one EXPLAIN. Pages are found by key first, so
    the joins for the list's columns run for one page of rows, not for every match.
    """

    EXACT_BELOW = 10_000

    @cached_property
    def count(self):
        if connection.vendor != "postgresql" or not isinstance(self.object_list, QuerySet):
            return Paginator.count.func(self)
        if isinstance(self.object_list, EmptyQuerySet):  # .none(): nothing to ask PostgreSQL, nor to EXPLAIN
            return 0
        try:
            estimate = int(json.loads(self.object_list.order_by().explain(format="json"))[0]["Plan"]["Plan Rows"])
        except Exception:  # an EXPLAIN that fails must not cost the editor the page
            return Paginator.count.func(self)
        return estimate if estimate >= self.EXACT_BELOW else Paginator.count.func(self)


class SemiJoinChangeList(DateSafeChangeList):
    """A changelist that removes duplicate rows with ``pk IN (...)`` instead of ``SELECT DISTINCT``.

    Filtering on a many-valued relation (tags, reviewers) makes Django add DISTINCT over every
    column, body included, which sorts the whole filtered table; a semi-join does not.

    The date drilldown costs two passes over every matching row (first and last date, then the
    years); on a filtered or searched result of more than ``EstimatedCountPaginator.EXACT_BELOW``
    rows it is left out until the filters or the search narrow the list (or a date is already
    chosen), and when nothing matched there are no dates to drill into (the two passes would read
    every row to find none).
    """

    def get_results(self, request):
        super().get_results(request)
        if self.result_count == 0:
            # Counted exactly (an estimate is never 0): nothing to fetch. PostgreSQL may otherwise
            # walk the whole ordered index looking for a first row that does not exist.
            self.result_list = self.result_list.none()
        if (
            self.date_hierarchy
            and (self.result_count == 0 or ((self.has_active_filters or self.query) and self.result_count >= EstimatedCountPaginator.EXACT_BELOW))
            and not any(name.startswith(f"{self.date_hierarchy}__") for name in self.params)
        ):
            self.date_hierarchy = None

    def get_filters(self, request):
        """Django's filters; "may have duplicates" only when a filter, as applied, joins a many-valued
        relation (``SelectRelatedFilter`` matches with EXISTS, so choosing a tag or a reviewer does not).

        The answer is kept in ``filters_may_have_duplicates`` for ``get_queryset``, which removes
        duplicates by key; Django is told there are none, so it adds no DISTINCT over every column.
        """
        specs, has_filters, remaining, may_have_duplicates, active = super().get_filters(request)
        if may_have_duplicates:
            may_have_duplicates = any(lookup_spawns_duplicates(self.lookup_opts, key) for key in remaining) or any(
                spec.used_parameters
                and getattr(spec, "spawns_duplicates", True)
                and lookup_spawns_duplicates(self.lookup_opts, getattr(spec, "field_path", "") or "pk")
                for spec in specs
            )
        self.filters_may_have_duplicates = may_have_duplicates
        return specs, has_filters, remaining, False, active

    def get_queryset(self, request, exclude_parameters=None):
        """Django's list (filters, related rows, order), searched here so that the search's own
        "may have duplicates" is known; duplicates are removed with ``pk IN (the matching keys)``.

        ``rows_from`` (read by ``DeferredJoinPaginator``) is the list without its filters and
        search: a page's keys already satisfy them, so its rows are read by key alone. Filtered
        again, PostgreSQL may read the whole table to join it with the page's hundred keys
        (docs/performance.md, "Measurements behind the code").
        """
        search, self.query = self.query, ""  # Django's get_queryset applies no search...
        try:
            qs = super().get_queryset(request, exclude_parameters)
        finally:
            self.query = search
        qs, search_may_have_duplicates = self.model_admin.get_search_results(request, qs, search)  # ... this does
        unfiltered = self.apply_select_related(self.root_queryset).order_by(*self.get_ordering(request, self.root_queryset))
        if self.filters_may_have_duplicates or search_may_have_duplicates:
            qs = unfiltered.filter(pk__in=qs.order_by().values("pk"))
        qs.rows_from = unfiltered
        return qs
