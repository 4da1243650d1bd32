"""The one CSV writer: every CSV download (and the ``review_due --format csv`` output) goes through it.

A download is UTF-8 with a byte-order mark (so Excel reads accents), and every text cell that a
spreadsheet would run as a formula (=, +, -, @, tab or carriage return at the start, also after
spaces) is prefixed with an apostrophe, which shows as text (OWASP's advice for CSV injection).
Numbers and dates pass unchanged: a negative number is a number, not a formula.

Used by the articles export (``articles/reviews/exports.py``), the review schedule's download
(``articles/reviews/staff_views.py``), the audit trail's (``articles/admin/workflow.py``) and the
``review_due`` command. Lives in ``cms/`` because it knows nothing of articles.
"""

import csv

from django.http import HttpResponse, StreamingHttpResponse

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text a spreadsheet will not evaluate; None is an empty cell."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SpreadsheetWriter:
    """``csv.writer`` whose text cells are neutralised (see :func:`neutralise`); other cells as they are."""

    def __init__(self, file, **fmtparams):
        self._writer = csv.writer(file, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) if isinstance(cell, str) or cell is None else cell for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file-like object that hands back what is written: each row comes back as its line of text."""

    def write(self, value):
        return value


def csv_lines(rows):
    """The byte-order mark, then one line of text per row (header first, if ``rows`` starts with one)."""
    writer = SpreadsheetWriter(_Echo())
    yield BYTE_ORDER_MARK
    for row in rows:
        yield writer.writerow(row)


def csv_download(rows, filename, *, stream=True):
    """An attachment ``filename`` holding ``rows``, never stored by a cache.

    Streamed (rows are read while the response is sent) unless ``stream`` is False, for a list
    built in memory anyway (one prefetched read), whose response then has a ``content``.
    """
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(csv_lines(rows), content_type=content_type)
    else:
        response = HttpResponse("".join(csv_lines(rows)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
