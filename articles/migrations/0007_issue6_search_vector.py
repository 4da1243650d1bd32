"""PostgreSQL only: a stored, GIN-indexed search vector on articles, kept current by a trigger.

Weights: title A, summary B, body C (tags stripped). On SQLite this migration does nothing:
search falls back to ``icontains`` (see ``articles/search.py``).
"""

from django.db import migrations

FORWARD = r"""
ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_vector tsvector;

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

UPDATE articles_article SET title = title;

CREATE INDEX IF NOT EXISTS article_search_vector_gin ON articles_article USING gin (search_vector);
"""

BACKWARD = r"""
DROP INDEX IF EXISTS article_search_vector_gin;
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_issue4_history_interval"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
