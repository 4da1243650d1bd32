"""A one-line progress bar for the import commands, drawn only on a terminal."""

import shutil


class ProgressBar:
    """``bar.update(done, label)`` redraws the line; nothing is written unless ``stream`` is a terminal."""

    def __init__(self, stream, total, *, unit="files"):
        self.stream = stream
        self.total = total
        self.unit = unit
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.drawn = False

    def update(self, done, label=""):
        if not self.enabled:
            return
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
        fraction = done / self.total if self.total else 1
        filled = int(width * min(1, fraction))
        text = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {self.unit} {label[:30]:<30}"
        self._write(text)
        self.drawn = True

    def clear(self):
        """Remove the bar so that messages print on clean lines."""
        if self.drawn:
            self._write("\r\033[K")
            self.drawn = False

    def _write(self, text):
        # Plain text: a command's stderr would otherwise colour the bar as an error.
        self.stream.write(text, style_func=_plain, ending="")
        self.stream.flush()


def _plain(text):
    return text
