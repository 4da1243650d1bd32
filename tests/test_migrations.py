"""Every migration of the project's apps can be reversed: migrate to zero and back again."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PROJECT_APPS = ["articles", "references"]


def test_every_operation_of_the_project_migrations_is_reversible():
    """RunPython needs a reverse_code (migrations.RunPython.noop when there is nothing to undo)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {operation.describe()}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in PROJECT_APPS
        for operation in migration.operations
        if not operation.reversible
    ]
    assert irreversible == []


@pytest.mark.django_db(transaction=True)
def test_the_project_apps_migrate_to_zero_and_back(make):
    make.article()  # data in the tables does not stop the way down
    call_command("migrate", "references", "zero", verbosity=0)
    call_command("migrate", "articles", "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith(("articles_", "references_"))]
    call_command("migrate", verbosity=0)
    tables = connection.introspection.table_names()
    assert "articles_article" in tables and "references_citation" in tables
    make.article()  # and the schema works again
