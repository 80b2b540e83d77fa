"""spaCy pipelines (blank sv/en with the lookup lemmatizer, zh with jieba) and what we keep of them.

Pipelines load lazily and once per process: the Swedish lemmatizer tables take seconds.
Nothing here downloads anything; the lookups come from the spacy-lookups-data package.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence


_ABBREVIATIONS_ENDING_SENTENCES = {"osv.", "etc.", "m.m.", "o.s.v.", "m.fl.", "o.d.", "e.d."}
_lock = threading.Lock()
_pipelines: dict[str, object] = {}


def pipeline(lang: str):
    """The shared pipeline for `lang` ('sv', 'en' or 'zh')."""
    with _lock:
        if lang not in _pipelines:
            _pipelines[lang] = _build(lang)
        return _pipelines[lang]


def _build(lang: str):
    import spacy
    from spacy.language import Language

    if "qualcode_sentence_fixes" not in Language.factories:
        Language.component("qualcode_sentence_fixes", func=_sentence_fixes)
    if lang == "zh":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer")
        return nlp
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("qualcode_sentence_fixes")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _sentence_fixes(doc):
    """Swedish/English boundaries the plain sentencizer gets wrong.

    - a full stop followed by a lower-case word or a number does not end a sentence
      ("resp. tre", "kl. 14.30" when the tokenizer splits "kl" and ".");
    - an abbreviation such as "osv." that ends a sentence does, before a capital.
    """
    for i in range(1, len(doc)):
        token, prev = doc[i], doc[i - 1]
        if token.is_sent_start and prev.text == "." and (token.is_lower or token.like_num):
            token.is_sent_start = False
        elif prev.lower_ in _ABBREVIATIONS_ENDING_SENTENCES and token.is_title and i + 1 < len(doc):
            token.is_sent_start = True
    return doc


def analyze(lang: str, pieces: Sequence[str], bases: Sequence[int], postings: dict[str, list[int]]
            ) -> Iterable[list[tuple[int, int]]]:
    """Yield each piece's sentences as document offsets (piece offset + base); add every
    word to `postings`: lemma -> flat [start, end, start, end, ...].

    Reads spaCy's arrays rather than Token objects: creating a Python object per token
    costs as much as the tokenizer itself."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, ORTH, SENT_START

    nlp = pipeline(lang)
    strings = nlp.vocab.strings
    table = None if lang == "zh" else nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    columns = [IDX, LENGTH, SENT_START, IS_PUNCT, IS_SPACE, LOWER, LEMMA, ORTH]
    words: dict[int, str] = {}  # hash -> lemma, memoised per call: words repeat a lot
    for base, doc in zip(bases, nlp.pipe(pieces, batch_size=256)):
        sentences: list[tuple[int, int]] = []
        sent_start = sent_end = None
        for idx, length, starts, punct, space, lower, lemma, orth in doc.to_array(columns).tolist():
            idx += base
            if starts == 1 and sent_start is not None:
                sentences.append((sent_start, sent_end))
                sent_start = None
            if space:
                continue
            if sent_start is None:
                sent_start = idx
            end = sent_end = idx + length
            if punct:
                continue
            key = lemma if table is not None and (lemma != orth or lower == orth) else lower
            word = words.get(key)
            if word is None:
                if table is None:
                    word = strings[lower]
                elif key == lower:
                    # lookups are case-sensitive: "Läkarna" is only found as "läkarna"
                    norm = strings[lower]
                    word = table.get(norm, norm).lower()
                else:
                    word = strings[lemma].lower()
                words[key] = word
            spans = postings.get(word)
            if spans is None:
                postings[word] = [idx, end]
            else:
                spans += (idx, end)
        if sent_start is not None:
            sentences.append((sent_start, sent_end))
        yield sentences
