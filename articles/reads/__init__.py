"""The article page's reads: the PostgreSQL statements (postgresql.py) and related posts."""
