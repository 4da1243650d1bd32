"""Load the demo content: a breast cancer series, more articles, reviewers and references.

Idempotent: whatever already exists (matched by slug, name, or reference key
fields) is left exactly as it is, so a second run adds nothing and never
overwrites an editor's changes.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import content as demo
from articles.demo.accounts import DEMO_ROLES, NAMES, create_demo_accounts
from articles.media import demo as media_demo
from articles.models import Article, MedicalReview, RelatedLink, Reviewer, Series, SeriesEntry
from articles.workflow import integrity
from references.models import Citation, Reference, Source


class Command(BaseCommand):
    help = "Load the demo articles, reviewers, series and references (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = {"articles": 0, "reviewers": 0, "references": 0}
        author, new_author = get_user_model().objects.get_or_create(
            username="editor", defaults={"is_staff": True, "first_name": NAMES["editor"][0], "last_name": NAMES["editor"][1]}
        )
        if new_author:
            author.set_unusable_password()
            author.save(update_fields=["password"])

        reviewers = {}
        for data in demo.REVIEWERS:
            reviewers[data["slug"]], new = Reviewer.objects.get_or_create(slug=data["slug"], defaults=data)
            created["reviewers"] += new

        sources = {data["name"]: Source.objects.get_or_create(name=data["name"], defaults=data)[0] for data in demo.SOURCES}

        references = {}
        for data in demo.REFERENCES:
            fields = {
                "source": sources[data["source"]] if data.get("source") else None,
                "title": data["title"],
                "more_titles": "\n".join(data.get("more_titles", [])),
                "url": data.get("url", ""),
                "doi": data.get("doi", ""),
                "pmid": data.get("pmid", ""),
            }
            candidate = Reference(**fields)
            existing = candidate.duplicates().first() or Reference.objects.filter(
                source=fields["source"], title=fields["title"]
            ).first()
            if existing is None:
                candidate.save()
                created["references"] += 1
            references[data["key"]] = existing or candidate

        series = {data["slug"]: Series.objects.get_or_create(slug=data["slug"], defaults=data)[0] for data in demo.SERIES}

        now = timezone.now()
        new_articles = {}
        for data in demo.ARTICLES:
            if Article.objects.filter(slug=data["slug"]).exists():
                continue
            article = Article.objects.create(
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                status=data["status"],
                publish_at=now - datetime.timedelta(days=data["publish_days_ago"]) if data["status"] == "published" else None,
                author=author,
                referenced_on=_date(data.get("referenced_on")),
                funding=data.get("funding", ""),
            )
            article.tags.set(data.get("tags", []))
            for review in data.get("reviews", []):
                MedicalReview.objects.create(
                    article=article,
                    reviewer=reviewers[review["reviewer"]],
                    reviewed_on=_date(review["reviewed_on"]),
                    notes=review.get("notes", ""),
                )
            Citation.objects.bulk_create(
                Citation(article=article, reference=references[key], position=position)
                for position, key in enumerate(data.get("citations", []), start=1)
            )
            if data.get("series"):
                entry = data["series"]
                SeriesEntry.objects.create(
                    series=series[entry["slug"]], article=article, position=entry["position"], label=entry["label"]
                )
            new_articles[article.slug] = (article, data)
            created["articles"] += 1

        # Related links last: they point at articles created above.
        slugs = dict(Article.objects.values_list("slug", "pk"))
        for article, data in new_articles.values():
            RelatedLink.objects.bulk_create(
                RelatedLink(article=article, target_id=slugs[slug], position=position)
                for position, slug in enumerate(data.get("related", []), start=1)
                if slug in slugs and slug != article.slug
            )

        # The demo's pictures (drawn by code) head two new articles; saved, so their uses are kept.
        for slug, image in (media_demo.demo_images() if new_articles else {}).items():
            if slug in new_articles:
                article = new_articles[slug][0]
                article.lead_image = image
                article.save(update_fields=["lead_image"])

        # The demo's reviews cover the demo's text, references included (bulk-created: no signals).
        integrity.accept_as_reviewed(article.pk for article, _ in new_articles.values())

        given, password = create_demo_accounts(reviewer_slug=demo.REVIEWERS[0]["slug"])
        self.stdout.write(
            f"Demo content: {created['articles']} articles, {created['reviewers']} reviewers and "
            f"{created['references']} references added ({Article.objects.count()} articles in all)."
        )
        if settings.DEBUG:  # last, so it is what a newcomer sees after pip's and migrate's output
            self.stdout.write(accounts_box(given, password))


def accounts_box(given, password):
    """The demo accounts and their password (only when just given), framed so they stand out."""
    lines = ["Demo accounts: sign in at http://127.0.0.1:8000/admin/", ""]
    lines += [f"  {username:<9} {role}" for username, role in DEMO_ROLES]
    lines.append("")
    if given:
        lines.append(f"Password for {', '.join(given)}: {password}")
        lines.append("(printed this once; a later `make run` keeps it)")
    else:
        lines.append("Password: the one printed by the first `make run`; to set another:")
        lines.append("  .venv/bin/python manage.py changepassword writer")
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule])


def _date(value):
    return datetime.date.fromisoformat(value) if value else None
