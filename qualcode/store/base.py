"""What every part of the store shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from ..names import checked_name, unsafe_characters


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_uid() -> str:
    return str(uuid.uuid4())


def check_name(value: str | None, what: str) -> None:
    """The store's last line of defence: no control characters in a name (see qualcode.names).
    Entry points refuse (typed) or clean (read from files) before this is reached."""
    if value is not None:
        checked_name(value, what)


def check_text(value: str | None, what: str) -> None:
    """Longer text (a memo, a definition) may hold line breaks and tabs, no other controls."""
    if value and unsafe_characters(value.replace("\n", "").replace("\t", "")):
        checked_name(value.replace("\n", "").replace("\t", ""), what)
