"""The one progress bar: tqdm, drawn only on a terminal, so cron mail and piped output stay clean.

Used by the import commands (``import_articles``, ``import_wordpress``) and ``check_references``.
"""

import sys

from django.core.management.base import OutputWrapper
from tqdm import tqdm


def on_terminal(stream):
    """Whether ``stream`` (a file or a command's ``stdout``/``stderr``) is a terminal."""
    return bool(getattr(stream, "isatty", lambda: False)())


def progress_bar(total, *, unit, out=None, shown=None):
    """A tqdm bar of ``total`` ``unit`` written to ``out`` (``sys.stderr`` by default; a command's
    ``self.stderr`` is fine). Drawn only when ``shown``, by default when ``out`` is a terminal.

    Call ``bar.clear()`` before printing a message (the bar comes back at the next update); closing
    the bar removes its line.
    """
    out = sys.stderr if out is None else out
    shown = on_terminal(out) if shown is None else shown
    return tqdm(total=total, unit=unit, file=_Unstyled(out), disable=not shown, leave=False)


class _Unstyled:
    """Writes the bar as it is: a command's stderr would otherwise colour it as an error and end
    each redraw with a new line."""

    def __init__(self, out):
        self.out = out
        self.encoding = getattr(out, "encoding", None)

    def write(self, text):
        if isinstance(self.out, OutputWrapper):
            self.out.write(text, style_func=str, ending="")
        else:
            self.out.write(text)

    def flush(self):
        self.out.flush()
