"""What every part of the store shares."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_uid() -> str:
    return str(uuid.uuid4())
