"""What a transaction has queued to run when it commits.

Three parts of the site gather a transaction's changes and act once, on commit: the page cache's
generation (``cms.pagecache.generation.invalidate``), the edge's purge (``articles.edge``) and the
partners' webhooks (``articles.api.webhooks``). Each asks the same question before queueing: is my
hook still waiting for this transaction? A hook queued inside a savepoint that rolled back is gone
with it, so the answer must come from the connection's own list, not from a flag of ours.
"""

from django.db import transaction


def hook_queued(matches, using=None):
    """Whether a hook for which ``matches(hook)`` is true waits to run when the current transaction
    commits. False outside a transaction (``on_commit`` then runs a hook at once).

    Reads ``connection.run_on_commit``, Django's list of ``(savepoint ids, hook, robust)``: the only
    place that knows which hooks survived a savepoint's rollback. Its first match ends the scan, and
    a collector's hook is queued early in its transaction, so this is cheap however many follow.
    """
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and any(matches(hook) for _sids, hook, *_ in connection.run_on_commit)
