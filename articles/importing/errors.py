"""The importers' one error for a page or post that cannot be imported."""


class PageError(Exception):
    """A page that cannot be imported: the reason and, when known, the 1-based line."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message
