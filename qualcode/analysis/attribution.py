"""Who said it: the turns a span covers, and the participants whose speech that is.

The rule (docs/methods.md R1, R4; Q1 for the queries): a segment counts for every participant
whose speech it covers — at least one character of a turn's speech; the speaker's label is no
speech — and never for a moderator. A segment that covers no participant's speech (a label, the moderator's
question, a heading) is no evidence about participants and is not counted; in a document with
no turns at all, every segment counts, for the document. `covered_participants` is that rule
for many segments at once, in one small place, so that the counting rule of issue 11 can
replace it whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..errors import QualcodeError
from ..model import DocRef, Participant, SpanRow, SpeechTurn

MODERATOR = re.compile(r"^(moderator|mod|m|facilitator|intervjuare|interviewer|主持人|主持|访谈者|采访者)\s*\d*$",
                       re.IGNORECASE)
WHOLE_DOCUMENT = -2  # "participant" of a segment in a document without turns
UNIDENTIFIED = -3  # the speaker of a turn whose label is linked to no participant


@dataclass
class Speech:
    """Who spoke where: documents in project order, turns (document id, start, end, speaker id)
    sorted by document and start, speakers (id, label, participant key), participants."""

    docs: Sequence[DocRef]
    turns: np.ndarray | Sequence[tuple[int, int, int, int]]
    speakers: Sequence[tuple[int, str, str | None]]
    people: Sequence[Participant]


def is_moderator(label: str | None) -> bool:
    return bool(label and MODERATOR.match(label))


def moderator_keys(people: Iterable[Participant]) -> frozenset[str]:
    """Participants who speak as a moderator somewhere (by the label they speak under)."""
    return frozenset(p.key for p in people if any(is_moderator(label) for _, label in p.speakers))


class TurnIndex:
    """The turns of one document, for finding the turn at an offset."""

    def __init__(self, turns: Sequence[SpeechTurn]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]

    def at(self, offset: int) -> SpeechTurn | None:
        """The turn whose speech holds `offset` (None in a label or outside turns)."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.turns[i].end:
            return self.turns[i]
        return None


def span_array(spans: Sequence[SpanRow]) -> np.ndarray:
    """Segments as an (n, 6) integer array, columns as SpanRow's (the store's `span_array` form)."""
    flat = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=6 * len(spans))
    return flat.reshape(len(spans), 6)


def distinct_coded(spans: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One sort for two kinds of sameness. Returns, for each distinct (document, code, start,
    end), a row of `spans` that has it; for each row of `spans` the number of its distinct coded
    span; and for each distinct coded span the number of its distinct (document, start, end)."""
    if not len(spans):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((spans[:, 2], spans[:, 5], spans[:, 4], spans[:, 1]))  # document, start, end, code
    s = spans[order]
    new_span = np.ones(len(s), dtype=bool)
    new_span[1:] = (s[1:, 1] != s[:-1, 1]) | (s[1:, 4] != s[:-1, 4]) | (s[1:, 5] != s[:-1, 5])
    new_coded = new_span.copy()
    new_coded[1:] |= s[1:, 2] != s[:-1, 2]
    coded_of = np.empty(len(s), dtype=np.int64)
    coded_of[order] = np.cumsum(new_coded) - 1
    return order[new_coded], coded_of, (np.cumsum(new_span) - 1)[new_coded]


def explode(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each n in counts, one after the other: the offsets of repeated ranges."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def speaker_owners(speakers: Iterable[tuple[int, str, str | None]], participant_index: Mapping[str, int]
                   ) -> dict[int, int]:
    """Speaker id -> whose speech its turns are (methods.md R1): the number (in
    participant_index) of its participant; -1 for a moderator — a participant one of whose
    labels anywhere is a moderator's role word — whose speech is no evidence; UNIDENTIFIED for a
    speaker linked to no participant (whatever its label: only participants are moderators),
    evidence without a participant. `speakers`: (speaker id, label, participant key)."""
    speakers = list(speakers)
    moderators = {key for _, label, key in speakers if key and is_moderator(label)}

    def owner(key: str | None) -> int:
        if key is None:
            return UNIDENTIFIED
        return -1 if key in moderators else participant_index[key]

    return {sid: owner(key) for sid, _, key in speakers}


def overlapping(doc: np.ndarray, start: np.ndarray, end: np.ndarray, units: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (span index, unit index) of spans (document id, start, end: an array each) and units
    ((document id, start, end, …) rows, sorted by document and start, disjoint within a document)
    that share at least one character; and how many units each span shares characters with."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(doc) or not len(units):
        return empty, empty, np.zeros(len(doc), dtype=np.int64)
    # every offset of every document on one line: document id × stride + offset
    stride = int(max(end.max(), units[:, 2].max())) + 1
    # the first unit that ends after the span starts, the last that starts before it ends
    first = np.searchsorted(units[:, 0] * stride + units[:, 2], doc * stride + start, side="right")
    last = np.searchsorted(units[:, 0] * stride + units[:, 1], doc * stride + end, side="left") - 1
    count = np.maximum(last - first + 1, 0)
    return np.repeat(np.arange(len(doc)), count), np.repeat(first, count) + explode(count), count


def covered_participants(doc: np.ndarray, start: np.ndarray, end: np.ndarray, turns: np.ndarray,
                         owners: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """For spans (document id, start, end: one array each), every (span index, speaker) whose
    speech the span covers, each pair once, in no particular order: a participant's number,
    UNIDENTIFIED for a speaker linked to no participant, WHOLE_DOCUMENT for a span in a document
    without turns. Spans that cover no evidence (labels, moderators, headings) are missing.
    `turns`: (document id, start, end, speaker id) rows sorted by document and start; `owners`:
    speaker_owners. A turn's speech is trimmed at both ends and a segment is never white space
    alone (coding refuses it), so sharing a character with the speech is covering one of its
    non-whitespace characters (methods.md R1)."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(doc):
        return empty, empty
    pair_rows, pair_turns, count = overlapping(doc, start, end, turns)
    pair_owner = _lookup(owners, turns[:, 3])[pair_turns] if len(turns) else empty
    # a segment over two turns of one participant is one pair: only such segments need sorting out
    spoken = pair_owner != -1
    single = np.repeat(count == 1, count)
    rows, who = pair_rows[spoken & single], pair_owner[spoken & single]
    if (spoken & ~single).any():
        several, owner = pair_rows[spoken & ~single], pair_owner[spoken & ~single] - UNIDENTIFIED
        base = int(owner.max()) + 1
        pairs = np.unique(several * base + owner)
        rows, who = np.concatenate([rows, pairs // base]), np.concatenate([who, pairs % base + UNIDENTIFIED])
    no_turns = np.flatnonzero(~np.isin(doc, turns[:, 0]))
    rows = np.concatenate([rows, no_turns])
    who = np.concatenate([who, np.full(len(no_turns), WHOLE_DOCUMENT, dtype=np.int64)])
    return rows, who


COLUMN_KINDS = ("document", "participant", "group")  # or the name of any participant attribute


def _lookup(mapping: Mapping[int, int], keys: np.ndarray, missing: int = -1) -> np.ndarray:
    """mapping[k] for each k of keys (missing where absent), through one array."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    size = max(int(keys.max()), max(mapping, default=0)) + 2
    table = np.full(size, missing, dtype=np.int64)
    for k, v in mapping.items():
        if k >= 0:
            table[k] = v
    return table[np.where(keys >= 0, keys, size - 1)]


def voices(turns: np.ndarray, owners: Mapping[int, int]) -> set[tuple[int, int]]:
    """(document id, participant number or UNIDENTIFIED) of everyone who counts and speaks, from turn rows."""
    owner = _lookup(owners, turns[:, 3]) - UNIDENTIFIED  # from 0 up
    base = int(owner.max()) + 1 if len(owner) else 1
    pairs = np.unique(turns[:, 0] * base + owner)  # one number per (document, speaker)
    found = zip((pairs // base).tolist(), (pairs % base + UNIDENTIFIED).tolist(), strict=True)
    return {(d, p) for d, p in found if p >= 0 or p == UNIDENTIFIED}


def column_of(docs: Sequence[DocRef], people: Sequence[Participant], speaking: set[tuple[int, int]], cols: str,
              doc_of: np.ndarray, who: np.ndarray) -> tuple[list, np.ndarray]:
    """Columns of a table by `cols` ('document', 'participant' (or 'speaker'), 'group' or a
    participant attribute), and the column of each (document, participant) pair — participants
    numbered as in `people`, WHOLE_DOCUMENT for documents without turns — or -1 where it has
    none. A group is the participant's `group` attribute, else the document's (and the
    document's for an unidentified speaker). `speaking`: who counts where, as (document id,
    participant number or UNIDENTIFIED) (`voices`): the columns shown are theirs, and the groups
    of documents without turns."""
    doc_ids = np.array(sorted(d.id for d in docs), dtype=np.int64)
    doc_at = np.searchsorted(doc_ids, doc_of)  # each pair's document, as its place in doc_ids
    person = np.maximum(who, 0)
    if cols == "document":
        place = {d.id: i for i, d in enumerate(docs)}
        by_id = np.array([place[d] for d in doc_ids.tolist()], dtype=np.int64)
        return [d.name for d in docs], by_id[doc_at] if len(by_id) else doc_at
    if cols in ("participant", "speaker"):  # `words --by speaker`, `matrix --cols participant`
        shown = sorted({p for _, p in speaking if p >= 0})
        column = np.full(len(people) + 1, -1, dtype=np.int64)
        column[shown] = np.arange(len(shown))
        return [people[i].pseudonym or people[i].key for i in shown], np.where(who >= 0, column[person], -1)
    if cols != "group" and not any(cols in p.attributes for p in people):
        names = sorted({k for p in people for k in p.attributes} - set(COLUMN_KINDS))
        raise QualcodeError(f"no participant attribute '{cols}' (use {', '.join([*COLUMN_KINDS, *names])})")
    attribute = [p.attributes.get(cols) for p in people]
    group_of = {d.id: d.group for d in docs}
    if cols == "group":
        with_turns = {d for d, _ in speaking}
        known = {(attribute[p] if p >= 0 else None) or group_of[d] for d, p in speaking}
        known |= {g for d, g in group_of.items() if d not in with_turns}
    else:
        known = {attribute[p] for _, p in speaking if p >= 0}
    labels = sorted(v for v in known if v is not None)
    index = {v: i for i, v in enumerate(labels)}
    none = len(labels)  # the column of "no value", shown only when used
    of_person = np.array([index.get(v, none) for v in attribute] + [none], dtype=np.int64)
    doc_value = [group_of[d] if cols == "group" else None for d in doc_ids.tolist()]
    of_doc = np.array([index.get(v, none) for v in doc_value] + [none], dtype=np.int64)
    if cols == "group":  # the participant's group, else the document's
        column = np.where((who >= 0) & (of_person[person] != none), of_person[person], of_doc[doc_at])
    else:  # a document without turns has no participants with attributes
        column = np.where(who >= 0, of_person[person], -1)
    if (column == none).any():
        labels.append(None)
    return labels, column
