"""The theme summary as it was computed one segment at a time (qualcode before the columnar
rewrite of reports/summary.py): the reference the equivalence test holds the new one to.

Kept verbatim but for its imports (and the per-span evidence of reports/evidence.py, inlined):
its data classes are the product's, so the two summaries compare with ==.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from rapidfuzz import fuzz

from qualcode.analysis.spans import covers
from qualcode.model import Code, Segment
from qualcode.reports.summary import DocInput, Quote, Summary, SummaryInput, ThemeResult
from qualcode.text.redact import Name, Redactor
from qualcode.text.speakers import is_role

GROUP_WORDS = {"en": "({group} group, {who})", "sv": "(grupp {group}, {who})", "zh": "（{group}组，{who}）"}


@dataclass(frozen=True, slots=True)
class Speech:
    """A stretch of evidence: one non-moderator turn's speech, or a whole document without turns."""

    start: int
    end: int
    person: str | None  # None: an unidentified speaker
    group: str | None


@dataclass(frozen=True, slots=True)
class Piece:
    """The part of a span inside one stretch of evidence; it holds some non-whitespace text."""

    start: int
    end: int
    speech: Speech


class Evidence:
    """The evidence of one document (R1) and the pieces of it a span covers."""

    def __init__(self, text: str, turns: list[tuple[int, int, str | None]], doc_group: str | None,
                 is_moderator: Callable[[str], bool], group_of: Callable[[str], str | None]) -> None:
        self.text = text
        if turns:
            self.speech = [Speech(start, end, person, (person and group_of(person)) or doc_group)
                           for start, end, person in sorted(turns)
                           if end > start and not (person and is_moderator(person))]
        else:  # a text without speaker turns is one unidentified speaker's
            self.speech = [Speech(0, len(text), None, doc_group)]
        # the furthest end so far: the first stretch a span can meet, even if turns overlapped
        self._reach = list(accumulate((s.end for s in self.speech), max))

    def pieces(self, start: int, end: int) -> list[Piece]:
        """The evidence [start, end) covers, one piece per stretch of speech, in text order."""
        out = []
        for i in range(bisect_right(self._reach, start), len(self.speech)):
            speech = self.speech[i]
            if speech.start >= end:
                break
            if covers(self.text, start, end, speech.start, speech.end):  # the presence rule, as for units
                out.append(Piece(max(start, speech.start), min(end, speech.end), speech))
        return out


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or next(iter(texts.values()), "")


Span = tuple[int, int, int]  # document id, start, end


def summarize(inp: SummaryInput, lang: str = "en", *, quotes: int = 3, themes: list[str] | None = None,
              groups: list[str] | None = None, translation: bool = True,
              coders: list[str] | None = None) -> Summary:
    """Per theme: definition, codes, how widely voiced, and quotes safe to publish.

    Counted by the rules of docs/methods.md: R2 picks the coding, R1/R3–R8 count it, R9 quotes it."""
    docs = {d.id: d for d in inp.documents}
    chosen = _counted_coding(inp, coders)
    segments = _dedupe([s for s in chosen if s.doc_id in docs])
    evidence = _evidence(inp)
    found: dict[Span, list[Piece]] = {}  # every evidence piece of each distinct span (R1)
    for s in segments:
        span = (s.doc_id, s.start, s.end)
        if span not in found:
            found[span] = evidence[s.doc_id].pieces(s.start, s.end)
    wanted = set(groups) if groups else None  # R6: other groups' speech is no evidence

    def pieces(s: Segment) -> list[Piece]:
        mine = found[(s.doc_id, s.start, s.end)]
        return [p for p in mine if p.speech.group in wanted] if wanted is not None else mine

    counted = [s for s in segments if pieces(s)]
    silent = [s for s in segments if not found[(s.doc_id, s.start, s.end)]]  # no participant speech
    codes = {c.id: c for c in inp.codes}
    redact = _pseudonyms(inp, lang)
    chosen_themes = [t for t in inp.themes if not themes or t.name in themes or t.label(lang) in themes]
    results = []
    for theme in chosen_themes:
        members = [codes[i] for i in theme.code_ids if i in codes]
        ids = {c.id for c in members}
        mine = [s for s in counted if s.code_id in ids]
        spans_in: dict[str, set[Span]] = {}
        people_in: dict[str, set[str]] = {}
        for s in mine:  # a span counts once per group whose speech it covers (R6)
            for p in pieces(s):
                g = p.speech.group or "—"
                spans_in.setdefault(g, set()).add((s.doc_id, s.start, s.end))
                people_in.setdefault(g, set()).update([p.speech.person] if p.speech.person else [])
        per_group = {g: {"segments": len(spans_in[g]), "participants": len(people_in[g])} for g in sorted(spans_in)}
        results.append(ThemeResult(
            name=theme.label(lang), definition=_pick(theme.definition, lang),
            codes=[(c.label(lang), _pick(c.brief, lang).rstrip(".。"), c.color) for c in members],
            segments=len({(s.doc_id, s.start, s.end) for s in mine}),
            participants=len(set().union(*people_in.values())), documents=len({s.doc_id for s in mine}),
            groups=sorted(per_group), per_group=per_group,
            quotes=_quotes(inp, mine, pieces, docs, codes, lang, quotes, translation, redact),
            not_counted=len({(s.doc_id, s.start, s.end) for s in silent if s.code_id in ids}),
        ))
    included_people = {p for d in inp.documents for _, _, p in d.turns if p}
    people = [inp.people[k] for k in sorted(included_people) if k in inp.people]
    all_groups = sorted({p.speech.group for s in counted for p in pieces(s) if p.speech.group}
                        | {d.group for d in inp.documents if d.group})
    return Summary(
        title=inp.title, lang=lang, documents=len(inp.documents),
        participants=sum(1 for p in people if not p.moderator), moderators=sum(1 for p in people if p.moderator),
        groups=all_groups, coders=_coders(inp, coders), agreement=inp.agreement, themes=results,
        frequencies=_frequencies(inp, counted, pieces, codes, lang),
        saturation=_saturation(inp, counted), consensus=inp.consensus,
        consensus_documents=len(({s.doc_id for s in chosen if s.coder == inp.consensus}
                                 | (set() if coders or inp.consensus is None else inp.decided)) & docs.keys()),
    )


def _counted_coding(inp: SummaryInput, coders: list[str] | None) -> list[Segment]:
    """R2: the named coders' segments; else, per document, the consensus where one was made and
    everyone's coding elsewhere."""
    if coders:
        return [s for s in inp.segments if s.coder in coders]
    consensus = inp.consensus
    reconciled = {s.doc_id for s in inp.segments if consensus is not None and s.coder == consensus}
    reconciled |= inp.decided if consensus is not None else set()  # decided, perhaps to keep no code
    return [s for s in inp.segments if (s.coder == consensus) == (s.doc_id in reconciled)]


def _coders(inp: SummaryInput, coders: list[str] | None) -> list[str]:
    """R2: the coders whose work is counted, other than the consensus coder, in project order."""
    docs = {d.id for d in inp.documents}
    present = {s.coder for s in inp.segments if s.doc_id in docs and (not coders or s.coder in coders)}
    present.discard(inp.consensus)
    order = {c: i for i, c in enumerate(inp.coders)}
    return sorted(present, key=lambda c: (order.get(c, len(order)), c))


def _evidence(inp: SummaryInput) -> dict[int, Evidence]:
    def is_moderator(key: str) -> bool:
        person = inp.people.get(key)
        return bool(person and person.moderator)

    def group_of(key: str) -> str | None:
        person = inp.people.get(key)
        return person.group if person else None

    return {d.id: Evidence(d.text, d.turns, d.group, is_moderator, group_of) for d in inp.documents}


def _dedupe(segments: list[Segment]) -> list[Segment]:
    """The same code on the same span by several coders counts once."""
    seen, out = set(), []
    for s in sorted(segments, key=lambda s: (s.doc_id, s.start, s.end, s.code_id, not s.exemplar, s.id)):
        key = (s.doc_id, s.code_id, s.start, s.end)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


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


def _quotes(inp: SummaryInput, segments: list[Segment], pieces, docs: dict[int, DocInput], codes: dict[int, Code],
            lang: str, limit: int, translation: bool, redact: Redactor) -> list[Quote]:
    """R9: one candidate per piece of participant speech a segment covers; exemplars first, then
    spread over groups and, within a group, over participants."""
    candidates = sorted(((s, p, i == 0) for s in segments for i, p in enumerate(pieces(s))),
                        key=lambda c: (not c[0].exemplar, docs[c[0].doc_id].position, c[1].start, c[0].start))
    exemplars = [c for c in candidates if c[0].exemplar]
    by_group: dict[str, list] = {}
    for c in candidates:
        if not c[0].exemplar:
            by_group.setdefault(c[1].speech.group or "", []).append(c)
    by_person = lambda c: c[1].speech.person or ""  # noqa: E731
    ordered = _round_robin([_round_robin(_by(v, by_person)) for _, v in sorted(by_group.items())])
    chosen: list[Quote] = []
    for s, piece, first in exemplars + ordered:
        if len(chosen) >= limit:
            break
        doc = docs[s.doc_id]
        start, end = _quote_span(doc, piece)
        text = redact(doc.text[start:end])
        if any(q.document == doc.name and q.start < end and start < q.end for q in chosen):
            continue
        if any(fuzz.ratio(text, q.text) >= 85 for q in chosen):
            continue  # a near-duplicate says nothing new
        person = piece.speech.person
        p = inp.people.get(person) if person else None
        who = (p.pseudonym or p.key) if p else doc.name
        group = piece.speech.group
        attribution = GROUP_WORDS.get(lang, GROUP_WORDS["en"]).format(group=group or "—", who=who)
        keep = translation and first and s.translation
        chosen.append(Quote(text=text, translation=redact(s.translation) if keep else None,
                            attribution=attribution, participant=who if p else None, group=group,
                            document=doc.name, start=start, end=end, exemplar=s.exemplar,
                            code=codes[s.code_id].label(lang)))
    return chosen


def _by(items: list, key) -> list[list]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return [v for _, v in sorted(groups.items())]


def _round_robin(queues: list[list]) -> list:
    """One from each queue in turn until all are empty."""
    queues = [list(q) for q in queues]
    out: list = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def _quote_span(doc: DocInput, piece: Piece) -> tuple[int, int]:
    """The piece widened to the sentences its text touches, within its speech, trimmed of whitespace."""
    start, end = _trim(doc.text, piece.start, piece.end)
    touching = [(a, b) for a, b in doc.sentences if a < end and start < b]
    if touching:
        start, end = min(start, touching[0][0]), max(end, touching[-1][1])
    return _trim(doc.text, max(start, piece.speech.start), min(end, piece.speech.end))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without whitespace at either end; it must hold some other character."""
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return start, end


def _frequencies(inp: SummaryInput, segments: list[Segment], pieces, codes: dict[int, Code],
                 lang: str) -> list[tuple[str, dict[str, int]]]:
    """R7: per code and group, the distinct spans covering that group's speech."""
    table: dict[int, dict[str, int]] = {}
    for s in segments:  # distinct per code already (_dedupe)
        row = table.setdefault(s.code_id, {})
        for g in {p.speech.group or "—" for p in pieces(s)}:
            row[g] = row.get(g, 0) + 1
    return [(codes[c.id].label(lang), table[c.id]) for c in inp.codes if c.codable and c.id in table]


def _saturation(inp: SummaryInput, segments: list[Segment]) -> list[tuple[str, int, int]]:
    """R8: new codes per transcript in import order: when the curve flattens, saturation."""
    seen: set[int] = set()
    out = []
    by_doc: dict[int, set[int]] = {}
    for s in segments:
        by_doc.setdefault(s.doc_id, set()).add(s.code_id)
    for doc in sorted(inp.documents, key=lambda d: d.position):
        new = by_doc.get(doc.id, set()) - seen
        seen |= new
        out.append((doc.name, len(new), len(seen)))
    return out
