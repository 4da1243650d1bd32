"""The page cache for anonymous readers: the generation, the HTTP side, the decorator and the
middleware; and what a cache in front of the app (Varnish, a CDN) may store and is told to forget
(``edge``, ``tasks``, ``vetted.vcl``; docs/edge-cache.md)."""
