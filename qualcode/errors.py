"""The one error type the faces show to people.

A `QualcodeError` is a user error (bad file, unknown code, bad offsets): the CLI prints it
as one line and exits 2; the TUI shows it as a notification. Anything else is a fault.
`details` may list what the one line sums up (a merge's conflicts, a file's problems): a face
shows them apart from the error line, one per line.
"""

from __future__ import annotations


class QualcodeError(Exception):
    def __init__(self, message: str, item: object | None = None, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.item = None if item is None else str(item)
        self.details = list(details or [])

    def __str__(self) -> str:
        return f"{self.message} ({self.item})" if self.item else self.message
