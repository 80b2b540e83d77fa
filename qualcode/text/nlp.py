"""spaCy pipelines (blank sv/en with the lookup lemmatizer, zh with jieba) and what we keep of them.

Pipelines load lazily and once per process: the Swedish lemmatizer tables take seconds.
Nothing here downloads anything; the lookups come from the spacy-lookups-data package.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

from ..model import Token

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


def analyze(lang: str, pieces: Sequence[str]) -> Iterable[tuple[list[tuple[int, int]], list[Token]]]:
    """For each piece of text: its sentences and word tokens, offsets relative to the piece."""
    nlp = pipeline(lang)
    table = None
    if lang != "zh":
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for doc in nlp.pipe(pieces, batch_size=256):
        sentences = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            if end > start:
                sentences.append((start, end))
        tokens = []
        for token in doc:
            if token.is_punct or token.is_space:
                continue
            norm = token.lower_
            if table is None:
                lemma = norm
            else:
                lemma = token.lemma_
                if lemma == token.text and token.text != norm:
                    # lookups are case-sensitive: "Läkarna" is only found as "läkarna"
                    lemma = table.get(norm, norm)
                lemma = lemma.lower()
            tokens.append(Token(token.idx, token.idx + len(token.text), norm, lemma))
        yield sentences, tokens
