"""From a file to a document ready to store: text, language, turns, sentences and tokens."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import QualcodeError
from ..model import Turn
from ..names import clean_name
from . import nlp
from .lang import LANGUAGES, detect_language
from .normalize import clean, is_cjk, normalize
from .readers import Cue, read_source
from .speakers import find_turns


@dataclass
class PreparedDocument:
    name: str
    source_name: str
    format: str
    encoding: str | None
    lang: str
    text: str
    raw_sha256: str
    turns: list[Turn]
    # (start, end, turn index or None), in order: plain tuples, cheap to send from a worker and to store
    sentences: list[tuple[int, int, int | None]] = field(default_factory=list)
    # what spaCy is given, (start, end, turn index or None, language): found where the file is
    # read, so a worker process only analyses
    pieces: list[tuple[int, int, int | None, str]] | None = None
    # the word index as one JSON object, lemma -> its spans as a flat array [start, end, ...],
    # the lemmas sorted (text/nlp.py: WordIndex.postings)
    lemmas: str = "{}"

    @cached_property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_document(path: Path, lang: str = "auto", speakers: str = "auto") -> PreparedDocument:
    """Read and normalise one file and find its turns (fast: no spaCy yet)."""
    if lang != "auto" and lang not in LANGUAGES:
        raise QualcodeError(f"unknown language '{lang}' (use {', '.join(LANGUAGES)} or auto)", lang)
    source = read_source(path)
    if source.cues is not None:
        text, turns = _from_cues(source.cues)
    else:
        text = normalize(source.text)
        turns = find_turns(text, speakers)
    if not text.strip():
        raise QualcodeError("empty file (no text after normalisation)", path)
    doc = PreparedDocument(
        name=clean_name(path.stem) or "document",  # a file name may hold control characters
        source_name=clean_name(path.name),
        format=source.format,
        encoding=source.encoding,
        lang=detect_language(text) if lang == "auto" else lang,
        text=text,
        raw_sha256=source.raw_sha256,
        turns=turns,
    )
    doc.pieces = pieces(doc)
    return doc


def prepare_text(name: str, text: str, *, lang: str = "auto", speakers: str = "auto",
                 source_name: str | None = None, format: str = "txt", raw_sha256: str | None = None,
                 reflow: bool = False) -> PreparedDocument:
    """A document from text that did not come from a file of ours (a REFI-QDA source, say).

    Only `clean()` is applied unless `reflow` is asked for, so offsets that another tool
    computed on this text stay meaningful (see `clean_offsets`)."""
    text = normalize(text) if reflow else clean(text)
    if not text.strip():
        raise QualcodeError("empty text", name)
    return PreparedDocument(
        name=name, source_name=source_name or name, format=format, encoding="utf-8",
        lang=detect_language(text) if lang == "auto" else lang, text=text,
        raw_sha256=raw_sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        turns=find_turns(text, speakers),
    )


def _from_cues(cues: list[Cue]) -> tuple[str, list[Turn]]:
    """Subtitle cues become one paragraph per turn: consecutive cues of a speaker are one turn."""
    merged: list[list] = []  # [speaker, [texts], start, end]
    for cue in cues:
        body = " ".join(clean(cue.text).split("\n"))
        if merged and merged[-1][0] == cue.speaker and cue.speaker is not None:
            merged[-1][1].append(body)
            merged[-1][3] = cue.end
        else:
            merged.append([cue.speaker and clean_name(clean(cue.speaker)), [body], cue.start, cue.end])
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for speaker, bodies, start, end in merged:
        speech = _join_cjk_aware(bodies)
        label = (f"{speaker}：" if any(map(is_cjk, speaker)) else f"{speaker}: ") if speaker else ""
        if speaker:
            turns.append(Turn(len(turns), offset + len(label), offset + len(label) + len(speech),
                              speaker, offset, start, end))
        parts.append(label + speech)
        offset += len(label) + len(speech) + 1
    return "\n".join(parts), turns


def _join_cjk_aware(pieces: list[str]) -> str:
    out = pieces[0].strip()
    for piece in pieces[1:]:
        piece = piece.strip()
        if not piece:
            continue
        sep = "" if out and (is_cjk(out[-1]) or is_cjk(piece[0])) else " "
        out += sep + piece
    return out


def regions(text: str, turns: list[Turn]) -> list[tuple[int, int, int | None]]:
    """Spans that sentences may not cross: each turn's speech, and text outside turns,
    each split at line breaks. Returns (start, end, turn index or None)."""
    spans: list[tuple[int, int, int | None]] = []
    cursor = 0
    for turn in turns:
        if turn.label_start > cursor:
            spans.append((cursor, turn.label_start, None))
        spans.append((turn.start, turn.end, turn.index))
        cursor = turn.end
    if cursor < len(text):
        spans.append((cursor, len(text), None))
    pieces = []
    for start, end, turn in spans:
        line_start = start
        for line in text[start:end].split("\n"):
            s = line_start + (len(line) - len(line.lstrip()))
            e = line_start + len(line.rstrip())
            if e > s:
                pieces.append((s, e, turn))
            line_start += len(line) + 1
    return pieces


def pieces(doc: PreparedDocument) -> list[tuple[int, int, int | None, str]]:
    """The document's `regions`, each with the language spaCy segments it in."""
    return [(s, e, turn, _piece_language(doc.lang, doc.text[s:e])) for s, e, turn in regions(doc.text, doc.turns)]


def analyze_document(doc: PreparedDocument) -> None:
    """Fill in sentences (never crossing a turn or a line break) and the word index."""
    import numpy as np

    spans = doc.pieces if doc.pieces is not None else pieces(doc)
    texts = [doc.text[s:e] for s, e, _, _ in spans]
    langs = [lang for _, _, _, lang in spans]
    index = nlp.WordIndex()
    found = []
    for lang in sorted(set(langs)):
        positions = [i for i, x in enumerate(langs) if x == lang]
        found.append(nlp.analyze(lang, [texts[i] for i in positions], [spans[i][0] for i in positions], index))
    starts = np.concatenate([f[0] for f in found]) if found else np.zeros(0, dtype=np.int64)
    ends = np.concatenate([f[1] for f in found]) if found else np.zeros(0, dtype=np.int64)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order].tolist(), ends[order].tolist()
    # each sentence lies in one piece: the last piece starting at or before it
    piece_of = np.searchsorted(np.array([s for s, _, _, _ in spans], dtype=np.int64), starts, side="right") - 1
    doc.sentences = list(zip(starts, ends, [spans[i][2] for i in piece_of.tolist()], strict=True))
    doc.lemmas = index.postings()


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


def _piece_language(doc_lang: str, piece: str) -> str:
    """Mixed transcripts: a Chinese line in a Swedish document is segmented as Chinese (at least
    three in ten of its characters, spaces not counted, are Han)."""
    if _HAN.search(piece) is not None:  # the runs between Han characters: few in a Chinese line
        han = len(piece) - sum(map(len, _NOT_HAN.findall(piece)))
        if han >= 0.3 * (len(piece) - piece.count(" ")):
            return "zh"
    return "en" if doc_lang == "zh" else doc_lang
