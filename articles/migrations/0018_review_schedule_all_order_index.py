"""PostgreSQL only: the review schedule's "All published" order from an index.

That group lists never-reviewed articles first, then by due date, title and key
(``review_cycle.due_rows``): ``ORDER BY next_review_on ASC NULLS FIRST``. A B-tree keeps NULLs
last unless told otherwise, so without this index PostgreSQL sorted every published article for
each page (about 100 ms on 100,000 articles); with it a page, however deep, is a walk of a 6 MB
index. SQLite already sorts NULLs first in ascending order, and cannot declare it in an index.
"""

from django.db import migrations

FORWARD = """
CREATE INDEX IF NOT EXISTS article_due_order_idx ON articles_article
  (next_review_on ASC NULLS FIRST, title, id) WHERE status = 'published'
"""
BACKWARD = "DROP INDEX IF EXISTS article_due_order_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0017_taggeditem_tag_object_index"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
