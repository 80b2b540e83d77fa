"""What the services share: who is acting, and spans checked against a document's text."""

from __future__ import annotations

import getpass
import os

from ..errors import QualcodeError
from ..model import Document


def env_coder() -> str | None:
    """The coder named for this shell ($QUALCODE_CODER), if any."""
    return os.environ.get("QUALCODE_CODER") or None


def default_coder() -> str:
    """Who acts when no one is named: --coder is the faces' business; then $QUALCODE_CODER,
    then the login name."""
    return env_coder() or getpass.getuser() or "coder"


def check_span(doc: Document, start: int, end: int, allow_empty: bool = False) -> None:
    n = len(doc.text)
    if start < 0 or end > n or start > end or (start == end and not allow_empty):
        raise QualcodeError(f"span {start}:{end} is outside the text (0:{n})", doc.name)
