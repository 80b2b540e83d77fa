"""How wide text is on a terminal or a page: Chinese characters take two cells.

Pure functions the faces may use as well as the domain (import-linter allows it).
"""

from __future__ import annotations

import re
import unicodedata


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


# East Asian Wide and Fullwidth ranges (what terminals and typesetters draw two cells wide)
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


def display_width(s: str) -> int:
    return len(s) + len(WIDE.findall(s))


def fit_width(text: str, cells: int) -> str:
    """Cut text to a number of terminal cells (Chinese characters take two), marking the cut."""
    if display_width(text) <= cells:
        return text
    text = text[:cells]  # no more characters than cells can fit: trimming a long text stays cheap
    while text and display_width(text) > cells - 1:
        text = text[:-1]
    return text + "…"
