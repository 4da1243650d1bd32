"""The admin, the editors' product: one package, one module per concern.

Django's autodiscovery imports ``articles.admin``; importing the modules below registers their
model admins (``articles`` = articles, reviewers, series; ``accounts`` = users and groups;
``tags``). The review cycle's admin parts live with the review cycle (``articles/reviews/admin.py``).
"""

from articles.admin import accounts, articles, tags  # noqa: F401  (registers the model admins)
