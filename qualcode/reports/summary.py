"""Theme summaries as data: what a manuscript's results section needs, in no file format.

`summarize()` is a pure function of `SummaryInput` (gathered from a project by
`ReportService.summary_input()`), so every number can be tested by hand. What it counts, and how,
is written down in docs/methods.md (R1–R9); the rule numbers are cited where they apply.

Built for half a million segments: the counts are array operations over the distinct spans and
the pieces of speech they cover (reports/evidence.py), sorted once; quotes are made only for the
few candidates looked at (`quotes` per theme), in the order R9 gives them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from ..analysis.attribution import MODERATOR, explode
from ..analysis.columns import IdIndex, JoinedTexts, sort_order
from ..model import Code, Segment, Theme
from ..text.outward import VALUES_ONLY, VERBATIM
from ..text.redact import Name, Redactor
from ..text.speakers import is_role
from .evidence import Evidence, Speech, TurnArray
from .quote_order import QuoteOrder, queue_ranks

GROUP_WORDS = {"en": "({group} group, {who})", "sv": "(grupp {group}, {who})", "zh": "（{group}组，{who}）"}


@dataclass
class DocInput:
    id: int
    name: str
    group: str | None
    position: int
    text: str
    sentences: Sequence[tuple[int, int]] | np.ndarray  # (start, end) in order; an (n, 2) array will do
    turns: list[tuple[int, int, str | None]]  # speech start, end, participant key


@dataclass
class PersonInput:
    key: str
    pseudonym: str | None
    group: str | None
    labels: list[str]  # speaker labels, in every document where the person speaks
    names: list[str] = field(default_factory=list)  # real names known from attributes

    @property
    def moderator(self) -> bool:
        return any(MODERATOR.match(label) for label in self.labels)


@dataclass
class SummaryInput:
    title: str | None
    documents: list[DocInput]
    people: dict[str, PersonInput]
    codes: list[Code]
    themes: list[Theme]
    segments: list[Segment] | SegmentColumns
    coders: list[str]
    agreement: dict | None = None
    consensus: str | None = None  # the consensus coder's name (R2); None when the project has none
    decided: set[int] = field(default_factory=set)  # documents with a reconciliation decision (R2)
    joined: JoinedTexts | None = None  # the documents' texts end to end, when the caller has them already


@dataclass
class SegmentColumns:
    """Segments as arrays, as a project's half a million are read: rows of id, document id, code
    id, coder (an index into `coders`), start, end, exemplar (0 or 1); the translations apart, by
    segment id (few segments have one)."""

    rows: np.ndarray
    coders: list[str]
    translations: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> SegmentColumns:
        coders = list(dict.fromkeys(s.coder for s in segments))
        index = {c: i for i, c in enumerate(coders)}
        rows = np.array([(s.id, s.doc_id, s.code_id, index[s.coder], s.start, s.end, int(s.exemplar))
                         for s in segments], np.int64).reshape(-1, 7)
        return cls(rows, coders, {s.id: s.translation for s in segments if s.translation})


@dataclass
class Quote:
    text: str
    translation: str | None
    attribution: str
    participant: str | None
    group: str | None
    document: str
    start: int
    end: int
    exemplar: bool
    code: str


@dataclass
class ThemeResult:
    name: str
    definition: str
    codes: list[tuple[str, str, str | None]]  # label, brief definition, colour
    segments: int
    participants: int
    documents: int
    groups: list[str]
    per_group: dict[str, dict[str, int]]  # group -> {"segments", "participants"}
    quotes: list[Quote]
    not_counted: int = 0  # spans with the theme's codes that hold no participant speech (R3)
    memos: list[tuple[str, str, str]] = field(default_factory=list)  # (about, author, text), when asked for


@dataclass
class Summary:
    """What a theme export shows. Not yet redacted: an export renders `Outward(...)(summary)`."""

    title: str | None
    lang: str = field(metadata=VERBATIM)
    documents: int
    participants: int
    moderators: int
    groups: list[str]
    coders: list[str]  # whose coding was counted, the consensus coder apart (R2)
    agreement: dict | None = field(metadata=VALUES_ONLY)  # the report of `team.agreement`
    themes: list[ThemeResult]
    frequencies: list[tuple[str, dict[str, int]]]  # code label -> group -> segments
    saturation: list[tuple[str, int, int]]  # document, new codes, cumulative codes
    consensus: str | None = None
    consensus_documents: int = 0  # documents counted from the consensus coder's segments


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or next(iter(texts.values()), "")


def summarize(inp: SummaryInput, lang: str = "en", *, quotes: int = 3, themes: list[str] | None = None,
              groups: list[str] | None = None, translation: bool = True,
              coders: list[str] | None = None) -> Summary:
    """Per theme: definition, codes, how widely voiced, and quotes safe to publish.

    Counted by the rules of docs/methods.md: R2 picks the coding, R1/R3–R8 count it, R9 quotes it."""
    columns = inp.segments if isinstance(inp.segments, SegmentColumns) else SegmentColumns.of(inp.segments)
    rows = columns.rows
    in_docs = IdIndex([d.id for d in inp.documents])(rows[:, 1]) >= 0
    chosen = _counted_coding(inp, columns, coders)
    counted = _Counted(inp, rows[chosen & in_docs], groups)
    codes = {c.id: c for c in inp.codes}
    redact = _pseudonyms(inp, lang)
    order = counted.quote_order()
    chosen_themes = [t for t in inp.themes if not themes or t.name in themes or t.label(lang) in themes]
    results = []
    for theme in chosen_themes:
        members = [codes[i] for i in theme.code_ids if i in codes]
        theirs = counted.member_codes([c.id for c in members])  # per code
        mine = theirs[counted.code]  # per segment
        per_group, participants = counted.per_group(theirs)
        results.append(ThemeResult(
            name=theme.label(lang), definition=_pick(theme.definition, lang),
            codes=[(c.label(lang), _pick(c.brief, lang).rstrip(".。"), c.color) for c in members],
            segments=counted.distinct_spans(counted.counted & mine), participants=participants,
            documents=counted.distinct_documents(counted.counted & mine), groups=sorted(per_group),
            per_group=per_group,
            quotes=_quotes(counted, order.of(theirs), codes, lang, quotes,
                           columns.translations if translation else {}, redact),
            not_counted=counted.distinct_spans(counted.silent & mine),
        ))
    included_people = {p for d in inp.documents for p in _speakers(d.turns) if p}
    people = [inp.people[k] for k in sorted(included_people) if k in inp.people]
    return Summary(
        title=inp.title, lang=lang, documents=len(inp.documents),
        participants=sum(1 for p in people if not p.moderator), moderators=sum(1 for p in people if p.moderator),
        groups=sorted(counted.voiced_groups() | {d.group for d in inp.documents if d.group}),
        coders=_coders(inp, columns, in_docs, coders), agreement=inp.agreement, themes=results,
        frequencies=counted.frequencies(lang), saturation=counted.saturation(),
        consensus=inp.consensus,
        consensus_documents=_consensus_documents(inp, columns, chosen & in_docs, coders),
    )


def _speakers(turns: Sequence[tuple[int, int, str | None]]) -> Iterable[str | None]:
    return turns.people if isinstance(turns, TurnArray) else (key for _, _, key in turns)


def _counted_coding(inp: SummaryInput, columns: SegmentColumns, coders: list[str] | None) -> np.ndarray:
    """R2: the named coders' segments; else, per document, the consensus where one was made and
    everyone's coding elsewhere. A mask over `columns.rows`."""
    coder = columns.rows[:, 3]
    if coders:
        return np.isin(coder, [i for i, c in enumerate(columns.coders) if c in coders])
    consensus = _consensus_index(inp, columns)
    return (coder == consensus) == np.isin(columns.rows[:, 1], _reconciled(inp, columns))


def _consensus_index(inp: SummaryInput, columns: SegmentColumns) -> int:
    return columns.coders.index(inp.consensus) if inp.consensus in columns.coders else -1


def _reconciled(inp: SummaryInput, columns: SegmentColumns) -> np.ndarray:
    """R2: the documents reconciled: the consensus coder has a segment there, or a decision was
    recorded there (a reconciliation that kept no code at all is still one)."""
    decided = np.fromiter(inp.decided, np.int64, len(inp.decided)) if inp.consensus else np.empty(0, np.int64)
    return np.union1d(columns.rows[columns.rows[:, 3] == _consensus_index(inp, columns), 1], decided)


def _consensus_documents(inp: SummaryInput, columns: SegmentColumns, counted: np.ndarray,
                         coders: list[str] | None) -> int:
    """The reported documents counted from the consensus coder (R2)."""
    if coders:
        return len(np.unique(columns.rows[counted & (columns.rows[:, 3] == _consensus_index(inp, columns)), 1]))
    return int(np.isin(_reconciled(inp, columns), [d.id for d in inp.documents]).sum())


def _coders(inp: SummaryInput, columns: SegmentColumns, in_docs: np.ndarray, coders: list[str] | None) -> list[str]:
    """R2: the coders whose work is counted, other than the consensus coder, in project order."""
    present = {columns.coders[i] for i in np.unique(columns.rows[in_docs, 3]).tolist()}
    present = {c for c in present if not coders or c in coders}
    present.discard(inp.consensus)
    order = {c: i for i, c in enumerate(inp.coders)}
    return sorted(present, key=lambda c: (order.get(c, len(order)), c))


class _Counted:
    """The counted coding (R2) made distinct (R3) and attributed (R1, R4, R6), as arrays.

    Segments: the distinct coded spans (document, code, start, end), one representative each (an
    exemplar, else the first stored), sorted by document id, start, end and code. Spans: the
    distinct (document, start, end). Pieces: the evidence each span covers (within the chosen
    groups); `pieces` lists, for every segment, the pieces of its span (segment by segment)."""

    def __init__(self, inp: SummaryInput, rows: np.ndarray, groups: list[str] | None) -> None:
        self.documents = inp.documents
        self.codes = inp.codes
        self.people = inp.people
        docs = IdIndex([d.id for d in inp.documents])
        if np.any(np.diff(rows[:, 0]) < 0):
            rows = rows[np.argsort(rows[:, 0], kind="stable")]  # by id: the first stored wins a tie
        rows = rows[sort_order(1 - rows[:, 6], rows[:, 2], rows[:, 5], rows[:, 4], rows[:, 1])]
        new = np.ones(len(rows), bool)
        new[1:] = (rows[1:, [1, 2, 4, 5]] != rows[:-1, [1, 2, 4, 5]]).any(axis=1)
        self.rows = rows = rows[new]  # id, document id, code id, coder, start, end, exemplar
        self.doc = docs(rows[:, 1])
        new_span = np.ones(len(rows), bool)
        new_span[1:] = (rows[1:, [1, 4, 5]] != rows[:-1, [1, 4, 5]]).any(axis=1)
        self.span = np.cumsum(new_span) - 1  # each segment's span
        spans = np.flatnonzero(new_span)  # each span's first segment

        people = self.people
        joined = inp.joined or JoinedTexts([d.text for d in inp.documents])
        self.evidence = evidence = Evidence(
            joined, [d.turns for d in inp.documents], [d.group for d in inp.documents],
            lambda key: bool(key in people and people[key].moderator),
            lambda key: people[key].group if key in people else None)
        every = evidence.pieces(self.doc[spans], rows[spans, 4], rows[spans, 5])
        self.silent = (np.bincount(every.span, minlength=len(spans)) == 0)[self.span]  # no participant speech
        if groups is not None:  # R6: other groups' speech is no evidence
            wanted = [i for i, g in enumerate(evidence.groups) if g in set(groups)]
            every = every.where(np.isin(evidence.group[every.stretch], wanted))
        self.found = every
        count = np.bincount(every.span, minlength=len(spans))
        self.first_piece = (np.cumsum(count) - count)[self.span]  # of each segment's span
        self.counted = count[self.span] > 0
        # every segment's pieces, segment by segment
        n = count[self.span]
        self.piece_segment = np.repeat(np.arange(len(rows)), n)
        self.piece = np.repeat(self.first_piece, n) + explode(n)
        stretch = every.stretch[self.piece]
        # groups as the tables name them (no group: "—"), people by key
        self.group_names = sorted({g or "—" for g in evidence.groups})
        named = np.array([self.group_names.index(g or "—") for g in evidence.groups] + [0], np.int64)
        self.piece_group = named[evidence.group[stretch]]
        self.piece_person = evidence.person[stretch]
        self.code_ids = np.unique(rows[:, 2])
        self.code = np.searchsorted(self.code_ids, rows[:, 2])
        self.piece_code = self.code[self.piece_segment]
        # the sorts every theme's counts run over: distinct (group, span), (group, person), person
        span_of_piece = self.span[self.piece_segment]
        self._group_spans = _Runs(self.piece_group, span_of_piece)
        spoken = np.flatnonzero(self.piece_person >= 0)
        self._group_people = _Runs(self.piece_group[spoken], self.piece_person[spoken], spoken)
        self._people = _Runs(self.piece_person[spoken], None, spoken)

    def member_codes(self, code_ids: list[int]) -> np.ndarray:
        """Per code (as `self.code` numbers them): is it one of these?"""
        return np.isin(self.code_ids, code_ids)

    def distinct_spans(self, segments: np.ndarray) -> int:
        """How many distinct spans these segments (a mask) have: spans are in segment order."""
        return int(np.count_nonzero(np.diff(self.span[segments], prepend=-1)))

    def distinct_documents(self, segments: np.ndarray) -> int:
        return int(np.count_nonzero(np.diff(self.rows[segments, 1], prepend=-1)))

    def per_group(self, codes: np.ndarray) -> tuple[dict[str, dict[str, int]], int]:
        """R4, R6: per group, the spans with these codes covering its speech and the participants
        they cover; and the participants in all."""
        selected = codes[self.piece_code]
        spans = self._group_spans.count(selected, len(self.group_names))
        people = self._group_people.count(selected, len(self.group_names))
        per_group = {self.group_names[g]: {"segments": int(spans[g]), "participants": int(people[g])}
                     for g in np.flatnonzero(spans).tolist()}
        return per_group, self._people.distinct(selected)

    def voiced_groups(self) -> set[str]:
        groups = self.evidence.groups
        return {g for g in (groups[i] for i in np.unique(self.evidence.group[self.found.stretch]).tolist()) if g}

    def frequencies(self, lang: str) -> list[tuple[str, dict[str, int]]]:
        """R7: per code and group, the distinct spans covering that group's speech."""
        G = len(self.group_names)
        pairs = _distinct(self.piece_segment * G + self.piece_group)  # each segment's groups, once
        table = np.bincount(self.code[pairs // G] * G + pairs % G, minlength=len(self.code_ids) * G)
        table = table.reshape(len(self.code_ids), G)
        place = {c: i for i, c in enumerate(self.code_ids.tolist())}
        return [(c.label(lang), {self.group_names[g]: int(n) for g, n in enumerate(table[place[c.id]].tolist()) if n})
                for c in self.codes if c.codable and c.id in place and table[place[c.id]].any()]

    def quote_order(self) -> QuoteOrder:
        """R9's order of every piece of every counted segment, as quote candidates."""
        segment, piece = self.piece_segment, self.piece
        stretch = self.found.stretch[piece]
        evidence = self.evidence
        position = np.array([d.position for d in self.documents], np.int64)
        return QuoteOrder(segment, piece, self.rows[segment, 6] == 1, position[self.doc[segment]],
                          self.found.start[piece], self.rows[segment, 4],
                          queue_ranks(evidence.groups)[evidence.group[stretch]],
                          queue_ranks(evidence.people)[evidence.person[stretch]], self.piece_code)

    def saturation(self) -> list[tuple[str, int, int]]:
        """R8: new codes per transcript in import order: when the curve flattens, saturation."""
        by_doc: dict[int, set[int]] = {}
        K = len(self.code_ids)
        for key in _distinct(self.doc[self.counted] * K + self.code[self.counted]).tolist():
            by_doc.setdefault(self.documents[key // K].id, set()).add(int(self.code_ids[key % K]))
        seen: set[int] = set()
        out = []
        for doc in sorted(self.documents, key=lambda d: d.position):
            new = by_doc.get(doc.id, set()) - seen
            seen |= new
            out.append((doc.name, len(new), len(seen)))
        return out


def _distinct(keys: np.ndarray) -> np.ndarray:
    """np.unique for keys that come nearly sorted (segment by segment): a stable sort runs through them."""
    keys = np.sort(keys, kind="stable")
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


class _Runs:
    """Rows sorted by (key, then second key): which runs of equal keys hold a selected row."""

    def __init__(self, key: np.ndarray, second: np.ndarray | None, rows: np.ndarray | None = None) -> None:
        order = sort_order(second, key) if second is not None else sort_order(key)
        self.rows = order if rows is None else rows[order]
        key, second = key[order], (second[order] if second is not None else None)
        new = np.ones(len(key), bool)
        new[1:] = (key[1:] != key[:-1]) | ((second[1:] != second[:-1]) if second is not None else False)
        self.starts = np.flatnonzero(new)
        self.key = key[self.starts]

    def _hit(self, selected: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return np.zeros(0, bool)
        return np.logical_or.reduceat(selected[self.rows], self.starts)

    def count(self, selected: np.ndarray, size: int) -> np.ndarray:
        """Per key value (0 … size-1): the runs with a selected row."""
        return np.bincount(self.key[self._hit(selected)], minlength=size)

    def distinct(self, selected: np.ndarray) -> int:
        """The runs with a selected row."""
        return int(np.count_nonzero(self._hit(selected)))


def _generic(label: str) -> bool:
    """A role word shared by many ("Patient", "Läkare", "医生", "M", "甲"): never substituted,
    or ordinary words in quotes would change; labels with a number or code ("D1", "Läkare 2",
    "护士A") and names are."""
    if len(label) == 1:
        return True
    return is_role(label) and not re.search(r"[0-9]|[\u3400-\u9fff][A-Za-z]$", label)


def _pseudonyms(inp: SummaryInput, lang: str) -> Redactor:
    """Speaker labels (as whole words) and real names in quotes become the person's pseudonym
    (else key): "Jag höll med Anna" -> "Jag höll med P1". A label the pseudonym holds itself
    ("fg/Anna") is left: replacing it would say nothing new. Redacted names are not this step's:
    every export redacts its whole data once (text/outward.py)."""
    names: list[Name] = []
    for person in inp.people.values():
        alias = person.pseudonym or person.key
        names += [Name(label, alias, whole_word=True, parts=False) for label in person.labels
                  if label != alias and not _generic(label) and not _holds(alias, label)]
        names += [Name(name, alias) for name in person.names if name and not _holds(alias, name)]
    return Redactor(names, lang)


def _holds(alias: str, name: str) -> bool:
    return bool(Redactor([name], parts=False).spans(alias))


def _quotes(counted: _Counted, candidates: Iterator[int], codes: dict[int, Code], lang: str, limit: int,
            translations: dict[int, str], redact: Redactor) -> list[Quote]:
    """R9: the first `limit` candidates (in R9's order) that neither overlap nor nearly repeat a
    quote already chosen; a translation goes with the segment's first piece."""
    chosen: list[Quote] = []
    for i in candidates:
        if len(chosen) >= limit:
            break
        s, k = int(counted.piece_segment[i]), int(counted.piece[i])
        segment_id, _, code_id, _, _, _, exemplar = counted.rows[s].tolist()
        doc = counted.documents[counted.doc[s]]
        speech = counted.evidence.speech(int(counted.found.stretch[k]))
        start, end = _quote_span(doc, int(counted.found.start[k]), int(counted.found.end[k]), speech)
        text = redact(doc.text[start:end])
        if any(q.document == doc.name and q.start < end and start < q.end for q in chosen):
            continue
        if any(fuzz.ratio(text, q.text) >= 85 for q in chosen):
            continue  # a near-duplicate says nothing new
        person = speech.person
        p = counted.people.get(person) if person else None
        who = (p.pseudonym or p.key) if p else doc.name
        group = speech.group
        attribution = GROUP_WORDS.get(lang, GROUP_WORDS["en"]).format(group=group or "—", who=who)
        first = k == counted.first_piece[s]
        kept = translations.get(segment_id) if first else None
        chosen.append(Quote(text=text, translation=redact(kept) if kept else None,
                            attribution=attribution, participant=who if p else None, group=group,
                            document=doc.name, start=start, end=end, exemplar=bool(exemplar),
                            code=codes[code_id].label(lang)))
    return chosen


def _quote_span(doc: DocInput, start: int, end: int, speech: Speech) -> tuple[int, int]:
    """The piece widened to the sentences its text touches, within its speech, trimmed of whitespace."""
    start, end = _trim(doc.text, start, end)
    sentences = np.asarray(doc.sentences, np.int64).reshape(-1, 2)
    touching = np.flatnonzero((sentences[:, 0] < end) & (start < sentences[:, 1]))
    if len(touching):
        start, end = min(start, int(sentences[touching[0], 0])), max(end, int(sentences[touching[-1], 1]))
    return _trim(doc.text, max(start, speech.start), min(end, speech.end))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without whitespace at either end; it must hold some other character."""
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return start, end
