"""The transcript: a read-only TextArea that paints speaker labels and coded spans.

Offsets are document code points; a line-start index converts them to (row, column) and
back in O(log n). Coded spans are indexed by line when set, so painting a line looks only
at the spans that touch it, whatever the number of segments. `get_line` is TextArea's
documented hook for styling a line; the line cache we clear is private (textual is pinned).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.geometry import Offset
from textual.message import Message
from textual.widgets import TextArea


class LineIndex:
    """Offset <-> (row, column) for '\\n'-separated text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            self.starts.append(i + 1)
            i = find("\n", i + 1)
        self.length = len(text)

    def location(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def offset(self, location: tuple[int, int]) -> int:
        row, column = location
        return self.starts[row] + column

    def line_end(self, row: int) -> int:
        return self.starts[row + 1] - 1 if row + 1 < len(self.starts) else self.length


@dataclass(frozen=True)
class Paint:
    """A span to paint: offsets and a style."""

    start: int
    end: int
    style: Style


class TranscriptView(TextArea):
    """Read-only transcript with painted labels and spans; reports selections as offsets."""

    @dataclass
    class SelectionOffsets(Message):
        start: int
        end: int

    def __init__(self, **kwargs) -> None:
        # no blinking: nothing repaints a long transcript while the coder reads (and pictures of
        # the screen are the same whenever they are taken)
        super().__init__("", read_only=True, soft_wrap=True, show_line_numbers=False, **kwargs)
        self.cursor_blink = False
        # the cursor-line style would paint over the spans on the cursor's row
        self.highlight_cursor_line = False
        self.index = LineIndex("")
        self._by_line: dict[int, list[Paint]] = {}
        self._centre_on_resize = False

    def show(self, text: str) -> None:
        from textual.document._document_navigator import DocumentNavigator

        from .kinsoku import KinsokuDocument

        self.load_text(text)
        # Chinese lines break by kinsoku (private: TextArea makes its WrappedDocument itself)
        self.wrapped_document = KinsokuDocument(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._rewrap_and_refresh_virtual_size()
        self.index = LineIndex(text)
        self._by_line = {}

    def paint(self, paints: list[Paint]) -> None:
        """Replace what is painted. Later paints lie over earlier ones."""
        by_line: dict[int, list[Paint]] = {}
        for p in paints:
            first, _ = self.index.location(p.start)
            last, _ = self.index.location(max(p.start, p.end - 1))
            for row in range(first, last + 1):
                by_line.setdefault(row, []).append(p)
        self._by_line = by_line
        self._line_cache.clear()  # private: TextArea caches rendered lines
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        text = super().get_line(line_index)
        paints = self._by_line.get(line_index)
        if paints:
            line_start = self.index.starts[line_index]
            line_end = line_start + len(text.plain)
            for p in paints:
                a, b = max(p.start, line_start), min(p.end, line_end)
                if a < b:
                    text.stylize(p.style, a - line_start, b - line_start)
        return text

    # --- offsets ------------------------------------------------------------------------------

    @property
    def cursor_offset(self) -> int:
        return self.index.offset(self.cursor_location)

    def selection_offsets(self) -> tuple[int, int]:
        start, end = sorted(self.selection)
        return self.index.offset(start), self.index.offset(end)

    def select_offsets(self, start: int, end: int) -> None:
        from textual.widgets.text_area import Selection

        self.selection = Selection(self.index.location(start), self.index.location(end))
        self.scroll_cursor_visible(center=True)
        self._centre_on_resize = True  # a jump's target: centred again if the layout then changes

    def on_resize(self) -> None:
        """A new width wraps the text anew (TextArea's own handler runs after this one), and the
        rows move under a scroll position kept in rows. What the reader was looking at stays on
        screen: the cursor if it was on screen (centred again after a jump: opening a document
        at a hit, the gutter's width settles after), else the line at the top."""
        wrapped, top = self.wrapped_document, round(self.scroll_y)
        if not self.index.starts or top >= wrapped.height:
            return
        cursor_row = wrapped.location_to_offset(self.cursor_location).y
        if top <= cursor_row < top + self.scrollable_content_region.height:
            self.call_after_refresh(self.scroll_cursor_visible, center=self._centre_on_resize)
        else:
            line, column = wrapped.offset_to_location(Offset(0, top))
            self.call_after_refresh(lambda: self.scroll_to(
                y=self.wrapped_document.location_to_offset((line, column)).y, animate=False))

    def move_to_offset(self, offset: int) -> None:
        self.move_cursor(self.index.location(offset))
        self.scroll_cursor_visible(center=True)


def blend(colours: list[str], background: str = "#1e1e1e", strength: float = 0.55) -> str:
    """One readable background for one or more code colours (text stays legible)."""
    def rgb(c: str) -> tuple[int, int, int]:
        c = c.lstrip("#")
        if len(c) == 3:
            c = "".join(ch * 2 for ch in c)
        try:
            return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
        except ValueError:  # a colour stored by someone else's tool or hand: grey, not a crash
            return 136, 136, 136

    mixed = [sum(rgb(c)[i] for c in colours) / len(colours) for i in range(3)]
    base = rgb(background)
    out = [round(m * strength + b * (1 - strength)) for m, b in zip(mixed, base, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in out)


def coded_paints(spans: list[tuple[int, int, str]], underline_overlaps: bool = True) -> list[Paint]:
    """Paints for coded spans (start, end, colour): where spans overlap, the colours mix and
    the text is underlined, so an overlap is visible without the inspector."""
    edges: dict[int, list[tuple[int, str]]] = {}
    for i, (start, end, colour) in enumerate(spans):
        edges.setdefault(start, []).append((+1, f"{i}\0{colour}"))
        edges.setdefault(end, []).append((-1, f"{i}\0{colour}"))
    active: dict[str, str] = {}
    paints: list[Paint] = []
    position = None
    for offset in sorted(edges):
        if active and position is not None and offset > position:
            colours = sorted(set(active.values()))
            style = Style(bgcolor=blend(colours), underline=underline_overlaps and len(active) > 1)
            paints.append(Paint(position, offset, style))
        for delta, key in edges[offset]:
            if delta > 0:
                active[key] = key.split("\0", 1)[1]
            else:
                active.pop(key, None)
        position = offset
    return paints
