"""Plain dataclasses shared by the store, the domain code and both faces."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

Progress = Callable[[str, int, int], None]  # (what, done, total): how long work reports itself

# what a codebook's fields are called on screen and in exports
FIELD_TITLES = {
    "brief": "Brief definition", "definition": "Full definition", "when_to_use": "When to use",
    "when_not_to_use": "When not to use", "example": "Example",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 segment", "2 segments": a count with its noun (English; `many` when not one + s)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… when taken: names of documents, codes and themes are
    unique in a project."""
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name} ({n})", n + 1
    return unique


def decision_key(doc_uid: str, unit: str, start: int, end: int, pair: list[str] | tuple[str, ...]) -> str:
    """The key of a reconciliation decision: its document, unit and span, and the two coders in
    name order (whichever order they are named in). Reconciliation and merge both derive it."""
    first, second = sorted(pair)
    return hashlib.sha1(f"{doc_uid}:{unit}:{start}:{end}:{first}:{second}".encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Turn:
    """A speaker turn. `start`/`end` bound the speech; the label sits at [label_start, start)."""

    index: int
    start: int
    end: int
    speaker: str | None
    label_start: int
    time_start: float | None = None
    time_end: float | None = None


@dataclass(frozen=True)
class Unit:
    """A coding unit (sentence or turn) as half-open code-point offsets."""

    index: int
    start: int
    end: int
    speaker: str | None = None
    turn: int | None = None


class Token(NamedTuple):
    """A word: a tuple because imports make hundreds of thousands of them."""

    start: int
    end: int
    norm: str
    lemma: str


@dataclass
class Document:
    id: int
    uid: str
    name: str
    lang: str
    format: str
    encoding: str | None
    text: str
    raw_sha256: str
    text_sha256: str
    group: str | None
    position: int
    imported_at: str
    source_name: str | None = None


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    uid: str
    name: str
    lang: str
    chars: int
    sentences: int
    turns: int
    speakers: list[str]
    group: str | None
    format: str
    encoding: str | None
    coded: int = 0


@dataclass
class Participant:
    id: int
    uid: str
    key: str
    pseudonym: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    speakers: list[tuple[str, str]] = field(default_factory=list)  # (document name, label)


@dataclass
class Code:
    id: int
    uid: str
    name: str
    parent_id: int | None
    position: int
    color: str | None
    codable: bool = True
    retired: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    brief: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    when_to_use: dict[str, str] = field(default_factory=dict)
    when_not_to_use: dict[str, str] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str | None) -> str:
        """The name in `lang`, falling back to the canonical name."""
        return (lang and self.labels.get(lang)) or self.name


@dataclass
class Theme:
    id: int
    uid: str
    name: str
    position: int
    labels: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    code_ids: list[int] = field(default_factory=list)

    def label(self, lang: str | None) -> str:
        return (lang and self.labels.get(lang)) or self.name


@dataclass
class Segment:
    id: int
    uid: str
    doc_id: int
    doc: str
    code_id: int
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str | None = None
    exemplar: bool = False
    translation: str | None = None
    created_at: str | None = None


@dataclass
class QueueItem:
    """A unit where two coders disagree, as reconciliation shows it."""

    key: str
    position: int
    doc_id: int
    document: str
    unit_index: int
    start: int
    end: int
    text: str
    before: str
    after: str
    codes_a: list[str]  # every code coder A put on the unit
    codes_b: list[str]
    disputed: list[str]  # the codes only one of them put there
    decision: dict | None


# --- what the project-wide queries read (kwic, words, co-occurrence, matrices) ---------------


class DocRef(NamedTuple):
    """A document without its text: enough to name, group and order it."""

    id: int
    name: str
    lang: str
    group: str | None
    position: int


class SpeechTurn(NamedTuple):
    """A turn with who spoke it: the speaker's label and the participant (key) it is linked to
    (tuples: queries read every turn of a project)."""

    doc_id: int
    index: int
    start: int
    end: int
    label: str | None
    participant: str | None
    time: float | None = None
    pseudonym: str | None = None

    @property
    def speaker(self) -> str | None:
        """How a hit names who spoke: the participant's pseudonym where one is set, else the label."""
        return self.pseudonym or self.label


class SpanRow(NamedTuple):
    """A coded segment as the counts need it: numbers only (a big project has hundreds of thousands)."""

    id: int
    doc_id: int
    code_id: int
    coder_id: int
    start: int
    end: int


MEMO_KINDS = ("project", "document", "code", "theme", "participant", "segment")


@dataclass
class Memo:
    """A memo on the project, a document, code, theme, participant, or a coding (kind "segment").

    A coding's memo lives on its segment (`id` None, `target_id` the segment's id; its author is
    the coder); the others are rows of their own."""

    id: int | None
    uid: str
    kind: str
    target_uid: str | None
    target: str | None  # how the target is named: document, code or theme name, participant key
    author: str
    text: str
    created_at: str
    updated_at: str
    target_id: int | None = None  # the segment's id, for a coding's memo
    doc_id: int | None = None  # the document it leads to (a document's memo, a coding's)
    code: str | None = None  # the code of a coding
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Voice:
    """Who speaks in a turn: the label, and the participant it is (if linked)."""

    label: str
    name: str  # the participant's pseudonym where one is set, else the label
    participant: str | None = None
    group: str | None = None  # the participant's group, else the document's
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SpanContext:
    """Where a span sits in its transcript: the speakers whose speech it covers, the first such
    turn (its index, as `units --unit turn` numbers it) and that turn's start time."""

    doc_id: int
    document: str
    position: int  # the document's place in import order
    start: int
    end: int
    voices: tuple[Voice, ...] = ()
    turn: int | None = None
    time: float | None = None
    group: str | None = None  # the first speaker's group, else the document's

    @property
    def speakers(self) -> list[str]:
        return [v.name for v in self.voices]


@dataclass(frozen=True)
class BlindView:
    """Blind coding, for one coder: co-authors' coding of a document stays hidden from them
    until they mark the document done. `done` None: blind coding is off, nothing is hidden."""

    coder: str
    done: frozenset[int] | None

    def blind_in(self, doc_id: int) -> bool:
        """Whether co-authors' coding of the document is hidden (it is not marked done)."""
        return self.done is not None and doc_id not in self.done

    def hides(self, coder: str, doc_id: int) -> bool:
        """Whether `coder`'s coding of the document is hidden from this view's coder."""
        return coder != self.coder and self.blind_in(doc_id)
