"""Background tasks of the references room (docs/background-tasks.md)."""

from django.tasks import task

from .linkcheck import check_references, stale_references


@task
def check_reference_links(only_stale_days=None, concurrency=10, timeout=10.0, max_time=600.0):
    """Check reference URLs and record each answer, as ``manage.py check_references`` does."""
    summary = check_references(
        list(stale_references(only_stale_days)), concurrency=concurrency, timeout=timeout, max_time=max_time
    )
    return {"checked": len(summary.results), "broken": len(summary.broken), "summary": summary.describe()}
