"""What the services share: who is acting, and spans checked against a document's text."""

from __future__ import annotations

import difflib
import getpass
import os
from collections.abc import Sequence

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
    if 0 <= end < start <= n:
        raise QualcodeError(f"span {start}:{end} ends before it begins", doc.name)
    if start < 0 or end > n or start > end or (start == end and not allow_empty):
        raise QualcodeError(f"span {start}:{end} is outside the text (0:{n})", doc.name)


def choose_from(known) -> str:
    """The item part of an error that refuses a value: what it may be instead."""
    return "choose from: " + ", ".join(known) if known else "there is none yet"


def not_found(what: str, typed: object, names: Sequence[str], most: int = 12) -> QualcodeError:
    """A name that names nothing (`what` says what was looked for: "unknown code"): the names
    it is closest to when it looks like a slip of the keyboard, else what there is."""
    typed = str(typed)
    folded = {n.casefold(): n for n in names}
    close = [folded[n] for n in difflib.get_close_matches(typed.casefold(), list(folded), n=3, cutoff=0.75)]
    if close:
        return QualcodeError(f"{what} '{typed}'", "did you mean " + " or ".join(f"'{n}'" for n in close) + "?")
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return QualcodeError(f"{what} '{typed}'", choose_from(list(names)[:most]) + more)
