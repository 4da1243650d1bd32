"""The article page's reads: page.py (the ORM on SQLite, postgresql.py's statements on PostgreSQL), related posts, paginators."""
