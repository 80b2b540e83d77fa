"""Span arithmetic over code-point offsets: the presence rule, what lies under a cursor, how
many units are coded. Pure Python, no numpy; the faces may use it as well as the domain.

The presence rule (DESIGN.md, "Agreement, precisely"): a coder's code is present in a unit iff
one of the coder's segments with that code covers a non-whitespace character of the unit.
`covers` states it for one span and one unit; `analysis/agreement.py` computes the same rule
vectorised for whole projects (a property test holds the two equal); reconciliation calls
`present_codes`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class Span(Protocol):
    start: int
    end: int


class CodedSpan(Span, Protocol):
    coder: str
    code: str


S = TypeVar("S", bound=Span)


def covers(text: str, span_start: int, span_end: int, unit_start: int, unit_end: int) -> bool:
    """The presence rule for one span and one unit: their overlap holds a non-whitespace character."""
    start, end = max(span_start, unit_start, 0), min(span_end, unit_end, len(text))
    return start < end and not text[start:end].isspace()


def present_codes(text: str, segments: Iterable[CodedSpan], start: int, end: int) -> dict[str, set[str]]:
    """Per coder, the codes present in the unit [start, end) by the presence rule."""
    found: dict[str, set[str]] = {}
    for s in segments:
        if covers(text, s.start, s.end, start, end):
            found.setdefault(s.coder, set()).add(s.code)
    return found


def covering(segments: Sequence[S], start: int, end: int | None = None) -> list[S]:
    """Segments under a cursor (end None) or overlapping a selection."""
    if end is None or end == start:
        return [s for s in segments if s.start <= start < s.end]
    return [s for s in segments if s.start < end and start < s.end]


def coded_units(units: Sequence[Span], spans: Iterable[tuple[int, int]]) -> int:
    """How many units some span overlaps: merged intervals and a bisection per unit."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ends = [e for _, e in merged]
    count = 0
    for unit in units:
        i = bisect_left(ends, unit.start + 1)  # first interval ending after the unit starts
        if i < len(merged) and merged[i][0] < unit.end:
            count += 1
    return count
