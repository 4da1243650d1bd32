"""Query sets of the articles app: ``published()`` and friends (the model layer's queries)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, models
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.expressions import Col, Expression
from django.utils import timezone
from taggit.models import TaggedItem

from articles.content import accessibility


class ArticleStatus(models.TextChoices):
    """An article's status (``Article.Status``): here so the query sets read it without the models."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In medical review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


def _model(name):
    """A model of this app by name: the models import this module (their managers), so it reads them
    from the app registry when a query is built."""
    return apps.get_model("articles", name)


class SeriesQuerySet(models.QuerySet):
    def with_published_articles(self, now=None):
        """Series a reader can open: at least one published article (a probe of an index per series).

        Written as "the first published entry is not null", a scalar subquery, rather than
        ``EXISTS``: PostgreSQL turns an ``EXISTS`` into a semi-join and, on a large catalogue,
        hashes every published article to answer for 1,000 series (docs/performance.md, "Measurements behind the code"). A
        scalar subquery stays a probe per series, so a page in title order (``series_title_idx``)
        stops after the series it shows.
        """
        first = (
            _model("SeriesEntry").objects.filter(series=OuterRef("pk"))
            .filter(published_condition(now, through="article__"))
            .order_by()
            .values("pk")[:1]
        )
        return self.alias(first_published_entry=Subquery(first)).filter(first_published_entry__isnull=False)


class ArticleEventQuerySet(models.QuerySet):
    def announced_corrections(self):
        """Corrections readers are shown: on the article's page, ``/corrections/`` and its feed
        (``ArticleEvent.is_announced_correction`` says it of one row)."""
        return self.filter(kind=_model("ArticleEvent").Kind.CORRECTION, announced=True)


def published_condition(now=None, through=""):
    """What ``published()`` means, for a filter on articles or (``through="article__"``) across a relation."""
    return Q(**{f"{through}status": ArticleStatus.PUBLISHED, f"{through}publish_at__lte": now or timezone.now()})


def published_sql(alias, now=None, conn=None):
    """``published_condition()`` in SQL over the article table's alias ``alias``: (condition, params).

    For the statements written out in SQL on the article page (``reads.postgresql``: the page and related posts,
    ``reads.series``); tests/test_article_page_reads.py holds it to ``published()``.
    """
    return f"{alias}.status = %s AND {alias}.publish_at <= %s", [
        ArticleStatus.PUBLISHED.value,
        (conn or connection).ops.adapt_datetimefield_value(now or timezone.now()),
    ]


class DatabaseColumn(Expression):
    """A column of the query's own table that the database keeps and Django's model does not know.

    Resolved to the table's alias in the query, so it stays right in a subquery or a self-join.
    """

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        target = self.output_field.clone()
        target.column = self.column
        return Col(query.get_initial_alias(), target, self.output_field)


class ArticleQuerySet(models.QuerySet):
    """Named reads of articles; public pages use only ``published()``."""

    def published(self, now=None):
        """Articles a reader may see: published, and their publish time has passed."""
        return self.filter(published_condition(now))

    def scheduled(self, now=None):
        """Published articles whose publish time is still to come: readers cannot see them yet."""
        return self.filter(status=ArticleStatus.PUBLISHED, publish_at__gt=now or timezone.now())

    def recently_reviewed(self):
        """Published articles, the most recently medically reviewed first (never-reviewed ones left out)."""
        return self.published().filter(last_reviewed_on__isnull=False).order_by("-last_reviewed_on", "-id")

    def common_tags(self, count):
        """The ``count`` tags most used on these articles, most used first: one query of
        ``{"name", "slug", "uses"}``. Slice the articles first to bound the work on a large site."""
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id__in=self.values("pk")
        )
        return (
            tagged.values(name=F("tag__name"), slug=F("tag__slug"))
            .annotate(uses=models.Count("pk"))
            .order_by("-uses", "name")[:count]
        )

    def for_listing(self):
        """What a list of articles shows: series label and the latest review, without a query per row."""
        return self.select_related("series_entry__series").prefetch_related(
            Prefetch("reviews", queryset=_model("MedicalReview").objects.select_related("reviewer").defer("reviewed_content"))
        )

    def for_page(self):
        """What the article page shows, read with the ORM: the article with its author and series
        entry joined, then its announced corrections (``announced_corrections``, a list, newest
        first), its reviews with their reviewers (newest first, without the copy of what each
        covered) and its citations with their references and sources (in list order), one query
        each. Its tags are read by ``articles.reads.page.article_page()`` (taggit's prefetch cannot be
        ordered). On PostgreSQL the page uses ``articles/reads/postgresql.py`` instead; the tests
        hold the two to the same rows."""
        event = _model("ArticleEvent")
        return self.select_related("author", "series_entry__series").prefetch_related(
            Prefetch(
                "events",
                queryset=event.objects.announced_corrections().order_by("-created_at", "-id"),
                to_attr="announced_corrections",
            ),
            Prefetch(
                "reviews",
                queryset=_model("MedicalReview").objects.select_related("reviewer").defer("reviewed_content")
                .order_by("-reviewed_on", "-created_at", "-id"),
            ),
            Prefetch(
                "citations",
                queryset=apps.get_model("references", "Citation").objects.select_related("reference__source")
                .order_by("position", "id"),
            ),
        )

    def tagged(self, yes=True):
        """Articles with at least one tag (``yes``), or with none.

        On PostgreSQL from ``tag_count``, which triggers keep (migration ``0021_tag_count``), and
        a partial index on the untagged; elsewhere by probing taggit's table for each article.
        """
        if connections[self.db].vendor == "postgresql":
            return self.alias(tag_count=DatabaseColumn("tag_count", IntegerField())).filter(**{"tag_count__gt" if yes else "tag_count": 0})
        tags = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk"))
        return self.filter(Exists(tags) if yes else ~Exists(tags))

    def with_accessibility_problems(self, severity):
        """Articles whose body has accessibility findings of ``severity`` (``accessibility.BLOCKER``
        or ``WARNING``), from the counts stored on save (partial indexes serve the admin's order)."""
        field = {accessibility.BLOCKER: "accessibility_blockers", accessibility.WARNING: "accessibility_warnings"}[severity]
        return self.filter(**{f"{field}__gt": 0})

    def without_accessibility_problems(self):
        """Articles whose body had no accessibility finding when it was last saved."""
        return self.filter(accessibility_blockers=0, accessibility_warnings=0)

    def waiting_for(self, user):
        """The admin's "waiting for me" list for ``user``.

        For a medical reviewer: articles in review assigned to them or to nobody
        (never their own). For anyone: their drafts that a reviewer sent back.
        """
        last_transition = _model("ArticleEvent").objects.filter(
            article=models.OuterRef("pk"), kind=_model("ArticleEvent").Kind.TRANSITION
        ).order_by("-created_at", "-id")
        mine = Q(status=ArticleStatus.DRAFT, author=user, last_moved_from=ArticleStatus.IN_REVIEW)
        if user.has_perm("articles.signoff_article"):
            assigned = Q(assigned_reviewer__user=user) | Q(assigned_reviewer=None)
            mine |= Q(status=ArticleStatus.IN_REVIEW) & assigned & ~Q(author=user)
        return self.annotate(last_moved_from=models.Subquery(last_transition.values("from_status")[:1])).filter(mine)

    # The review cycle (its queries: articles/reviews/queries.py; policy: articles/reviews/schedule.py).

    def in_review_cycle(self):
        """Articles the review cycle covers: published ones, including those scheduled to go live."""
        return self.filter(status=ArticleStatus.PUBLISHED)
