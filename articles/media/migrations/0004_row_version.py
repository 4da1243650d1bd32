"""PostgreSQL only: each image row's version, a random token that every write of the row replaces.

The article page reads its pictures inside its own statement, and the process keeps an ``Image``
instance per row it has made one from (``articles/media/reads.py``). With the version the statement
sends a row's columns only when the process does not hold that version yet: otherwise the 36
characters of the token. Writing the 11 rows of a page as JSON on every request (or digesting them
to compare) took the database about 0.15 ms a page, and the page waited for it (docs/media.md).

A trigger, not the model, keeps it, so every write path replaces it: ``save()``, ``update()``,
``bulk_create``, raw SQL; a value written by hand is replaced too. A random UUID rather than a
counter: it never comes back (a counter restarts with a new database, or could be reset), so a
version names one content of one row for good, in a dump restored elsewhere as well. Django's model
does not know the column (as with ``search_vector``). On SQLite this migration does nothing and
the pages read whole rows (``reads.images_by_id``). ``gen_random_uuid()`` is built in from
PostgreSQL 13 (before, it needs the pgcrypto extension). Existing rows get a version each as
the column is added (a volatile default is worked out per row).
"""

from django.db import migrations

FORWARD = r"""
ALTER TABLE media_image ADD COLUMN IF NOT EXISTS row_version uuid NOT NULL DEFAULT gen_random_uuid();

CREATE OR REPLACE FUNCTION media_image_row_version() RETURNS trigger AS $$
BEGIN
  NEW.row_version := gen_random_uuid();
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS media_image_row_version ON media_image;
CREATE TRIGGER media_image_row_version BEFORE INSERT OR UPDATE ON media_image
  FOR EACH ROW EXECUTE FUNCTION media_image_row_version();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS media_image_row_version ON media_image;
DROP FUNCTION IF EXISTS media_image_row_version();
ALTER TABLE media_image DROP COLUMN IF EXISTS row_version;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("media", "0003_description_source_key"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
