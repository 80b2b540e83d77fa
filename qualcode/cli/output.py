"""Output helpers for the command line: JSON, aligned tables, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import QualcodeError
from ..names import escape_controls


def emit_json(value) -> None:
    # json escapes C0 controls; C1 and bidi controls are escaped too (\u009b), still the same JSON
    sys.stdout.write(escape_controls(json.dumps(value, ensure_ascii=False, indent=2), keep="\n", json=True) + "\n")


class TerminalSafe:
    """A terminal's text stream that shows control characters from data as escapes (\x1b,
    \u202e) instead of obeying them; line breaks and tabs pass. `unprotected` is the stream
    itself, for our own colours (rich's progress bar)."""

    def __init__(self, stream) -> None:
        self.unprotected = stream

    def write(self, text: str) -> int:
        return self.unprotected.write(escape_controls(text, keep="\n\t"))

    def __getattr__(self, name: str):
        return getattr(self.unprotected, name)


def protect_terminal() -> None:
    """Output to a terminal never carries raw control sequences from data (names, texts).
    Output to a file or a pipe is left exact."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, TerminalSafe) and stream.isatty():
            setattr(sys, name, TerminalSafe(stream))


def emit_table(headers: list[str], rows: list[list], out=None) -> None:
    """A plain aligned table (CJK characters count as two columns)."""
    from ..text.width import display_width

    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(v + " " * (w - display_width(v)) for v, w in zip(row, widths, strict=True))
        out.write(line.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def right_align(text: str, cells: int) -> str:
    """Text padded on the left to `cells` terminal cells (a Chinese character takes two)."""
    from ..text.width import display_width

    return " " * max(cells - display_width(text), 0) + text


def segment_json(s) -> dict:
    return {"id": s.id, "uid": s.uid, "doc": s.doc, "start": s.start, "end": s.end, "code": s.code,
            "coder": s.coder, "text": s.text, "memo": s.memo, "exemplar": s.exemplar,
            "translation": s.translation}


def document_json(d) -> dict:
    return {"id": d.id, "uid": d.uid, "name": d.name, "lang": d.lang, "chars": d.chars,
            "sentences": d.sentences, "turns": d.turns, "speakers": d.speakers, "group": d.group,
            "format": d.format, "encoding": d.encoding}


def code_json(c, codes_by_id: dict) -> dict:
    parent = codes_by_id.get(c.parent_id)
    return {"id": c.id, "uid": c.uid, "name": c.name, "parent": parent.name if parent else None,
            "labels": c.labels, "color": c.color, "codable": c.codable, "retired": c.retired,
            "brief": c.brief, "definition": c.definition, "when_to_use": c.when_to_use,
            "when_not_to_use": c.when_not_to_use, "example": c.example}


@contextmanager
def _progress_bar(total: int | None, what: str, quiet: bool = False,
                  counted: bool = True) -> Iterator[Callable | None]:
    """A rich progress bar on stderr while a long job runs, for people at a terminal: none when
    stderr is not a terminal or when `quiet` (--json). `total` None: a pulsing bar until an
    update says how much there is; `counted` False: a job with no steps to count (an export).
    Yields the update(what, done, total) callback."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    if counted:
        columns.insert(2, MofNCompleteColumn())
    # the terminal itself, not the wrapper that escapes control characters in what we print
    console = Console(file=getattr(sys.stderr, "unprotected", sys.stderr))
    progress = Progress(*columns, console=console, transient=True)
    task = progress.add_task(what, total=total)

    def update(description: str, done: int, of: int) -> None:
        progress.update(task, description=description, completed=done, total=of or total)

    with progress:
        yield update


def _clip(text: str, width: int = 60) -> str:
    """One line of at most `width` terminal cells (a Chinese character takes two)."""
    from ..text.width import fit_width

    return fit_width(" ".join(text.split()), width)


def _pair(value: str, option: str, kind: Callable):
    parts = value.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return kind(parts[0]), kind(parts[1])
    except ValueError:
        raise QualcodeError(f"{option} takes two values separated by ':'", value) from None


def _output_path(out: str) -> Path:
    """A bare file name goes to exports/, the default output folder (made when missing)."""
    path = Path(out)
    if path.parent == Path(".") and not out.startswith("./"):
        path = Path("exports") / path
    if path.parent == Path("exports"):
        path.parent.mkdir(exist_ok=True)
    return path
