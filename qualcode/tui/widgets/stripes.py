"""Coding stripes: a gutter beside the transcript with one narrow column per code present in
the rows on screen, and the start time of timed turns.

Each cell says whether a code covers that screen row: █ your coding, ┃ a co-author's, ▓ both;
where a segment begins, the cell shows the code's short label instead (1–9 for the quick codes,
letters for the others), so overlapping codes read as parallel stripes. Rows are the
transcript's rows after soft wrapping: the gutter asks the TextArea's wrapped document where
each row on screen begins (public `offset_to_location` and `get_offsets`), so it follows the
wrapping whatever it is, and it only ever looks at the rows on screen — one index query for
the segments there, however long the transcript or however much of it is coded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from heapq import heappop, heappush

from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text
from textual.geometry import Offset
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ...text.snippet import clock
from ..screens import safe_colour

MINE, THEIRS, BOTH = "█", "┃", "▓"
OVERFLOW = "+"


@dataclass(frozen=True)
class Stripe:
    """One visible segment as the gutter needs it."""

    start: int
    end: int
    code_id: int
    mine: bool


@dataclass(frozen=True)
class Column:
    code_id: int
    label: str  # one cell: a quick-code digit or a letter
    colour: str
    name: str  # the code's label, for the legend


class StripeIndex:
    """Segments for overlap queries over [a, b). Those up to LONG characters are found by
    bisecting their starts from a - LONG; the few longer ones (a whole turn or transcript coded
    at once) are checked one by one. A query reads the segments near the rows, however long
    the document or however much of it is coded."""

    LONG = 4000

    def __init__(self, stripes: list[Stripe]) -> None:
        self.stripes = sorted(stripes, key=lambda s: (s.start, s.end))
        self.short = [s for s in self.stripes if s.end - s.start <= self.LONG]
        self.long = [s for s in self.stripes if s.end - s.start > self.LONG]
        self.starts = [s.start for s in self.short]

    def overlapping(self, a: int, b: int) -> list[Stripe]:
        first = bisect_left(self.starts, a - self.LONG)  # none before it reaches a
        last = bisect_left(self.starts, b)
        found = [s for s in self.short[first:last] if s.end > a]
        found += [s for s in self.long if s.start < b and a < s.end]
        return found


@dataclass
class Frame:
    """What the gutter shows for the rows on screen."""

    columns: list[Column] = field(default_factory=list)
    overflow: bool = False  # more codes on screen than columns: the last column says "+"
    cells: list[list[str]] = field(default_factory=list)  # per row, per column: "", MINE, THEIRS, BOTH
    starts: list[list[bool]] = field(default_factory=list)  # per row, per column: a segment begins here
    times: list[float | None] = field(default_factory=list)  # per row: the start time of a turn labelled here


def columns_needed(index: StripeIndex, window: int) -> int:
    """The most codes found together within `window` characters of the document (about a
    screenful): the columns the gutter needs so that scrolling seldom runs out of them."""
    stripes, most = index.stripes, 0
    active: list[tuple[int, int]] = []  # heap of (end, code) of the stripes in the window
    count: Counter[int] = Counter()
    j = 0
    for stripe in stripes:  # windows [start, start + window) at each stripe's start, left to right
        while j < len(stripes) and stripes[j].start < stripe.start + window:
            heappush(active, (stripes[j].end, stripes[j].code_id))
            count[stripes[j].code_id] += 1
            j += 1
        while active and active[0][0] <= stripe.start:
            _, code = heappop(active)
            count[code] -= 1
            if not count[code]:
                del count[code]
        most = max(most, len(count))
    return most


def compute_frame(rows: list[tuple[int, int]], index: StripeIndex, columns: dict[int, Column],
                  order: dict[int, int], width: int, turn_times: list[tuple[int, float]] | None = None) -> Frame:
    """The gutter for screen rows given as document offsets [a, b) (an empty row covers its line
    break). `columns`: every code's column (label, colour), `order`: codebook order, `width`:
    how many columns there is room for; `turn_times`: (label start, time) of timed turns."""
    frame = Frame()
    if not rows:
        return frame
    spans = [(a, b if b > a else a + 1) for a, b in rows]
    found = index.overlapping(spans[0][0], spans[-1][1])
    present = sorted({s.code_id for s in found if s.code_id in columns}, key=lambda c: order.get(c, 0))
    frame.overflow = len(present) > width
    shown = present[:width - 1] if frame.overflow else present
    frame.columns = [columns[c] for c in shown]
    place = {c: i for i, c in enumerate(shown)}
    n = len(shown) + frame.overflow
    starts = [t for t, _ in turn_times or []]
    for a, b in spans:
        cells, begins = [""] * n, [False] * n
        for s in found:
            if s.start < b and a < s.end and s.code_id in columns:
                i = place.get(s.code_id, n - 1)
                mark = MINE if s.mine else THEIRS
                cells[i] = mark if cells[i] in ("", mark) else BOTH
                begins[i] = begins[i] or a <= s.start < b
        frame.cells.append(cells)
        frame.starts.append(begins)
        k = bisect_left(starts, a)
        frame.times.append(turn_times[k][1] if k < len(starts) and starts[k] < b else None)
    return frame


class StripeGutter(Widget):
    """The gutter; `set_data` gives it the open document's coding, scrolling the transcript
    moves it. Row 0 faces the transcript's top border (column labels), the last its bottom."""

    DEFAULT_CSS = """
    StripeGutter { width: 4; height: 1fr; }
    """

    @dataclass
    class ColumnsChanged(Message):
        """The codes on screen changed (the legend shows them)."""

        columns: list[Column]
        overflow: bool

    def __init__(self, transcript, **kwargs) -> None:
        super().__init__(**kwargs)
        self.transcript = transcript
        self.index = StripeIndex([])
        self.columns: dict[int, Column] = {}
        self.order: dict[int, int] = {}
        self.turn_times: list[tuple[int, float]] = []
        self.stripe_width = 0  # columns for codes
        self.time_width = 0
        self.show_stripes = True
        self.frame = Frame()
        self._last_columns: tuple = ()

    def on_mount(self) -> None:
        for attribute in ("scroll_y", "virtual_size"):
            self.watch(self.transcript, attribute, self.recompute, init=False)

    def set_data(self, stripes: list[Stripe], columns: dict[int, Column], order: dict[int, int],
                 turn_times: list[tuple[int, float]], max_columns: int) -> None:
        """The open document's visible coding; the gutter is as wide as the codes in the document
        (at most `max_columns`), so scrolling never changes its width or the transcript's wrapping."""
        self.index = StripeIndex([s for s in stripes if s.code_id in columns])
        self.columns, self.order = columns, order
        self.turn_times = sorted(turn_times)
        rows = self.visible_rows()  # a screenful, in characters (Chinese fills it with half as many)
        screenful = rows[-1][1] - rows[0][0] if rows else 2000
        self.stripe_width = min(columns_needed(self.index, screenful), max_columns) if self.show_stripes else 0
        latest = max((t for _, t in turn_times), default=0)
        self.time_width = (7 if latest >= 3600 else 5) if turn_times else 0
        width = self.stripe_width + self.time_width + (1 if self.stripe_width and self.time_width else 0)
        self.display = width > 0
        self.styles.width = width
        self.recompute()

    def visible_rows(self) -> list[tuple[int, int]]:
        """Document offsets [a, b) of each transcript row on screen, top to bottom."""
        view = self.transcript
        wrapped = view.wrapped_document
        height = view.scrollable_content_region.height
        top = round(view.scroll_y)
        if height <= 0 or top >= wrapped.height or not view.index.starts:
            return []
        line, column = wrapped.offset_to_location(Offset(0, top))
        rows = []
        while len(rows) < height and line < len(view.index.starts):
            line_start, line_end = view.index.starts[line], view.index.line_end(line)
            bounds = [0, *wrapped.get_offsets(line), line_end - line_start]
            k = min(bisect_right(bounds, column) - 1, len(bounds) - 2)  # an empty line is one row too
            for a, b in zip(bounds[k:], bounds[k + 1:], strict=False):
                rows.append((line_start + a, line_start + b))
                if len(rows) == height:
                    break
            line, column = line + 1, 0
        return rows

    def recompute(self, *_) -> None:
        rows = self.visible_rows() if self.display else []
        width = self.stripe_width
        self.frame = compute_frame(rows, self.index, self.columns if width else {}, self.order, width,
                                   self.turn_times)
        key = tuple(c.code_id for c in self.frame.columns) + (self.frame.overflow,)
        if key != self._last_columns:
            self._last_columns = key
            self.post_message(self.ColumnsChanged(list(self.frame.columns), self.frame.overflow))
        self.refresh()

    def on_resize(self) -> None:
        self.recompute()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._line([(c.label, Style(bold=True, color=safe_colour(c.colour)))
                               for c in self.frame.columns] + ([(OVERFLOW, Style(bold=True))]
                                                               if self.frame.overflow else []), None, width)
        row = y - 1
        if row >= len(self.frame.cells):
            return Strip.blank(width)
        cells = []
        for i, mark in enumerate(self.frame.cells[row]):
            column = self.frame.columns[i] if i < len(self.frame.columns) else None
            colour = safe_colour(column.colour) if column else "#888888"
            if not mark:
                cells.append((" ", None))
            elif column is None:
                cells.append((OVERFLOW, Style(color=colour, bold=True)))
            elif self.frame.starts[row][i]:  # the label where a segment begins
                style = Style(color=colour, bold=True, underline=True) if mark == THEIRS else Style(
                    color="#000000", bgcolor=colour, bold=True)
                cells.append((column.label, style))
            else:
                cells.append((mark, Style(color=colour)))
        return self._line(cells, self.frame.times[row], width)

    def _line(self, cells: list[tuple[str, Style | None]], time: float | None, width: int) -> Strip:
        segments = []
        if self.time_width:
            stamp = clock(time) if time is not None else ""
            segments.append(RichSegment(f"{stamp:>{self.time_width}}", Style(color="#5fafd7", dim=True)))
            if self.stripe_width:
                segments.append(RichSegment(" "))
        segments += [RichSegment(text, style) for text, style in cells[:self.stripe_width]]
        return Strip(segments).adjust_cell_length(width)


class StripeLegend(Static):
    """The codes on screen: label, colour, name — as many as two lines hold (three on a tall
    terminal), whole entries only, then the key to the marks when there is room for it.

    Its height is the document's, not the screen's: it keeps the lines the document's codes
    would take (`reserve`), so that scrolling, which changes the codes on screen, never changes
    the transcript's height — which would change the rows on screen, and so the codes."""

    DEFAULT_CSS = """
    StripeLegend { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    columns: list[Column] = []
    overflow = False
    reserved: list[Column] = []

    def reserve(self, columns: list[Column]) -> None:
        """The open document's codes (those the gutter may show): they decide the height."""
        self.reserved = columns
        self.refresh_legend()

    def show_columns(self, columns: list[Column], overflow: bool) -> None:
        self.columns, self.overflow = columns, overflow
        self.refresh_legend()

    def on_resize(self) -> None:
        if self.reserved:
            self.refresh_legend()

    def refresh_legend(self) -> None:
        width = max(10, self.size.width - 2 if self.size.width else 78)
        room = 3 if self.app.size.height >= 36 else 2  # lines: small terminals keep them for the text
        height = len(self._lines(self.reserved, False, room, width))
        self.styles.height = height
        self.update(Text("\n").join(self._lines(self.columns, self.overflow, height, width)))

    @staticmethod
    def _lines(columns: list[Column], overflow: bool, room: int, width: int) -> list[Text]:
        entries = []
        for column in columns:
            entry = Text()
            entry.append(column.label, style=Style(bold=True, color="#000000", bgcolor=safe_colour(column.colour)))
            entry.append(f" {column.name}")
            entries.append(entry)
        key = Text(f"{MINE} you  {THEIRS} others  {BOTH} both", style="dim")
        lines: list[Text] = [Text()]
        left = 0
        for i, entry in enumerate(entries):
            gap = 2 if lines[-1].cell_len else 0
            if lines[-1].cell_len + gap + entry.cell_len > width:
                if len(lines) == room:
                    left = len(entries) - i
                    break
                lines.append(Text())
                gap = 0
            lines[-1].append(" " * gap)
            lines[-1].append_text(entry)
        tail = Text(f"+{left} more", style="italic") if left else (
            Text("+ more in the inspector", style="italic") if overflow else None)
        for extra in (tail, key):
            if extra is None:
                continue
            if lines[-1].cell_len + 2 + extra.cell_len <= width:
                lines[-1].append("  " if lines[-1].cell_len else "")
                lines[-1].append_text(extra)
            elif len(lines) < room:
                lines.append(extra.copy())
            elif extra is tail:  # it must be said: in place of the last entry
                lines[-1].truncate(max(0, width - extra.cell_len - 2), overflow="ellipsis")
                lines[-1].append("  ")
                lines[-1].append_text(extra)
        return lines
