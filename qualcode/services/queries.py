"""Project-wide queries: keyword in context, word frequencies, co-occurrence, matrices, autocoding plans.

The service reads what each query needs from the store (a few statements, whatever the number of
documents) and hands it to the pure functions of `qualcode.analysis`; faces call it through
`Project`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np

from ..analysis.attribution import Speech, TurnIndex
from ..analysis.autocode import AutocodePlan, plan_autocode
from ..analysis.cooccurrence import Cooccurrence, cooccurrence
from ..analysis.frequencies import WordTable, word_frequencies
from ..analysis.matrix import Matrix, crosstab
from ..analysis.selection import choose_coding
from ..errors import QualcodeError
from ..model import BlindView, DocRef, SpeechTurn
from ..text.kwic import (
    KwicResult,
    Query,
    decode,
    find_spans,
    has_han,
    outermost,
    parse_query,
    spans_from_flat,
    string_pattern,
    term_keys,
    term_kind,
)
from .common import not_found
from .participants import ParticipantService
from .redaction import RedactionService
from .settings import SettingsService

WordKey = Callable[[str, str], str]  # (language, word) -> the word index's key


def _default_word_key(lang: str, word: str) -> str:
    from ..text.nlp import word_key

    return word_key(lang, word)


class QueryService:
    def __init__(self, store, settings: SettingsService | None = None, redaction: RedactionService | None = None, *,
                 word_key: WordKey = _default_word_key) -> None:
        self.store = store
        self.settings = settings or SettingsService(store)
        self.redaction = redaction or RedactionService(store, ParticipantService(store))
        self._word_key = word_key
        self._keys: dict[tuple[str, str], str] = {}

    def word_key(self, lang: str, word: str) -> str:
        if (lang, word) not in self._keys:
            self._keys[(lang, word)] = self._word_key(lang, word)
        return self._keys[(lang, word)]

    # --- keyword in context -------------------------------------------------------------------

    def kwic(self, query: str | Query, *, match: str = "auto", docs: Collection[int] | None = None,
             langs: Collection[str] | None = None, groups: Collection[str] | None = None,
             speakers: Collection[str] | None = None, width: int = 40, fold: bool = False) -> KwicResult:
        """Every hit of `query` (see text.kwic for the language), in project order.

        `groups`: the speaker's group (their participant's `group` attribute, else the
        document's); `speakers`: a label, pseudonym or participant key. `fold`: Chinese in
        simplified and traditional characters alike (needs OpenCC)."""
        query = parse_query(query) if isinstance(query, str) else query
        if width < 0:
            raise QualcodeError("the context width cannot be negative", width)
        self.check_filters(groups, speakers)
        refs = [d for d in self.store.document_refs(docs) if langs is None or d.lang in langs]
        kinds = {t: term_kind(t, match) for t in query.terms}
        word_terms = [t for t, k in kinds.items() if k == "word"]
        string_terms = [t for t, k in kinds.items() if k == "string"]
        folder = spellings = None
        if fold and any(has_han(t) for t in query.terms):
            from ..text.fold import folded_pattern as folder
            from ..text.fold import spellings
        keys = {(t, lang): term_keys(t, lang, self.word_key, spellings) for t in word_terms
                for lang in {d.lang for d in refs}}
        chosen = None if docs is None and langs is None else [d.id for d in refs]
        postings = self.store.lemma_postings({k for ks in keys.values() for k in ks}, chosen) if word_terms else {}

        def word_flats(term: str, doc: DocRef) -> list[str]:
            return [postings[k][doc.id] for k in keys[(term, doc.lang)] if doc.id in postings.get(k, {})]

        located: list[tuple[DocRef, list[int]]] = []
        texts: dict[int, str] = {}
        patterns = {t: string_pattern(t, folder) for t in string_terms}
        one_term = len(query.alternatives) == 1 and len(query.alternatives[0]) == 1
        if one_term and word_terms:
            # one word: its postings are the hits, sorted already (merged when it has two keys)
            for doc in refs:
                flats = word_flats(word_terms[0], doc)
                if len(flats) > 1:
                    flats = [_flatten(outermost(x for flat in flats for x in spans_from_flat(flat)))]
                if flats:
                    located.append((doc, flats[0]))
        elif one_term:
            # one string: its matches are the hits, sorted and apart already
            texts = self._string_texts(string_terms, chosen, folder is not None)
            pattern = patterns[string_terms[0]]
            for doc in refs:
                if doc.id in texts:
                    flat = [x for m in pattern.finditer(texts[doc.id]) for x in m.span()]
                    if flat:
                        located.append((doc, flat))
        else:
            texts = self._string_texts(string_terms, chosen, folder is not None)
            with_words = [d.id for d in refs if d.id not in texts and any(word_flats(t, d) for t in word_terms)]
            texts.update(self.store.document_texts(with_words) if with_words else {})
            for doc in refs:
                if doc.id not in texts:
                    continue
                spans = {t: sorted(x for flat in word_flats(t, doc) for x in spans_from_flat(flat))
                         for t in word_terms}
                flat = _flatten(find_spans(query, match, texts[doc.id], spans, patterns))
                if flat:
                    located.append((doc, flat))
        if string_terms:
            located = self._outside_labels(located, [patterns[t] for t in string_terms])
        turns = None
        if groups is not None or speakers is not None:
            located, turns = self._filter_by_speaker(located, groups, speakers)
        result = KwicResult([(d.id, d.name, flat) for d, flat in located], self._load_documents, width,
                            texts=texts, turns=turns)
        result.title = f"Keyword in context: {query.text}"
        return result

    # --- what a query may name ----------------------------------------------------------------

    def document_ids(self, refs: Collection[str | int] | None) -> list[int] | None:
        """Documents by id or name (None: every document); an unknown one is an error naming the choices."""
        if refs is None:
            return None
        refs_by_name = self.store.document_refs()
        by_key = {str(d.id): d.id for d in refs_by_name} | {d.name: d.id for d in refs_by_name}
        for ref in refs:
            if str(ref) not in by_key:
                raise QualcodeError(f"no document '{ref}' (documents: {_choices([d.name for d in refs_by_name])})")
        return list(dict.fromkeys(by_key[str(ref)] for ref in refs))

    def groups(self) -> list[str]:
        """Every group a query may name: documents' groups and participants' `group` attribute."""
        found = {d.group for d in self.store.document_refs() if d.group}
        found |= {p.attributes["group"] for p in self.store.all_participants() if p.attributes.get("group")}
        return sorted(found)

    def speaker_names(self) -> list[str]:
        """Every name a speaker filter may use: labels, pseudonyms and participant keys."""
        names = {label for _, label, _ in self.store.speaker_rows()}
        names |= {n for p in self.store.all_participants() for n in (p.key, p.pseudonym) if n}
        return sorted(names)

    def attributes(self) -> list[str]:
        """The participant attributes a table may be broken down by."""
        return sorted({k for p in self.store.all_participants() for k in p.attributes})

    def check_filters(self, groups: Collection[str] | None = None, speakers: Collection[str] | None = None) -> None:
        """An unknown group or speaker is an error that names the choices (a typo finds nothing)."""
        if groups is not None:
            known = self.groups()
            for group in groups:
                if group not in known:
                    raise QualcodeError(f"no group '{group}' (groups: {_choices(known)})")
        if speakers is not None:
            known = self.speaker_names()
            folded = {n.casefold() for n in known}
            for speaker in speakers:
                if speaker.casefold() not in folded:
                    raise QualcodeError(f"no speaker '{speaker}' (speakers: {_choices(known)})")

    # --- coding: matrices, co-occurrence ------------------------------------------------------

    def coding(self, coders: Collection[str] | None = None, docs: Collection[int] | None = None,
               blind: BlindView | None = None) -> np.ndarray:
        """The segments a count reads: of `coders` (pooled), or by default the consensus where the
        co-authors made one (per document) and everyone's elsewhere. With `blind` (the workbench's
        view), only what it shows: co-authors' coding — the consensus's too — of documents its
        coder has not marked done is left out before anything is chosen."""
        ids = self.store.coder_ids()
        if coders is not None:
            unknown = [c for c in coders if c not in ids]
            if unknown:
                raise QualcodeError(f"no coder '{unknown[0]}' (coders: {', '.join(ids) or 'none yet'})", unknown[0])
            return _shown(self.store.span_array(coder_ids=[ids[c] for c in coders], doc_ids=docs), blind, ids)
        spans = _shown(self.store.span_array(doc_ids=docs), blind, ids)
        return choose_coding(spans, ids.get(self.settings.consensus_coder))

    def matrix_rows(self, rows: str = "codes") -> list[tuple[str, list[int]]]:
        """(label, code ids) of the codes, or of the themes with their codes, in codebook order."""
        lang = self.settings.display_language
        if rows == "codes":
            return [(c.label(lang), [c.id]) for c in self.store.codes() if c.codable]
        if rows == "themes":
            return [(t.label(lang), list(t.code_ids)) for t in self.store.themes()]
        raise QualcodeError(f"unknown rows '{rows}' (use codes or themes)", rows)

    def matrix(self, rows: str = "codes", cols: str = "group", *, cells: str = "segments",
               coders: Collection[str] | None = None, docs: Collection[int] | None = None,
               blind: BlindView | None = None) -> Matrix:
        """A crosstab (analysis.matrix); `Matrix.segments(row, col)` drills down."""
        matrix = crosstab(self.coding(coders, docs, blind), self.speech(docs), self.matrix_rows(rows), cols, cells)
        matrix.title = f"{rows.capitalize()} × {cols}: {cells}"
        return matrix

    def cooccurrence(self, unit: str = "overlap", *, coders: Collection[str] | None = None,
                     docs: Collection[int] | None = None, blind: BlindView | None = None) -> Cooccurrence:
        """Codes × codes (analysis.cooccurrence); codes as ids: `code_labels()` names them."""
        spans = self.coding(coders, docs, blind)
        units = None
        if unit == "sentence":
            units = self.store.sentence_rows(docs)
        elif unit == "turn":
            units = self.store.turn_rows(docs)[:, :3]
        return cooccurrence(spans, unit, units, [c.id for c in self.store.codes()])

    def unit_spans(self, unit: str, docs: Collection[int] | None = None) -> dict[int, list[tuple[int, int]]] | None:
        """Each document's sentences or turns (their speech) as sorted (start, end); None for other units."""
        if unit == "sentence":
            return self.store.sentence_spans(docs)
        if unit == "turn":
            units: dict[int, list[tuple[int, int]]] = {}
            for doc_id, start, end, _ in self.store.turn_rows(docs).tolist():
                units.setdefault(doc_id, []).append((start, end))
            return units
        return None

    def coder_names(self) -> dict[int, str]:
        return {i: name for name, i in self.store.coder_ids().items()}

    def code_labels(self) -> dict[int, str]:
        lang = self.settings.display_language
        return {c.id: c.label(lang) for c in self.store.codes()}

    def export(self, result: KwicResult | WordTable | Cooccurrence | Matrix, path: Path) -> Path:
        """A query's result as .csv, .xlsx or .docx (by suffix), written atomically: a matrix
        with its totals and its bars (Excel's own chart, a picture in Word). It goes out: the
        tables are redacted (the redaction list, participants' real names) before they are drawn."""
        from ..reports import queries_tables as tables

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in tables.FORMATS:
            raise QualcodeError(f"unsupported export '{suffix}' (use {', '.join(tables.FORMATS)})", path)
        if isinstance(result, Matrix):
            made = [tables.matrix_table(result, result.title or "Matrix",
                                        "Theme" if result.title.startswith("Themes") else "Code")]
        elif isinstance(result, WordTable):
            made = [tables.words_table(result, result.title or "Word frequencies")]
        elif isinstance(result, Cooccurrence):
            made = tables.cooccurrence_tables(result, self.code_labels(), f"Co-occurrence by {result.unit}")
        else:
            made = [tables.kwic_table(result, getattr(result, "title", "Keyword in context"))]
        return self.redaction.write(path, lambda redacted: tables.render(redacted, suffix), made,
                                    self.settings.display_language)

    # --- words --------------------------------------------------------------------------------

    def speech(self, docs: Collection[int] | None = None, langs: Collection[str] | None = None) -> Speech:
        refs = [d for d in self.store.document_refs(docs) if langs is None or d.lang in langs]
        chosen = None if docs is None and langs is None else [d.id for d in refs]
        return Speech(refs, self.store.turn_rows(chosen), self.store.speaker_rows(), self.store.all_participants())

    def stop_test(self, langs: Collection[str]) -> Callable[[str], bool]:
        """Whether a word is a stop word: on spaCy's Swedish, Chinese or English list or the
        project's own (setting `stop_words`, a JSON list) — as written or by its lemma in one of
        `langs` (the lookup lemmatizer stores "är" as "vara", "har" as "hare")."""
        import json

        from ..text.stopwords import all_stop_words

        listed = set(all_stop_words()) | {w.lower() for w in json.loads(self.store.setting("stop_words") or "[]")}
        latin = [lang for lang in langs if lang != "zh"]
        lemmas = listed | {self.word_key(lang, w) for lang in latin for w in listed if not has_han(w)}

        def is_stop(word: str) -> bool:
            return word in lemmas or (not has_han(word) and any(self.word_key(lang, word) in lemmas for lang in latin))

        return is_stop

    def words(self, *, by: str | None = None, lemma: bool = True, langs: Collection[str] | None = None,
              docs: Collection[int] | None = None, top: int | None = None, keyness: str | None = None,
              stop: bool = True) -> WordTable:
        """Word frequencies (analysis.frequencies) of participants' speech."""
        from ..text.stopwords import like_num

        speech = self.speech(docs, langs)
        chosen = None if docs is None and langs is None else [d.id for d in speech.docs]
        texts = None if lemma else self.store.document_texts(chosen)
        is_stop = self.stop_test({d.lang for d in speech.docs}) if stop else (lambda w: False)
        table = word_frequencies(self.store.lemma_rows(chosen), speech, by=by, lemma=lemma, texts=texts,
                                 is_stop=is_stop, is_number=like_num, top=top, keyness=keyness)
        table.title = "Word frequencies" + ("" if lemma else " (written forms)") + (f" by {by}" if by else "") \
            + (f", keyness of {keyness}" if keyness is not None else "")
        return table

    # --- autocoding ---------------------------------------------------------------------------

    def speaker_turns(self, speaker: str, docs: Collection[int] | None = None) -> list[tuple[int, int, int]]:
        """(document id, start, end) of the speech of every turn of a speaker (a label, pseudonym
        or participant key; any letter case)."""
        self.check_filters(speakers=[speaker])
        wanted = speaker.casefold()
        found = [(t.doc_id, t.start, t.end) for turns in self.store.speech_turns(docs).values() for t in turns
                 if wanted in {n.casefold() for n in (t.label, t.pseudonym, t.participant) if n}]
        if not found:
            raise QualcodeError("no turns of this speaker", speaker)
        return found

    def plan_autocode(self, code: int | str, coder: str, *, query: str | None = None, speaker: str | None = None,
                      unit: str = "hit", match: str = "auto", docs: Collection[int] | None = None,
                      fold: bool = False, groups: Collection[str] | None = None) -> AutocodePlan:
        """What coding every hit of `query` (or every turn of `speaker`) with a code (id, name or
        label) as `unit` would add for `coder` (analysis.autocode); `groups` narrows the hits as
        in `kwic`. Nothing is written: `project.coding.apply_autocode(plan)` writes it."""
        if (query is None) == (speaker is None):
            raise QualcodeError("autocode takes a query or a speaker (one of them)", query or speaker or "")
        found = self.store.find_code(str(code))
        if found is None:
            raise not_found("unknown code", code, [c.name for c in self.store.codes()])
        hits = self.kwic(query, match=match, docs=docs, fold=fold, groups=groups).spans() if query is not None \
            else self.speaker_turns(speaker, docs)
        units = self.unit_spans(unit, docs)
        coder_id = self.store.coder_ids().get(coder)
        existing = [] if coder_id is None else \
            self.store.span_array(coder_ids=[coder_id], code_ids=[found.id], doc_ids=docs)[:, [1, 4, 5]].tolist()
        plan = plan_autocode(hits, unit, units, existing)
        plan.code_id, plan.coder = found.id, coder
        plan.about = {"query": query} if query is not None else {"speaker": speaker}
        plan.about["unit"] = unit
        if groups is not None:
            plan.about["groups"] = sorted(groups)
        return plan

    def _outside_labels(self, located, patterns) -> list[tuple[DocRef, list[int]]]:
        """Hits without those in speaker labels ("护士A：" holds 护士 but is no speech): only the
        documents whose labels hold a search string are looked at."""
        suspects = {doc_id for doc_id, label in self.store.speaker_labels() if any(p.search(label) for p in patterns)}
        suspects &= {d.id for d, _ in located}
        if not suspects:
            return located
        labels = self.store.label_spans(suspects)
        kept = []
        for doc, flat in located:
            if doc.id in suspects:
                lo, hi = np.searchsorted(labels[:, 0], [doc.id, doc.id + 1])
                mine = labels[lo:hi]
                hits = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
                before = np.searchsorted(mine[:, 1], hits[:, 1], side="left") - 1  # the last label starting before
                inside = (before >= 0) & (mine[np.maximum(before, 0), 2] > hits[:, 0])
                flat = hits[~inside].reshape(-1).tolist()
            if flat:
                kept.append((doc, flat))
        return kept

    def _string_texts(self, terms: Sequence[str], doc_ids: Collection[int] | None, folding: bool) -> dict[int, str]:
        """Texts that may hold a string term: found by instr() when letter case and folding cannot
        matter (Chinese, digits), else every text of the selection."""
        if all(t.lower() == t.upper() for t in terms) and not folding:
            return self.store.texts_containing(terms, doc_ids)
        return self.store.document_texts(doc_ids)

    def _load_documents(self, doc_ids: list[int]):
        return self.store.document_texts(doc_ids), self.store.speech_turns(doc_ids)

    def _filter_by_speaker(self, located, groups, speakers):
        turns = self.store.speech_turns([d.id for d, _ in located])
        people = {p.key: p for p in self.store.all_participants()}
        wanted_groups = set(groups) if groups is not None else None
        wanted_speakers = {s.casefold() for s in speakers} if speakers is not None else None

        def keep(doc: DocRef, turn: SpeechTurn | None) -> bool:
            person = people.get(turn.participant) if turn and turn.participant else None
            if wanted_groups is not None:
                group = (person.attributes.get("group") if person else None) or doc.group
                if group not in wanted_groups:
                    return False
            if wanted_speakers is not None:
                names = {turn.label, turn.pseudonym, turn.participant} if turn else set()
                if not {n.casefold() for n in names if n} & wanted_speakers:
                    return False
            return True

        kept = []
        for doc, flat in located:
            flat = decode(flat)
            index = TurnIndex(turns.get(doc.id, []))
            mine = [x for k in range(0, len(flat), 2) if keep(doc, index.at(flat[k])) for x in flat[k:k + 2]]
            if mine:
                kept.append((doc, mine))
        return kept, turns


def _shown(spans: np.ndarray, blind: BlindView | None, coder_ids: dict[str, int]) -> np.ndarray:
    """The rows of a span array that a blind view shows: its coder's, and everyone's in the
    documents it has marked done."""
    if blind is None or blind.done is None:
        return spans
    mine = spans[:, 3] == coder_ids.get(blind.coder, -1)
    return spans[mine | np.isin(spans[:, 1], list(blind.done))]


def _choices(names: Sequence[str], most: int = 12) -> str:
    """Names for an error message: all of them, or the first `most` and how many more."""
    if not names:
        return "none"
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, … {len(names) - most} more"


def _flatten(spans) -> list[int]:
    return [x for span in spans for x in span]
