"""Crosstabs: codes (or themes) × documents, participants, groups or any participant attribute.

What is counted (docs/methods.md Q6):
- Only evidence counts: a segment counts where it covers a participant's speech (see
  `attribution`): for that participant, their group (the participant's `group` attribute, else
  the document's group) and attribute values, and for its document. A segment in a document
  without turns counts for its document and the document's group.
- A cell holds distinct items: segments (distinct spans: the same code on the same span by three
  coders is one segment; in a theme row, one span with two of the theme's codes is one),
  participants, or documents.
- A total is the number of distinct items of its row (column), not the sum of its cells: a
  segment that covers two participants of two groups is in two cells of its row and once in its
  total; a participant who voiced three codes is once in the column total.
Pure: numpy over the rows the store returns; `Matrix.segments(row, col)` drills down.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import QualcodeError
from ..model import SpanRow
from .attribution import Speech, column_of, covered_participants, distinct_coded, explode, speaker_owners, voices

CELL_KINDS = ("segments", "participants", "documents")


@dataclass
class Matrix:
    rows: list[str]
    cols: list[str | None]
    cells: list[list[int]]
    row_totals: list[int]
    col_totals: list[int]
    total: int
    cell_kind: str = "segments"
    title: str = ""  # what it shows, for a file or a screen ("Codes × group: segments")
    _spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 6), dtype=np.int64), repr=False)
    _coded_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64), repr=False)

    def as_json(self) -> dict:
        """The shape of `qualcode matrix --json` (../shared/CLI.md), with the grand total added."""
        return {"rows": self.rows, "cols": self.cols, "cells": self.cells, "row_totals": self.row_totals,
                "col_totals": self.col_totals, "total": self.total, "cell_kind": self.cell_kind}

    def segments(self, row: int | None = None, col: int | None = None) -> list[SpanRow]:
        """The segments behind a cell (or a row's or column's total, with the other None): every
        coder's segment that makes one of its items, in document order."""
        pairs = self._pairs
        keep = np.ones(len(pairs), dtype=bool)
        if row is not None:
            keep &= pairs[:, 1] == row
        if col is not None:
            keep &= pairs[:, 2] == col
        behind = np.isin(self._coded_of, pairs[keep, 0])
        chosen = [SpanRow(*row) for row in self._spans[behind].tolist()]
        return sorted(chosen, key=lambda s: (s.doc_id, s.start, s.end, s.id))


def crosstab(spans: np.ndarray, speech: Speech, rows: Sequence[tuple[str, Collection[int]]], cols: str,
             cells: str = "segments") -> Matrix:
    """`spans`: the coding to count, coders already chosen, as (id, doc_id, code_id, coder_id,
    start, end) rows (Store.span_array); `speech`: who spoke where, for the documents counted;
    `rows`: (label, code ids) — a code, or a theme with its codes; `cols`: 'document',
    'participant', 'group' or a participant attribute's name."""
    if cells not in CELL_KINDS:
        raise QualcodeError(f"unknown cell kind '{cells}' (use {', '.join(CELL_KINDS)})", cells)
    people = sorted(speech.people, key=lambda p: p.key)
    owners = speaker_owners(speech.speakers, {p.key: i for i, p in enumerate(people)})
    chosen = np.array([d.id for d in speech.docs], dtype=np.int64)
    spans = spans[np.isin(spans[:, 1], chosen)]
    turns = np.asarray(speech.turns, dtype=np.int64).reshape(-1, 4)
    turns = turns[np.isin(turns[:, 0], chosen)]
    # several coders' same code on the same span is one segment: count each once
    first, coded_of, span_of = distinct_coded(spans)
    coded = spans[first]
    seg_rows, who = covered_participants(coded[:, 1], coded[:, 4], coded[:, 5], turns, owners)
    col_labels, col_of = column_of(speech.docs, people, voices(turns, owners), cols, coded[seg_rows, 1], who)
    valid = col_of >= 0
    seg_rows, who, col_of = seg_rows[valid], who[valid], col_of[valid]
    # one pair per (segment, row of its code): a code may belong to several themes
    seg_rows, who, col_of, row_idx = _by_row(rows, coded[seg_rows, 2], seg_rows, who, col_of)
    if cells == "segments":  # distinct spans: in a theme's row two of its codes on one span are one
        item = span_of[seg_rows]
    elif cells == "participants":  # a document without turns has no participants to count
        keep = who >= 0
        seg_rows, row_idx, col_of, item = seg_rows[keep], row_idx[keep], col_of[keep], who[keep]
    else:
        item = coded[seg_rows, 1]
    n_rows, n_cols = len(rows), len(col_labels)
    table = _distinct_counts(row_idx * n_cols + col_of, item, n_rows * n_cols).reshape(n_rows, n_cols)
    return Matrix(
        rows=[label for label, _ in rows], cols=col_labels, cells=table.tolist(),
        row_totals=_distinct_counts(row_idx, item, n_rows).tolist(),
        col_totals=_distinct_counts(col_of, item, n_cols).tolist(),
        total=int(np.count_nonzero(np.bincount(item))) if len(item) else 0, cell_kind=cells,
        _spans=spans, _coded_of=coded_of, _pairs=np.stack([seg_rows, row_idx, col_of], axis=1),
    )


def _by_row(rows, codes: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each (segment, …) pair repeated for every row its code is in, with the row's index last."""
    members: dict[int, list[int]] = {}
    for r, (_, code_ids) in enumerate(rows):
        for code in code_ids:
            members.setdefault(int(code), []).append(r)
    known = np.array(sorted(members), dtype=np.int64)
    sizes = np.array([len(members[c]) for c in known.tolist()], dtype=np.int64)
    flat = np.array([r for c in known.tolist() for r in members[c]], dtype=np.int64)
    firsts = np.cumsum(sizes) - sizes
    at = np.minimum(np.searchsorted(known, codes), max(len(known) - 1, 0))
    found = (known[at] == codes) if len(known) else np.zeros(len(codes), dtype=bool)
    counts = np.where(found, sizes[at] if len(sizes) else 0, 0)
    row_idx = flat[np.repeat(firsts[at] if len(firsts) else at, counts) + explode(counts)]
    return (*(np.repeat(c, counts) for c in columns), row_idx)


def _distinct_counts(groups: np.ndarray, items: np.ndarray, size: int) -> np.ndarray:
    """For each group 0..size-1, how many distinct items it has."""
    if not len(groups):
        return np.zeros(size, dtype=np.int64)
    base = int(items.max()) + 1
    if size * base <= 50_000_000:  # a bitmap of (group, item): cheaper than hashing when it fits
        seen = np.zeros(size * base, dtype=bool)
        seen[groups * base + items] = True
        return np.count_nonzero(seen.reshape(size, base), axis=1)
    return np.bincount(np.unique(groups * base + items) // base, minlength=size)
