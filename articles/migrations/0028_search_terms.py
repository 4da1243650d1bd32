"""Issue 27: an article's "also known as" terms, site-wide equivalents, the missed-search log.

On PostgreSQL also:
- the ``pg_trgm`` extension (``CREATE EXTENSION`` needs a superuser or, from PostgreSQL 13, a
  database owner: trusted extension; see docs/search.md for production);
- the search vector's trigger now indexes the terms with the title's weight (A) and adds the
  equivalents of the words found (a title's at A, a summary's or body's at C); it also keeps
  ``search_heading`` (title and terms with their equivalents, GIN-indexed) for suggestions;
- ``articles_searchword``: the vocabulary for spelling corrections, the words (3 to 40 letters)
  of every title, term, tag and equivalent, kept by statement-level triggers (raw SQL and
  ``bulk_create`` included) and GiST-indexed for trigram nearest-neighbour search.
"""
import articles.models.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS articles_searchword (word text PRIMARY KEY);
CREATE INDEX IF NOT EXISTS articles_searchword_trgm ON articles_searchword USING gist (word gist_trgm_ops);

-- The words of a text as the vocabulary keeps them (articles/search/spelling.py splits the same way).
CREATE OR REPLACE FUNCTION articles_search_words(source text) RETURNS SETOF text AS $$
  SELECT w FROM regexp_split_to_table(lower(coalesce(source, '')), '[^[:alpha:]]+') AS w
  WHERE length(w) BETWEEN 3 AND 40
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION articles_searchword_from_articles() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO articles_searchword (word)
    SELECT DISTINCT articles_search_words(n.title || ' ' || n.search_terms)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.title IS DISTINCT FROM o.title OR n.search_terms IS DISTINCT FROM o.search_terms
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO articles_searchword (word)
    SELECT DISTINCT articles_search_words(n.title || ' ' || n.search_terms) FROM new_rows n
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_searchword_insert ON articles_article;
CREATE TRIGGER articles_searchword_insert AFTER INSERT ON articles_article
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_articles();
DROP TRIGGER IF EXISTS articles_searchword_update ON articles_article;
CREATE TRIGGER articles_searchword_update AFTER UPDATE ON articles_article
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_articles();

CREATE OR REPLACE FUNCTION articles_searchword_from_names() RETURNS trigger AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO articles_searchword (word) SELECT DISTINCT articles_search_words(n.%I) FROM new_rows n ON CONFLICT DO NOTHING',
    TG_ARGV[0]);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_searchword_tag_insert ON taggit_tag;
CREATE TRIGGER articles_searchword_tag_insert AFTER INSERT ON taggit_tag
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_names('name');
DROP TRIGGER IF EXISTS articles_searchword_tag_update ON taggit_tag;
CREATE TRIGGER articles_searchword_tag_update AFTER UPDATE ON taggit_tag
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_names('name');
DROP TRIGGER IF EXISTS articles_searchword_equivalent_insert ON articles_searchequivalent;
CREATE TRIGGER articles_searchword_equivalent_insert AFTER INSERT ON articles_searchequivalent
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_names('terms');
DROP TRIGGER IF EXISTS articles_searchword_equivalent_update ON articles_searchequivalent;
CREATE TRIGGER articles_searchword_equivalent_update AFTER UPDATE ON articles_searchequivalent
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_searchword_from_names('terms');

INSERT INTO articles_searchword (word)
SELECT DISTINCT articles_search_words(title || ' ' || search_terms) FROM articles_article
UNION SELECT articles_search_words(name) FROM taggit_tag
ON CONFLICT DO NOTHING;

-- The equivalents of what a document holds: every term of each group one of whose terms
-- (a word, or a phrase) the document contains.
CREATE OR REPLACE FUNCTION articles_search_equivalents(document tsvector) RETURNS tsvector AS $$
  SELECT coalesce(to_tsvector('english', string_agg(g.terms, E'\n')), ''::tsvector)
  FROM articles_searchequivalent g
  WHERE EXISTS (
    SELECT 1 FROM regexp_split_to_table(g.terms, '[\n,;]') AS t
    WHERE numnode(phraseto_tsquery('english', t)) > 0 AND document @@ phraseto_tsquery('english', t)
  )
$$ LANGUAGE sql STABLE;

-- search_heading: the title and terms alone (with their equivalents), small enough to be read
-- without TOAST, for suggestions as a reader types (articles/search/suggest.py).
ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_heading tsvector;

CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
DECLARE
  heading tsvector := to_tsvector('english', coalesce(NEW.title, '') || E'\n' || coalesce(NEW.search_terms, ''));
  heading_equivalents tsvector := articles_search_equivalents(heading);
  rest tsvector := setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')), 'C');
BEGIN
  NEW.search_heading := heading || heading_equivalents;
  NEW.search_vector := setweight(heading, 'A') || rest ||
    setweight(heading_equivalents, 'A') || setweight(articles_search_equivalents(rest), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

UPDATE articles_article SET search_heading = to_tsvector('english', title || E'\n' || search_terms);
CREATE INDEX IF NOT EXISTS article_search_heading_gin ON articles_article USING gin (search_heading);

DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
CREATE TRIGGER articles_article_search_vector
  BEFORE INSERT OR UPDATE OF title, summary, body, search_terms ON articles_article
  FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
"""

# Back to 0007's vector (title A, summary B, body C); the extension stays (others may use it).
BACKWARD = r"""
DROP TRIGGER IF EXISTS articles_searchword_insert ON articles_article;
DROP TRIGGER IF EXISTS articles_searchword_update ON articles_article;
DROP TRIGGER IF EXISTS articles_searchword_tag_insert ON taggit_tag;
DROP TRIGGER IF EXISTS articles_searchword_tag_update ON taggit_tag;
DROP TRIGGER IF EXISTS articles_searchword_equivalent_insert ON articles_searchequivalent;
DROP TRIGGER IF EXISTS articles_searchword_equivalent_update ON articles_searchequivalent;
DROP FUNCTION IF EXISTS articles_searchword_from_articles();
DROP FUNCTION IF EXISTS articles_searchword_from_names();
DROP TABLE IF EXISTS articles_searchword;
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
CREATE TRIGGER articles_article_search_vector
  BEFORE INSERT OR UPDATE OF title, summary, body ON articles_article
  FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
DROP FUNCTION IF EXISTS articles_search_equivalents(tsvector);
DROP FUNCTION IF EXISTS articles_search_words(text);
DROP INDEX IF EXISTS article_search_heading_gin;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_heading;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0027_review_date_floor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEquivalent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('terms', models.TextField(help_text='Two or more spellings or terms that mean the same, one a line or separated by commas (e.g. “oedema, edema”). A search for any of them finds articles with any of them.')),
                ('note', models.CharField(blank=True, help_text='Why these belong together (for editors only).', max_length=200)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'search equivalent',
                'verbose_name_plural': 'search equivalents',
                'ordering': ['terms'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='search_terms',
            field=models.TextField(blank=True, help_text='Other names readers use for this topic, lay and clinical, one a line or separated by commas (e.g. “lymphoedema, arm swelling, swollen arm”). Searched like the title; shown to search engines.', validators=[articles.models.search.validate_terms], verbose_name='also known as'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='search_terms',
            field=models.TextField(blank=True, help_text='Other names readers use for this topic, lay and clinical, one a line or separated by commas (e.g. “lymphoedema, arm swelling, swollen arm”). Searched like the title; shown to search engines.', validators=[articles.models.search.validate_terms], verbose_name='also known as'),
        ),
        migrations.CreateModel(
            name='ResolvedSearch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(max_length=200, unique=True)),
                ('term', models.CharField(max_length=80)),
                ('resolved_at', models.DateTimeField()),
                ('article', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.article')),
                ('resolved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'resolved search',
                'verbose_name_plural': 'resolved searches',
                'ordering': ['-resolved_at'],
            },
        ),
        migrations.CreateModel(
            name='SearchMiss',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(max_length=200)),
                ('day', models.DateField()),
                ('searches', models.PositiveIntegerField(default=0, help_text='Searches shown (first page of results).')),
                ('found_nothing', models.PositiveIntegerField(default=0)),
                ('opened', models.PositiveIntegerField(default=0, help_text='Results opened from these searches.')),
                ('first_seen', models.DateTimeField()),
                ('last_seen', models.DateTimeField()),
            ],
            options={
                'verbose_name': 'search log row',
                'verbose_name_plural': 'search log',
                'ordering': ['-day', 'query'],
                'indexes': [models.Index(fields=['day', 'query'], name='searchmiss_day_query_idx')],
                'constraints': [models.UniqueConstraint(fields=('query', 'day'), name='searchmiss_query_day_unique')],
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
