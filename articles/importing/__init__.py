"""Bringing existing content in: the publisher's plain-text pages and WordPress exports.

Parsing is pure (``plaintext``, ``wordpress``, ``dates``, ``slugs``); writing to the
database goes through the service functions in ``apply`` (pages, one transaction each) and
``wordpress_apply`` (posts, one savepoint each in one transaction per file), which publish and
record reviews through ``articles.workflow.rules`` and ``articles.reviews.schedule``. See docs/importing.md.
"""
