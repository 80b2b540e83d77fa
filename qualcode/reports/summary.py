"""Theme summaries as data: what a manuscript's results section needs, in no file format.

`summarize()` is a pure function of `SummaryInput` (gathered from a project by
`ReportService.summary_input()`), so every number can be tested by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Code, Segment, Theme
from ..text.speakers import is_role

MODERATOR = re.compile(r"^(moderator|mod|m|facilitator|intervjuare|interviewer|主持人|主持|访谈者|采访者)\s*\d*$",
                       re.IGNORECASE)
GROUP_WORDS = {"en": "({group} group, {who})", "sv": "(grupp {group}, {who})", "zh": "（{group}组，{who}）"}


@dataclass
class DocInput:
    id: int
    name: str
    group: str | None
    position: int
    text: str
    sentences: list[tuple[int, int]]
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
    segments: list[Segment]
    coders: list[str]
    redactions: list[str] = field(default_factory=list)
    agreement: dict | None = None
    consensus: str | None = None  # the consensus coder's name (the project's setting)


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
    memos: list[tuple[str, str, str]] = field(default_factory=list)  # (about, author, text), when asked for


@dataclass
class Summary:
    title: str | None
    lang: str
    documents: int
    participants: int
    moderators: int
    groups: list[str]
    coders: list[str]
    agreement: dict | None
    themes: list[ThemeResult]
    frequencies: list[tuple[str, dict[str, int]]]  # code label -> group -> segments
    saturation: list[tuple[str, int, int]]  # document, new codes, cumulative codes
    redacted: list[str]


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or next(iter(texts.values()), "")


def summarize(inp: SummaryInput, lang: str = "en", *, quotes: int = 3, themes: list[str] | None = None,
              groups: list[str] | None = None, translation: bool = True,
              coders: list[str] | None = None) -> Summary:
    """Per theme: definition, codes, how widely voiced, and quotes safe to publish."""
    docs = {d.id: d for d in inp.documents}
    if coders:
        chosen = [s for s in inp.segments if s.coder in coders]
    else:
        # the consensus where the co-authors made one, everyone's coding elsewhere
        reconciled = {s.doc_id for s in inp.segments if s.coder == inp.consensus}
        chosen = [s for s in inp.segments if (s.coder == inp.consensus) == (s.doc_id in reconciled)]
    coders = sorted({s.coder for s in chosen}, key=inp.coders.index)
    speaker = _speaker_index(inp.documents)
    # what moderators say is not data about participants: not counted, not quoted
    moderators = {k for k, p in inp.people.items() if p.moderator}
    segments = _dedupe([s for s in chosen if s.doc_id in docs and speaker(s) not in moderators])
    group_of = lambda s: _group(inp, docs[s.doc_id], speaker(s))  # noqa: E731
    if groups:
        segments = [s for s in segments if group_of(s) in groups]
    codes = {c.id: c for c in inp.codes}
    redact = _redactor(inp)
    chosen_themes = [t for t in inp.themes if not themes or t.name in themes or t.label(lang) in themes]
    results = []
    for theme in chosen_themes:
        members = [codes[i] for i in theme.code_ids if i in codes]
        mine = [s for s in segments if s.code_id in {c.id for c in members}]
        spans = {(s.doc_id, s.start, s.end) for s in mine}
        people = {speaker(s) for s in mine} - {None}
        per_group: dict[str, dict[str, int]] = {}
        spans_in: dict[str, set] = {}
        people_in: dict[str, set] = {}
        for s in mine:  # like the totals: a span counts once, whatever codes of the theme it has
            g = group_of(s) or "—"
            spans_in.setdefault(g, set()).add((s.doc_id, s.start, s.end))
            people_in.setdefault(g, set()).add(speaker(s))
        for g in spans_in:
            per_group[g] = {"segments": len(spans_in[g]), "participants": len(people_in[g] - {None})}
        results.append(ThemeResult(
            name=theme.label(lang), definition=_pick(theme.definition, lang),
            codes=[(c.label(lang), _pick(c.brief, lang).rstrip(".。"), c.color) for c in members],
            segments=len(spans), participants=len(people), documents=len({s.doc_id for s in mine}),
            groups=sorted(per_group), per_group=dict(sorted(per_group.items())),
            quotes=_quotes(inp, mine, docs, speaker, group_of, codes, lang, quotes, translation, redact),
        ))
    included_people = {p for d in inp.documents for _, _, p in d.turns if p}
    people = [inp.people[k] for k in sorted(included_people) if k in inp.people]
    all_groups = sorted({g for g in (group_of(s) for s in segments) if g}
                        | {d.group for d in inp.documents if d.group})
    return Summary(
        title=inp.title, lang=lang, documents=len(inp.documents),
        participants=sum(1 for p in people if not p.moderator), moderators=sum(1 for p in people if p.moderator),
        groups=all_groups, coders=coders, agreement=inp.agreement, themes=results,
        frequencies=_frequencies(inp, segments, group_of, codes, lang),
        saturation=_saturation(inp, segments), redacted=redact.names,
    )


def _dedupe(segments: list[Segment]) -> list[Segment]:
    """The same code on the same span by several coders counts once."""
    seen, out = set(), []
    for s in sorted(segments, key=lambda s: (s.doc_id, s.start, s.end, s.code_id, not s.exemplar, s.id)):
        key = (s.doc_id, s.code_id, s.start, s.end)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _speaker_index(documents: list[DocInput]):
    from bisect import bisect_right

    index = {d.id: ([t[0] for t in d.turns], d.turns) for d in documents}

    def speaker(segment: Segment) -> str | None:
        starts, turns = index[segment.doc_id]
        i = bisect_right(starts, segment.start) - 1
        if i >= 0 and turns[i][0] <= segment.start < turns[i][1]:
            return turns[i][2]
        return None

    return speaker


def _group(inp: SummaryInput, doc: DocInput, person: str | None) -> str | None:
    p = inp.people.get(person) if person else None
    return (p.group if p and p.group else None) or doc.group


_LATIN = "A-Za-z0-9\u00c0-\u024f"  # letters a name may continue with (a CJK neighbour is no letter)


class _Redactor:
    """Replaces real names and speaker labels by pseudonyms (or [name]) in quotes.

    Names match whole words in any case, in the text's NFC form, also with a Swedish
    genitive s ("Eriks patient" becomes "P12:s patient"); next to Chinese characters too."""

    def __init__(self, replacements: list[tuple[str, str]]) -> None:
        table: dict[str, str] = {}
        for name, alias in replacements:
            name = unicodedata.normalize("NFC", name.strip())
            if name:
                table.setdefault(name.casefold(), alias)
        self.names = sorted(table, key=len, reverse=True)
        self.table = table
        patterns = []
        for name in self.names:
            if re.search(r"[\u3400-\u9fff]", name):
                patterns.append(f"(?P<cjk{len(patterns)}>{re.escape(name)})")
            else:
                end = rf"(?=[^{_LATIN}]|$)"
                patterns.append(rf"(?<![{_LATIN}]){re.escape(name)}(?:(?P<s{len(patterns)}>s){end}|{end})")
        self.regex = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __call__(self, text: str) -> str:
        if not self.regex or not text:
            return text

        def replace(m: re.Match) -> str:
            genitive = any(k.startswith("s") and v for k, v in m.groupdict().items())
            name = m.group(0)[:-1] if genitive else m.group(0)
            alias = self.table.get(name.casefold(), "[name]")
            return alias + ((":s" if alias[-1:].isdigit() else "s") if genitive else "")

        return self.regex.sub(replace, unicodedata.normalize("NFC", text))


def _generic(label: str) -> bool:
    """A role word shared by many ("Patient", "Läkare", "医生", "M", "甲"): never substituted,
    or ordinary words in quotes would change; labels with a number or code ("D1", "Läkare 2",
    "护士A") and names are."""
    if len(label) == 1:
        return True
    return is_role(label) and not re.search(r"[0-9]|[\u3400-\u9fff][A-Za-z]$", label)


def _redactor(inp: SummaryInput) -> _Redactor:
    replacements: list[tuple[str, str]] = []
    for person in inp.people.values():
        alias = person.pseudonym or person.key
        replacements += [(label, alias) for label in person.labels if label != alias and not _generic(label)]
        replacements += [(name, alias) for name in person.names if name]
    replacements += [(name, "[name]") for name in inp.redactions if name]
    return _Redactor(replacements)


def _quotes(inp, segments, docs, speaker, group_of, codes, lang, limit, translation, redact) -> list[Quote]:
    candidates = sorted(segments, key=lambda s: (not s.exemplar, docs[s.doc_id].position, s.start))
    exemplars = [s for s in candidates if s.exemplar]
    others = [s for s in candidates if not s.exemplar]
    # spread the others across groups and people: round-robin over groups, people within
    by_group: dict[str, list[Segment]] = {}
    for s in others:
        by_group.setdefault(group_of(s) or "", []).append(s)
    ordered = _round_robin([_spread_people(v, speaker) for _, v in sorted(by_group.items())])
    chosen: list[Quote] = []
    for s in exemplars + ordered:
        if len(chosen) >= limit:
            break
        doc = docs[s.doc_id]
        start, end = _whole_sentences(doc, s.start, s.end)
        text = redact(doc.text[start:end])
        if any(q.document == doc.name and q.start < end and start < q.end for q in chosen):
            continue
        if any(fuzz.ratio(text, q.text) >= 85 for q in chosen):
            continue  # a near-duplicate says nothing new
        person = speaker(s)
        p = inp.people.get(person) if person else None
        who = (p.pseudonym or p.key) if p else doc.name
        group = group_of(s)
        attribution = GROUP_WORDS.get(lang, GROUP_WORDS["en"]).format(group=group or "—", who=who)
        chosen.append(Quote(text=text, translation=redact(s.translation) if translation and s.translation else None,
                            attribution=attribution, participant=who if p else None, group=group,
                            document=doc.name, start=start, end=end, exemplar=s.exemplar,
                            code=codes[s.code_id].label(lang)))
    return chosen


def _spread_people(segments: list[Segment], speaker) -> list[Segment]:
    by_person: dict[str, list[Segment]] = {}
    for s in segments:
        by_person.setdefault(speaker(s) or "", []).append(s)
    return _round_robin([v for _, v in sorted(by_person.items())])


def _round_robin(queues: list[list[Segment]]) -> list[Segment]:
    """One from each queue in turn until all are empty: no group or person crowds the others out."""
    out: list[Segment] = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def _whole_sentences(doc: DocInput, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the sentences it touches (a quote should not begin mid-sentence)."""
    touching = [(a, b) for a, b in doc.sentences if a < end and start < b]
    if not touching:
        return start, end
    return min(start, touching[0][0]), max(end, touching[-1][1])


def _frequencies(inp, segments, group_of, codes, lang) -> list[tuple[str, dict[str, int]]]:
    table: dict[int, dict[str, int]] = {}
    for s in segments:
        row = table.setdefault(s.code_id, {})
        g = group_of(s) or "—"
        row[g] = row.get(g, 0) + 1
    return [(codes[c.id].label(lang), table.get(c.id, {})) for c in inp.codes if c.codable and c.id in table]


def _saturation(inp: SummaryInput, segments: list[Segment]) -> list[tuple[str, int, int]]:
    """New codes per transcript in import order: when the curve flattens, saturation."""
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
