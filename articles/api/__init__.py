"""The syndication API (issue 25): partners read reviewed articles as JSON under /api/v1/.

Its own Django app (label ``syndication``): partners and their keys, daily usage, webhooks and
their deliveries, and the tombstones of withdrawn articles. What is public is decided by
``Article.objects.published()``; this app only reads it. docs/api.md describes the contract.
"""
