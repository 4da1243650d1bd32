"""Bringing existing content in: the publisher's plain-text pages and WordPress exports.

Parsing is pure (``plaintext``, ``wordpress``, ``dates``); writing to the
database goes through the service functions in ``apply``, one transaction per page.
"""
