"""Line breaking for Chinese (and Japanese) in the transcript: kinsoku.

Closing punctuation (。，、？！；：」』）》 …) never starts a wrapped line and opening brackets
(「『（《 …) never end one: the character before is carried down with it, as typesetters do
when they cannot squeeze. Textual's TextArea wraps with `compute_wrap_offsets`; this wraps
the same way and moves only the breaks that fall on such punctuation, then wraps the rest of
the line anew from there. Textual is pinned: tests/test_kinsoku.py guards the private
attributes of `WrappedDocument` used here.
"""

from __future__ import annotations

import re

from textual._wrap import compute_wrap_offsets
from textual.document._wrapped_document import WrappedDocument

# never at the start of a line (full-width closing marks, CJK punctuation, and the closing quotes
# Chinese uses), never at the end of one (opening marks)
NO_LINE_START = "。，、；：？！）］｝〕〉》」』】〙〗〟’”｠»…‥・·〜～ー％!?,.:;)]}"
NO_LINE_END = "（［｛〔〈《「『【〘〖〝‘“｟«([{"
_NEEDS_CARE = re.compile(f"[{re.escape(NO_LINE_START + NO_LINE_END)}]")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def kinsoku_offsets(line: str, width: int, tab_size: int) -> list[int]:
    """Where to break `line` for `width` cells: Textual's breaks, none before closing
    punctuation or after opening punctuation (unless a line would be left empty)."""
    breaks = compute_wrap_offsets(line, width, tab_size)
    if not breaks or "\t" in line or not _CJK.search(line) or not _NEEDS_CARE.search(line):
        return breaks
    out: list[int] = []
    start = 0
    while True:
        found = _next_break(line, start, width, tab_size)
        if found is None:
            return out
        moved = found
        while moved - 1 > start and (line[moved] in NO_LINE_START or line[moved - 1] in NO_LINE_END):
            moved -= 1  # carry the character before down with the mark
        out.append(moved)
        start = moved


def _next_break(line: str, start: int, width: int, tab_size: int) -> int | None:
    """The first break of `line[start:]`, wrapping only a window of it (a transcript may be
    one very long line): enough characters to overfill the width, up to the end of a word."""
    size = width + 1
    while True:
        end = start + size
        if end < len(line):
            end = re.compile(r"\S*\s*").match(line, end).end()
        offsets = compute_wrap_offsets(line[start:end], width, tab_size)
        if offsets:
            return start + offsets[0]
        if end >= len(line):
            return None
        size *= 2  # zero-width characters: look further


class KinsokuDocument(WrappedDocument):
    """A wrapped document whose lines with CJK punctuation break by kinsoku."""

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        super().wrap(width, tab_width)
        if not width:
            return
        changed = False
        for index, line in enumerate(self.document.lines):
            if _NEEDS_CARE.search(line) and _CJK.search(line):
                offsets = kinsoku_offsets(line, width, self._tab_width)
                if offsets != self._wrap_offsets[index]:
                    self._wrap_offsets[index] = offsets
                    changed = True
        if changed:  # the indexes from wrapped rows to lines, rebuilt as WrappedDocument.wrap does
            self._offset_to_line_info = []
            self._line_index_to_offsets = []
            row = 0
            for index, offsets in enumerate(self._wrap_offsets):
                self._line_index_to_offsets.append([])
                for section in range(len(offsets) + 1):
                    self._offset_to_line_info.append((index, section))
                    self._line_index_to_offsets[index].append(row)
                    row += 1
