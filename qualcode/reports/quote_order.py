"""The order in which a theme's quote candidates are looked at (docs/methods.md R9).

A candidate is a piece of speech a counted segment covers. Exemplars come first, then the rest
in turn over groups and, within a group, over participants; each queue in document order (the
document's position, the piece's start, the segment's start). A theme of 400,000 segments is
quoted three times: the order is sorted once for every theme, and each theme's candidates are
handed out lazily, so only the few looked at become objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ..analysis.columns import sort_order


class QuoteOrder:
    """Candidates as indexes into a summary's pieces of segments (`segment[i]`, `piece[i]`)."""

    def __init__(self, segment: np.ndarray, piece: np.ndarray, exemplar: np.ndarray, position: np.ndarray,
                 piece_start: np.ndarray, segment_start: np.ndarray, group: np.ndarray, person: np.ndarray,
                 code: np.ndarray) -> None:
        """For each candidate: its segment and piece, whether the segment is an exemplar, its
        document's position, the piece's and the segment's start, its queue (group, person: ranks
        of the names the queues are sorted by) and its code. Candidates come segment by
        segment, pieces in text order: ties keep that order."""
        order = sort_order(segment_start, piece_start, position, ~exemplar)
        self.exemplars = order[exemplar[order]]
        rest = order[~exemplar[order]]
        self.queued = rest[sort_order(person[rest], group[rest])]  # ties in order: each queue in order
        self.group, self.person, self.code = group, person, code

    def of(self, codes: np.ndarray) -> Iterator[int]:
        """The candidates with one of these codes (a mask over code numbers), in R9's order."""
        exemplars = self.exemplars[codes[self.code[self.exemplars]]]
        queued = self.queued[codes[self.code[self.queued]]]
        yield from exemplars.tolist()
        if not len(queued):
            return
        group, person = self.group[queued], self.person[queued]
        new = np.ones(len(queued), bool)
        new[1:] = (group[1:] != group[:-1]) | (person[1:] != person[:-1])
        starts = np.flatnonzero(new).tolist()
        queues: dict[int, list[range]] = {}  # group -> its participants' queues, in order
        for lo, hi in zip(starts, [*starts[1:], len(queued)], strict=True):
            queues.setdefault(int(group[lo]), []).append(range(lo, hi))
        items = queued.tolist()
        yield from (items[i] for i in _in_turn([_in_turn(map(iter, q)) for _, q in sorted(queues.items())]))


def _in_turn(iterators: Iterable[Iterator]) -> Iterator:
    """One from each iterator in turn until all are spent."""
    live = list(iterators)
    while live:
        still = []
        for it in live:
            for item in it:
                yield item
                still.append(it)
                break
        live = still


def queue_ranks(names: Sequence[str | None]) -> np.ndarray:
    """Each name's rank among the queue keys (no name: "", the first), plus a last entry for "no one"."""
    rank = {key: i for i, key in enumerate(sorted({n or "" for n in names} | {""}))}
    return np.array([rank[n or ""] for n in names] + [rank[""]], np.int64)
