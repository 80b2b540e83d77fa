"""Keyword in context: the query language, matching in one document, and the context around a hit.

Pure functions over a document's text, the word index's spans and its turns; the store
supplies them (`QueryRows`), the query service wires them together. (Text work, so it lives
with the text: the counting of analysis/ does not need it.)

The query language (docs/methods.md Q2):
- `läkare`: one term. `"ta hand om"` or `ta hand om`: a phrase, its terms one after another with
  only white space between them. `vård OR omsorg` (or `|`): either.
- How a term matches depends on the mode:
  - word: a whole word in any of its forms — Swedish (and English) by the lemma the import
    stored (`läkare` finds läkaren, läkarna); Chinese as one jieba word (护士 finds 护士 where
    jieba cut it so, not 护士长);
  - string: the characters anywhere, in any letter case — inside words (`läkare` in
    allmänläkare) and across jieba's word boundaries (疼 in 头疼, 疼痛);
  - auto (the default): Chinese terms (any Han character) as strings, since every run of
    characters may be a word; other terms as words.
- Hits of the alternatives are merged: a span found twice is one hit, and a hit inside a
  longer one (vård inside vårdcentral) gives way to it. One term's string hits do not overlap
  (leftmost first, as `str.count` counts).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..errors import QualcodeError
from ..model import SpeechTurn
from .width import WIDE, display_width

MATCH_MODES = ("auto", "word", "string")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_SPACES = re.compile(r"\s*")
_QUOTES = {'"': '"', "“": "”", "「": "」", "”": "”"}


@dataclass(frozen=True)
class Query:
    """A parsed query: alternatives, each a phrase of one or more terms."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> list[str]:
        return sorted({t for phrase in self.alternatives for t in phrase})


def parse_query(text: str) -> Query:
    """`a OR "b c" | d e` -> ((a,), (b, c), (d, e)): words outside quotes run together as a phrase."""
    alternatives: list[tuple[str, ...]] = []
    current: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] in _QUOTES:
            close = text.find(_QUOTES[text[i]], i + 1)
            if close < 0:
                raise QualcodeError("unclosed quote in query", text)
            current.extend(text[i + 1:close].split())
            i = close + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _QUOTES:
            j += 1
        word = text[i:j]
        i = j
        if word in ("OR", "|"):
            if not current:
                raise QualcodeError("OR needs a term on each side", text)
            alternatives.append(tuple(current))
            current = []
        else:
            current.append(word)
    if not current:
        raise QualcodeError("empty query" if not alternatives else "OR needs a term on each side", text)
    alternatives.append(tuple(current))
    return Query(text, tuple(dict.fromkeys(alternatives)))


def has_han(term: str) -> bool:
    return bool(_HAN.search(term))


def term_kind(term: str, mode: str) -> str:
    """'word' (found through the word index) or 'string' (found in the text)."""
    if mode not in MATCH_MODES:
        raise QualcodeError(f"unknown match mode '{mode}' (use {', '.join(MATCH_MODES)})", mode)
    if mode == "auto":
        return "string" if has_han(term) else "word"
    return mode


def term_keys(term: str, doc_lang: str, word_key: Callable[[str, str], str],
              spellings: Callable[[str], Iterable[str]] | None = None) -> set[str]:
    """The word index keys of a word term in a document of `doc_lang`; `word_key(lang, word)` is
    the import's rule (text.nlp.word_key). Chinese words are stored as they are (with
    `spellings`, text.fold.spellings: in every simplified/traditional spelling); Latin-script
    words by the lemma of the document's language — in a Chinese document by the English lemma
    (its English lines) or as they are (jieba's words in Chinese lines)."""
    if has_han(term):
        return {w.lower() for w in (spellings(term) if spellings else [term])}
    if doc_lang == "zh":
        return {word_key("en", term), term.lower()}
    return {word_key(doc_lang, term)}


def string_pattern(term: str, fold: Callable[[str], str] | None = None) -> re.Pattern:
    """The term's characters in any letter case; with `fold` (text.fold.folded_pattern), Chinese
    characters in any of their simplified/traditional forms."""
    source = fold(term) if fold and has_han(term) else re.escape(term)
    return re.compile(source, re.IGNORECASE if term.lower() != term.upper() else 0)


def find_spans(query: Query, mode: str, text: str, word_spans: Mapping[str, Sequence[tuple[int, int]]],
               patterns: Mapping[str, re.Pattern]) -> list[tuple[int, int]]:
    """All hits of `query` in one document, sorted. `word_spans` holds each word term's spans in
    this document (from the word index), `patterns` each string term's pattern."""
    found: set[tuple[int, int]] = set()
    cache: dict[str, list[tuple[int, int]]] = {}

    def spans_of(term: str) -> list[tuple[int, int]]:
        if term not in cache:
            if term_kind(term, mode) == "word":
                cache[term] = list(word_spans.get(term, ()))
            else:
                cache[term] = [m.span() for m in patterns[term].finditer(text)]
        return cache[term]

    for phrase in query.alternatives:
        hits = spans_of(phrase[0])
        for term in phrase[1:]:
            if not hits:
                break
            hits = _chain(text, hits, spans_of(term))
        found.update(hits)
    return outermost(found)


def _chain(text: str, hits: list[tuple[int, int]], following: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hits extended by a following term that starts after nothing but white space."""
    ends_at: dict[int, list[int]] = {}
    for start, end in following:
        ends_at.setdefault(start, []).append(end)
    chained = []
    for start, end in hits:
        for next_end in ends_at.get(_SPACES.match(text, end).end(), ()):
            chained.append((start, next_end))
    return chained


def outermost(spans) -> list[tuple[int, int]]:
    """Distinct spans, without those that lie inside another one, sorted."""
    kept: list[tuple[int, int]] = []
    reach = -1
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if end > reach:
            kept.append((start, end))
            reach = end
    return kept


def spans_from_flat(flat: Sequence[int] | str) -> list[tuple[int, int]]:
    """[s0, e0, s1, e1, …] (the word index's form, decoded or as its JSON text) -> [(s0, e0), …]."""
    flat = decode(flat)
    return list(zip(flat[0::2], flat[1::2], strict=True))


def decode(flat: Sequence[int] | str) -> Sequence[int]:
    """A flat span list, from the word index's JSON text when need be."""
    return json.loads(flat) if isinstance(flat, str) else flat


def hit_count(flat: Sequence[int] | str) -> int:
    """How many spans a flat list holds, counted without decoding its JSON text."""
    if isinstance(flat, str):
        return (flat.count(",") + 1) // 2 if flat.strip("[] ") else 0
    return len(flat) // 2


# --- context ------------------------------------------------------------------------------------

def _wide_bounds() -> np.ndarray:
    """What terminals draw two cells wide (display_width's character class, "[a-bc-d…]"), as
    half-open bounds [first, last + 1), one after the other, for a vectorised search."""
    ranges = WIDE.pattern[1:-1]
    assert len(ranges) % 3 == 0 and set(ranges[1::3]) == {"-"}, "display_width's class is ranges only"
    return np.array([(ord(ranges[i]), ord(ranges[i + 2]) + 1) for i in range(0, len(ranges), 3)]).reshape(-1)


_WIDE_BOUNDS = _wide_bounds()


def cell_offsets(text: str) -> np.ndarray:
    """cells[i] = the terminal cells text[:i] takes (a Chinese character two), for i in 0..len(text)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    wide = (np.searchsorted(_WIDE_BOUNDS, points, side="right") % 2) == 1
    cells = np.zeros(len(points) + 1, dtype=np.int64)
    np.cumsum(1 + wide, out=cells[1:])
    return cells


def fit(cells: np.ndarray, starts, ends, width: int, los, his) -> tuple[np.ndarray, np.ndarray]:
    """For each hit the furthest left cut and right stop within [lo, hi] that keep each side of
    it within `width` cells (vectorised: one call for all hits of a document)."""
    starts, ends = np.asarray(starts), np.asarray(ends)
    cuts = np.maximum(np.searchsorted(cells, cells[starts] - width, side="left"), los)
    stops = np.minimum(np.searchsorted(cells, cells[ends] + width, side="right") - 1, his)
    return cuts, stops


def _narrow_letter(ch: str) -> bool:
    return ch.isalnum() and not ("\u1100" <= ch and display_width(ch) == 2)


def _in_word(text: str, i: int) -> bool:
    """Whether offset i falls between two letters of one (space-separated) word: Chinese
    characters are words of their own, so a cut between them is a clean cut."""
    return 0 < i < len(text) and _narrow_letter(text[i - 1]) and _narrow_letter(text[i])


def snap(text: str, cut: int, start: int, end: int, stop: int) -> tuple[str, str]:
    """Left and right context from a cut and a stop: moved off a word they fall inside (unless
    that word runs into the hit) and off white space."""
    if _in_word(text, cut):
        boundary = cut
        while boundary < start and _in_word(text, boundary):
            boundary += 1
        if boundary < start:
            cut = boundary
    while cut < start and text[cut].isspace():
        cut += 1
    if _in_word(text, stop):
        boundary = stop
        while boundary > end and _in_word(text, boundary):
            boundary -= 1
        if boundary > end:
            stop = boundary
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return text[cut:start], text[end:stop]


def context(text: str, start: int, end: int, width: int, lo: int = 0, hi: int | None = None) -> tuple[str, str]:
    """The text left and right of [start, end): each at most `width` terminal cells (a Chinese
    character takes two), within [lo, hi), not beginning or ending inside a word nor with white
    space. Both are exact slices: left == text[start - len(left):start]."""
    hi = len(text) if hi is None else hi
    cuts, stops = fit(cell_offsets(text), [start], [end], width, [lo], [hi])
    return snap(text, int(cuts[0]), start, end, int(stops[0]))


# --- hits ---------------------------------------------------------------------------------------


class KwicHit(NamedTuple):
    doc_id: int
    doc: str
    start: int
    end: int
    speaker: str | None
    turn: int | None
    time: float | None
    left: str
    match: str
    right: str

    def as_json(self) -> dict:
        """The shape of `qualcode kwic --json` (../shared/CLI.md)."""
        return {"doc": self.doc, "start": self.start, "end": self.end, "speaker": self.speaker,
                "turn": self.turn, "time": self.time, "left": self.left, "match": self.match, "right": self.right}


Loader = Callable[[list[int]], tuple[Mapping[int, str], Mapping[int, Sequence[SpeechTurn]]]]


def kwic_hits(doc_id: int, doc_name: str, text: str, flat: Sequence[int], turns: Sequence[SpeechTurn],
              width: int) -> list[KwicHit]:
    """The hits of one document (spans flat: [start, end, start, end, …], sorted) with speaker,
    turn, time and context. Context stays within the hit's turn and its line."""
    starts, ends = flat[0::2], flat[1::2]
    turn_starts = [t.start for t in turns]
    found, los, his = [], [], []
    for start, end in zip(starts, ends, strict=True):
        i = bisect_left(turn_starts, start + 1) - 1
        turn = turns[i] if i >= 0 and start < turns[i].end else None
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        hi = len(text) if hi < 0 else hi
        if turn is not None:
            lo, hi = max(lo, min(turn.start, start)), min(hi, max(turn.end, end))
        found.append(turn)
        los.append(lo)
        his.append(hi)
    cuts, stops = fit(cell_offsets(text), starts, ends, width, los, his)
    hits = []
    for start, end, turn, cut, stop in zip(starts, ends, found, cuts.tolist(), stops.tolist(), strict=True):
        left, right = snap(text, cut, start, end, stop)
        if turn is None:
            hits.append(KwicHit(doc_id, doc_name, start, end, None, None, None, left, text[start:end], right))
        else:
            hits.append(KwicHit(doc_id, doc_name, start, end, turn.speaker, turn.index, turn.time, left,
                                text[start:end], right))
    return hits


class KwicResult(Sequence[KwicHit]):
    """The hits of a query, located at once (how many, where) and put in context when read.

    A common word has tens of thousands of hits; a screen shows thirty. Reading a hit loads
    its document's text and turns (`load`, in batches of documents, a bounded number kept),
    so the cost of a query is that of finding its postings, and each page costs its own."""

    BATCH_HITS = 2000  # about how many hits one load of documents serves
    BATCH_DOCS = 16  # and at most this many documents
    KEEP_CHARS = 4_000_000  # document text kept between reads

    def __init__(self, located: Sequence[tuple[int, str, Sequence[int] | str]], load: Loader, width: int = 40,
                 texts: Mapping[int, str] | None = None, turns: Mapping[int, Sequence[SpeechTurn]] | None = None):
        """`located`: (document id, name, flat spans — or their JSON text, decoded when read) in
        project order, spans sorted."""
        self._docs = [d for d in located if hit_count(d[2])]
        self._first: list[int] = []  # index of each document's first hit
        total = 0
        for _, _, flat in self._docs:
            self._first.append(total)
            total += hit_count(flat)
        self._len = total
        self._load = load
        self.title = "Keyword in context"  # what was asked, for a file or a screen
        self.width = width
        self._texts: dict[int, str] = {}
        self._turns: dict[int, Sequence[SpeechTurn]] = dict(turns or {})
        self._hits: dict[int, list[KwicHit]] = {}  # by position in self._docs
        kept = 0
        for doc_id, _, _ in self._docs:
            if texts and doc_id in texts and kept < self.KEEP_CHARS:
                self._texts[doc_id] = texts[doc_id]
                kept += len(texts[doc_id])

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        d = bisect_left(self._first, index + 1) - 1
        return self._doc_hits(d)[index - self._first[d]]

    def __iter__(self):
        for d in range(len(self._docs)):
            yield from self._doc_hits(d)
            self._hits.pop(d, None)  # read once in order: nothing to keep

    def spans(self) -> list[tuple[int, int, int]]:
        """(document id, start, end) of every hit, without reading any text."""
        return [(doc_id, start, end) for doc_id, _, flat in self._docs for start, end in spans_from_flat(flat)]

    def counts(self) -> list[tuple[str, int]]:
        """(document name, hits) for each document with hits."""
        return [(name, hit_count(flat)) for _, name, flat in self._docs]

    def _doc_hits(self, d: int) -> list[KwicHit]:
        if d not in self._hits:
            doc_id, name, flat = self._docs[d]
            if doc_id not in self._texts or doc_id not in self._turns:
                self._fetch(d)
            if len(self._hits) > 64:
                self._hits.clear()
            self._hits[d] = kwic_hits(doc_id, name, self._texts[doc_id], decode(flat), self._turns.get(doc_id, ()),
                                      self.width)
        return self._hits[d]

    def _fetch(self, d: int) -> None:
        """Load this document and those after it, up to about BATCH_HITS hits, in one go."""
        wanted, hits = [], 0
        for doc_id, _, flat in self._docs[d:]:
            if wanted and (hits + hit_count(flat) > self.BATCH_HITS or len(wanted) >= self.BATCH_DOCS):
                break
            if doc_id not in self._texts or doc_id not in self._turns:
                wanted.append(doc_id)
            hits += hit_count(flat)
        if sum(map(len, self._texts.values())) > self.KEEP_CHARS:
            self._texts.clear()
        texts, turns = self._load(wanted)
        self._texts.update(texts)
        self._turns.update({doc_id: turns.get(doc_id, ()) for doc_id in wanted})
