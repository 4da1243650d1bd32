"""The page cache: what is stored in each process or in Redis, and what a cache in front of the
app (Varnish, a CDN) may store and is told to forget (``edge``, docs/edge-cache.md)."""
