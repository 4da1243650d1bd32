"""The image library (issue 24): images with their alt text, licence and consent, safe uploads,
responsive renditions and the figures that articles and reviewer profiles show.

Its own Django app (label ``media``) nested in ``articles/``. Imports run one way:
``models`` <- ``processing`` (Pillow, renditions) <- ``services`` (the writes) <- ``rendering``
(what pages show) <- ``admin``. It never imports the article models: articles point at images
(``Article.lead_image``, ``Reviewer.photo``), and usage is read through those reverse relations.
See docs/media.md.
"""
