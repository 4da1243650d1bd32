"""Fixtures shared by the edge tests: a recording purge backend and transactions that commit."""

import pytest
from django.db import transaction

from articles import caching
from articles import edge as article_edge
from cms.pagecache.edge import RecordingPurge


@pytest.fixture
def purges():
    """The recording purge backend, empty: ``purges.purged`` lists each purge's key set."""
    RecordingPurge.reset()
    yield RecordingPurge
    RecordingPurge.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks, purges):
    """Run a function in a transaction that commits (its on-commit hooks run: invalidation, purges)."""

    def run(function):
        # The test's own transaction never commits: drop what building the data queued, so only
        # the function's own changes are purged.
        connection = transaction.get_connection()
        article_edge._local.changes = None
        connection.run_on_commit = [
            entry for entry in connection.run_on_commit
            if entry[1] is not caching._bump and getattr(entry[1], "__func__", None) is not article_edge._Changes.send
        ]
        purges.reset()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            result = function()
        return result

    return run
