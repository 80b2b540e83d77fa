"""How a segment reads in a list: document · speaker · turn · time, then its words cut at word
boundaries, with a little of what was said before and after."""

from __future__ import annotations

from rich.text import Text

from ..text.snippet import clip_words, clip_words_left, where

__all__ = ["in_context", "snippet", "where"]

CONTEXT_CELLS = 24


def snippet(text: str, cells: int) -> str:
    """A segment's words on one line, cut at a word boundary."""
    return clip_words(text, cells)


def in_context(before: str, words: str, after: str, cells: int, highlight: str) -> Text:
    """The segment's words (cut at a word boundary to fit) between dim context, on one line."""
    room = max(12, cells - 2 * CONTEXT_CELLS) if before or after else cells
    before, after = before.split("\n")[-1], after.split("\n")[0]
    left = clip_words_left(before, CONTEXT_CELLS) if before.strip() else ""
    right = clip_words(after, CONTEXT_CELLS) if after.strip() else ""
    line = Text(no_wrap=True, overflow="ellipsis")
    # the spaces where context and words meet, as in the text (clipping trims them)
    line.append(left + (" " if left and before[-1:].isspace() else ""), style="dim")
    line.append(clip_words(words, room), style=highlight)
    line.append((" " if right and after[:1].isspace() else "") + right, style="dim")
    return line
