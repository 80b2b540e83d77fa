"""The one error type the faces show to people.

A `QualcodeError` is a user error (bad file, unknown code, bad offsets): the CLI prints it
as one line and exits 2; the TUI shows it as a notification. Anything else is a fault.
"""

from __future__ import annotations


class QualcodeError(Exception):
    def __init__(self, message: str, item: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.item = None if item is None else str(item)

    def __str__(self) -> str:
        return f"{self.message} ({self.item})" if self.item else self.message
