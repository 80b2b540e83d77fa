"""Short pieces of a transcript for lists: cut at word boundaries, and times as a clock reads.

A Swedish text is cut between words, never inside one; a Chinese text may be cut between any two
characters (each is a syllable), but what is kept never begins with a closing mark (，。」…)
nor ends with an opening one (「（…). Widths are terminal cells: a Chinese
character takes two. Pure functions the faces may use as well as the domain.
"""

from __future__ import annotations

from ..model import SpanContext
from .width import WIDE, display_width, fit_width

ELLIPSIS = "…"
CLOSING = set("，。、．・：；！？）」』】〉》〕｝”’…—,.;:!?)]}%")
OPENING = set("（「『【〈《〔｛“‘([{")


def _wide(ch: str) -> bool:
    return bool(WIDE.match(ch))


def flat(text: str) -> str:
    """One line: runs of white space (line breaks included) become one space."""
    return " ".join(text.split())


def _head(text: str, budget: int, not_last: set[str]) -> str:
    """The longest start of `text` at most `budget` cells wide that ends at a word boundary —
    between words, or between Chinese characters unless its last character is in `not_last`."""
    width, best = 0, 0
    for i, ch in enumerate(text):
        if i and width <= budget:
            a = text[i - 1]
            if a == " " or ch == " " or ((_wide(a) or _wide(ch)) and a not in not_last):
                best = i
        width += 2 if _wide(ch) else 1
        if width > budget:
            break
    return text[:best].strip()


def clip_words(text: str, cells: int) -> str:
    """The start of `text` on one line, at most `cells` wide, cut at a word boundary (… marks it)."""
    text = flat(text)
    if display_width(text) <= cells:
        return text
    kept = _head(text, cells - 1, OPENING)
    return kept + ELLIPSIS if kept else fit_width(text, cells)  # one word longer than the room: cut it


def clip_words_left(text: str, cells: int) -> str:
    """The end of `text` on one line, at most `cells` wide, cut at a word boundary (… marks it):
    `clip_words` read from the end, so what is kept never begins with a closing mark."""
    text = flat(text)
    if display_width(text) <= cells:
        return text
    kept = _head(text[::-1], cells - 1, CLOSING)[::-1]
    if not kept:
        while text and display_width(text) > cells - 1:
            text = text[1:]
        return ELLIPSIS + text
    return ELLIPSIS + kept


def clock(seconds: float | None) -> str:
    """A time in a recording as players show it: 4:05, or 1:02:03 from an hour on."""
    if seconds is None:
        return ""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def where(context: SpanContext, document: bool = True) -> str:
    """Where a span sits, as a reader says it: "fokusgrupp1 · P02, P03 · turn 8 · 5:08" (what is
    known; turns counted from 1, as people count them)."""
    parts = [context.document] if document else []
    if context.speakers:
        parts.append(", ".join(context.speakers))
    if context.turn is not None:
        parts.append(f"turn {context.turn + 1}")
    if context.time is not None:
        parts.append(clock(context.time))
    return " · ".join(parts)
