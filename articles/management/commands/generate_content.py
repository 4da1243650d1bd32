"""Build a large, realistic catalogue for benchmarks: ``manage.py generate_content --articles 100000``.

Every generated article has a slug starting ``gen-``; ``--replace`` deletes earlier generated
content first, and without it the command adds nothing when that many generated articles exist.
Rows are written with ``bulk_create`` in batches (about a minute for 100,000 articles and two
million rows on PostgreSQL). The shape follows a real health library: most articles published
over five years, some scheduled, drafts and archived ones; one to three medical reviews each;
about ten citations drawn from a shared pool of references; one article in twenty in a series of about five parts;
tags with a long tail (a few tags carry thousands of articles); curated related links.
"""

import datetime
import random
import time

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Article, MedicalReview, RelatedLink, Reviewer, Series, SeriesEntry
from articles.reviews.queries import refresh_due_dates
from articles.workflow import integrity
from cms.pagecache import generation
from references.models import Citation, Reference, Source

PREFIX = "gen-"
CONDITIONS = (
    "asthma arthritis anaemia anxiety appendicitis bronchitis cataracts coeliac-disease dementia depression "
    "diabetes eczema endometriosis epilepsy glaucoma gout hepatitis hypertension influenza insomnia "
    "kidney-stones lupus lyme-disease measles migraine multiple-sclerosis obesity osteoporosis psoriasis "
    "pneumonia sciatica shingles sinusitis stroke tinnitus tonsillitis ulcerative-colitis vertigo"
).split()
ASPECTS = [
    "symptoms", "causes", "diagnosis", "treatment options", "living with", "in children", "in older adults",
    "medicines for", "diet and", "exercise and", "pregnancy and", "questions to ask about", "tests for",
    "complications of", "recovery from", "preventing",
]
WORDS = (
    "doctor nurse treatment symptom medicine dose daily common rare early sign risk test result blood "
    "pressure heart lung skin sleep pain fever rest water food exercise week month year plan team care "
    "family support clinic hospital specialist guideline evidence study trial option benefit side effect"
).split()
SPECIALTIES = ["Oncology", "Cardiology", "Paediatrics", "Neurology", "General practice", "Dermatology", "Psychiatry"]


class Command(BaseCommand):
    help = "Generate a large realistic data set for benchmarks (articles with reviews, citations, series, tags)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles (default 1000).")
        parser.add_argument("--batch", type=int, default=5000, help="Articles written per transaction.")
        parser.add_argument("--seed", type=int, default=8, help="Random seed: the same seed builds the same data.")
        parser.add_argument("--replace", action="store_true", help="Delete earlier generated content first.")

    def handle(self, *args, articles, batch, seed, replace, **options):
        if articles < 1 or batch < 1:
            raise CommandError("--articles and --batch must be at least 1")
        started = time.monotonic()
        existing = Article.objects.filter(slug__startswith=PREFIX).count()
        if existing and not replace:
            if existing >= articles:
                self.stdout.write(f"{existing} generated articles already exist; nothing to do (--replace rebuilds).")
                return
            raise CommandError(f"{existing} generated articles exist; use --replace to rebuild with {articles}.")
        if replace:
            self._delete()
        self.random = random.Random(seed)
        self.now = timezone.now()
        with transaction.atomic():
            reviewers = self._reviewers(max(20, articles // 500))
            references = self._references(max(200, articles // 2))
            tags = self._tags(400)
            series = self._series(max(10, articles // 100))
        self.article_type = ContentType.objects.get_for_model(Article)
        self.series_positions = {s.pk: 0 for s in series}
        done = 0
        published_ids = []
        while done < articles:
            size = min(batch, articles - done)
            with transaction.atomic():
                published_ids += self._articles(done, size, reviewers, references, tags, series)
            done += size
            self.stdout.write(f"  {done} articles ({time.monotonic() - started:.0f} s)")
        with transaction.atomic():
            self._related(published_ids)
            generation.invalidate()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, and a visibility map so counts use index-only scans.
            # VACUUM cannot run in a transaction (e.g. inside a test); ANALYZE alone then.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Generated {articles} articles in {time.monotonic() - started:.0f} s "
                               f"({Citation.objects.count()} citations, {MedicalReview.objects.count()} reviews).")
        )

    def _delete(self):
        with transaction.atomic():
            generated = Article.objects.filter(slug__startswith=PREFIX)
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article), object_id__in=generated.values("pk")
            ).delete()
            for model in (Citation, MedicalReview, SeriesEntry):
                model.objects.filter(article__in=generated).delete()
            RelatedLink.objects.filter(article__in=generated).delete()
            generated.delete()
            Reference.objects.filter(url__startswith="https://example.org/gen/").delete()
            Series.objects.filter(slug__startswith=PREFIX).delete()
            Reviewer.objects.filter(slug__startswith=PREFIX).delete()
            Source.objects.filter(name__startswith="Generated ").delete()
            Tag.objects.filter(slug__startswith=PREFIX).delete()
            generation.invalidate()

    def _reviewers(self, count):
        return Reviewer.objects.bulk_create(
            Reviewer(
                name=f"Dr. Generated Reviewer {n}",
                slug=f"{PREFIX}reviewer-{n}",
                credentials=self.random.choice(["MD", "MD, PhD", "MBBS, FRCP", "DO", "RN, MSN"]),
                specialty=self.random.choice(SPECIALTIES),
                bio="A clinician who reviews articles for accuracy.",
            )
            for n in range(count)
        )

    def _references(self, count):
        sources = Source.objects.bulk_create(Source(name=f"Generated Publisher {n}") for n in range(50))
        created = []
        for start in range(0, count, 5000):
            chunk = []
            for n in range(start, min(count, start + 5000)):
                ref = Reference(
                    source=sources[n % len(sources)],
                    title=f"{self._sentence(6)} ({n})",
                    url=f"https://example.org/gen/{n}",
                    doi=f"10.5555/gen.{n}" if n % 3 == 0 else "",
                    pmid=str(40000000 + n) if n % 4 == 0 else "",
                    accessed_on=self.now.date() - datetime.timedelta(days=n % 900),
                )
                ref.normalise()
                chunk.append(ref)
            created += Reference.objects.bulk_create(chunk)
        return [ref.pk for ref in created]

    def _tags(self, count):
        tags = Tag.objects.bulk_create(Tag(name=f"gen {CONDITIONS[n % len(CONDITIONS)]} {n}", slug=f"{PREFIX}tag-{n}") for n in range(count))
        return [tag.pk for tag in tags]

    def _series(self, count):
        return Series.objects.bulk_create(
            Series(title=f"Generated series {n}: {CONDITIONS[n % len(CONDITIONS)]}", slug=f"{PREFIX}series-{n}",
                   description="Read in order, one stage at a time.")
            for n in range(count)
        )

    def _sentence(self, words):
        return " ".join(self.random.choice(WORDS) for _ in range(words)).capitalize()

    def _body(self, citations):
        parts = []
        for section in range(5):
            parts.append(f"<h2>{self._sentence(3)}</h2>")
            marker = f"[{section * 2 + 1}]" if section * 2 + 1 <= citations else ""
            parts.append(f"<p>{self._sentence(40)}. {self._sentence(30)}{marker}.</p>")
        parts.append("<ul>" + "".join(f"<li>{self._sentence(8)}</li>" for _ in range(4)) + "</ul>")
        return "".join(parts)

    def _status(self):
        roll = self.random.random()
        if roll < 0.85:
            return Article.Status.PUBLISHED, self.now - datetime.timedelta(minutes=self.random.randint(60, 5 * 365 * 24 * 60))
        if roll < 0.88:
            return Article.Status.PUBLISHED, self.now + datetime.timedelta(minutes=self.random.randint(60, 60 * 24 * 60))
        if roll < 0.95:
            return Article.Status.DRAFT, None
        if roll < 0.98:
            return Article.Status.IN_REVIEW, None
        return Article.Status.ARCHIVED, self.now - datetime.timedelta(days=self.random.randint(400, 2000))

    def _articles(self, offset, size, reviewers, references, tags, series):
        rnd = self.random
        new = []
        for n in range(offset, offset + size):
            condition = CONDITIONS[n % len(CONDITIONS)].replace("-", " ")
            aspect = ASPECTS[(n // len(CONDITIONS)) % len(ASPECTS)]
            title = f"{aspect.capitalize()} {condition}" if aspect.endswith(("for", "and", "about", "with", "of", "from")) or aspect == "preventing" else f"{condition.capitalize()}: {aspect}"
            status, publish_at = self._status()
            citations = rnd.randint(8, 12)
            new.append(Article(
                title=f"{title} ({n})",
                slug=f"{PREFIX}{slugify(title)}-{n}",
                summary=self._sentence(20) + ".",
                body=self._body(citations),
                status=status,
                publish_at=publish_at,
                referenced_on=self.now.date() - datetime.timedelta(days=rnd.randint(0, 700)),
                content_changed_at=publish_at,
            ))
            new[-1]._citations = citations
        Article.objects.bulk_create(new)

        reviews, cites, tagged, entries = [], [], [], []
        for article in new:
            if article.status in (Article.Status.PUBLISHED, Article.Status.ARCHIVED):
                base = (article.publish_at or self.now).date()
                for k in range(rnd.choice([1, 1, 2, 2, 3])):
                    reviewed_on = min(self.now.date(), base + datetime.timedelta(days=365 * k + rnd.randint(0, 200)))
                    reviews.append(MedicalReview(article=article, reviewer=rnd.choice(reviewers), reviewed_on=reviewed_on))
            for position, ref in enumerate(rnd.sample(references, article._citations), start=1):
                cites.append(Citation(article=article, reference_id=ref, position=position))
            # A long tail: low tag numbers are common, so a few tags carry thousands of articles.
            chosen = {
                tags[min(len(tags) - 1, int(rnd.paretovariate(0.9)) - 1)] if rnd.random() < 0.1 else rnd.choice(tags)
                for _ in range(rnd.randint(2, 5))
            }
            tagged += [TaggedItem(content_type=self.article_type, object_id=article.pk, tag_id=t) for t in chosen]
            if rnd.random() < 0.05:
                s = rnd.choice(series)
                self.series_positions[s.pk] += 1
                position = self.series_positions[s.pk]
                entries.append(SeriesEntry(series=s, article=article, position=position, label=f"Part {position}"))
        MedicalReview.objects.bulk_create(reviews, batch_size=5000)
        Citation.objects.bulk_create(cites, batch_size=5000)
        TaggedItem.objects.bulk_create(tagged, batch_size=5000)
        SeriesEntry.objects.bulk_create(entries, batch_size=5000)
        # bulk_create sends no signals: review dates, and due dates (which need the series), by hand.
        integrity.refresh_review_dates([a.pk for a in new])
        refresh_due_dates([a.pk for a in new])
        integrity.accept_as_reviewed([a.pk for a in new], keep_snapshot=False)  # the reviews cover the generated text
        return [a.pk for a in new if a.status == Article.Status.PUBLISHED]

    def _related(self, published_ids):
        rnd = self.random
        links = []
        for article_id in published_ids:
            targets = set(rnd.sample(published_ids, min(len(published_ids), rnd.randint(0, 4)))) - {article_id}
            links += [RelatedLink(article_id=article_id, target_id=t, position=p) for p, t in enumerate(targets, start=1)]
        RelatedLink.objects.bulk_create(links, batch_size=5000)
