"""Background work: Django's tasks framework (``django.tasks``) on ``django-tasks-db``.

Tasks live with their room (``references/tasks.py``, ``articles/tasks.py``,
``cms/pagecache/tasks.py``); this app holds what every task shares: the admin page of task
results with a "Run again" action for failed ones. The worker is ``manage.py db_worker``
(docs/background-tasks.md).
"""
