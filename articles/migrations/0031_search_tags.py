"""PostgreSQL only: an article's tags are searched as text (issue 27).

The search vector's trigger (``0028_search_terms``) adds the names of the article's tags at the
lowest weight (D, below the body's C): a reader typing a tag's name ("lymphoedema") finds the
articles filed under it, and a tag shared by many articles ("treatment", "hormone therapy") does
not lift them above the article whose own text answers the query (at weight B it cost the reader
queries one of 116: docs/search.md). ``search_heading`` (suggestions) is unchanged.

Tags are rows of taggit's tables, not columns of the article, so statement-level triggers keep the
vector when they change: a tag put on or taken off an article (``taggit_taggeditem``: the admin,
``tags.set()``, ``bulk_create``, cascades, raw SQL) and a tag renamed (``taggit_tag``) recompute
the vectors of the articles concerned, with ``search_terms = search_terms`` as ``terms.reindex``
does. (A column list, ``UPDATE OF name``, cannot be combined with transition tables, so the tag
trigger compares the names itself.) Existing tagged articles are re-indexed here.
"""

from django.db import migrations

ARTICLE_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article')"

FORWARD = rf"""
CREATE OR REPLACE FUNCTION articles_article_tag_names(article bigint) RETURNS text AS $$
  SELECT coalesce(string_agg(t.name, E'\n' ORDER BY t.name), '')
  FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
  WHERE ti.object_id = article AND ti.content_type_id = {ARTICLE_TYPE}
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
DECLARE
  heading tsvector := to_tsvector('english', coalesce(NEW.title, '') || E'\n' || coalesce(NEW.search_terms, ''));
  heading_equivalents tsvector := articles_search_equivalents(heading);
  rest tsvector := setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')), 'C') ||
    setweight(to_tsvector('english', articles_article_tag_names(NEW.id)), 'D');
BEGIN
  NEW.search_heading := heading || heading_equivalents;
  NEW.search_vector := setweight(heading, 'A') || rest ||
    setweight(heading_equivalents, 'A') || setweight(articles_search_equivalents(rest), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_search_vector_after_tagging() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE articles_article a SET search_terms = a.search_terms
     WHERE a.id IN (SELECT object_id FROM old_rows WHERE content_type_id = {ARTICLE_TYPE});
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE articles_article a SET search_terms = a.search_terms
     WHERE a.id IN (SELECT object_id FROM new_rows WHERE content_type_id = {ARTICLE_TYPE});
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_search_tagging_insert ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_search_tagging_delete ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_search_tagging_update ON taggit_taggeditem;
CREATE TRIGGER articles_search_tagging_insert AFTER INSERT ON taggit_taggeditem
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_vector_after_tagging();
CREATE TRIGGER articles_search_tagging_delete AFTER DELETE ON taggit_taggeditem
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_vector_after_tagging();
CREATE TRIGGER articles_search_tagging_update AFTER UPDATE ON taggit_taggeditem
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_vector_after_tagging();

CREATE OR REPLACE FUNCTION articles_search_vector_after_tag_rename() RETURNS trigger AS $$
BEGIN
  UPDATE articles_article a SET search_terms = a.search_terms
   WHERE a.id IN (
     SELECT ti.object_id FROM taggit_taggeditem ti
       JOIN new_rows n ON n.id = ti.tag_id JOIN old_rows o ON o.id = n.id
      WHERE n.name IS DISTINCT FROM o.name AND ti.content_type_id = {ARTICLE_TYPE});
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_search_tag_rename ON taggit_tag;
CREATE TRIGGER articles_search_tag_rename AFTER UPDATE ON taggit_tag
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_vector_after_tag_rename();

UPDATE articles_article SET search_terms = search_terms
 WHERE id IN (SELECT object_id FROM taggit_taggeditem WHERE content_type_id = {ARTICLE_TYPE});
"""

# Back to 0028's vector (title and terms A, summary B, body C), tags no longer in it.
BACKWARD = rf"""
DROP TRIGGER IF EXISTS articles_search_tag_rename ON taggit_tag;
DROP TRIGGER IF EXISTS articles_search_tagging_insert ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_search_tagging_delete ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_search_tagging_update ON taggit_taggeditem;
DROP FUNCTION IF EXISTS articles_search_vector_after_tag_rename();
DROP FUNCTION IF EXISTS articles_search_vector_after_tagging();

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
DROP FUNCTION IF EXISTS articles_article_tag_names(bigint);
UPDATE articles_article SET search_terms = search_terms
 WHERE id IN (SELECT object_id FROM taggit_taggeditem WHERE content_type_id = {ARTICLE_TYPE});
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0030_api_changed_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(forward, backward)]
