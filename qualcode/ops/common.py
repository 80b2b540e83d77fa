"""Small pieces the Project's operations share."""

from __future__ import annotations

import getpass
import os

from ..errors import QualcodeError
from ..model import Document


def default_coder() -> str:
    """--coder is handled by the faces; then $QUALCODE_CODER, then the login name."""
    return os.environ.get("QUALCODE_CODER") or getpass.getuser() or "coder"


def check_span(doc: Document, start: int, end: int, allow_empty: bool = False) -> None:
    n = len(doc.text)
    if start < 0 or end > n or start > end or (start == end and not allow_empty):
        raise QualcodeError(f"span {start}:{end} is outside the text (0:{n})", doc.name)


