"""Reader feedback: "Was this page helpful?", problem reports, their triage and public corrections.

A nested Django app (label ``feedback``). Imports run one way: ``models`` <- ``redaction``,
``guard`` <- ``services``, ``stats``, ``notifications`` <- ``views``, ``admin``. It imports from
``articles`` (the article, its events, the workflow service); ``articles`` knows it only through
the few hooks named in docs/feedback.md. Design notes: docs/feedback.md.
"""
