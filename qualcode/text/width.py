"""How wide text is on a terminal or a page: Chinese characters take two cells.

Pure functions the faces may use as well as the domain (import-linter allows it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


# East Asian Wide and Fullwidth ranges (what terminals and typesetters draw two cells wide)
WIDE_RANGES = (
    (0x1100, 0x115F), (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6), (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF), (0x20000, 0x3FFFD),
)
WIDE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in WIDE_RANGES) + "]")


def display_width(s: str) -> int:
    return len(s) + len(WIDE.findall(s))


def line_widths(lines: Sequence[str]) -> list[int]:
    """`display_width` of each line, counted for all of them at once: a regex per line costs
    about 50 ns a character on Chinese text, reading a whole transcript's lines a millisecond."""
    import numpy as np

    if not lines:
        return []
    wide = members(_wide_table(), code_points("".join(lines)))
    before = np.concatenate(([0], np.cumsum(wide, dtype=np.int64)))  # wide characters before each
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    ends = np.cumsum(lengths)
    return (lengths + before[ends] - before[ends - lengths]).tolist()


def code_points(text: str):
    """The characters of `text` as a numpy array of code points (a lone surrogate is one too)."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def code_point_table(ranges: Iterable[tuple[int, int]]):
    """Whether each code point up to the highest of `ranges` (first and last, inclusive) is in
    one of them; the entry after it stands for every code point above (`members`)."""
    import numpy as np

    ranges = list(ranges)
    table = np.zeros(max(high for _, high in ranges) + 2, dtype=bool)
    for low, high in ranges:
        table[low:high + 1] = True
    return table


def members(table, codes):
    """For each of `codes` (`code_points`), whether `table` (`code_point_table`) holds it."""
    import numpy as np

    return table[np.minimum(codes, len(table) - 1)]


@cache
def _wide_table():
    return code_point_table(WIDE_RANGES)


def fit_width(text: str, cells: int) -> str:
    """Cut text to a number of terminal cells (Chinese characters take two), marking the cut."""
    if display_width(text) <= cells:
        return text
    text = text[:cells]  # no more characters than cells can fit: trimming a long text stays cheap
    while text and display_width(text) > cells - 1:
        text = text[:-1]
    return text + "…"
